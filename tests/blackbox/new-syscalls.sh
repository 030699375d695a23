#!/bin/bash
# A seccomp policy that ages well: syscalls newer than the policy fail with
# ENOSYS (libc then falls back on the older call), syscalls it knows and
# denies with EPERM; the harmless recent additions run on every ABI;
# memfd_secret and modify_ldt are denied; the mlock family works within
# RLIMIT_MEMLOCK (gpg has secure memory).
#
# "Runs" is judged against the host kernel: each new syscall is called with
# arguments it rejects (EBADF, EFAULT, EINVAL) and must answer inside as it
# does on the host -- the filter passed it -- and never EPERM.  A kernel
# without the syscall answers ENOSYS on both sides.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# NAME NR: the same number on x86_64, on i386 and (with bit 30) on x32;
# every one is called with (-1, 0, 0, 0, 0).
NEWER=(
	"cachestat 451" "fchmodat2 452" "futex_wake 454" "futex_wait 455" "futex_requeue 456"
	"statmount 457" "listmount 458" "mseal 462" "setxattrat 463" "getxattrat 464"
	"listxattrat 465" "removexattrat 466" "file_getattr 468" "file_setattr 469"
)
# Not on i386.
NEWER_64=("map_shadow_stack 453")

# NAME NR ARGS...: known to the policy and denied.
DENIED=(
	"memfd_secret 447 0" "modify_ldt 154 0 0 0" "lsm_set_self_attr 460 0 0 0 0"
	"open_tree_attr 467 -1 0 0 0 0"
)
DENIED_I386=("memfd_secret 447 0" "modify_ldt 123 0 0 0" "lsm_set_self_attr 460 0 0 0 0")

# Numbers no kernel the policy knows had: the next syscall (470), beyond,
# and x86_64's never-assigned 337-423.
UNKNOWN=(470 471 500 1000 337 423)

# specs NAME-NR... with the bad arguments appended.
with_args() {
	local s
	for s in "$@"; do printf '%s -1 0 0 0 0\n' "$s"; done
}

# runs TEST WHAT SPEC...: each answers inside as on the host, and not EPERM.
runs() {
	local t=$1 what=$2 spec h i
	shift 2
	host_tries "$t" "$@"
	tries -- "$t" "$@"
	for spec in "$@"; do
		h=$(answer "$spec" "$HOST") i=$(answer "$spec")
		if [ "$i" = "$h" ] && [ "$i" != "$t: errno EPERM" ]; then
			ok "$what: ${spec%% *} is not blocked (the kernel answers: ${h#"$t: "})"
		else
			not_ok "$what: ${spec%% *} is not blocked" "inside: '$i'" "host:   '$h'"
		fi
	done
}

newer_checks() {
	local -a specs specs64
	mapfile -t specs < <(with_args "${NEWER[@]}")
	mapfile -t specs64 < <(with_args "${NEWER_64[@]}")
	diag "kernel $(uname -r)"
	runs syscall "x86_64" "${specs[@]}" "${specs64[@]}"
	if [ "$("$PROBE" x32-syscall 39)" = "x32-syscall: errno ENOSYS" ]; then
		skip "the kernel has no x32 ABI" "the new syscalls through the x32 ABI"
	else
		runs x32-syscall "x32" "${specs[@]}" "${specs64[@]}"
	fi
	if [ "$("$PROBE" int80-getpid)" != "int80-getpid: ok" ]; then
		skip "the kernel has no IA32 emulation" "the new syscalls through int 0x80"
	else
		runs int80-syscall "i386" "${specs[@]}"
	fi
}

denied_checks() {
	local spec
	tries -- syscall "${DENIED[@]}"
	for spec in "${DENIED[@]}"; do
		is "syscall: errno EPERM" "$(answer "$spec")" "${spec%% *} is denied with EPERM"
	done
	host_tries syscall "modify_ldt 154 0 0 0"
	is "syscall: ok" "$(answer "modify_ldt" "$HOST")" "control: modify_ldt (read) works on the host"
	if [ "$("$PROBE" int80-getpid)" != "int80-getpid: ok" ]; then
		skip "the kernel has no IA32 emulation" "memfd_secret, modify_ldt through int 0x80"
		return
	fi
	tries -- int80-syscall "${DENIED_I386[@]}"
	for spec in "${DENIED_I386[@]}"; do
		is "int80-syscall: errno EPERM" "$(answer "$spec")" "i386: ${spec%% *} is denied with EPERM"
	done
}

