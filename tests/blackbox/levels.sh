#!/bin/bash
# Each implemented level beyond the defaults does what the catalogue says:
# security.view/admin, security.memory-lock, host.processes.view/admin,
# host.devices.view/admin, network.host.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

security_checks() {
	sbx --ent security.view -- "$PROBE" caps
	has_line "$OUT" "caps: CapEff 0000000000000004" \
		"security.view: CapEff is DAC_READ_SEARCH alone (no AUDIT_READ)"
	# shellcheck disable=SC2016 # expanded by the inner sh
	expect "keys: 0 masked, interrupts: shown" "security.view: /proc/keys stays masked, the rest is shown" \
		--ent security.view -- sh -c 'printf "keys: %s masked, interrupts: " "$(wc -c </proc/keys)"
			[ "$(head -c 3 /proc/interrupts | wc -c)" = 3 ] && echo shown'
	# shellcheck disable=SC2016 # expanded by the inner sh
	expect "write refused" "security.view: /proc/sysrq-trigger stays read-only" \
		--ent security.view -- sh -c 'echo x 2>/dev/null >/proc/sysrq-trigger || echo write refused' 
	expect_like '^uid: ok 0 ' "security.admin: uid 0 inside" \
		--ent security.admin -- "$PROBE" uid
	expect "mount: ok" "security.admin: mounting a tmpfs works" \
		--ent security.admin -- "$PROBE" mount
	expect "unshare-user: ok" "security.admin: unshare(CLONE_NEWUSER) works" \
		--ent security.admin -- "$PROBE" unshare-user
	sbx --ent security.admin -- "$PROBE" caps
	unlike "$OUT" 'CapEff 0{16}' "security.admin: capabilities are effective"

	expect "mlock: ok" "mlock works without security.memory-lock (within RLIMIT_MEMLOCK)" \
		-- "$PROBE" mlock
	expect "mlock: ok" "security.memory-lock: mlock works" \
		--ent security.memory-lock -- "$PROBE" mlock
	sbx --ent security.memory-lock -- "$PROBE" caps
	has_line "$OUT" "caps: CapEff 0000000000004000" "security.memory-lock: CapEff is IPC_LOCK"
}

processes_checks() {
	local lvl re
	start_marker_sleep
	re="sleep 1000\.$MARKER"
	for lvl in view admin; do
		expect_like "$re" "host.processes.$lvl: the host's marker process is visible" \
			--ent "host.processes.$lvl" -- ps -eo args=
	done
	expect "ptrace-attach-parent: errno EPERM" "host.processes.view: ptrace attach is denied" \
		--ent host.processes.view -- "$PROBE" ptrace-attach-parent
	expect "ptrace-traceme: errno EPERM" "host.processes.view: PTRACE_TRACEME is denied" \
		--ent host.processes.view -- "$PROBE" ptrace-traceme
	# /proc/PID/root of a host process is the host's /, mounted writable:
	# reaching it would undo security.fs-read-only.
	expect_like '^write: errno [A-Z]+$' \
		"host.processes.view: a host process's /proc/PID/root is no way around security.fs-read-only" \
		--ent host.processes.view --ent security.fs-read-only \
		-- "$PROBE" write "/proc/${BG_PIDS[-1]}/root$TEST_TMP/escape"
	absent "$TEST_TMP/escape" "nothing was written through /proc/PID/root"
	# Attaching to the parent sh, one of our own processes.
	run sh -c '"$1" ptrace-attach-parent' _ "$PROBE"
	if [ "$OUT" = "ptrace-attach-parent: ok" ]; then
		# shellcheck disable=SC2016 # expanded by the inner sh
		expect "ptrace-attach-parent: ok" "host.processes.admin: ptrace of our own process works" \
			--ent host.processes.admin -- sh -c '"$1" ptrace-attach-parent' _ "$PROBE"
	else
		skip "the host itself refuses it ($OUT)" "host.processes.admin: ptrace of our own process"
	fi
	expect "process-vm-readv: ok" "host.processes.admin: process_vm_readv works" \
		--ent host.processes.admin -- "$PROBE" process-vm-readv
}

