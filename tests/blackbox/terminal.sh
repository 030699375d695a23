#!/bin/bash
# The terminal (issue 15).  With a terminal on stdin or stdout, the sandbox
# gets a pty of its own and entrun relays between it and the caller's
# terminal: whatever the command does to its terminal (line discipline,
# TIOCEXCL, flow control, modes, O_NONBLOCK, escape sequences) stays inside,
# and the caller's terminal is exactly as it was afterwards.  Job control,
# ^C, ^\, ^Z, window sizes and /dev/tty work inside; --no-pty is the old
# way (the caller's terminal itself, in a new session).
#
# Every check drives a real terminal: a tmux pane whose shell, an outer
# `bash --norc`, stands for the user's shell.  The entrun commands are typed
# into it, and after them that shell must still echo what is typed, run it,
# and show its output, with the same `stty -g`, N_TTY, no TIOCEXCL, output
# not stopped.  The outer shell's PROMPT_COMMAND writes $? into $W/orc
# before each prompt: the file appearing is "the prompt is back".
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

SOCK=''  # the pass's tmux server
S=''     # the current session (one per scenario)
W=''     # its scratch directory, $TEST_TMP/$S
E=''     # entrun and the pass's grant, quoted, to be typed
M=''     # the pass's marker
ORC=''   # the outer shell's last status, '' when its prompt did not come back

# ---- driving tmux ---------------------------------------------------------------

tm() { env -u TMUX tmux -f /dev/null -S "$SOCK" "$@"; }

# The pane's screen, wrapped lines joined, trailing blanks removed.
tm_screen() { tm capture-pane -p -J -t "$S" 2>/dev/null | sed 's/[[:space:]]*$//'; }

tm_fmt() { tm display -p -t "$S" "$1" 2>/dev/null; }

# tm_type TEXT: type TEXT and Enter.  An argument ending in ';' would end
# the tmux command: a space keeps it.
tm_type() {
	local text=$1
	[[ $text == *";" ]] && text="$text "
	tm send-keys -t "$S" -l -- "$text" && tm send-keys -t "$S" Enter
}

# tm_cmd TEXT: type TEXT into the outer shell.
tm_cmd() {
	rm -f "$W/orc"
	tm_type "$1"
}

# tm_wait TENTHS: wait for the outer prompt; ORC gets the status.
tm_wait() {
	ORC=''
	retry "$1" test -s "$W/orc" && ORC=$(cat "$W/orc")
	[ -n "$ORC" ]
}

# The diagnostics of a failed check: the screen, and whether the shell died.
# shellcheck disable=SC2034 # read by not_ok
screen_diag() { RUN_DIAG=("screen of $S (pane dead: $(tm_fmt '#{pane_dead}')):" "$(tm_screen)"); }

# give_up DESC [DIAG...]: a scenario that could not even start (its outer
# shell, or its command, never came): DESC fails, with the screen, and the
# session goes.  The caller returns.
give_up() {
	screen_diag
	not_ok "$@"
	tm_close
}

# tm_open NAME: a new session NAME running the outer shell, its prompt
# "OUT$ ", cwd $TEST_TMP; sets S and W.  Fails when the prompt does not come.
tm_open() {
	S=$1 W=$TEST_TMP/$1
	mkdir -p "$W"
	tm new-session -d -s "$S" -x 100 -y 30 -c "$TEST_TMP" \
		env -u PROMPT_COMMAND -u PS1 HISTFILE= bash --norc --noprofile -i \; \
		set-option -w -t "$S" remain-on-exit on >/dev/null 2>&1 || return 1
	if [ -z "$(tm display -p '#{pid}')" ]; then return 1; fi
	# Not exported: the shells inside must not inherit it.
	# shellcheck disable=SC2016 # expanded by the outer shell
	tm_cmd "PS1='OUT\$ '; PROMPT_COMMAND='echo \$? >$W/orc'"
	tm_wait 50
}

# The processes under PID, deepest last.
descendants() {
	local c
	for c in $(pgrep -P "$1"); do
		echo "$c"
		descendants "$c"
	done
}

# tm_close: end the session and whatever still runs in it (an entrun left
# stopped or hung by a failed check).
tm_close() {
	local pid left
	pid=$(tm_fmt '#{pane_pid}')
	if [ -n "$pid" ]; then
		left=$(descendants "$pid")
		# shellcheck disable=SC2086 # one pid a word
		[ -z "$left" ] || kill -KILL $left 2>/dev/null
	fi
	tm kill-session -t "$S" >/dev/null 2>&1
}

# The pid of the job the outer shell runs (entrun).
outer_job() { pgrep -P "$(tm_fmt '#{pane_pid}')" | head -n 1; }

# ---- the outer terminal is intact -------------------------------------------------

STATE_OK=$'tty-state: ok ldisc 0 excl 0 nonblock 0\ntty-state: ok ldisc 0 excl 0'

