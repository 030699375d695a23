#!/bin/bash
# Process hygiene.  Nothing of the sandbox outlives entrun: not when entrun is
# SIGKILLed (daemonized descendants included, with a private or the host's
# PID namespace), not when it is SIGKILLed at any moment of its start-up
# (the fork-to-PR_SET_PDEATHSIG windows, also widened with strace); pid 1
# reaps orphaned zombies; asked to stop (SIGTERM, SIGHUP), entrun kills a
# sandbox that outlives --stop-timeout and exits 137, while SIGINT starts no
# timer; the caller's terminal modes and descriptor flags are as before once
# an interactive shell inside exits.  exit-signals.sh has the simpler cases
# (signals forwarded, a payload and its child killed with entrun).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# ---- helpers ------------------------------------------------------------------

# The processes whose command line holds marker $1, but for pids $2...: one
# "PID ARGS" line each.  Every process of a sandbox has the marker in its
# command line: the payload in its own, pid 1 and a payload not exec'd yet
# in entrun's, which they were forked from.
marked() {
	local m=$1 pid args out=''
	shift
	for pid in $(pgrep -f -- "$m"); do
		[[ " $* " == *" $pid "* ]] && continue
		# Gone since, or a zombie: not running.
		args=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
		[ -n "$args" ] || continue
		out+="$pid $args"$'\n'
	done
	printf '%s' "$out"
}

# none_left DESC MARKER TENTHS [EXCLUDED-PID...]: within TENTHS tenths of a
# second no process with MARKER is left; the ones that are get listed and
# killed.
none_left() {
	local desc=$1 m=$2 n=$3 i left
	shift 3
	for ((i = 0; i <= n; i++)); do
		left=$(marked "$m" "$@")
		[ -z "$left" ] && break
		sleep 0.1
	done
	if [ -z "$left" ]; then
		ok "$desc"
		return
	fi
	not_ok "$desc" "still running after $n/10 s:" "$left"
	# shellcheck disable=SC2046 # one pid a word
	kill -KILL $(cut -d' ' -f1 <<<"$left") 2>/dev/null
}

# Seconds since $1 (an $EPOCHREALTIME), to the millisecond.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }

# Microseconds since $1.
us_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1e6 }'; }

# in_range X LO HI: LO <= X <= HI (decimals).
in_range() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

# ---- SIGKILL to entrun: daemonized descendants --------------------------------

# kill_daemons DESC WHOM ENTRUN-OPTIONS...: the payload daemonizes a child
# (setsid and a double fork, so it is nobody's child in the sandbox but pid
# 1's) that keeps forking, and waits in the foreground; after SIGKILL to
# entrun (WHOM "entrun"), or to entrun and every process named entrun under
# it at once (any other WHOM: `pkill -9 -x entrun`, kept to this sandbox),
# none of them is left after 1 s.
kill_daemons() {
	local desc="SIGKILL to $2 kills $1 within 1 s" whom=$2 m st e
	shift 2
	m=$(unique_marker)
	# shellcheck disable=SC2016 # expanded by the inner sh
	python3 -c "$SUBREAPER_RUN" "$ENTRUN" $(tmp_grant) "$@" -- sh -c \
		'(setsid sh -c "while :; do sleep 1000.2$1 & sleep 0.05; done" </dev/null >/dev/null 2>&1 &)
		sleep 1000.1$1' _ "$m" </dev/null >/dev/null 2>&1 &
	st=$!
	track_bg "$st"
	if ! retry 50 pgrep -f "^sleep 1000\.2$m\$" || ! retry 50 pgrep -f "^sleep 1000\.1$m\$"; then
		not_ok "$desc" "the payload never started" "$(marked "$m" "$st")"
		return
	fi
	e=$(pgrep -x -P "$st" entrun)
	if [ "$whom" != entrun ]; then
		# shellcheck disable=SC2046 # one pid a word
		kill -KILL "$e" $(pgrep -x -P "$e" entrun)
	else
		kill -KILL "$e"
	fi
	none_left "$desc" "$m" 10 "$st"
	wait_bounded "$st" 4
}

# ---- the payload against pid 1, the user against every entrun -------------------

