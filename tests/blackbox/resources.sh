#!/bin/bash
# resources.pids, .memory, .cpu-time, .files, .file-size and .timeout,
# observed from inside the sandbox: the limit as `ulimit` (dash) and
# /proc/self/limits show it, and what happens past it (fork fails, the
# sandbox that holds too much memory is killed, the CPU hog is killed, open
# fails with EMFILE, a write fails with EFBIG, the sandbox is killed and
# entrun exits 124).  This host has no delegated cgroup, so the fallback
# (RLIMIT_NPROC, pid 1's memory watch) is what runs, and --explain must say
# so.  Bad values are refused (125, nothing runs).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

PY=''

# A python3 that runs for every user (root's PATH may lead to a pyenv shim
# under /root, which neither the test user nor a sandbox can use).
find_python() {
	local p
	for p in /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3)"; do
		if [ -n "$p" ] && [ -x "$p" ] && "$p" -c pass >/dev/null 2>&1; then
			PY=$p
			return 0
		fi
	done
	return 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# lim NAME ENTRUN-ARGS...: "soft hard" of /proc/self/limits' line NAME
# (e.g. "Max processes") inside the sandbox.
lim() {
	local name=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx "$@" -- sh -c 'grep "^$1 " /proc/self/limits' _ "$name"
	local -a fld
	read -r -a fld <<<"${OUT#"$name"}"
	OUT="${fld[0]:-} ${fld[1]:-}"
}

explain_checks() {
	local all=(--ent resources.pids=64 --ent resources.memory=512M --ent resources.cpu-time=30
		--ent resources.files=100 --ent resources.file-size=2M --ent resources.timeout=60)
	sbx --doctor
	if ! grep -q '^info  cgroup delegation  *none writable' <<<"$OUT"; then
		skip "this host has a delegated cgroup: the rlimit fallback is not used" \
			"--explain: no delegated cgroup, rlimits used"
		return 1
	fi
	sbx --explain "${all[@]}"
	like "$OUT" "RLIMIT_NPROC and pid 1's watch: no delegated cgroup" \
		"--explain says 'RLIMIT_NPROC and pid 1's watch: no delegated cgroup'"
	has_line "$OUT" "resources: pids=64, memory=536870912, cpu-time=30, files=100, file-size=2097152, timeout=60 (pids and memory through RLIMIT_NPROC and pid 1's watch: no delegated cgroup)" \
		"--explain lists every resource with its value in bytes"
	if have_tools "--explain --json: the resources object" jq; then
		sbx --explain --json "${all[@]}"
		cp "$TEST_TMP/.out" "$TEST_TMP/res.json"
		run jq -c .resources "$TEST_TMP/res.json"
		is '{"backend":"rlimit","pids":64,"memory":536870912,"cpu-time":30,"files":100,"file-size":2097152,"timeout":60}' \
			"$OUT" '--explain --json: "resources" has "backend": "rlimit" and every value'
		run jq -c .rlimits "$TEST_TMP/res.json"
		is '{"RLIMIT_NPROC":{"soft":64,"hard":64},"RLIMIT_CPU":{"soft":30,"hard":31},"RLIMIT_NOFILE":{"soft":100,"hard":100},"RLIMIT_FSIZE":{"soft":2097152,"hard":2097152}}' \
			"$OUT" '--explain --json: "rlimits" has the matching soft and hard limits (none for memory)'
	fi
	return 0
}