# The outer shell's line that records its terminal's state as $W/*.TAG:
# stty -g; the line discipline, TIOCEXCL and O_NONBLOCK of its fd 0; that
# /dev/tty opens (EBUSY under TIOCEXCL).
state_line() {
	printf 'stty -g >%q; %q tty-state 0 >%q; %q tty-state /dev/tty >>%q' \
		"$W/stty.$1" "$PROBE" "$W/state.$1" "$PROBE" "$W/state.$1"
}

# outer_begin NAME: tm_open, then the state before.
outer_begin() {
	tm_open "$1" && tm_cmd "$(state_line before)" && tm_wait 50
}

# outer_intact DESC: after entrun, the outer terminal is as it was and its
# shell works.  Five checks.
outer_intact() {
	local desc=$1 tty screen line="echo typed-$S-$M"
	tty=$(tm_fmt '#{pane_tty}')
	# From outside, so that it holds even when the outer shell hangs.
	run "$PROBE" tty-state "$tty"
	is "tty-state: ok ldisc 0 excl 0" "$OUT" "$desc: the outer terminal is N_TTY, not exclusive"
	tm_cmd "$line"
	tm_wait 30
	screen_diag
	is 0 "$ORC" "$desc: the outer shell runs the next command typed"
	screen=$(tm_screen)
	screen_diag
	if grep -qFx -- "OUT\$ $line" <<<"$screen" && grep -qFx -- "typed-$S-$M" <<<"$screen"; then
		ok "$desc: what is typed echoes, and the output appears"
	else
		not_ok "$desc: what is typed echoes, and the output appears" \
			"expected the lines 'OUT\$ $line' and 'typed-$S-$M'"
	fi
	if [ -z "$ORC" ]; then
		not_ok "$desc: stty -g of the outer terminal is unchanged" "the outer shell runs nothing"
		not_ok "$desc: the outer terminal is N_TTY, not exclusive, blocking; /dev/tty opens" \
			"the outer shell runs nothing"
		return
	fi
	tm_cmd "$(state_line after)"
	tm_wait 30
	is "$(cat "$W/stty.before" 2>&1)" "$(cat "$W/stty.after" 2>&1)" \
		"$desc: stty -g of the outer terminal is unchanged"
	is "$STATE_OK" "$(cat "$W/state.after" 2>&1)" \
		"$desc: the outer terminal is N_TTY, not exclusive, blocking; /dev/tty opens"
}

# ---- 1. attacks on the caller's terminal ---------------------------------------------

# attack NAME ERE DESC SCRIPT: the payload runs SCRIPT (sh; @W@ stands for
# $W), which writes what its attack did into $W/attack; that must match ERE
# (the attack did run: the test is not vacuous); then the outer terminal is
# intact.  The probes attack fd 9, a copy of the fd under attack, as their
# stdout goes to the file.
attack() {
	local name=$1 ere=$2 desc=$3 script=$4
	outer_begin "$name" || { give_up "$desc: the outer shell starts"; return; }
	printf '%s\n' "${script//@W@/$W}" >"$W/attack.sh"
	tm_cmd "$E -- sh $W/attack.sh"
	tm_wait 100
	screen_diag
	like "$(cat "$W/attack" 2>&1)" "$ere" "$desc: the attack ran inside (status $ORC)"
	outer_intact "$desc"
	tm_close
}

attack_checks() {
	local p
	p=$(printf %q "$PROBE")
	attack setd '^tiocsetd: ok(.tiocsetd: ok){2}$' "TIOCSETD N_NULL on fds 0, 1, 2" \
		"for fd in 0 1 2; do $p tiocsetd 9 9>&\$fd >>@W@/attack 2>&1; done"
	attack excl '^tiocexcl: ok$' "TIOCEXCL on fd 0" \
		"$p tiocexcl 9 9>&0 >@W@/attack 2>&1"
	attack cooff '^tcooff: ok$' "TCXONC TCOOFF on fd 1" \
		"$p tcooff 9 9>&1 >@W@/attack 2>&1"
	attack nonbl '^nonblock: ok$' "O_NONBLOCK left on stdin" \
		"$p nonblock 9 9>&0 >@W@/attack 2>&1"
	attack raw '.' "stty raw -echo left by a command killed by SIGKILL" \
		"stty raw -echo; stty -g >@W@/attack; kill -9 \$\$"
	attack sti '.' "TIOCSTI of a command line" \
		"$p inject 9 'touch @W@/injected' 9>&0 >@W@/attack 2>&1; echo >>@W@/attack"
	absent "$W/injected" "TIOCSTI of a command line: it did not run in the outer shell"
}

# ---- 2. escape sequences -------------------------------------------------------------

