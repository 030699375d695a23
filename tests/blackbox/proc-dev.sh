#!/bin/bash
# security.confined and host.devices.none, the defaults: masked and
# read-only parts of /proc, a read-only /sys, a minimal /dev.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

DEV_REQUIRED="fd full null ptmx pts random shm stderr stdin stdout tty urandom zero"
DEV_OPTIONAL="console core"

proc_checks() {
	local f
	for f in timer_list kcore keys sched_debug; do
		expect_like '^read: (ok 0|errno [A-Z0-9]+)$' "/proc/$f gives nothing" \
			-- "$PROBE" read "/proc/$f"
	done
	# Mode 0400: only root has a control.
	if [ -r /proc/timer_list ]; then
		like "$("$PROBE" read /proc/timer_list)" '^read: ok [1-9]' \
			"control: /proc/timer_list has data on the host"
	fi
	# Writes that change nothing even if they got through: a private UTS
	# namespace's hostname, an invalid IRQ mask, a file of mode 0444.
	expect "write: errno EROFS" "/proc/sys is read-only (write kernel/hostname)" \
		--hostname entrun-test -- "$PROBE" write /proc/sys/kernel/hostname
	for f in /proc/irq/default_smp_affinity /proc/bus/pci/devices; do
		if [ -e "$f" ]; then
			expect "write: errno EROFS" "${f%/*} is read-only (write ${f##*/})" \
				-- "$PROBE" write "$f"
		else
			skip "no $f on this host" "${f%/*} is read-only"
		fi
	done
}

sys_checks() {
	local f
	expect "mkdir: errno EROFS" "/sys is mounted read-only" \
		-- "$PROBE" mkdir /sys/entrun-test
	# A mount below /sys; "x" is no pid, were the write to get through.
	for f in /sys/fs/cgroup/cgroup.procs /sys/fs/cgroup/unified/cgroup.procs; do
		[ -e "$f" ] || continue
		expect_like '^write: errno (EROFS|ENOENT)$' "a mount below /sys is read-only (or absent)" \
			-- "$PROBE" write "$f"
		break
	done
	if [ -n "$(ls -A /sys/firmware 2>/dev/null)" ]; then
		expect_empty_dir /sys/firmware "/sys/firmware is masked (empty)"
	else
		skip "/sys/firmware is empty on the host" "/sys/firmware is masked (empty)"
	fi
}

# The entries of the sandbox's /dev outside the expected minimal set, and the
# required ones missing.
dev_set_checks() {
	local name missing='' extra=''
	sbx -- ls -A /dev
	for name in $DEV_REQUIRED; do
		grep -qFx "$name" <<<"$OUT" || missing="$missing $name"
	done
	while IFS= read -r name; do
		[[ " $DEV_REQUIRED $DEV_OPTIONAL " == *" $name "* ]] || extra="$extra $name"
	done <<<"$OUT"
	is "" "$missing" "/dev has all of: $DEV_REQUIRED"
	is "" "$extra" "/dev has nothing else (but maybe $DEV_OPTIONAL)"
}

dev_checks() {
	local shm
	dev_set_checks
	expect "write: ok" "/dev/null is writable" -- "$PROBE" write /dev/null
	expect "read: ok 4096" "/dev/zero is readable" -- "$PROBE" read /dev/zero
	expect "write: errno ENOSPC" "/dev/full is full" -- "$PROBE" write /dev/full
	shm=/dev/shm/entrun-test-$(unique_marker)
	expect "write: ok" "/dev/shm is writable" -- "$PROBE" write "$shm"
	if [ -e "$shm" ]; then
		not_ok "/dev/shm is private (the host does not see the file)" "$shm exists"
		rm -f "$shm"
	else
		ok "/dev/shm is private (the host does not see the file)"
	fi
}

checks() {
	proc_checks
	sys_checks
	dev_checks
}

tap_main checks
