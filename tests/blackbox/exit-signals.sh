#!/bin/bash
# Invariant 4, the exit status is the payload's: N, 128+signal, 125 for an
# entrun error, 126 not executable, 127 not found.  Signals sent to entrun
# reach the payload; SIGKILL to entrun kills the payload; pid 1 reaps.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

status_checks() {
	local noexec=$TEST_TMP/not-executable
	printf '#!/bin/sh\necho ran\n' >"$noexec"
	chmod 644 "$noexec"
	expect_rc 0 "exit 0 gives 0" -- "$PROBE" exit 0
	expect_rc 3 "exit 3 gives 3" -- "$PROBE" exit 3
	expect_rc 255 "exit 255 gives 255" -- "$PROBE" exit 255
	expect_rc 137 "death by SIGKILL gives 137" -- "$PROBE" signal 9
	expect_rc 143 "death by SIGTERM gives 143" -- "$PROBE" signal 15
	expect_rc 129 "death by SIGHUP gives 129" -- "$PROBE" signal 1
	expect_rc 125 "a bad --ent gives 125" --ent bogus.thing -- true
	expect_rc 126 "a file that is not executable gives 126" -- "$noexec"
	expect_rc 126 "a directory as the command gives 126" -- /
	expect_rc 127 "a missing command path gives 127" -- "$TEST_TMP/no-such-command"
	expect_rc 127 "a command not found in PATH gives 127" -- "no-such-command-$$"
	ln -s "$TEST_TMP/nowhere" "$TEST_TMP/dangling"
	expect_rc 127 "a dangling symlink as the command gives 127" -- "$TEST_TMP/dangling"
	expect_rc 5 "entrun returns when the payload exits, though it left a child" \
		-- sh -c 'sleep 100 & exit 5'
}

