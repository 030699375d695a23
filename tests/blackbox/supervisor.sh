#!/bin/bash
# The sandbox cannot subvert its own supervisor (invariant 4, issue 14).
# From inside, under every security level and every host.processes level,
# the command attacks the process that started it, pid 1 of the sandbox:
# ptrace, process_vm_readv, its /proc/PID/{fd,mem,environ,root,cwd}, a write
# into its pipes (the status pipe to entrun), SIGSTOP and SIGKILL.  Under
# host.processes.view/admin it also tries to signal a process of the user's
# on the host, which it sees in /proc.  hygiene.sh checks that nothing of
# the sandbox outlives entrun when pid 1 or entrun is attacked.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# What the probe's attacks on pid 1 must all end in.
DENIED='supervisor ptrace: errno EPERM
supervisor process_vm_readv: errno EPERM
supervisor fd: errno EACCES
supervisor fd-write: errno EACCES
supervisor mem: errno EACCES
supervisor environ: errno EACCES
supervisor root: errno EACCES
supervisor cwd: errno EACCES
supervisor sched: errno EPERM
supervisor nice: errno EPERM
supervisor nice-group: errno EPERM
supervisor nice-user: errno EPERM
supervisor ioprio: errno EPERM
supervisor affinity: errno EPERM
supervisor prlimit: errno EPERM
supervisor SIGSTOP: '
# Where Landlock scopes signals (ABI 6), no signal of the command's reaches
# pid 1 at all; without it, pid 1 ignores SIGSTOP and SIGKILL itself.
DENIED_NO_LANDLOCK=${DENIED}ignored
if "$ENTRUN" --explain | grep -Eq '^  signals +on '; then
	SCOPED=true
	DENIED+='errno EPERM'
else
	SCOPED=false
	DENIED+='ignored'
fi
# The same without Landlock: tests/landlock's shim fails its calls (and
# skips the read-only remounts, which these attacks do not need).
NO_LANDLOCK=(-u LD_PRELOAD "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0"
	"LD_PRELOAD=$top_builddir/tests/landlock/entrun-nowall.so" NOWALL_LANDLOCK=absent)

LEVELS=(security.confined security.view security.admin)
PROCESSES=(host.processes.none host.processes.view host.processes.admin)

attack_checks() {
	local sec procs sig desc
	for sec in "${LEVELS[@]}"; do
		for procs in "${PROCESSES[@]}"; do
			expect "$DENIED" "$sec, $procs: pid 1 cannot be traced, read, written or stopped" \
				--ent "$sec" --ent "$procs" -- "$PROBE" supervisor
		done
	done
	sbx_env "${NO_LANDLOCK[@]}" -- -- "$PROBE" supervisor
	is "$DENIED_NO_LANDLOCK" "$OUT" "no Landlock: pid 1 cannot be traced, read, written or stopped"
	# pid 1 ignores SIGKILL and SIGSTOP from the payload; were it killed,
	# the payload would die with it and say nothing.  (A signal pid 1
	# forwards, such as SIGTERM, comes back to the payload.)
	for procs in "${PROCESSES[@]}"; do
		for sig in 9 19; do
			if $SCOPED; then
				expect "kill-parent: errno EPERM" "security.admin, $procs: signal $sig from the payload does not reach pid 1 (Landlock)" \
					--ent security.admin --ent "$procs" -- "$PROBE" kill-parent "$sig"
			fi
			sbx_env "${NO_LANDLOCK[@]}" -- --ent security.admin --ent "$procs" -- "$PROBE" kill-parent "$sig"
			is "kill-parent: ok alive" "$OUT" "security.admin, $procs, no Landlock: pid 1 outlives signal $sig from the payload"
		done
	done
	# With network.user, pid 1 serves the UDP relay under its filter, and
	# still is no target.
	desc="security.admin, network.user with a UDP publish: pid 1 is no target"
	if tun_ok; then
		expect "$DENIED" "$desc" --ent security.admin --ent network.user \
			--ent network.publish="$(free_port):53/udp" -- "$PROBE" supervisor
	else
		skip_or_fail "no /dev/net/tun" "$desc"
	fi
}

# The payload changes its own scheduling, and its children's, as before.
own_scheduling_checks() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	expect "19 19" "nice 19 and renice of a child still work" -- sh -c \
		'sleep 5 & c=$!; renice -n 19 -p $c >/dev/null; nice -n 19 sh -c "cut -d\" \" -f19 /proc/self/stat" | tr "\n" " "; cut -d" " -f19 /proc/$c/stat; kill $c'
}

# pid 1 once the payload runs: no capability, no_new_privs, a filter.
# pid 1 confines itself as its vfork returns, just after the payload's
# execve (a known window, see pid1.c): the command may look a moment
# before, on a busy machine.  So it looks again for up to 2 s, and pid 1
# must be confined by then.
confinement_checks() {
	local sec
	for sec in "${LEVELS[@]}"; do
		# shellcheck disable=SC2016 # expanded by the inner sh
		expect 'CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	0000000000000000
NoNewPrivs:	1
Seccomp:	2' "$sec: pid 1 holds no capability, has no_new_privs and a seccomp filter" \
			--ent "$sec" -- sh -c 'i=0; while :; do
				s=$(grep -E "^(CapPrm|CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/1/status)
				case $s in *"Seccomp:	2") break ;; esac
				[ $i -lt 200 ] || break; i=$((i + 1)); sleep 0.01
			done; printf "%s\n" "$s"'
	done
}

# Under view and admin the user's own host processes are listed, and out of
# reach: kill() and pidfd_send_signal() through their /proc directory.
host_signal_checks() {
	local procs
	start_marker_sleep
	for procs in host.processes.view host.processes.admin; do
		expect_like "sleep 1000\\.$MARKER" "$procs: the user's host process is listed" \
			--ent "$procs" -- ps -eo args=
		expect "signal-pid: errno EINVAL" "$procs: the user's host process cannot be signalled" \
			--ent "$procs" --ent security.admin -- "$PROBE" signal-pid "${BG_PIDS[-1]}"
		# Files of /proc/PID that check the owner only: the OOM killer's
		# choice, the session's nice value, the page reclaim state.
		for f in oom_score_adj autogroup clear_refs; do
			expect_like "^open-write: errno (EROFS|EACCES|EPERM)$" \
				"$procs: the user's host process's /proc/PID/$f cannot be written" \
				--ent "$procs" --ent security.admin -- "$PROBE" open-write "/proc/${BG_PIDS[-1]}/$f"
		done
	done
}

checks() {
	attack_checks
	own_scheduling_checks
	confinement_checks
	host_signal_checks
}

tap_main checks