pids_checks() {
	expect 12 "pids=12: ulimit -p (dash) shows 12" --ent resources.pids=12 -- dash -c 'ulimit -p'
	lim "Max processes" --ent resources.pids=12
	is "12 12" "$OUT" "pids=12: /proc/self/limits, soft and hard"
	# The sandbox's processes are counted in its own user namespace: pid 1,
	# the probe and its children.  pids=8 leaves room for 6 children.
	if [ "$(id -u)" -eq 0 ]; then
		local d
		for d in "control: without pids, 7 children can be forked" \
			"pids=8: fork-zombies 6 works (8 processes with pid 1 and the probe)" \
			"pids=8: the 7th child fails (EAGAIN)" \
			"control: pids=60: a dash loop starts 50 background sleeps" \
			"pids=8: the dash loop is stopped (exit 2, no 'started')" \
			"pids=8: ... dash says 'Cannot fork'"; do
			skip "the kernel exempts real root from RLIMIT_NPROC" "$d"
		done
		return
	fi
	expect "fork-zombies: ok" "control: without pids, 7 children can be forked" \
		-- "$PROBE" fork-zombies 7
	expect "fork-zombies: ok" "pids=8: fork-zombies 6 works (8 processes with pid 1 and the probe)" \
		--ent resources.pids=8 -- "$PROBE" fork-zombies 6
	expect "fork-zombies: errno EAGAIN" "pids=8: the 7th child fails (EAGAIN)" \
		--ent resources.pids=8 -- "$PROBE" fork-zombies 7
	# shellcheck disable=SC2016 # expanded by dash
	local loop='i=0; while [ $i -lt 50 ]; do sleep 5 & i=$((i + 1)); done; echo "started $i"'
	expect "started 50" "control: pids=60: a dash loop starts 50 background sleeps" \
		--ent resources.pids=60 -- dash -c "$loop"
	sbx --ent resources.pids=8 -- dash -c "$loop"
	is "2 " "$RC $OUT" "pids=8: the dash loop is stopped (exit 2, no 'started')"
	like "$ERR" 'Cannot fork' "pids=8: ... dash says 'Cannot fork'"
}

# The default sandbox stops a fork bomb: its processes are limited
# (resources.pids=4096 unless granted, counted apart from the user's other
# processes), the host stays responsive meanwhile (a process of the user's
# outside starts and exits within 2 s: the median of five tries spread over
# the bomb's life, so that one stall of a busy CI host is not taken for
# the bomb's), and nothing of the bomb is left once entrun is done.
fork_bomb_checks() {
	local d m pid t0 took i times=()
	if [ "$(id -u)" -eq 0 ]; then
		for d in "the default sandbox stops a fork bomb at its process limit" \
			"... while the host stays responsive" "... and nothing of it is left"; do
			skip "the kernel exempts real root from RLIMIT_NPROC" "$d"
		done
		return
	fi
	expect_like "resources: pids=4096 \\(" "--explain shows the default process limit" --explain
	m=$(unique_marker)
	"$ENTRUN" $(tmp_grant) -- "$PROBE" fork-bomb 6 "$m" </dev/null >"$TEST_TMP/bomb.out" 2>&1 &
	pid=$!
	track_bg "$pid"
	sleep 2
	for i in 1 2 3 4 5; do
		t0=$(now_ms)
		"$PROBE" exit 0 >/dev/null
		times+=($(($(now_ms) - t0)))
		sleep 0.4
	done
	took=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
	wait_bounded "$pid" 20
	like "$(head -1 "$TEST_TMP/bomb.out")" \
		'^fork-bomb: ok (40[0-9][0-9]|[1-3][0-9]{3}) processes, then fork: EAGAIN$' \
		"the default sandbox stops a fork bomb at its process limit"
	# Whether entrun names the limit too depends on pid 1 getting the CPU
	# to count while 4096 processes spin: a hint, at best (hints.sh checks
	# it with a bomb of 32).
	like "$(sed -n '2,$p' "$TEST_TMP/bomb.out")" '^(entrun: resources\.pids=4096: the sandbox reached it.*)?$' \
		"... and entrun says nothing else (at most that the limit was reached)"
	if [ "$took" -lt 2000 ]; then ok "... while the host stays responsive (median ${took} ms of ${times[*]})"; else
		not_ok "... while the host stays responsive" "a process outside took ${times[*]} ms (median $took)"
	fi
	sleep 1
	is "" "$(pgrep -f "fork-bomb 6 $m")" "... and nothing of it is left"
}

# Every writable tmpfs of the sandbox comes from one pool of
# resources.memory bytes: /tmp and /dev/shm cannot hold more together.
tmpfs_pool_checks() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	local fill='head -c 10M /dev/zero >/tmp/a && echo tmp-ok; head -c 10M /dev/zero >/dev/shm/b 2>/dev/null && echo shm-ok || echo shm-full'
	expect "tmp-ok