# enosys TEST WHAT NR...: each NR fails with ENOSYS through TEST.
enosys() {
	local t=$1 what=$2 n
	local -a specs=()
	shift 2
	for n in "$@"; do specs+=("nr-$n $n"); done
	tries -- "$t" "${specs[@]}"
	for n in "$@"; do
		is "$t: errno ENOSYS" "$(answer "nr-$n")" "$what: syscall $n (unknown to the policy) fails with ENOSYS"
	done
}

unknown_checks() {
	enosys syscall "x86_64" "${UNKNOWN[@]}"
	expect "clone3: errno ENOSYS" "clone3 keeps ENOSYS" -- "$PROBE" clone3
	expect "mount: errno EPERM" "control: a known, denied syscall (mount) keeps EPERM" \
		-- "$PROBE" mount
	if [ "$("$PROBE" x32-syscall 39)" = "x32-syscall: errno ENOSYS" ]; then
		skip "the kernel has no x32 ABI" "unknown syscalls through the x32 ABI"
	else
		enosys x32-syscall "x32" 470 1000 548
	fi
	if [ "$("$PROBE" int80-getpid)" != "int80-getpid: ok" ]; then
		skip "the kernel has no IA32 emulation" "unknown syscalls through int 0x80"
	else
		enosys int80-syscall "i386" 470 1000 251
	fi
}

# The mlock family works within RLIMIT_MEMLOCK; beyond it the kernel itself
# refuses (ENOMEM: no CAP_IPC_LOCK in the initial namespace).
mlock_checks() {
	local soft hard
	soft=$(ulimit -l) hard=$(ulimit -Hl)
	expect "mlock: ok" "mlock of a page works by default" -- "$PROBE" mlock
	expect "mlock-bytes: ok" "mlock of 64 KiB works by default" -- "$PROBE" mlock-bytes 65536
	if [ "$soft" = unlimited ] || [ "$soft" -lt 128 ]; then
		skip "RLIMIT_MEMLOCK is $soft KiB here" "mlock beyond RLIMIT_MEMLOCK"
	else
		expect "mlock-bytes: errno ENOMEM" \
			"mlock beyond RLIMIT_MEMLOCK ($soft KiB) fails with the kernel's ENOMEM" \
			-- "$PROBE" mlock-bytes $((soft * 1024 + 4096))
	fi
	expect "$hard" "security.memory-lock raises RLIMIT_MEMLOCK to its hard limit" \
		--ent security.memory-lock -- sh -c 'ulimit -l'
	expect "$soft" "control: RLIMIT_MEMLOCK stays as it was without it" -- sh -c 'ulimit -l'
	# gpg is no build or test dependency: checked where it is installed.
	if ! command -v gpg >/dev/null; then
		skip "gpg is not installed" "gpg has secure memory"
		return
	fi
	mkdir -m 700 "$TEST_TMP/gnupg"
	sbx -- gpg --homedir "$TEST_TMP/gnupg" --batch --gen-random 0 4
	is 0 "$RC" "gpg --gen-random runs"
	unlike "$ERR" 'insecure memory' "gpg does not warn about insecure memory"
}

explain_checks() {
	expect_like $'\nseccomp: default-deny \\(fails with EPERM; syscalls newer than Linux [0-9.]+ with ENOSYS\\)' \
		"--explain says which syscalls fail with ENOSYS" --explain -- true
	if have_tools "--explain --json says which syscalls fail with ENOSYS" jq; then
		sbx --explain --json
		printf '%s\n' "$OUT" >"$TEST_TMP/explain.json"
		run jq -r '.seccomp.default + "/" + .seccomp.unknown' "$TEST_TMP/explain.json"
		is "errno EPERM/errno ENOSYS" "$OUT" "--explain --json: default EPERM, unknown ENOSYS"
	fi
}

checks() {
	newer_checks
	denied_checks
	unknown_checks
	mlock_checks
	explain_checks
}

tap_main checks