# host.devices.view: a device node cannot be written to, whatever the
# read-only bind says (Landlock): not the user's other terminal (a pty held
# outside), not /dev/net/tun; yet a pty of the sandbox's own works, and
# /dev/shm is a private, writable one.
devices_view_write_checks() {
	local tty holder shm
	have_tools "host.devices.view write checks" python3 || return
	if [ -w /dev/net/tun ]; then
		expect_like "^open-write: errno (EACCES|EPERM)$" "host.devices.view: /dev/net/tun cannot be opened for writing" \
			--ent host.devices.view -- "$PROBE" open-write /dev/net/tun
	else
		skip_or_fail "/dev/net/tun is not writable here" "host.devices.view: /dev/net/tun cannot be opened for writing"
	fi
	python3 -c 'import os, pty, sys, time
m, s = pty.openpty()
print(os.ttyname(s), flush=True)
time.sleep(60)' >"$TEST_TMP/pty" </dev/null 2>&1 &
	holder=$!
	track_bg "$holder"
	retry 50 test -s "$TEST_TMP/pty"
	tty=$(cat "$TEST_TMP/pty")
	run "$PROBE" open-write "$tty"
	is "open-write: ok" "$OUT" "control: the user writes to their own terminal $tty"
	expect_like "^open-write: errno (ENOENT|EACCES|EPERM)$" "host.devices.view: the user's terminal $tty cannot be written to" \
		--ent host.devices.view -- "$PROBE" open-write "$tty"
	kill "$holder" 2>/dev/null
	expect "pty: ok" "host.devices.view: a pty of the sandbox's own works" \
		--ent host.devices.view -- python3 -c 'import pty; pty.openpty(); print("pty: ok")'
	shm=/dev/shm/entrun-test-$(unique_marker)
	expect "write: ok" "host.devices.view: /dev/shm is writable (a private one)" \
		--ent host.devices.view -- "$PROBE" write "$shm"
	absent "$shm" "host.devices.view: ... which the host does not see"
}

devices_checks() {
	local host_n disk='' f shm
	host_n=$(find /dev -mindepth 1 -maxdepth 1 | wc -l)
	for f in /dev/*; do [ -b "$f" ] && disk=$f && break; done
	sbx --ent host.devices.view -- find /dev -mindepth 1 -maxdepth 1
	if [ "$(grep -c . <<<"$OUT")" -ge "$host_n" ]; then
		ok "host.devices.view: /dev has the host's $host_n entries"
	else
		not_ok "host.devices.view: /dev has the host's $host_n entries"
	fi
	if [ -n "$disk" ]; then
		# shellcheck disable=SC2016 # expanded by the inner sh
		expect "yes" "host.devices.view: the host's block device $disk is there" \
			--ent host.devices.view -- sh -c 'test -b "$1" && echo yes' _ "$disk"
	fi
	expect "write: ok" "host.devices.view: /dev/null is writable" \
		--ent host.devices.view -- "$PROBE" write /dev/null
	expect "mkdir: errno EROFS" "host.devices.view: /dev is read-only" \
		--ent host.devices.view -- "$PROBE" mkdir "/dev/entrun-test-$(unique_marker)"
	expect "mkdir: errno EROFS" "host.devices.view: /sys is read-only" \
		--ent host.devices.view -- "$PROBE" mkdir /sys/entrun-test
	devices_view_write_checks

	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		shm=/dev/shm/entrun-test-$(unique_marker)
		expect "write: ok" "host.devices.admin: the host's /dev/shm is writable" \
			--ent host.devices.admin -- "$PROBE" write "$shm"
		is x "$(cat "$shm" 2>&1)" "host.devices.admin: the host sees the file in /dev/shm"
		rm -f "$shm"
	fi
	# sysfs itself refuses mkdir (EPERM), or permissions do (EACCES).
	expect_like '^mkdir: errno (EPERM|EACCES)$' "host.devices.admin: /sys is not read-only" \
		--ent host.devices.admin -- "$PROBE" mkdir /sys/entrun-test
}

network_checks() {
	have_tools "network.host checks" socat || return
	if start_tcp_echo; then
		expect "tcp-connect: ok" "network.host: the host's 127.0.0.1:$PORT is reachable" \
			--ent network.host -- "$PROBE" tcp-connect 127.0.0.1 "$PORT"
	else
		not_ok "network.host: the host's 127.0.0.1 server is reachable" "socat did not answer"
	fi
	# Landlock's scoping (ABI 6) keeps the host's abstract sockets out of
	# reach even in the host's network namespace; without it they are the
	# host's network, like the rest.
	if ! start_abstract_echo; then
		not_ok "network.host: the host's abstract socket" "socat did not answer"
	elif "$ENTRUN" --explain --ent network.host | grep -Eq '^  abstract-sockets +on '; then
		expect "unix-abstract: errno EPERM" \
			"network.host: the host's abstract socket is out of reach (Landlock scoping)" \
			--ent network.host -- "$PROBE" unix-abstract "$SOCKNAME"
	else
		expect "unix-abstract: ok" "network.host: the host's abstract socket is reachable (no Landlock scoping)" \
			--ent network.host -- "$PROBE" unix-abstract "$SOCKNAME"
	fi
}

checks() {
	security_checks
	processes_checks
	devices_checks
	network_checks
}

tap_main checks