# pid1_attacked DESC ENTRUN-OPTIONS...: the payload daemonizes a child,
# then SIGKILLs and SIGSTOPs pid 1 (its parent) and exits 3.  pid 1 ignores
# both; entrun exits 3 and within 1 s nothing of the sandbox is left.
pid1_attacked() {
	local desc="the payload kills pid 1: $1" m
	shift
	m=$(unique_marker)
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx "$@" -- sh -c '(setsid sh -c "sleep 1000.2$1" </dev/null >/dev/null 2>&1 &)
		retry=0; while ! pgrep -f "^sleep 1000\.2$1\$" >/dev/null && [ $retry -lt 50 ]; do
			sleep 0.1; retry=$((retry + 1)); done
		kill -KILL $PPID; kill -STOP $PPID; sleep 0.3; exit 3' _ "$m"
	is 3 "$RC" "$desc: pid 1 ignores it, entrun exits with the payload's 3"
	none_left "$desc: nothing of the sandbox is left 1 s later" "$m" 10
}

# ---- SIGKILL to entrun during its start-up --------------------------------------

# Orphans of a killed entrun (its pid 1, for the moment it takes to die)
# would go to the host's init, which may reap them lazily, and tests running
# in parallel take an entrun process whose parent is init for one they
# leaked.  So whoever kills entrun here is a child subreaper and reaps them.
SUBREAPER_PY='
import ctypes, os
def subreaper():
    if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
def reap(seconds):
    end = time.monotonic() + seconds
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                if time.monotonic() > end:
                    return
                time.sleep(0.01)
        except ChildProcessError:
            return
'

# `python3 -c "$SUBREAPER_RUN" CMD...`: run CMD as a child subreaper, reap
# for at most 2 s once it is done, exit 0.  (Not an exec: strace kills itself
# with its tracee's signal, SIGKILL here, and bash would report that.)
SUBREAPER_RUN="import subprocess, sys, time$SUBREAPER_PY"'
subreaper()
subprocess.call(sys.argv[1:])
reap(2)
'

# The race driver: RUNS entrun starts, each SIGKILLed after a delay spread
# evenly over 0..SPREAD_US microseconds; the payload is `sleep 1000.MARKER`
# (the marker comes in the environment, so that it is not in our own
# command line).  Prints how many runs ended how.
RACE_PY="import collections, subprocess, sys, time$SUBREAPER_PY"'
subreaper()
entrun, runs, spread = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
opts = sys.argv[4:]
cmd = [entrun] + opts + ["--", "sleep", "1000." + os.environ["HYG_MARKER"]]
ends = collections.Counter()
for i in range(runs):
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    delay = spread * i / runs / 1e6
    end = time.monotonic() + delay
    while time.monotonic() < end:  # busy: sleep() is too coarse at 10 us
        pass
    p.kill()
    ends[p.wait()] += 1
    reap(0)
reap(2)  # what is still running after that is a leak: init inherits it
print(" ".join("%s:%d" % kv for kv in sorted(ends.items())))
'

# The median wall time of `entrun OPTIONS -- true`, in microseconds.
startup_us() {
	local i s
	for ((i = 0; i < 5; i++)); do
		s=$EPOCHREALTIME
		"$ENTRUN" $(tmp_grant) "$@" -- true </dev/null >/dev/null 2>&1
		us_since "$s"
		echo
	done | sort -n | sed -n 3p
}

# kill_during_startup DESC ENTRUN-OPTIONS...
kill_during_startup() {
	local desc=$1 m up spread runs=${HYGIENE_RACE_RUNS:-150}
	shift
	m=$(unique_marker)
	up=$(startup_us "$@")
	# Twice the start-up time, so that the kills cover all of it.
	spread=$((2 * ${up:-5000}))
	((spread < 4000)) && spread=4000
	run env HYG_MARKER="$m" timeout -k 2 120 python3 -c "$RACE_PY" "$ENTRUN" "$runs" "$spread" $(tmp_grant) "$@"
	if [ "$RC" -ne 0 ]; then
		not_ok "$desc: the $runs runs" "the driver failed"
		return
	fi
	diag "$runs runs killed after 0..$spread us (start-up ~${up} us); exit statuses: $OUT"
	none_left "$desc: $runs runs killed at 0..$((spread / 1000)) ms, nothing left after 1 s" "$m" 10
}

# The syscall entrun blocks in when it supervises (wchan varies by kernel;
# the syscall number by architecture: poll 7 and ppoll 271 on x86_64, ppoll
# 73 on arm64).
in_poll() {
	local wchan nr
	wchan=$(cat "/proc/$1/wchan" 2>/dev/null)
	read -r nr _ 2>/dev/null <"/proc/$1/syscall"
	[[ $wchan == *poll* ]] || [[ " 7 271 73 " == *" $nr "* ]]
}

