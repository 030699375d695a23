#!/bin/bash
# security.fs-read-only on a kernel without mount_setattr(2): entrun falls
# back to remounting each mount listed in /proc/self/mountinfo.  strace's
# fault injection makes mount_setattr fail with ENOSYS, as an old kernel
# would, and the checks try to write from inside.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# no_setattr ENTRUN-ARGS...: entrun with every mount_setattr failing ENOSYS.
no_setattr() {
	run env "$NO_LSAN" timeout -k 2 "$ENTRUN_TEST_TIMEOUT" strace -f -qq -o "$TEST_TMP/strace" -e trace=mount_setattr \
		-e inject=mount_setattr:error=ENOSYS "$ENTRUN" "$@"
}

checks() {
	have_tools "strace for fault injection" strace || return 0
	local rw=$TEST_TMP/rw ro=$TEST_TMP/plain
	mkdir -p "$rw" "$ro"

	cd "$rw" || return
	no_setattr -- "$PROBE" write "$rw/x"
	cd "$OLDPWD" || return
	is "write: ok" "$OUT" "control: the working directory is writable"
	no_setattr -e host.fs.rw="$rw" -- "$PROBE" write "$ro/y"
	is "write: errno EROFS" "$OUT" "fallback: writing under / fails with EROFS"
	if grep -q 'mount_setattr.*ENOSYS.*INJECTED' "$TEST_TMP/strace"; then
		ok "mount_setattr really failed with ENOSYS (so the fallback did the work)"
	else
		not_ok "mount_setattr really failed with ENOSYS (so the fallback did the work)"
	fi
	no_setattr -e security.fs-read-only -e host.fs.rw="$rw" -- "$PROBE" write "$rw/z"
	is "write: ok" "$OUT" "fallback: the host.fs.rw path stays writable"
	no_setattr -e host.fs.rw="$TEST_TMP" -e host.fs.ro="$ro" -- "$PROBE" write "$ro/w"
	is "write: errno EROFS" "$OUT" "fallback: a host.fs.ro path is read-only"
	no_setattr --hostname box -- sh -c 'echo other >/proc/sys/kernel/hostname; hostname'
	is "box" "$OUT" "fallback: /proc/sys stays read-only"
}

tap_main checks