shm-ok" "control: without resources.memory, /tmp and /dev/shm take 10 MiB each" -- sh -c "$fill"
	# The pool is full at 16 MiB (ENOSPC); or, without a delegated cgroup,
	# pid 1's watch may see the full pool plus the shell's own memory
	# first, and end the sandbox (137, one line): either way no more.
	sbx --ent resources.memory=16M -- sh -c "$fill"
	if [ "$OUT" = $'tmp-ok\nshm-full' ] || { [ "$RC" = 137 ] && [ "$OUT" = tmp-ok ] &&
		[[ $ERR == "entrun: resources.memory=16M: the sandbox held more and was killed (SIGKILL)" ]]; }; then
		ok "memory=16M: /tmp and /dev/shm together hold no more than 16 MiB"
	else
		not_ok "memory=16M: /tmp and /dev/shm together hold no more than 16 MiB"
	fi
	expect_like "^tmpfs +16384 " "memory=16M: df shows /tmp's 16 MiB" \
		--ent resources.memory=16M -- sh -c 'df -k /tmp | tail -1'
}

# When a limit ends the command, entrun says which, in one line.
limit_message_checks() {
	sbx --ent resources.file-size=1K -- head -c 5000 /dev/zero
	is "153|entrun: resources.file-size=1K: the command wrote past it (SIGXFSZ)" "$RC|$ERR" \
		"file-size=1K: a bigger write dies of SIGXFSZ, and entrun names the grant"
	sbx --ent resources.file-size=1K -- sh -c 'head -c 5000 /dev/zero >"$1"/big' _ "$TEST_TMP"
	has_line "$ERR" "entrun: resources.file-size=1K: the command wrote past it (SIGXFSZ)" \
		"file-size=1K: ... also when a shell says 153 for its child"
	# pid 1's watch kills what holds too much, and says so; an allocation
	# never fails for the limit, so a crash is not blamed on it.
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx --ent resources.memory=64M -- sh -c 'kill -ABRT $$'
	is "134|" "$RC|$ERR" "memory=64M: a command that aborts is not said to be out of memory"
	sbx --ent resources.memory=64M -- sh -c 'head -c 100M /dev/zero | tail -c 100M | wc -c'
	is "137||entrun: resources.memory=64M: the sandbox held more and was killed (SIGKILL)" \
		"$RC|$OUT|$ERR" "memory=64M: tail holding 100 MiB is killed, and entrun names the grant"
}

# resources.memory without a cgroup: pid 1 watches what the whole sandbox
# holds (anonymous and shared memory, swap, its tmpfs files) and kills all
# of it past the limit.  No RLIMIT_AS: that one counted address space per
# process, so four processes took four times the limit, and an
# AddressSanitizer binary could not start at all.
memory_checks() {
	local killed="entrun: resources.memory=100M: the sandbox held more and was killed (SIGKILL)"
	local t0 took
	expect unlimited "memory=100M: no address-space limit (ulimit -v)" \
		--ent resources.memory=100M -- dash -c 'ulimit -v'
	if ! find_python; then
		skip_or_fail "no usable python3" "memory=100M: the sandbox's memory is watched"
		return
	fi
	expect allocated "control: without memory, 300 MiB can be allocated" \
		-- "$PY" -c 'bytearray(300*1024*1024); print("allocated")'
	t0=$(now_ms)
	sbx --ent resources.memory=100M -- "$PY" -c 'bytearray(300*1024*1024); print("allocated")'
	took=$(($(now_ms) - t0))
	is "137||$killed" "$RC|$OUT|$ERR" \
		"memory=100M: a process that fills 300 MiB is killed (137), and entrun says why"
	if [ "$took" -lt 5000 ]; then ok "memory=100M: ... at once (${took} ms)"; else
		not_ok "memory=100M: ... at once" "took $took ms"
	fi
	expect allocated "memory=100M: allocating 10 MiB works" \
		--ent resources.memory=100M -- "$PY" -c 'bytearray(10*1024*1024); print("allocated")'
	# The limit is the sandbox's, not each process's.
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx --ent resources.memory=100M -- sh -c 'for i in 1 2 3 4; do
		"$1" -c "import time; b = bytearray(40 << 20); time.sleep(4)" & done; wait; echo survived' _ "$PY"
	is "137||$killed" "$RC|$OUT|$ERR" "memory=100M: four processes of 40 MiB each are killed together"
	# Shared anonymous memory counts, and so do the tmpfs files.
	sbx --ent resources.memory=100M -- "$PY" -c 'import mmap
m = mmap.mmap(-1, 300 << 20)
for i in range(300): m.write(b"x" * (1 << 20))
print("filled")'
	is "137||$killed" "$RC|$OUT|$ERR" "memory=100M: filling 300 MiB of shared memory is killed"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx --ent resources.memory=100M -- sh -c 'head -c 60M /dev/zero >/tmp/f &&
		"$1" -c "import time; b = bytearray(60 << 20); time.sleep(4)"; echo survived' _ "$PY"
	is "137||$killed" "$RC|$OUT|$ERR" "memory=100M: 60 MiB in /tmp and 60 MiB allocated are killed"
	# Pages a fork shares copy-on-write take memory once, and count once.
	expect survived "memory=100M: a process holding 60 MiB forks, and its child lives on" \
		--ent resources.memory=100M -- "$PY" -c 'import os, time
b = bytearray(60 << 20)
pid = os.fork()
if pid == 0:
    time.sleep(1)
    os._exit(0)
os.waitpid(pid, 0)
print("survived")'
	# A command that may mount could fill a tmpfs of its own, unseen.
	sbx --ent security.admin --ent resources.memory=100M -- true
	like "$RC|$ERR" "^125\|entrun: resources.memory with security.admin needs a delegated cgroup" \
		"memory=100M + security.admin: refused (125): its own tmpfs would escape the watch"
	exited_leader_checks
	asan_checks
}

