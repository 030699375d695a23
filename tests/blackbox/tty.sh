#!/bin/bash
# Terminal injection: TIOCSTI (and TIOCLINUX), also with the high bits set
# (CVE-2019-10063), fail on a real pty inside the sandbox, on the sandbox's
# own pty (its controlling terminal) and, with --no-pty, on the caller's
# terminal, which is then not the sandbox's controlling one (a new session).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# on_tty CMD...: run CMD under script(1), so that its stdin is a real
# terminal; OUT gets the probe's line (the echo of an injected character
# and the pty's carriage returns removed).  At its stdin's end script(1)
# types a NUL, which the sandbox's own pty echoes as ^@: removed too.
on_tty() {
	run env SHELL=/bin/sh timeout -k 2 "$ENTRUN_TEST_TIMEOUT" script -qec "$(printf '%q ' "$@")" /dev/null
	OUT=$(tr -d '\r' <<<"$OUT" | sed 's/^ *//; s/^\^@//')
}

checks() {
	local t
	for t in tiocsti-pty tiocsti-pty-highbit; do
		expect "$t: errno EPERM" "$t: TIOCSTI into a fresh pty is denied with EPERM" \
			-- "$PROBE" "$t"
	done

	have_tools "caller's terminal checks" script || return
	on_tty sh -c 'test -t 0 && echo tty'
	is tty "$OUT" "control: script(1) gives the host command a terminal on stdin"
	on_tty "$PROBE" tiocsti 0
	like "$OUT" '^tiocsti: (ok|errno EIO)$' \
		"control: TIOCSTI works on the host (EIO: dev.tty.legacy_tiocsti=0)"
	on_tty "$ENTRUN" $(tmp_grant) -- sh -c 'test -t 0 && echo tty'
	is tty "$OUT" "the sandbox gets a terminal on stdin (its own pty)"
	for t in tiocsti tiocsti-highbit tioclinux tioclinux-highbit; do
		on_tty "$ENTRUN" $(tmp_grant) -- "$PROBE" "$t" 0
		is "$t: errno EPERM" "$OUT" "$t on the sandbox's own pty is denied with EPERM"
	done
	# --no-pty: the caller's terminal itself, in a new session.
	on_tty "$ENTRUN" --no-pty $(tmp_grant) -- sh -c 'test -t 0 && echo tty'
	is tty "$OUT" "--no-pty: the sandbox gets the caller's terminal on stdin"
	for t in tiocsti tiocsti-highbit tioclinux tioclinux-highbit; do
		on_tty "$ENTRUN" --no-pty $(tmp_grant) -- "$PROBE" "$t" 0
		is "$t: errno EPERM" "$OUT" "--no-pty: $t on the caller's terminal is denied with EPERM"
	done
}

tap_main checks
