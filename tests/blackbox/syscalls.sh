#!/bin/bash
# The default seccomp policy: forbidden syscalls fail with EPERM, clone3
# with ENOSYS, harmless ones work, and the i386/x32 ABIs are no way around.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

DENIED=(
	mount umount unshare-user unshare-ns unshare-net
	clone-newuser clone-newns clone-newnet clone-newpid setns pivot-root
	fsopen open-tree mount-setattr fsmount move-mount
	keyctl add-key bpf perf kexec init-module reboot swapon acct
	clock-settime syslog iopl open-by-handle-at personality-noaslr
	ptrace-traceme ptrace-attach-parent process-vm-readv userfaultfd io-uring
)
ALLOWED=(clone-plain personality-query)

# denied TEST: the probe reports EPERM inside the default sandbox.
denied() {
	expect "$1: errno EPERM" "$1 is denied with EPERM" -- "$PROBE" "$1"
}

allowed() {
	expect "$1: ok" "control: $1 works" -- "$PROBE" "$1"
}

checks() {
	local t
	for t in "${DENIED[@]}"; do denied "$t"; done
	for t in "${ALLOWED[@]}"; do allowed "$t"; done
	expect "clone3: errno ENOSYS" "clone3 fails with ENOSYS (libc falls back on clone)" \
		-- "$PROBE" clone3

	if [ "$(uname -m)" != x86_64 ]; then
		skip "not x86_64" "int 0x80 and x32 ABIs"
		return
	fi
	expect_like '^x32-unshare: errno (EPERM|ENOSYS)$' \
		"unshare through the x32 ABI is refused (EPERM, or ENOSYS without x32)" \
		-- "$PROBE" x32-unshare
	if [ "$("$PROBE" int80-getpid)" != "int80-getpid: ok" ]; then
		skip "the kernel has no IA32 emulation" "int 0x80 ABI"
		return
	fi
	allowed int80-getpid
	expect "int80-unshare: errno EPERM" "unshare through int 0x80 is denied with EPERM" \
		-- "$PROBE" int80-unshare
	expect "int80-mount: errno EPERM" "mount through int 0x80 is denied with EPERM" \
		-- "$PROBE" int80-mount
}

tap_main checks