# strace_window DESC WHERE ENTRUN-OPTIONS...: strace delays the first
# prctl() of each process by 0.4 s: pid 1's PR_SET_PDEATHSIG (or
# PR_SET_CHILD_SUBREAPER before it) and the payload's PR_SET_PDEATHSIG.
# WHERE=pid1: SIGKILL entrun once it supervises (it wrote the maps and the
# "go" byte) while pid 1 still waits in that prctl; WHERE=payload: once the
# payload exists, which then waits in its prctl.  Nothing may be left 2 s
# later (the delay included).
strace_window() {
	local desc="SIGKILL to entrun between fork and PR_SET_PDEATHSIG ($1)" where=$2 m st ep p1 i tracer
	shift 2
	m=$(unique_marker)
	env "$NO_LSAN" python3 -c "$SUBREAPER_RUN" \
		strace -f -qq -o /dev/null -e trace=prctl -e inject=prctl:delay_enter=400000:when=1 \
		"$ENTRUN" $(tmp_grant) "$@" -- sleep "1000.$m" </dev/null >/dev/null 2>&1 &
	st=$!
	track_bg "$st"
	ep='' p1=''
	for ((i = 0; i < 100; i++)); do
		tracer=${tracer:-$(pgrep -x -P "$st" strace)}
		[ -n "$tracer" ] && ep=${ep:-$(pgrep -x -P "$tracer" entrun)}
		[ -n "$ep" ] && p1=${p1:-$(pgrep -P "$ep")}
		if [ -n "$p1" ]; then
			if [ "$where" = pid1 ] && in_poll "$ep"; then break; fi
			if [ "$where" = payload ] && [ -n "$(pgrep -P "$p1")" ]; then break; fi
		fi
		sleep 0.05
	done
	if ((i == 100)); then
		not_ok "$desc" "never reached the window (entrun '$ep', pid 1 '$p1')" "$(marked "$m" "$st")"
		kill -KILL "$st" 2>/dev/null
		return
	fi
	kill -KILL "$ep"
	none_left "$desc" "$m" 20 "$st" "$tracer"
	wait_bounded "$st" 4
}

# ---- zombies ------------------------------------------------------------------------

