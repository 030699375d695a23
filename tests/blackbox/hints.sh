#!/bin/bash
# Denial hints (entrun(1), DENIAL HINTS): a call the sandbox denies that a
# grant would allow is answered by pid 1 with the errno the filter gives,
# and entrun says, once, after the command, which grant would allow it.
# Tried the way users meet them (strace, gdb, an ASan binary, ping, mlock,
# unshare) and the way an attacker would lean on them (a flood of denied
# calls, a process name made of escape sequences, the listener itself).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

HINT_RE='— grant ([a-z.-]+) to allow it'

# The lines of the last run's stderr that are entrun's hints.
hints() { grep -a '^entrun: denied ' <<<"$ERR"; }

checks() {
	local n t0 t1 line

	# ---- the filter's answer is unchanged; the hint names the grant -----
	sbx -- "$PROBE" ptrace-traceme
	is "ptrace-traceme: errno EPERM" "$OUT" "ptrace still fails with EPERM: pid 1 answers as the filter would"
	like "$(hints)" "^entrun: denied ptrace \(pid [0-9]+ probe\) $HINT_RE$" \
		"the hint names ptrace, the caller and debug.ptrace"
	is 1 "$(hints | wc -l)" "one hint line"
	sbx -e debug.ptrace -- "$PROBE" ptrace-traceme
	is "ptrace-traceme: ok" "$OUT" "with the grant it names, the call passes"
	is "" "$(hints)" "... and no hint is said"

	# Under host.processes.view /proc is the host's: its pid 2 is not ours.
	sbx -e host.processes.view -- "$PROBE" ptrace-traceme
	like "$(hints)" "^entrun: denied ptrace \(pid [0-9]+\) $HINT_RE$" \
		"host.processes.view: the hint names no process (the host's /proc would name another)"
	sbx -q -- "$PROBE" ptrace-traceme
	is "ptrace-traceme: errno EPERM|" "$OUT|$ERR" "-q: no hint"
	sbx --json -- "$PROBE" ptrace-traceme
	like "$ERR" '^\{"hint":"denied","what":"ptrace","detail":"","syscall":"ptrace","pid":[0-9]+,"command":"probe","grant":"debug.ptrace"\}$' \
		"--json: the hint as one JSON object"
	sbx -v -- sh -c '"$1" ptrace-traceme; sleep 0.3; echo after >&2' _ "$PROBE"
	like "$(grep -a -e '^entrun: denied ptrace' -e '^after$' <<<"$ERR" | tr '\n' '|')" \
		'^entrun: denied ptrace[^|]*\|after\|$' "-v: the hint is said as it happens, before the command ends"

	expect "unshare-user: errno EPERM" "unshare: EPERM as before" -- "$PROBE" unshare-user
	like "$(hints)" "^entrun: denied unshare .* grant security.admin to allow it$" \
		"unshare: the hint names security.admin"
	expect "clone-newuser: errno EPERM" "clone(CLONE_NEWUSER): EPERM" -- "$PROBE" clone-newuser
	like "$(hints)" "^entrun: denied clone with namespace flags .* grant security.admin" \
		"clone's namespace flags: the hint names security.admin"
	expect "clone-plain: ok" "a plain clone is untouched" -- "$PROBE" clone-plain
	is "" "$(hints)" "... and says nothing"
	expect "personality-noaslr: errno EPERM" "personality(ADDR_NO_RANDOMIZE): EPERM" \
		-- "$PROBE" personality-noaslr
	like "$(hints)" "grant debug.ptrace to allow it$" "... the hint names debug.ptrace"
	expect "perf: errno EPERM" "perf_event_open: EPERM" -- "$PROBE" perf
	like "$(hints)" "^entrun: denied perf_event_open .* grant debug.perf" \
		"... the hint names debug.perf"
	# Denied with another errno, as a kernel without them answers: no hint.
	expect "clone3: errno ENOSYS" "clone3 still fails with ENOSYS" -- "$PROBE" clone3
	is "" "$(hints)" "... with no hint (libc falls back to clone)"
	expect "syslog: errno EPERM" "syslog: EPERM" -- "$PROBE" syslog
	is "" "$(hints)" "... and no hint: security.view allows it, but dmesg_restrict may still refuse"
	expect "bpf: errno EPERM" "bpf: EPERM" -- "$PROBE" bpf
	is "" "$(hints)" "... and no hint: no grant allows it"

	# ---- the tools people meet them with ---------------------------------
	if have_tools "strace under the default sandbox" strace; then
		sbx -- strace -o /dev/null true
		isnt 0 "$RC" "strace fails in the default sandbox"
		like "$(hints)" "^entrun: denied ptrace \(pid [0-9]+ strace\) $HINT_RE$" \
			"strace: the hint names debug.ptrace"
		sbx -e debug.ptrace -- strace -o /dev/null true
		is "0|" "$RC|$(hints)" "strace runs with debug.ptrace, with no hint"
	fi
	if have_tools "gdb under the default sandbox" gdb; then
		cp /bin/true "$TEST_TMP/prog"
		sbx -- gdb -nx -batch -ex run -ex bt "$TEST_TMP/prog"
		like "$(hints | tr '\n' '|')" "denied ptrace \(pid [0-9]+ gdb\).*debug.ptrace" \
			"gdb run: the hint names debug.ptrace"
		sbx -e debug.ptrace -- gdb -nx -batch -ex run -ex bt "$TEST_TMP/prog"
		like "$OUT" "exited normally" "gdb runs the program with debug.ptrace"
		is "" "$(hints)" "... with no hint"
	fi
	if have_tools "an AddressSanitizer binary" gcc; then
		printf 'int main(void){return 0;}\n' >"$TEST_TMP/asan.c"
		if gcc -fsanitize=address -o "$TEST_TMP/asan" "$TEST_TMP/asan.c" 2>"$TEST_TMP/gcc.err"; then
			sbx -- env -u ASAN_OPTIONS "$TEST_TMP/asan"
			isnt 0 "$RC" "an ASan binary fails in the default sandbox (LeakSanitizer needs ptrace)"
			like "$(hints)" "denied ptrace \(pid [0-9]+ asan\) $HINT_RE" "... and the hint names debug.ptrace"
			sbx -e debug.ptrace -- env -u ASAN_OPTIONS "$TEST_TMP/asan"
			is "0|" "$RC|$(hints)" "it runs with debug.ptrace"
		else
			skip_or_fail "gcc cannot build with -fsanitize=address: $(head -1 "$TEST_TMP/gcc.err")" \
				"an AddressSanitizer binary"
		fi
	fi

	# ---- watched: mlock is the kernel's to refuse ------------------------
	# RLIMIT_MEMLOCK's soft limit below its hard one: security.memory-lock
	# raises it.  Locking within the soft limit says nothing.
	run bash -c 'ulimit -S -l 64 && exec "$@"' _ timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" \
		$(tmp_grant) -- "$PROBE" mlock-bytes 1048576
	if [ "$(ulimit -H -l)" != unlimited ] && [ "$(ulimit -H -l)" -lt 2048 ]; then
		skip_or_fail "RLIMIT_MEMLOCK's hard limit is $(ulimit -H -l) KiB" "mlock beyond the soft limit"
	else
		is "mlock-bytes: errno ENOMEM" "$OUT" "mlock beyond RLIMIT_MEMLOCK fails with the kernel's ENOMEM"
		like "$(hints)" "^entrun: denied mlock beyond RLIMIT_MEMLOCK \(pid [0-9]+ probe\) — grant security.memory-lock to allow it$" \
			"... and the hint names security.memory-lock"
		run bash -c 'ulimit -S -l 64 && exec "$@"' _ timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" \
			$(tmp_grant) -e security.memory-lock -- "$PROBE" mlock-bytes 1048576
		is "mlock-bytes: ok|" "$OUT|$(hints)" "with security.memory-lock it locks, with no hint"
		run bash -c 'ulimit -S -l 64 && exec "$@"' _ timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" \
			$(tmp_grant) -- "$PROBE" mlock-bytes 4096
		is "mlock-bytes: ok|" "$OUT|$(hints)" "a lock within the limit passes, with no hint"
		run bash -c 'ulimit -S -l 64 && exec "$@"' _ timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" \
			$(tmp_grant) -- python3 -c 'import ctypes, mmap
m = mmap.mmap(-1, 40960); a = ctypes.addressof(ctypes.c_char.from_buffer(m)); libc = ctypes.CDLL(None)
print(libc.mlock(ctypes.c_void_p(a), 40960), libc.mlock(ctypes.c_void_p(a), 40960))'
		is "0 0|" "$OUT|$(hints)" "the same 40 KiB locked twice (within 64 KiB): both pass, no hint"
	fi
	# With the soft limit at the hard one (as by default), the grant would
	# not help: the kernel's ENOMEM, and no hint.
	if [ "$(ulimit -S -l)" = "$(ulimit -H -l)" ] && [ "$(ulimit -H -l)" != unlimited ]; then
		sbx -- "$PROBE" mlock-bytes $((($(ulimit -H -l) + 1024) * 1024))
		is "mlock-bytes: errno ENOMEM|" "$OUT|$(hints)" \
			"mlock beyond the hard limit: ENOMEM, and no hint (no grant would help)"
	else
		skip "RLIMIT_MEMLOCK's soft limit is not its hard one here" "mlock beyond the hard limit"
	fi

	# ---- the network level: watched connects and binds -------------------
	# Under network.none nothing leaves the sandbox (no route: the kernel
	# answers at once), so these addresses (TEST-NET-1) are safe to name.
	local py='import socket, sys
def try_(what, f):
    try:
        f(); print(what, "ok")
    except OSError as e:
        print(what, e.errno)
fam = socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET
t = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(fam, t)
if sys.argv[1] == "bind":
    try_("bind", lambda: s.bind((sys.argv[2], int(sys.argv[3]))))
else:
    try_("connect", lambda: s.connect((sys.argv[2], int(sys.argv[3]))))'
	if have_tools "python3 for the socket calls" python3; then
		sbx -- python3 -c "$py" tcp 192.0.2.1 80
		is "connect 101" "$OUT" "network.none: a connect beyond lo fails with ENETUNREACH, as before"
		like "$(hints)" "^entrun: denied connect to 192\.0\.2\.1:80 \(pid [0-9]+ python3\) — grant network.user to allow it$" \
			"... and the hint names the destination and network.user"
		sbx -- python3 -c "$py" udp 192.0.2.53 53
		like "$(hints)" "denied connect to 192\.0\.2\.53:53 \(a DNS lookup\) .* grant network.user" \
			"a DNS server's port is said to be a lookup"
		sbx -- python3 -c "$py" tcp 2001:db8::1 443
		like "$(hints)" "denied connect to \[2001:db8::1\]:443 .* grant network.user" "IPv6 too"
		sbx -- python3 -c "$py" tcp 127.0.0.1 9
		is "connect 111|" "$OUT|$(hints)" "a connect on lo is the sandbox's own business: no hint"
		sbx -- python3 -c "$py" tcp 0.0.0.0 9
		is "connect 111|" "$OUT|$(hints)" "0.0.0.0 is this host: lo, no hint"
		sbx -- python3 -c "$py" tcp :: 9
		is "connect 111|" "$OUT|$(hints)" ":: likewise"
		sbx -- python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.connect("/nonexistent-sock")'
		is "" "$(hints)" "a unix socket's connect: no hint"
		sbx -e network.proxy=http://127.0.0.1:9 -- python3 -c "$py" tcp 192.0.2.1 80
		like "$(hints)" "denied connect to 192\.0\.2\.1:80 .* grant network.user" \
			"network.proxy: a connect past the proxy names network.user"

		sbx -- python3 -c "$py" bind 127.0.0.1 80
		is "bind 13" "$OUT" "binding port 80 fails with EACCES, as before"
		like "$(hints)" "^entrun: denied bind to port 80 \(pid [0-9]+ python3\) — grant network.admin to allow it$" \
			"... and the hint names network.admin"
		sbx -- python3 -c "$py" bind 127.0.0.1 8080
		is "bind ok|" "$OUT|$(hints)" "port 8080 binds, with no hint"
		if tun_ok; then
			sbx -e network.admin -- python3 -c "$py" bind 127.0.0.1 80
			is "bind ok|" "$OUT|$(hints)" "with network.admin port 80 binds, with no hint"
			sbx -e network.user -- python3 -c "$py" bind ::1 443
			like "$(hints)" "denied bind to port 443 .* grant network.admin" \
				"network.user: a low port still names network.admin (IPv6)"
		else
			skip_or_fail "/dev/net/tun cannot be opened" "binds under network.admin"
		fi
	fi

	# ---- file capabilities, which no_new_privs ignores ------------------
	if have_tools "ping with file capabilities" ping getcap; then
		if [ -z "$(getcap "$(command -v ping)")" ]; then
			skip_or_fail "ping has no file capabilities here" "ping's file capabilities"
		else
			sbx -- ping -c1 -W1 127.0.0.1
			isnt 0 "$RC" "ping fails in the default sandbox"
			like "$ERR" "entrun: ping has file capabilities \(CAP_NET_RAW\), which do not apply in the sandbox — grant network.admin to give it them" \
				"... and entrun names its file capabilities and network.admin"
			if tun_ok; then
				sbx -e network.admin -- ping -c1 -W1 127.0.0.1
				is 0 "$RC" "ping works with network.admin"
				unlike "$ERR" "file capabilities" "... with no hint"
			else
				skip_or_fail "/dev/net/tun cannot be opened" "ping with network.admin"
			fi
		fi
	fi

	# ---- resources.* limits ----------------------------------------------
	if [ "$(id -u)" -eq 0 ]; then
		# The host's root is exempt from RLIMIT_NPROC: nothing fails, and
		# nothing must claim it did (no bomb: nothing would stop it).
		sbx -e resources.pids=8 -- sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 1.2 & done; wait'
		unlike "$ERR" "resources.pids" "as root, whom RLIMIT_NPROC does not hold: no resources.pids hint"
	else
		# Alone: a bomb's load would time the other scripts out.
		alone sbx -e resources.pids=32 -- "$PROBE" fork-bomb 2
		like "$OUT" "^fork-bomb: ok [0-9]+ processes, then fork: EAGAIN$" "a fork bomb meets resources.pids=32"
		has_line "$ERR" "entrun: resources.pids=32: the sandbox reached it (a fork there fails) — raise resources.pids to allow more" \
			"... and entrun names the limit"
	fi
	sbx -e resources.pids=64 -- sh -c 'for i in 1 2 3; do sleep 0.3 & done; wait'
	unlike "$ERR" "resources.pids" "a few processes under resources.pids=64: no hint"
	sbx -e resources.pids=10 -- sh -c 'for i in 1 2 3 4 5 6; do sleep 1.2 & done; wait'
	unlike "$ERR" "resources.pids" "8 processes under resources.pids=10, every fork passing: no hint"
	if have_tools "a memory hog" python3; then
		ENTRUN_TEST_TIMEOUT=20 alone sbx -e resources.memory=64M -- python3 -c 'import time; x = b"x" * (256 << 20); time.sleep(10)'
		is 137 "$RC" "a memory hog past resources.memory=64M is killed"
		like "$ERR" "resources.memory=64M: the sandbox held more and was killed" "... and entrun names the limit"
	fi
	expect_rc 124 "resources.timeout ends a command" -e resources.timeout=1 -- sleep 5
	like "$ERR" "resources.timeout: the sandbox ran out of its 1 s and was killed" "... and entrun names the limit"

	# ---- attacks on the hints themselves ---------------------------------
	# The command cannot make entrun look at another file than the one it
	# was started from: it swaps itself for a link to ping and fails.
	if have_tools "the file-capability look comes first" ping getcap; then
		printf '#!/bin/sh\nrm -f "$0" && ln -s "$(command -v ping)" "$0"\nexit 2\n' >"$TEST_TMP/swapper"
		chmod +x "$TEST_TMP/swapper"
		sbx -- "$TEST_TMP/swapper"
		is "2|$(command -v ping)" "$RC|$(readlink "$TEST_TMP/swapper")" "a command that swaps its own file for ping"
		unlike "$ERR" "file capabilities" "... gets no file-capability hint: the file was looked at before it ran"
	fi
	# A name full of escape sequences reaches the terminal as '?'.
	sbx -- "$PROBE" ptrace-as $'\e]0;pwn\a\e[2J' 1
	is "ptrace-as: errno EPERM" "$OUT" "a process named with escape sequences is refused as any"
	line=$(hints)
	unlike "$line" $'[\x01-\x1f\x7f]' "its name reaches entrun's hint without a control byte"
	like "$line" '\(pid [0-9]+ \?\]0;pwn\?\?\[2J\)' "... each one a '?'"

	# A flood of denied calls: every one answered EPERM, one hint, the
	# sandbox ends on time, and a hint costs pid 1 no memory per call.
	t0=$(date +%s%N)
	ENTRUN_TEST_TIMEOUT=60 alone sbx -- "$PROBE" ptrace-as flood 100000
	t1=$(date +%s%N)
	is "ptrace-as: errno EPERM" "$OUT" "100000 denied calls in a row all get EPERM"
	is 1 "$(hints | wc -l)" "... and entrun says so once"
	diag "100000 denied calls answered by pid 1 in $(((t1 - t0) / 1000000)) ms"

	# The listener answers the calls the filter denies: a process holding
	# it could answer its own.  Nothing in the sandbox has it.
	sbx -- sh -c 'for f in /proc/[0-9]*/fd/*; do readlink "$f"; done 2>/dev/null | sort -u'
	unlike "$OUT" "seccomp" "no process of the sandbox holds the filter's listener"
	n=$(grep -c . <<<"$OUT")
	[ "$n" -gt 0 ] && ok "control: the sandbox's descriptors are listed ($n)" ||
		not_ok "control: the sandbox's descriptors are listed"
}

tap_main checks