# osc_script CLIP DCS N: OSC 52 with CLIP (base64), an OSC 0 title, DCS
# (tmux passthrough) with OSC 52 with DCS, CSI 21t, then "osc-done-N".
osc_script() {
	printf '%s\n' \
		"printf '\\033]52;c;%s\\a' $1" \
		"printf '\\033]0;TITLE-%s\\a' $M" \
		"printf '\\033Ptmux;\\033\\033]52;c;%s\\a\\033\\\\' $2" \
		"printf '\\033[21t'" \
		"echo osc-done-$3"
}

# bytes_check TAG DESC: what reached the terminal holds "b1-TAG\r\nb2-TAG\r\n"
# and no "b1-TAG\r\r".
bytes_check() {
	local got
	# pipe-pane's cat may lag behind a loaded host (a sanitizer build).
	retry 50 grep -aq "b2-$1" "$W/pipe"
	got=$(tr -d '\0' <"$W/pipe")
	if [[ $got == *"b1-$1"$'\r\n'"b2-$1"$'\r\n'* && $got != *"b1-$1"$'\r\r'* ]]; then
		ok "$2"
	else
		not_ok "$2" "$(grep -a -A1 "b1-$1" "$W/pipe" | od -c | head -n 4)"
	fi
}

osc_checks() {
	local clip dcs clip2 seen
	tm_open osc || { give_up "escape sequences: the outer shell starts"; return; }
	tm pipe-pane -o -t "$S" "cat >>$W/pipe"
	# Nothing is written before the pipe is seen to carry the pane's output.
	tm_cmd "echo pipe-ready"
	tm_wait 100
	retry 100 grep -aq "pipe-ready" "$W/pipe"
	clip=$(printf 'CLIP-%s' "$M" | base64)
	dcs=$(printf 'DCS-%s' "$M" | base64)
	clip2=$(printf 'CLIP2-%s' "$M" | base64)
	# In scripts: the command lines typed (and echoed) must not hold the
	# payloads.
	osc_script "$clip" "$dcs" 1 >"$W/osc1.sh"
	osc_script "$clip2" "$dcs" 2 >"$W/osc2.sh"
	# The relay changes nothing else: the lines of `printf 'b1\nb2\n'` come
	# out as a terminal's ONLCR makes them, once (not "\r\r\n": the
	# caller's terminal adding its own CR to the pty's).
	# shellcheck disable=SC2016 # expanded by the inner sh
	printf 'printf "b1-%%s\\nb2-%%s\\n" "$1" "$1"\n' >"$W/bytes.sh"
	tm_cmd "$E -- sh $W/bytes.sh A"
	tm_wait 100
	tm_cmd "$E -- sh $W/bytes.sh B </dev/null"
	tm_wait 100
	bytes_check A "the command's output lines reach the outer terminal as b1\r\nb2\r\n"
	bytes_check B "stdin /dev/null, stdout the terminal: the lines reach it as b1\r\nb2\r\n"
	tm_cmd "$E -- sh $W/osc1.sh"
	tm_wait 100
	seen=$(retry 20 grep -q "osc-done-1" "$W/pipe" && echo yes)
	is yes "$seen" "control: pipe-pane shows the bytes that reach the outer terminal"
	if grep -qF -- "$clip" "$W/pipe"; then
		not_ok "OSC 52 (clipboard write) does not reach the outer terminal" \
			"$(grep -aF -- "$clip" "$W/pipe" | od -c | head -n 5)"
	else ok "OSC 52 (clipboard write) does not reach the outer terminal"; fi
	if grep -qF -- "$dcs" "$W/pipe"; then
		not_ok "OSC 52 in a tmux DCS passthrough does not reach the outer terminal" \
			"$(grep -aF -- "$dcs" "$W/pipe" | od -c | head -n 5)"
	else ok "OSC 52 in a tmux DCS passthrough does not reach the outer terminal"; fi
	if grep -qF -- $'\e[21t' "$W/pipe"; then
		not_ok "CSI 21t (title report, typed back) does not reach the outer terminal"
	else ok "CSI 21t (title report, typed back) does not reach the outer terminal"; fi
	is "TITLE-$M" "$(tm_fmt '#{pane_title}')" "OSC 0 (the title) still reaches it"
	tm_cmd "$E -e host.clipboard -- sh $W/osc2.sh"
	tm_wait 100
	retry 20 grep -q "osc-done-2" "$W/pipe"
	if grep -qF -- $'\e]52;c;'"$clip2" "$W/pipe"; then
		ok "-e host.clipboard: OSC 52 reaches the outer terminal"
	else
		screen_diag
		not_ok "-e host.clipboard: OSC 52 reaches the outer terminal" "status $ORC"
	fi
	tm pipe-pane -t "$S"
	tm_close
}

# ---- 3. job control inside ---------------------------------------------------------

