#!/bin/bash
# Invariant 3, no leaks in: descriptors the caller left open (without
# close-on-exec) are closed inside, except 0-2 and those named by --keep-fd.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

checks() {
	local f=$TEST_TMP/seven
	echo "fd seven" >"$f"
	run "$PROBE" fd-open 7
	is "fd-open: errno EBADF" "$OUT" "control: fd 7 is not open before the test"
	exec 7<"$f" 9> >(cat >/dev/null) 200<"$f"

	expect "fds: ok" "no descriptor but 0-2 is open inside" -- "$PROBE" fds
	expect "fd-open: errno EBADF" "fd 7 (a file) is closed inside" -- "$PROBE" fd-open 7
	expect "fd-open: errno EBADF" "fd 9 (a pipe) is closed inside" -- "$PROBE" fd-open 9
	expect "fd-open: errno EBADF" "fd 200 is closed inside" -- "$PROBE" fd-open 200
	expect "fd-open: ok" "--keep-fd 7 keeps fd 7" --keep-fd 7 -- "$PROBE" fd-open 7
	expect "fds: open 7" "--keep-fd 7 keeps fd 7 and nothing else" \
		--keep-fd 7 -- "$PROBE" fds
	expect "fd seven" "the kept fd 7 reads the caller's file" \
		--keep-fd 7 -- sh -c 'cat <&7'
	expect "fds: open 7 200" "--keep-fd twice keeps both" \
		--keep-fd 7 --keep-fd 200 -- "$PROBE" fds
	# With a network helper the payload holds a socket to pid 1 until its
	# exec (the word that the network is up): it must not outlive it.
	expect "fds: ok" "network.user: no descriptor but 0-2 is open inside" \
		-e network.user -- "$PROBE" fds
	expect "fds: open 7 200" "network.user: --keep-fd twice keeps both, and nothing else" \
		-e network.user --keep-fd 7 --keep-fd 200 -- "$PROBE" fds
	run "$PROBE" fd-open 7
	is "fd-open: ok" "$OUT" "control: fd 7 is open for a host command"

	exec 7<&- 9>&- 200<&-
}

tap_main checks