# A process whose first thread exited shows no memory in /proc/PID/status
# (a zombie leader): its other threads' memory is counted all the same.
exited_leader_checks() {
	local bin=$TEST_TMP/exited-leader
	printf '%s\n' '#include <pthread.h>' '#include <stdio.h>' '#include <stdlib.h>' \
		'#include <string.h>' '#include <sys/syscall.h>' '#include <unistd.h>' \
		'static void *fill (void *arg) { size_t n = (size_t) 300 << 20; char *p = malloc (n);' \
		'  memset (p, 1, n); sleep (4); puts ("survived"); fflush (stdout); _exit (0); }' \
		'int main (void) { pthread_t t; pthread_create (&t, NULL, fill, NULL);' \
		'  syscall (SYS_exit, 0); return 1; }' >"$bin.c"
	if ! cc -pthread -o "$bin" "$bin.c" 2>"$TEST_TMP/cc.err"; then
		skip_or_fail "cc -pthread failed: $(head -n 1 "$TEST_TMP/cc.err")" \
			"memory=100M: 300 MiB behind an exited leader thread is killed"
		return
	fi
	sbx --ent resources.memory=100M -- "$bin"
	is "137|" "$RC|$OUT" "memory=100M: 300 MiB behind an exited leader thread is killed"
}

# A program built with AddressSanitizer reserves terabytes of address
# space: it runs under resources.memory, and is still killed past it.
asan_checks() {
	local bin=$TEST_TMP/asan-fill
	local -a noleak=(--env ASAN_OPTIONS=detect_leaks=0)
	printf '%s\n' '#include <stdio.h>' '#include <stdlib.h>' '#include <string.h>' \
		'int main (int argc, char **argv) {' \
		'  size_t n = strtoul (argv[1], NULL, 10) << 20; char *p = malloc (n);' \
		'  memset (p, 1, n); printf ("filled %zu\n", n >> 20); free (p); return 0; }' \
		>"$TEST_TMP/asan-fill.c"
	if ! cc -fsanitize=address -o "$bin" "$TEST_TMP/asan-fill.c" 2>"$TEST_TMP/cc.err"; then
		skip_or_fail "cc -fsanitize=address failed: $(head -n 1 "$TEST_TMP/cc.err")" \
			"memory=256M: an AddressSanitizer binary runs"
		return
	fi
	expect "filled 20" "memory=256M: an AddressSanitizer binary runs" \
		"${noleak[@]}" --ent resources.memory=256M -- "$bin" 20
	sbx "${noleak[@]}" --ent resources.memory=256M -- "$bin" 600
	is "137|" "$RC|$OUT" "memory=256M: ... and is killed once it fills 600 MiB"
}