# in_cmd TEXT / in_wait TENTHS: the inner shell's, as tm_cmd and tm_wait
# for the outer one ($W/irc, IRC).
IRC=''
in_cmd() {
	rm -f "$W/irc"
	tm_type "$1"
}
in_wait() {
	IRC=''
	retry "$1" test -s "$W/irc" && IRC=$(cat "$W/irc")
	[ -n "$IRC" ]
}

# Field N of /proc/PID/stat (3 state, 5 pgrp, 8 the terminal's foreground
# pgrp), '' when PID is gone.
stat_field() {
	local s f
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	read -ra f <<<"$s"
	printf '%s' "${f[$2 - 3]}"
}

# PID is in its terminal's foreground process group.
in_foreground() { [ -n "$(stat_field "$1" 5)" ] && [ "$(stat_field "$1" 5)" = "$(stat_field "$1" 8)" ]; }
is_stopped() { [ "$(proc_state "$1")" = T ]; }
is_running() { local s; s=$(proc_state "$1"); [ "$s" = S ] || [ "$s" = R ]; }

jobs_checks() {
	local d="entrun -- bash -i:" sl ent
	outer_begin jobs || { give_up "$d the outer shell starts"; return; }
	# shellcheck disable=SC2016 # expanded by the inner shell
	in_cmd "$E -- env 'PS1=IN\$ ' 'PROMPT_COMMAND=echo \$? >$W/irc' HISTFILE= bash --norc --noprofile -i"
	in_wait 100 || { give_up "$d the inner shell starts"; return; }
	screen_diag
	unlike "$(tm_screen)" 'no job control|cannot set terminal process group' \
		"$d the inner shell has job control"
	in_cmd "sleep 100.1$M &"
	in_wait 30
	in_cmd "jobs >$W/jobs1"
	in_wait 30
	like "$(cat "$W/jobs1" 2>&1)" "Running +sleep 100\.1$M" "$d sleep 100 & then jobs lists it"

	in_cmd "sleep 100.2$M"
	retry 50 pgrep -f "^sleep 100\.2$M\$"
	sl=$(pgrep -f "^sleep 100\.2$M\$")
	ent=$(outer_job)
	retry 30 in_foreground "$sl"
	tm send-keys -t "$S" C-z
	retry 30 is_stopped "$sl"
	in_wait 30
	screen_diag
	if is_stopped "$sl" && is_running "$ent" && [ -n "$IRC" ]; then
		ok "$d C-z stops the inner job, not entrun; the inner prompt is back"
	else
		not_ok "$d C-z stops the inner job, not entrun; the inner prompt is back" \
			"sleep ${sl:-?} state '$(proc_state "$sl")', entrun ${ent:-?} state '$(proc_state "$ent")'," \
			"inner status '$IRC'"
	fi
	in_cmd "jobs >$W/jobs2"
	in_wait 30
	like "$(cat "$W/jobs2" 2>&1)" "Stopped +sleep 100\.2$M" "$d jobs shows it stopped"
	in_cmd "bg"
	in_wait 30
	retry 30 is_running "$sl"
	is_running "$sl"
	is 0 "$?" "$d bg runs it again"
	in_cmd "fg"
	retry 30 in_foreground "$sl"
	tm send-keys -t "$S" C-c
	in_wait 30
	screen_diag
	if [ -z "$(proc_state "$sl")" ] && [ "$IRC" = 130 ]; then
		ok "$d fg then C-c ends it, the inner prompt is back (130)"
	else
		not_ok "$d fg then C-c ends it, the inner prompt is back (130)" \
			"sleep state '$(proc_state "$sl")', inner status '$IRC'"
	fi
	in_cmd "kill %1"
	in_wait 30
	tm_cmd "exit 0"
	tm_wait 50
	screen_diag
	is 0 "$ORC" "$d exit returns to the outer shell, status 0"
	outer_intact "$d after exit"
	tm_close
}

# ---- 4. ^C and ^\ ---------------------------------------------------------------------

# procs_at_least PATTERN N: N processes match PATTERN (pgrep -f).
procs_at_least() { [ "$(pgrep -fc "$1")" -ge "$2" ]; }

# interrupt NAME KEY STATUS DESC ENTRUN-ARGS-TEXT PATTERN N: type entrun,
# wait for N processes matching PATTERN, press KEY: the outer prompt comes
# back within 2 s with STATUS, and nothing matching PATTERN is left 1 s
# later.  (Make interrupted while it starts its second recipe may exit 2,
# "wait: No child processes", without any sandbox: hence N.)
interrupt() {
	local key=$2 want=$3 desc=$4 cmd=$5 pat=$6 n=$7 t0 ms i
	tm_open "$1" || { give_up "$desc: the outer shell starts"; return; }
	tm_cmd "$E -- $cmd"
	retry 50 procs_at_least "$pat" "$n" || { give_up "$desc" "the payload never started"; return; }
	t0=$(date +%s%N)
	tm send-keys -t "$S" "$key"
	tm_wait 20
	ms=$((($(date +%s%N) - t0) / 1000000))
	screen_diag
	is "$want" "$ORC" "$desc: the prompt is back within 2 s with status $want ($ms ms)"
	for ((i = 0; i < 10; i++)); do
		pgrep -f "$pat" >/dev/null || break
		sleep 0.1
	done
	is "" "$(pgrep -f "$pat")" "$desc: nothing of the payload is left"
	tm_close
}