# forward SIG [ENTRUN-OPTIONS...]: the signal sent to entrun makes the
# payload's trap exit 42.
forward() {
	local sig=$1 ready=$TEST_TMP/ready.$1$# rc desc="SIG$1 to entrun reaches the payload"
	shift
	[ $# -gt 0 ] && desc="$desc ($*)"
	# shellcheck disable=SC2016 # expanded by the inner sh
	if ! start_ready "$ready" "$@" -- sh -c \
		'trap "kill \$! 2>/dev/null; exit 42" TERM INT HUP QUIT; : >"$1"; sleep 100 & wait' \
		_ "$ready"; then
		not_ok "$desc" "the payload never started"
		return
	fi
	kill -s "$sig" "$BG_PID"
	wait_bounded "$BG_PID" 5
	rc=$?
	is 42 "$rc" "$desc: its trap exits 42"
}

# forward_group SIG: the signal sent to entrun (no terminal) reaches a
# grandchild of the payload too, as a terminal's ^C reaches a whole job:
# the payload (a shell with a trap) waits for its foreground child, whose
# trap leaves a marker and exits.
forward_group() {
	local sig=$1 ready=$TEST_TMP/gready.$1 marker=$TEST_TMP/gmarker.$1 rc
	local script=$TEST_TMP/grandchild.sh
	# shellcheck disable=SC2016 # expanded by the inner sh
	printf '%s\n' 'trap '"'"'echo got >"$1"; exit 0'"'"' TERM INT HUP QUIT' ': >"$2"' \
		'sleep 100 & wait' >"$script"
	# shellcheck disable=SC2016 # expanded by the inner sh
	if ! start_ready "$ready" -- sh -c \
		'trap : TERM INT HUP QUIT; sh "$0" "$1" "$2"; exit 42' "$script" "$marker" "$ready"; then
		not_ok "SIG$sig to entrun reaches a grandchild" "the payload never started"
		return
	fi
	kill -s "$sig" "$BG_PID"
	wait_bounded "$BG_PID" 5
	rc=$?
	is "42|got" "$rc|$(cat "$marker" 2>/dev/null)" \
		"SIG$sig to entrun reaches the payload's foreground child too"
}

# running_twice PATTERN: two processes match PATTERN.
running_twice() { [ "$(pgrep -c -f "$1")" -ge 2 ]; }

# At a real terminal (tmux), ^C ends a whole build at once: make and both
# of its running recipes, exit 130, nothing left.
ctrl_c_checks() {
	local sock=$TEST_TMP/tmux.sock dir=$TEST_TMP/mk m t0 i rc=''
	if ! have_tools "^C at a terminal ends make -j2 and its recipes" tmux make; then return; fi
	m=$(unique_marker)
	mkdir -p "$dir"
	# Each recipe outlives the ^C by 0.2 s: make 4.3, interrupted as its
	# children die, may find none left to wait for and exit 2 ("wait: No
	# child processes"), without any sandbox.
	printf 'all: a b\na:\n\t@trap %s INT; sleep 100.%s; echo a-done\nb:\n\t@trap %s INT; sleep 100.%s; echo b-done\n' \
		"'sleep 0.2; exit 130'" "$m" "'sleep 0.2; exit 130'" "$m" >"$dir/Makefile"
	printf '#!/bin/bash\ncd "$1" || exit 1\nshift\n"$@"\necho "rc=$?" >rc\nsleep 60\n' \
		>"$dir/run"
	chmod 755 "$dir/run"
	env -u TMUX tmux -f /dev/null -S "$sock" new-session -d -s t -x 100 -y 20 \
		"$dir/run" "$dir" "$ENTRUN" $(tmp_grant) -- make -j2 </dev/null >/dev/null 2>&1
	if ! retry 100 running_twice "sleep 100.$m"; then
		not_ok "^C at a terminal ends make -j2 and its recipes" "the recipes never started"
		tmux -S "$sock" kill-server 2>/dev/null
		return
	fi
	t0=$(date +%s%N)
	tmux -S "$sock" send-keys -t t C-c
	for ((i = 0; i < 40; i++)); do
		rc=$(cat "$dir/rc" 2>/dev/null) && [ -n "$rc" ] && break
		sleep 0.1
	done
	is "rc=130" "$rc" "^C at a terminal ends make -j2 with 130 ($((($(date +%s%N) - t0) / 1000000)) ms)"
	sleep 0.5
	is "" "$(pgrep -f "sleep 100.$m")" "... and neither recipe is left"
	tmux -S "$sock" kill-server 2>/dev/null
}

# sigkill_check DESC PAYLOAD [ENTRUN-OPTIONS...]: SIGKILL to entrun leaves
# nothing of the payload running after 1 s.  PAYLOAD "direct" is `sleep
# 1000.M`; "family" is a shell with a background sleep 1000.M and a
# foreground sleep 1000.1M.
sigkill_check() {
	local desc="SIGKILL to entrun kills $1 within 1 s" kind=$2 m pid i left
	shift 2
	m=$(unique_marker)
	if [ "$kind" = direct ]; then
		"$ENTRUN" $(tmp_grant) "$@" -- sleep "1000.1$m" </dev/null >/dev/null 2>&1 &
	else
		"$ENTRUN" $(tmp_grant) "$@" -- sh -c "sleep 1000.$m & sleep 1000.1$m; wait" \
			</dev/null >/dev/null 2>&1 &
	fi
	pid=$!
	track_bg "$pid"
	if ! retry 50 pgrep -f "^sleep 1000\.1$m\$"; then
		not_ok "$desc" "the payload never started"
		return
	fi
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	# Any process whose command line has the marker: sleeps, the shell.
	for ((i = 0; i < 10; i++)); do
		left=$(pgrep -f "1000\.1?$m") || break
		sleep 0.1
	done
	left=$(pgrep -f "1000\.1?$m")
	if [ -z "$left" ]; then
		ok "$desc"
	else
		not_ok "$desc" "still running after 1 s:" "$(ps -o pid=,args= -p "${left//$'\n'/,}")"
		# shellcheck disable=SC2086 # one pid a word
		kill -KILL $left
	fi
}

# stopped_timeout_check [ENTRUN-OPTIONS...]: resources.timeout holds while
# entrun itself is stopped (SIGSTOP): pid 1 ends the command on its own, a
# second late.  The payload tries to stop pid 1 as well (it cannot).
stopped_timeout_check() {
	local desc="resources.timeout=2 ends the command while entrun is stopped" m pid rc i left
	[ $# -gt 0 ] && desc="$desc ($*)"
	m=$(unique_marker)
	# shellcheck disable=SC2016 # expanded by the inner sh
	"$ENTRUN" $(tmp_grant) -e resources.timeout=2 "$@" -- sh -c \
		'kill -STOP $PPID 2>/dev/null; exec sleep "1000.2$1"' _ "$m" \
		</dev/null >/dev/null 2>"$TEST_TMP/timeout.err" &
	pid=$!
	track_bg "$pid"
	if ! retry 50 pgrep -f "^sleep 1000\.2$m\$" >/dev/null; then
		not_ok "$desc" "the payload never started"
		return
	fi
	kill -STOP "$pid"
	for ((i = 0; i < 50; i++)); do
		left=$(pgrep -f "^sleep 1000\.2$m\$") || break
		sleep 0.1
	done
	left=$(pgrep -f "^sleep 1000\.2$m\$")
	kill -CONT "$pid"
	wait_bounded "$pid" 5
	rc=$?
	if [ -z "$left" ]; then
		ok "$desc (gone within 5 s)"
	else
		not_ok "$desc" "still running 5 s after the SIGSTOP"
		# shellcheck disable=SC2086 # one pid a word
		kill -KILL $left
	fi
	is 124 "$rc" "... and entrun, continued, exits 124"
	like "$(cat "$TEST_TMP/timeout.err")" "^entrun: resources.timeout: the sandbox ran out of its 2 s" \
		"... saying resources.timeout ended it"
}

# pid1_killed_check: SIGKILL to the sandbox's pid 1 from outside ends it
# all; entrun exits 125 and says so, rather than pass 137 off as the
# command's own status.
pid1_killed_check() {
	local desc="SIGKILL to the sandbox's pid 1 from outside" m pid p1
	m=$(unique_marker)
	"$ENTRUN" $(tmp_grant) -- sleep "1000.3$m" </dev/null >/dev/null 2>"$TEST_TMP/pid1.err" &
	pid=$!
	track_bg "$pid"
	if ! retry 50 pgrep -f "^sleep 1000\.3$m\$" >/dev/null; then
		not_ok "$desc" "the payload never started"
		return
	fi
	p1=$(pgrep -x -P "$pid" entrun)
	kill -KILL "$p1"
	wait_bounded "$pid" 5
	is "125|entrun: the sandbox's pid 1 was killed (SIGKILL), and everything in the sandbox with it" \
		"$?|$(cat "$TEST_TMP/pid1.err")" "$desc: entrun exits 125 and says so"
	is "" "$(pgrep -f "^sleep 1000\.3$m\$")" "$desc: ... and the command is gone"
}

checks() {
	local sig
	status_checks
	pid1_killed_check
	stopped_timeout_check
	stopped_timeout_check --ent host.processes.view --ent security.admin
	stopped_timeout_check --ent host.processes.admin
	for sig in TERM INT HUP QUIT; do forward "$sig"; done
	for sig in TERM INT HUP QUIT; do forward_group "$sig"; done
	ctrl_c_checks
	# The command is no process-group leader: it may start a session.
	expect ran "the command may call setsid (setsid(1) does not fork)" \
		-- setsid sh -c 'sleep 0.2; echo ran'
	# pid 1 forwards only what comes from outside the sandbox.
	# shellcheck disable=SC2016 # expanded by the inner sh
	expect "not forwarded" "a SIGTERM the sandbox sends pid 1 does not come back to the command" \
		-- sh -c 'trap "echo forwarded; exit 9" TERM; kill -TERM 1; sleep 0.5; echo not forwarded'
	sigkill_check "the payload" direct
	sigkill_check "the payload and its child" family
	sigkill_check "the payload and its child (host.processes.view)" family \
		--ent host.processes.view
	sigkill_check "the payload and its child (host.processes.admin)" family \
		--ent host.processes.admin
	forward TERM --ent host.processes.view
	# "ZOMBIES PROCESSES", read from one ps run.
	# shellcheck disable=SC2016 # expanded by the inner sh
	expect_like '^0 [1-9][0-9]*$' "pid 1 reaps orphaned zombies" -- sh -c \
		'"$1" fork-zombies 20 >/dev/null; sleep 0.3; s=$(ps -eo stat=) &&
		echo "$(echo "$s" | grep -c Z) $(echo "$s" | grep -c .)"' _ "$PROBE"
}

tap_main checks