cpu_checks() {
	expect 7 "cpu-time=7: ulimit -t (dash) shows 7" --ent resources.cpu-time=7 -- dash -c 'ulimit -t'
	lim "Max cpu time" --ent resources.cpu-time=7
	is "7 8" "$OUT" "cpu-time=7: /proc/self/limits, soft 7 and hard 8 (SIGXCPU, then SIGKILL)"
	local t0 t1
	t0=$(now_ms)
	sbx --ent resources.cpu-time=1 -- sh -c 'while :; do :; done'
	t1=$(now_ms)
	is 152 "$RC" "cpu-time=1: a busy loop is killed by the CPU limit (SIGXCPU, 152)"
	is "entrun: resources.cpu-time=1: the command used up its CPU time (SIGXCPU)" "$ERR" \
		"cpu-time=1: ... and entrun says so, in one line"
	if [ $((t1 - t0)) -lt 8000 ]; then
		ok "cpu-time=1: ... within 8 s ($((t1 - t0)) ms)"
	else
		not_ok "cpu-time=1: ... within 8 s" "took $((t1 - t0)) ms"
	fi
	expect_rc 0 "cpu-time=1: sleeping 1.5 s uses no CPU and is not killed" \
		--ent resources.cpu-time=1 -- sleep 1.5
}

files_checks() {
	expect 20 "files=20: ulimit -n (dash) shows 20" --ent resources.files=20 -- dash -c 'ulimit -n'
	lim "Max open files" --ent resources.files=20
	is "20 20" "$OUT" "files=20: /proc/self/limits, soft and hard"
	if ! find_python; then
		skip_or_fail "no usable python3" "files=20: the 18th open fails (EMFILE)"
		return
	fi
	local prog='
import errno, os
fds = []
try:
    while len(fds) < 200:
        fds.append(os.open("/dev/null", os.O_RDONLY))
    print("no error", max(fds))
except OSError as e:
    print(errno.errorcode[e.errno], max(fds))'
	expect "EMFILE 19" "files=20: opening files fails with EMFILE once fd 19 is taken" \
		--ent resources.files=20 -- "$PY" -c "$prog"
	expect "EMFILE 39" "files=40: ... once fd 39 is taken" \
		--ent resources.files=40 -- "$PY" -c "$prog"
}

file_size_checks() {
	local f=$TEST_TMP/big
	expect 2048 "file-size=1M: ulimit -f (dash, 512-byte blocks) shows 2048" \
		--ent resources.file-size=1M -- dash -c 'ulimit -f'
	lim "Max file size" --ent resources.file-size=1M
	is "1048576 1048576" "$OUT" "file-size=1M: /proc/self/limits, soft and hard (bytes)"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx -- sh -c 'head -c 2M /dev/zero >"$1"' _ "$f"
	is "0 2097152" "$RC $(stat -c %s "$f" 2>&1)" "control: without file-size, a 2 MiB file can be written"
	rm -f "$f"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx --ent resources.file-size=1M -- sh -c 'head -c 2M /dev/zero >"$1"; echo "status $?"' _ "$f"
	is "status 153" "$OUT" "file-size=1M: writing 2 MiB kills the writer with SIGXFSZ (153)"
	is 1048576 "$(stat -c %s "$f" 2>&1)" "file-size=1M: the file on the host stops at exactly 1 MiB"
	rm -f "$f"
	if ! find_python; then
		skip_or_fail "no usable python3" "file-size=1M: one byte past the limit fails with EFBIG"
		return
	fi
	expect "1048576 EFBIG" "file-size=1M: 1 MiB is written, one byte more fails with EFBIG" \
		--ent resources.file-size=1M -- "$PY" -c '
import errno, os, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
n = os.write(fd, b"x" * (1 << 20))
try:
    os.write(fd, b"x")
    print(n, "wrote past the limit")
except OSError as e:
    print(n, errno.errorcode[e.errno])' "$f"
}