interrupt_checks() {
	local mk=$TEST_TMP/mk
	interrupt intr C-c 130 "C-c on entrun -- sh -c 'sleep 30'" \
		"sh -c 'sleep 30.3$M'" "^sleep 30\.3$M\$" 1
	interrupt quit C-\\ 131 "C-\\ on entrun -- sh -c 'sleep 30'" \
		"sh -c 'sleep 30.4$M'" "^sleep 30\.4$M\$" 1
	have_tools "C-c on entrun -- make -j2" make || return
	mkdir -p "$mk"
	# Each recipe outlives the ^C by 0.2 s: make 4.3, interrupted as its
	# children die, may find none left to wait for and exit 2 ("wait: No
	# child processes"), without any sandbox.
	printf 'all: a b\na:\n\t@trap %s INT; sleep 100.5%s; echo a-done\nb:\n\t@trap %s INT; sleep 100.5%s; echo b-done\n' \
		"'sleep 0.2; exit 130'" "$M" "'sleep 0.2; exit 130'" "$M" >"$mk/Makefile"
	interrupt make C-c 130 "C-c on entrun -- make -j2" \
		"make -s -C $mk -j2" "^sleep 100\.5$M\$" 2
}

# ---- 5. the sandbox's terminal ------------------------------------------------------

inner_tty_checks() {
	local d="the sandbox's terminal" screen n
	tm_open tty || { give_up "$d: the outer shell starts"; return; }
	tm_cmd "$E -- tty"
	tm_wait 100
	screen_diag
	screen=$(tm_screen)
	if [ "$ORC" = 0 ] && grep -qEx '/dev/pts/[0-9]+' <<<"$screen"; then
		ok "entrun -- tty prints /dev/pts/N, status 0"
	else not_ok "entrun -- tty prints /dev/pts/N, status 0" "status '$ORC'"; fi

	tm_cmd "stat -L -c %d:%t:%T /proc/self/fd/0 >$W/outer.dev; $E -- sh -c 'stat -L -c %d:%t:%T /proc/self/fd/0 >$W/inner.dev'"
	tm_wait 100
	isnt "$(cat "$W/outer.dev" 2>&1)" "$(cat "$W/inner.dev" 2>&1)" \
		"the command's stdin is not the caller's terminal (st_dev:st_rdev)"

	tm_cmd "$E -- sh -c 'echo via-tty-$M >/dev/tty'"
	tm_wait 100
	screen_diag
	if [ "$ORC" = 0 ] && grep -qFx "via-tty-$M" <<<"$(tm_screen)"; then
		ok "echo > /dev/tty inside reaches the screen, status 0"
	else not_ok "echo > /dev/tty inside reaches the screen, status 0" "status '$ORC'"; fi

	# A password prompt: the secret shows only in what the payload prints.
	# shellcheck disable=SC2016 # expanded by the inner sh
	printf 'stty -echo; : >%s/pw.ready; read -r x; stty echo; echo "got=$x"\n' "$W" >"$W/pw.sh"
	tm_cmd "$E -- sh $W/pw.sh"
	if retry 50 test -e "$W/pw.ready"; then
		tm_type "secret-$M"
	fi
	tm_wait 50
	screen=$(tm_screen)
	screen_diag
	n=$(grep -c -- "secret-$M" <<<"$screen")
	if grep -qFx "got=secret-$M" <<<"$screen" && [ "$n" = 1 ]; then
		ok "stty -echo; read: the typed secret is not echoed"
	else not_ok "stty -echo; read: the typed secret is not echoed" "lines with it: $n"; fi
	tm_close
}

# ---- 6. window size ------------------------------------------------------------------

pane_width_is() { [ "$(tm_fmt '#{pane_width}')" = "$1" ]; }

winch_checks() {
	local size
	tm_open winch || { give_up "window size: the outer shell starts"; return; }
	cat >"$W/ws.sh" <<EOF
stty size >$W/size1
trap 'stty size >$W/size2' WINCH
: >$W/ws.ready
i=0
while [ \$i -lt 100 ] && ! [ -e $W/ws.stop ]; do sleep 0.1; i=\$((i + 1)); done
EOF
	tm_cmd "$E -- sh $W/ws.sh"
	retry 50 test -e "$W/ws.ready"
	size=$(tm_fmt '#{pane_height} #{pane_width}')
	is "$size" "$(cat "$W/size1" 2>&1)" "stty size inside is the pane's"
	tm resize-window -t "$S" -x 120 -y 40
	retry 20 pane_width_is 120
	size=$(tm_fmt '#{pane_height} #{pane_width}')
	retry 20 grep -qx "$size" "$W/size2"
	is "$size" "$(cat "$W/size2" 2>&1)" "a resize reaches the command (SIGWINCH, stty size)"
	: >"$W/ws.stop"
	tm_wait 30
	tm_close
}