# Inside: leave 20 zombies (the probe forks them and exits without waiting)
# and count, while the payload still runs, the zombie children of the probe
# (the control: they exist) and, once the probe is gone and they are
# orphans, pid 1's zombie children.  Every pid here is read from /proc, not
# taken from $! or $PPID: under host.processes.view /proc is the host's, and
# its numbers are not the sandbox's own.
# shellcheck disable=SC2016 # expanded by the inner sh
ZOMBIES_SH='
zombies_of() {
	z=0
	for s in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$s" || continue
		set -- ${line##*) }
		if [ "$1" = Z ] && [ "$2" = "$parent" ]; then z=$((z + 1)); fi
	done
	echo "$z"
}
read -r line </proc/self/stat
me=${line%% *}
set -- "$1" ${line##*) }
pid1=$3
"$1" fork-zombies 20 >/dev/null &
# Until all 20 are zombies of the probe (it holds them for 1 s), at
# most 0.9 s: a loaded machine may take a while to fork them.
i=0 before=0
while [ $i -lt 18 ] && [ "$before" -lt 20 ]; do
	sleep 0.05
	parent=
	for s in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$s" || continue
		case $line in *" (probe) "*) set -- ${line##*) }; [ "$2" = "$me" ] && parent=${line%% *} ;; esac
	done
	before=$(zombies_of)
	i=$((i + 1))
done
wait
sleep 0.3
parent=$pid1; after=$(zombies_of)
echo "$before $after"'

# ---- --stop-timeout -------------------------------------------------------------------

# stop_run SIG STOP-TIMEOUT TRAPS [ENTRUN-OPTIONS...]: start a payload whose
# shell runs TRAPS, wait until it is ready, send SIG to entrun; sets RC and
# ELAPSED (seconds from the signal to entrun's exit), MARK (the payload's
# marker) and ERR.
stop_run() {
	local sig=$1 secs=$2 traps=$3 ready s
	shift 3
	MARK=$(unique_marker)
	ready=$TEST_TMP/ready.$MARK
	# shellcheck disable=SC2016 # expanded by the inner sh
	if ! start_ready "$ready" --stop-timeout "$secs" "$@" -- sh -c \
		"$traps"'; : >"$1"; sleep "1000.$2" & wait; wait' _ "$ready" "$MARK"; then
		RC=-1 ELAPSED=0 ERR="the payload never started"
		return
	fi
	s=$EPOCHREALTIME
	kill -s "$sig" "$BG_PID"
	wait_bounded "$BG_PID" 8
	RC=$?
	ELAPSED=$(since "$s")
	ERR=$(cat "$TEST_TMP/bg.err")
	RUN_DIAG=("exit status: $RC, ${ELAPSED} s after SIG$sig" "stderr: $ERR")
}

stop_checks() {
	local o
	for o in "" host.processes.view; do
		stop_run TERM 1 'trap "" TERM' ${o:+--ent "$o"}
		is 137 "$RC" "SIGTERM, payload ignores it: SIGKILL after --stop-timeout 1, exit 137${o:+ ($o)}"
		if in_range "$ELAPSED" 0.9 3; then ok "... about 1 s after SIGTERM (${ELAPSED} s)"; else
			not_ok "... about 1 s after SIGTERM" "took ${ELAPSED} s"
		fi
		like "$ERR" '^entrun: SIGTERM: the sandbox still ran 1 s later \(--stop-timeout\) and was killed$' \
			"... and entrun says why, in one line"
		none_left "... and nothing of the sandbox is left" "$MARK" 10
	done
	stop_run TERM 5 'trap "sleep 0.3; exit 7" TERM'
	is 7 "$RC" "SIGTERM, payload handles it and exits 7 in time: entrun exits 7"
	if in_range "$ELAPSED" 0.2 3; then ok "... without waiting for --stop-timeout (${ELAPSED} s)"; else
		not_ok "... without waiting for --stop-timeout" "took ${ELAPSED} s"
	fi
	is "" "$ERR" "... and entrun says nothing"
	stop_run HUP 1 'trap "" HUP TERM'
	is 137 "$RC" "SIGHUP is a stop request too: killed after --stop-timeout 1, exit 137"
	# shellcheck disable=SC2016 # expanded by the inner sh
	stop_run TERM 0 'trap ": >\"$1.trap\"; exit 7" TERM'
	is 137 "$RC" "--stop-timeout 0: SIGTERM kills at once, exit 137"
	if in_range "$ELAPSED" 0 0.9; then ok "... at once (${ELAPSED} s)"; else
		not_ok "... at once" "took ${ELAPSED} s"
	fi
	absent "$TEST_TMP/ready.$MARK.trap" "... without forwarding SIGTERM to the payload"
	sigint_check
}

# ^C must not start the kill timer: SIGINT is only forwarded.
sigint_check() {
	local desc="SIGINT starts no timer: an interactive-like payload ignoring it still runs 2 s later"
	local ready pid m s state
	m=$(unique_marker)
	ready=$TEST_TMP/ready.$m
	# shellcheck disable=SC2016 # expanded by the inner sh
	if ! start_ready "$ready" --stop-timeout 1 -- sh -c \
		'trap "" INT TERM; : >"$1"; sleep "1000.$2" & wait; wait' _ "$ready" "$m"; then
		not_ok "$desc" "the payload never started"
		return
	fi
	pid=$BG_PID
	kill -INT "$pid"
	sleep 2
	state=$(proc_state "$pid")
	if [ -n "$state" ] && [ "$state" != Z ] && [ -n "$(marked "$m" "$pid")" ]; then ok "$desc"; else
		not_ok "$desc" "entrun's state: '$state'"
	fi
	s=$EPOCHREALTIME
	kill -TERM "$pid"
	wait_bounded "$pid" 8
	is 137 "$?" "... and SIGTERM then kills it after --stop-timeout 1 ($(since "$s") s)"
}

# ---- the caller's terminal ------------------------------------------------------------

# The pty driver: runs `sh -c SCRIPT` as the session leader of a new pty
# (which is its controlling terminal), types INPUT once "PROMPT> " shows,
# and saves everything the pty printed in OUTFILE.  Bounded: 15 s.
PTY_PY='
import os, pty, select, sys, time
script, typed, out = sys.argv[1], sys.argv[2], sys.argv[3]
pid, fd = pty.fork()
if pid == 0:
    os.execv("/bin/sh", ["sh", "-c", script])
buf, sent, deadline = b"", False, time.monotonic() + 15
while time.monotonic() < deadline:
    if not select.select([fd], [], [], 0.1)[0]:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:  # EIO: the last holder of the pty closed it
        break
    if not data:
        break
    buf += data
    if not sent and b"PROMPT> " in buf:
        os.write(fd, typed.encode())
        sent = True
else:
    os.kill(pid, 9)
os.waitpid(pid, 0)
open(out, "wb").write(buf)
'

# On the pty: the terminal state (modes, foreground process group, the
# status flags of our fds 0-2, which share their open file descriptions
# with entrun and the sandbox) before and after entrun runs an interactive
# shell, and entrun's exit status.
# shellcheck disable=SC2016 # expanded by the inner sh
PTY_OUTER='
state() {
	stty -a
	echo "foreground pgrp: $(ps -o tpgid= -p $$)"
	for f in 0 1 2; do echo "fd $f flags: $(sed -n "s/^flags:[[:space:]]*//p" /proc/$$/fdinfo/$f)"; done
}
state >"$T/before"
"$ENTRUN" --env "PS1=PROMPT> " -- sh -i
echo "entrun exit status: $?"
state >"$T/after"'

# tty_check DESC STATUS INPUT: the shell inside gets INPUT, which leaves the
# terminal raw, without echo and O_NONBLOCK, and prints the proof on a
# line starting "inside:"; entrun exits STATUS and the state is as before.
tty_check() {
	local desc=$1 status=$2 typed=$3 t=$TEST_TMP/tty
	mkdir -p "$t"
	rm -f "$t/before" "$t/after"
	run env T="$t" timeout -k 2 30 python3 -c "$PTY_PY" "$PTY_OUTER" "$typed" "$t/out"
	OUT=$(tr -d '\r' <"$t/out" 2>/dev/null)
	RUN_DIAG+=("pty output: $OUT")
	like "$OUT" $'(^|\n)inside: +-echo +flags:[[:space:]]*[0-7]*[4-7][0-7]{3}($|\n)' \
		"$desc: control: inside, the terminal lost its echo and fd 0 is O_NONBLOCK"
	like "$OUT" "entrun exit status: $status"\$ "$desc: entrun exits $status"
	if [ -s "$t/before" ] && cmp -s "$t/before" "$t/after"; then
		ok "$desc: terminal modes, foreground process group and fd flags are as before"
	else
		not_ok "$desc: terminal modes, foreground process group and fd flags are as before" \
			"$(diff "$t/before" "$t/after" 2>&1)"
	fi
}

# shellcheck disable=SC2016 # typed into the shell inside
TTY_CHANGE='stty raw -echo; python3 -c "import os; os.set_blocking(0, False)"; echo "inside: $(stty -a | grep -o -- " -echo ") $(grep flags /proc/self/fdinfo/0)"'

tty_checks() {
	have_tools "terminal restoration checks" python3 stty ps || return
	tty_check "sh -i exits 3" 3 "$TTY_CHANGE; exit 3"$'\n'
	tty_check "sh -i killed by SIGKILL" 137 "$TTY_CHANGE; kill -KILL \$\$"$'\n'
}

# ---- all ----------------------------------------------------------------------

checks() {
	local o
	kill_daemons "a daemonized descendant that keeps forking" entrun
	kill_daemons "a daemonized descendant that keeps forking (host.processes.view)" entrun \
		--ent host.processes.view
	for o in "" host.processes.view host.processes.admin; do
		pid1_attacked "security.admin${o:+, $o}" --ent security.admin ${o:+--ent "$o"}
		kill_daemons "a daemonized descendant (security.admin${o:+, $o})" "entrun and its pid 1" \
			--ent security.admin ${o:+--ent "$o"}
	done
	if tun_ok; then pid1_attacked "network.user" --ent network.user; else
		skip_or_fail "no /dev/net/tun" "the payload kills pid 1: network.user"
	fi

	if have_tools "start-up race checks" python3; then
		kill_during_startup "SIGKILL during start-up"
		kill_during_startup "SIGKILL during start-up (host.processes.view)" --ent host.processes.view
	fi
	if have_tools "strace-widened race checks" strace; then
		for o in "" host.processes.view; do
			strace_window "pid 1${o:+, $o}" pid1 ${o:+--ent "$o"}
			strace_window "payload${o:+, $o}" payload ${o:+--ent "$o"}
		done
	fi

	for o in "" host.processes.view; do
		sbx ${o:+--ent "$o"} -- sh -c "$ZOMBIES_SH" _ "$PROBE"
		is "20 0" "$OUT" "20 orphaned zombies exist, then pid 1 has reaped them while the payload runs${o:+ ($o)}"
	done

	stop_checks
	tty_checks
}

tap_main checks