# timeout_run DESC-PREFIX SECS ENTRUN-OPTIONS...: a payload of two sleeps
# (one in the background) carrying a unique marker outlives the timeout.
timeout_run() {
	local desc=$1 secs=$2 t0 t1 ms left
	shift 2
	MARKER=$(unique_marker)
	t0=$(now_ms)
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx --ent "resources.timeout=$secs" "$@" -- sh -c \
		'sleep "100.$1" & sleep "100.$1"; echo survived' _ "$MARKER"
	t1=$(now_ms)
	ms=$((t1 - t0))
	is 124 "$RC" "$desc: entrun exits 124"
	if [ "$ms" -ge $((secs * 1000 - 100)) ] && [ "$ms" -le $((secs * 1000 + 1000)) ]; then
		ok "$desc: ... after $secs s, within $((secs + 1)) s ($ms ms)"
	else
		not_ok "$desc: ... after $secs s, within $((secs + 1)) s" "took $ms ms"
	fi
	is "" "$OUT" "$desc: the payload did not go on"
	like "$ERR" 'timeout' "$desc: entrun says it was the timeout"
	left=''
	# shellcheck disable=SC2016 # expanded by the inner sh
	retry 10 sh -c '! pgrep -f "$1" >/dev/null' _ "100\\.$MARKER" ||
		left=$(pgrep -af "100\\.$MARKER")
	is "" "$left" "$desc: no process of the sandbox is left (pgrep on the marker)"
	pkill -KILL -f "100\\.$MARKER" 2>/dev/null
}

timeout_checks() {
	timeout_run "timeout=2" 2
	timeout_run "timeout=2, host.processes.view (no PID namespace to kill)" 2 \
		--ent host.processes.view
	local t0 t1
	t0=$(now_ms)
	expect_rc 3 "timeout=5: a payload that ends first gives its own status (3)" \
		--ent resources.timeout=5 -- sh -c 'exit 3'
	t1=$(now_ms)
	if [ $((t1 - t0)) -lt 2000 ]; then ok "timeout=5: ... at once ($((t1 - t0)) ms)"; else
		not_ok "timeout=5: ... at once" "took $((t1 - t0)) ms"
	fi
}

profile_checks() {
	local ini=$TEST_TMP/res.ini
	printf '[resources]\npids = 33\nmemory = 200M\ncpu-time = 44\nfiles = 55\nfile-size = 3K\ntimeout = 66\n' >"$ini"
	# shellcheck disable=SC2016 # expanded by the inner sh
	expect "33 unlimited 44 55 6" "[resources] in a profile: ulimit -p -v -t -n -f (memory: no -v)" \
		-p "$ini" -- dash -c 'echo $(ulimit -p) $(ulimit -v) $(ulimit -t) $(ulimit -n) $(ulimit -f)'
	sbx --explain -p "$ini"
	has_grant "$OUT" resources.timeout=66 "$ini:7" "--explain names the profile's line: timeout=66 [FILE:7]"
	has_grant "$OUT" resources.pids=33 "$ini:2" "--explain names the profile's line: pids=33 [FILE:2]"
	expect 77 "--ent resources.files overrides the profile's value" \
		-p "$ini" --ent resources.files=77 -- dash -c 'ulimit -n'
}

bad_value_checks() {
	local r v
	for r in pids memory cpu-time files file-size timeout; do
		for v in 0 -1 abc 10X ''; do
			expect_error "resources.$r=$v is refused" "entrun: " "resources.$r=$v" \
				--ent "resources.$r=$v"
		done
	done
	for r in pids cpu-time files timeout; do
		expect_error "resources.$r=10K (no size suffix on a count) is refused" "entrun: " \
			"resources.$r=10K" --ent "resources.$r=10K"
	done
	expect_error "resources.memory=1.5G is refused" "entrun: " "1.5G" --ent resources.memory=1.5G
	expect_error "resources.pids=99999999999999999999 is refused" "entrun: " "out of range" \
		--ent resources.pids=99999999999999999999
	expect_error "resources.pids without a value is refused" "entrun: " "needs a value" \
		--ent resources.pids
}

checks() {
	if ! have_tools "resources checks (ulimit as dash prints it)" dash; then return; fi
	explain_checks
	pids_checks
	alone fork_bomb_checks
	tmpfs_pool_checks
	limit_message_checks
	memory_checks
	cpu_checks
	files_checks
	file_size_checks
	timeout_checks
	profile_checks
	bad_value_checks
}

tap_main checks