# ---- 7. a command that stops itself ---------------------------------------------------

# self_stop SIG: `kill -SIG $$` in the command stops entrun as a job of the
# outer shell; fg resumes both.
self_stop() {
	local sig=$1 d="entrun -- sh -c 'kill -$1 \$\$; echo resumed'" st
	tm_open "stop$sig" || { give_up "$d: the outer shell starts"; return; }
	tm_cmd "$E -- sh -c 'kill -$sig \$\$; echo resumed-$sig-$M'"
	tm_wait 30
	screen_diag
	# 148 for SIGTSTP and 147 for SIGSTOP, whatever stopped entrun.
	like "$ORC" '^14[78]$' "$d: the outer prompt comes back, the job stopped"
	if [ -z "$ORC" ]; then
		not_ok "$d: outer jobs shows it stopped" "the outer prompt did not come back"
		not_ok "$d: fg resumes it: it prints resumed, status 0" "the outer prompt did not come back"
		tm_close
		return
	fi
	tm_cmd "jobs >$W/jobs"
	tm_wait 30
	like "$(cat "$W/jobs" 2>&1)" "Stopped" "$d: outer jobs shows it stopped"
	tm_cmd "fg"
	tm_wait 50
	st=$ORC
	screen_diag
	if [ "$st" = 0 ] && grep -qFx "resumed-$sig-$M" <<<"$(tm_screen)"; then
		ok "$d: fg resumes it: it prints resumed, status 0"
	else not_ok "$d: fg resumes it: it prints resumed, status 0" "status '$st'"; fi
	tm_close
}

# ---- 8. --no-pty -------------------------------------------------------------------

no_pty_checks() {
	local p
	tm_open nopty || { give_up "--no-pty: the outer shell starts"; return; }
	p=$(printf %q "$PROBE")
	tm_cmd "stat -L -c %d:%t:%T /proc/self/fd/0 >$W/outer.dev; $E --no-pty -- sh -c 'stat -L -c %d:%t:%T /proc/self/fd/0 >$W/np.dev; $p tiocsti 0 >$W/np.sti 2>&1'"
	tm_wait 100
	screen_diag
	is "$(cat "$W/outer.dev" 2>&1)" "$(cat "$W/np.dev" 2>&1)" \
		"--no-pty: the command gets the caller's terminal itself"
	is "tiocsti: errno EPERM" "$(cat "$W/np.sti" 2>&1)" "--no-pty: TIOCSTI on it is denied"
	tm_close
}

# ---- 9. no terminal ----------------------------------------------------------------

no_tty_checks() {
	local screen
	sbx -- tty
	is "not a tty|1" "$OUT|$RC" "no terminal at all: tty says 'not a tty', status 1"
	tm_open notty || { give_up "stdin not a terminal: the outer shell starts"; return; }
	tm_cmd "$E -- tty </dev/null"
	tm_wait 100
	screen_diag
	screen=$(tm_screen)
	if [ "$ORC" = 1 ] && grep -qFx "not a tty" <<<"$screen"; then
		ok "stdin /dev/null, stdout the terminal: tty says 'not a tty', status 1"
	else not_ok "stdin /dev/null, stdout the terminal: tty says 'not a tty', status 1" "status '$ORC'"; fi
	tm_cmd "echo piped-$M | $E -- sh -c 'read -r x; echo \"got=\$x\"; test -t 1 && echo out-is-tty'"
	tm_wait 100
	screen=$(tm_screen)
	screen_diag
	if grep -qFx "got=piped-$M" <<<"$screen" && grep -qFx out-is-tty <<<"$screen"; then
		ok "stdin a pipe, stdout the terminal: the command reads the pipe, writes a terminal"
	else not_ok "stdin a pipe, stdout the terminal: the command reads the pipe, writes a terminal"; fi
	tm_close
}

# ---- 10. the terminal is the caller's when entrun is not its reader ---------------

# none_left PATTERN: no process matches PATTERN (pgrep -f).
none_left() { ! pgrep -f "$1" >/dev/null; }

# on_screen LINE...: each LINE is a line of the pane's screen.
on_screen() {
	local screen l
	screen=$(tm_screen)
	for l in "$@"; do grep -qFx -- "$l" <<<"$screen" || return 1; done
}

# A pipeline at a terminal: `entrun -- CMD | partner`, stdin and stderr the
# terminal, stdout a pipe.  What is typed belongs to the partner, which
# reads /dev/tty: the relay does not read the terminal (it would take the
# keystrokes), nor does entrun make it raw (the partner's line would never
# end).  The command reads its pty (timeout --foreground: in the pty's
# foreground), which gets nothing.
pipeline_checks() {
	local d="entrun -- CMD | a partner reading /dev/tty"
	outer_begin pipe || { give_up "$d: the outer shell starts"; return; }
	# shellcheck disable=SC2016 # expanded by the outer shell
	tm_cmd "$E -- sh -c 'timeout --foreground 3.$M cat >$W/stolen3; true' | { read -r x </dev/tty; echo \"partner=\$x\" >$W/partner; }"
	retry 50 procs_at_least "^timeout --foreground 3\.$M cat\$" 1
	tm_type "secret-$M"
	tm_wait 80
	screen_diag
	is "partner=secret-$M" "$(cat "$W/partner" 2>&1)" "$d: the partner reads the line typed"
	screen_diag
	is "" "$(cat "$W/stolen3" 2>&1)" "$d: the command in the sandbox reads none of it"
	screen_diag
	is 0 "$ORC" "$d: the outer prompt comes back, status 0"
	if [ -z "$ORC" ]; then
		tm send-keys -t "$S" C-c
		tm_wait 30
	fi
	outer_intact "$d"
	tm_close
}

# Stopped from outside (kill -TSTP of entrun, as ^Z at a pipeline partner
# that keeps its terminal's signals does): entrun hands the terminal back
# before it stops.  The command inside reads its pty byte by byte.
tstp_outside_checks() {
	local d="kill -TSTP of entrun from outside" pat ent
	outer_begin tstp || { give_up "$d: the outer shell starts"; return; }
	pat="^tee $W/stolen2\.$M\$"
	tm_cmd "$E -- sh -c 'stty -icanon -echo; exec tee $W/stolen2.$M >/dev/null'"
	retry 50 procs_at_least "$pat" 1 || { give_up "$d: the command starts"; return; }
	ent=$(outer_job)
	kill -TSTP "$ent"
	tm_wait 30
	screen_diag
	is 148 "$ORC" "$d: the outer prompt comes back, the job stopped (148)"
	tm_cmd "echo outer-$M >$W/outer2"
	tm_wait 30
	screen_diag
	is "outer-$M" "$(cat "$W/outer2" 2>&1)" "$d: the outer shell runs the next line typed"
	is "" "$(cat "$W/stolen2.$M" 2>&1)" "$d: the command in the sandbox reads none of it"
	if [ -z "$ORC" ]; then
		tm send-keys -t "$S" C-c
		tm_wait 10
	fi
	# SIGTERM, then SIGCONT (bash's kill of a stopped job).
	tm_cmd "kill %1; wait"
	tm_wait 50 || kill -KILL "$ent" 2>/dev/null
	retry 30 none_left "$pat"
	screen_diag
	is "" "$(pgrep -f "$pat")" "$d: kill %1 ends it, nothing of it is left"
	outer_intact "$d"
	tm_close
}

# A terminal entrun cannot open again: root's pane (0600 or 0620), entrun
# run after su by a user.  The relay shares the caller's open file
# description: what the command writes shows at once, what is typed
# reaches it, and the description is as it was afterwards (not left
# O_NONBLOCK).  Root's pass only: the user's has no other user to be.
su_checks() {
	local d="entrun after su, at a terminal it cannot reopen" e u seen
	[ "$(id -u)" -eq 0 ] || return 0
	have_tools "$d" su || return
	outer_begin su || { give_up "$d: the outer shell starts"; return; }
	# No grant: the user cannot reach the pass's scratch directory.
	e=$(printf %q "$ENTRUN")
	u=$(printf %q "$ENTRUN_TEST_USER")
	# Timed from the sleep between the lines (not from the start, which
	# a loaded machine may slow): before the fix, nothing showed until a
	# key was pressed, or the 5 s entrun gives the relay at the end.
	tm_cmd "(cd / && su -s /bin/sh $u -c \"$e -- sh -c 'echo one-$M; sleep 1.$M; echo two-$M'\")"
	retry 50 procs_at_least "^sleep 1\.$M\$" 1
	seen=$(retry 30 on_screen "one-$M" "two-$M" && echo yes)
	tm_wait 80
	screen_diag
	is yes "$seen" "$d: the command's output shows while it runs (within 3 s)"
	screen_diag
	unlike "$(tm_screen)" 'took no more' "$d: no 'the terminal took no more of the sandbox's output'"
	screen_diag
	is 0 "$ORC" "$d: the outer prompt comes back, status 0"
	tm_cmd "(cd / && su -s /bin/sh $u -c \"$e -- sh -c 'read -r x; echo got=\\\$x' read-$M\")"
	retry 50 procs_at_least "^sh -c read -r x; echo got=.x read-$M\$" 1
	tm_type "abc-$M"
	seen=$(retry 50 on_screen "got=abc-$M" && echo yes)
	tm_wait 80
	screen_diag
	is yes "$seen" "$d: read gets the line typed"
	screen_diag
	if [ "$ORC" = 0 ] && ! [[ $(tm_screen) == *'took no more'* ]]; then
		ok "$d: read: the outer prompt comes back, status 0, no warning"
	else
		not_ok "$d: read: the outer prompt comes back, status 0, no warning" "status '$ORC'"
	fi
	if [ -z "$ORC" ]; then
		tm send-keys -t "$S" C-c
		tm_wait 30
	fi
	outer_intact "$d"
	tm_close
}

# ---- the pass ------------------------------------------------------------------------

# The relay, from outside: entrun's child in a session of its own, under
# seccomp with no_new_privs, no capability in any set, not dumpable (its
# environment, empty anyway, unreadable to the user); killed, it takes the
# sandbox with it (125, one line saying so), and the terminal is intact.
relay_checks() {
	local d="the terminal relay" ent relay pat="^sleep 20\.7$M\$"
	outer_begin relay || { give_up "$d: the outer shell starts"; return; }
	tm_cmd "$E -- sleep 20.7$M"
	retry 50 procs_at_least "$pat" 1 || { give_up "$d: the command starts"; return; }
	ent=$(outer_job)
	relay=$(pgrep -P "$ent" -x entrun-termina | head -n 1)
	[ -n "$relay" ] || relay=$(pgrep -P "$ent" -f '^entrun-terminal-relay$' | head -n 1)
	if [ -z "$relay" ]; then
		not_ok "$d runs beside the sandbox, entrun's child" "$(ps -o pid,ppid,sid,cmd --ppid "$ent")"
		tm_close
		return
	fi
	ok "$d runs beside the sandbox, entrun's child"
	isnt "$(ps -o sid= -p "$ent" | tr -d ' ')" "$(ps -o sid= -p "$relay" | tr -d ' ')" \
		"$d: in a session of its own (the caller's terminal is not its controlling one)"
	is "2 1" "$(field "$relay" Seccomp) $(field "$relay" NoNewPrivs)" \
		"$d: under seccomp, with no_new_privs"
	is "0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000" \
		"$(field "$relay" CapInh) $(field "$relay" CapPrm) $(field "$relay" CapEff) $(field "$relay" CapBnd) $(field "$relay" CapAmb)" \
		"$d: no capability in any set"
	if [ "$PASS" = root ]; then
		# (A sanitizer build keeps its runtime's options, and only those.)
		is 0 "$(tr '\0' '\n' <"/proc/$relay/environ" | grep -cvE '^(A|UB|L)SAN_OPTIONS=')" \
			"$d: its environment is empty (the caller's secrets are not in it)"
	else
		unlike "$(cat "/proc/$relay/environ" 2>&1)" "PATH=" \
			"$d: not dumpable: its environment cannot be read by the user"
	fi
	kill -KILL "$relay"
	tm_wait 50
	screen_diag
	is 125 "$ORC" "$d: killed, it ends the sandbox: entrun exits 125"
	like "$(tm_screen)" "entrun: the terminal relay died \(Killed\); the sandbox was stopped" \
		"$d: ... saying so in one line"
	retry 30 none_left "$pat"
	is "" "$(pgrep -f "$pat")" "$d: ... and nothing of the sandbox is left"
	outer_intact "$d killed"
	tm_close
}

checks() {
	have_tools "terminal checks (a real terminal, driven by tmux)" tmux || return
	SOCK=$TEST_TMP/tmux.sock
	M=$(unique_marker)
	local -a grant
	mapfile -t grant < <(tmp_grant)
	E=$(printf '%q ' "$ENTRUN" "${grant[@]}")
	E=${E% }
	# The control: a fresh outer shell's terminal is in the state every
	# check expects back.
	if outer_begin control; then
		track_bg "$(tm display -p '#{pid}')"
		is "$STATE_OK" "$(cat "$W/state.before" 2>&1)" \
			"control: the outer terminal starts N_TTY, not exclusive, blocking; /dev/tty opens"
	else
		screen_diag
		not_ok "control: the outer shell starts in tmux"
		tm kill-server >/dev/null 2>&1
		return
	fi
	tm_close
	attack_checks
	osc_checks
	jobs_checks
	interrupt_checks
	inner_tty_checks
	winch_checks
	self_stop TSTP
	self_stop STOP
	no_pty_checks
	no_tty_checks
	pipeline_checks
	relay_checks
	tstp_outside_checks
	su_checks
	tm kill-server >/dev/null 2>&1
}

tap_main checks
