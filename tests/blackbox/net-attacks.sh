#!/bin/bash
# The user-mode network attacked from inside, the way a hostile guest would
# (issue 13), and the network helper that runs it checked from outside.
#
# The rig is this script's own: entrun runs in a network namespace OUT (its
# "host"), whose default route leads over a veth to a namespace FAR (its
# "real network").  FAR holds 198.18.7.2 (a host the sandbox may reach: the
# control), 169.254.169.254 (where clouds keep their metadata service) and
# 10.0.2.15 and 10.0.2.77 (addresses in the sandbox's own /24 that are not
# the gateway's or DNS's); OUT holds the "host loopback" 127.0.0.1 and the
# host's own address on its veth, 198.18.7.1.  A
# listener on each (tests/net/catch.py) logs every connection and datagram.
# So whatever the helper's NAT lets through lands in a log, and no packet
# can leave this machine: the namespaces have no other way out.
#
# Attacks (tests/net/attack.py, inside the sandbox):
#  - a UDP flood with 65507-byte datagrams to 10.0.2.2 (network.user), and
#    a lone *last* IPv4 fragment (network.admin): they crashed entrun inside
#    libslirp; now entrun and the command survive;
#  - UDP and TCP out of a socket bound to tap0 (SO_BINDTODEVICE), and a
#    crafted SYN (network.admin), to 127.0.0.1: must not reach OUT's
#    loopback listener; nor TCP/UDP to OUT's own address 198.18.7.1;
#  - TCP/UDP to 169.254.169.254 and, crafted, to 10.0.2.15/.77: nothing
#    reaches FAR;
# and the helper: confined (its own user namespace, no capabilities,
# no_new_privs, seccomp, an empty root, an empty environment), gone with
# the sandbox, and a SIGKILL of it ends the sandbox with exit 125.
# /sys/class/net inside shows only the sandbox's own interfaces.
#
# Root builds the rig; every check runs as root and then, through setpriv,
# as the unprivileged $ENTRUN_TEST_USER, with one numbering (as in
# network.sh).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../net/rig.sh
. "$top_srcdir/tests/net/rig.sh"

ATTACK=$top_srcdir/tests/net/attack.py
CATCH=$top_srcdir/tests/net/catch.py
CTRL=198.18.7.2 HOST_ADDR=198.18.7.1 PORTN=8099
OUTLOG='' FARLOG=''

rig_setup() {
	mkdir -m 1777 "$TEST_TMP/w" || return 1
	rig_up na "$HOST_ADDR" "$CTRL" &&
		ip -n "$NS_FAR" addr add 169.254.169.254/32 dev lo &&
		ip -n "$NS_FAR" addr add 10.0.2.15/32 dev lo &&
		ip -n "$NS_FAR" addr add 10.0.2.77/32 dev lo || return 1
	# Where every sandbox sees it (the build tree may be under /tmp).
	cp "$top_srcdir/tests/net/attack.py" "$TEST_TMP/attack.py" && chmod 644 "$TEST_TMP/attack.py" || return 1
	ATTACK=$TEST_TMP/attack.py
	OUTLOG=$TEST_TMP/out.log FARLOG=$TEST_TMP/far.log
	: >"$OUTLOG" && : >"$FARLOG" && chmod 644 "$OUTLOG" "$FARLOG"
	# Bounded: each listener exits on its own after 20 minutes.
	ip netns exec "$NS_OUT" python3 "$CATCH" "$OUTLOG" 1200 "127.0.0.1:$PORTN" "$HOST_ADDR:$PORTN" \
		>"$TEST_TMP/out.ready" 2>&1 </dev/null &
	track_bg $!
	ip netns exec "$NS_FAR" python3 "$CATCH" "$FARLOG" 1200 "$CTRL:$PORTN" \
		"169.254.169.254:$PORTN" "10.0.2.15:$PORTN" "10.0.2.77:$PORTN" \
		>"$TEST_TMP/far.ready" 2>&1 </dev/null &
	track_bg $!
	retry 50 grep -q ready "$TEST_TMP/out.ready" && retry 50 grep -q ready "$TEST_TMP/far.ready"
}

# What reached the listeners since the mark.
log_mark() { OUT_AT=$(wc -l <"$OUTLOG") FAR_AT=$(wc -l <"$FARLOG"); }
since() { sleep 0.5; tail -n +"$(($2 + 1))" "$1"; }

# nothing_reached DESC LOG AT PATTERN
nothing_reached() {
	local got
	got=$(since "$2" "$3" | grep -E -- "$4")
	is "" "$got" "$1"
}

attack() { sbx "$@"; }

# ---- checks -------------------------------------------------------------------

control_checks() {
	log_mark
	attack -e network.user -- sh -c "python3 $ATTACK tcp $CTRL $PORTN; python3 $ATTACK udp $CTRL $PORTN"
	like "$(since "$FARLOG" "$FAR_AT")" "tcp $CTRL:$PORTN from" \
		"control: a TCP connection to an outside host ($CTRL) reaches it through the NAT"
	like "$(since "$FARLOG" "$FAR_AT")" "udp $CTRL:$PORTN from" \
		"control: so does a UDP datagram"
}

crash_checks() {
	attack -e network.user -- sh -c "python3 $ATTACK flood 10.0.2.2 9 2 && echo alive"
	is 0 "$RC" "a UDP flood with 65507-byte datagrams at the gateway: the command ends on its own (entrun crashed inside libslirp here)"
	like "$OUT" "alive" "... and finishes"
	is "" "$ERR" "... and entrun says nothing"
	attack -e network.admin -- sh -c "python3 $ATTACK lone-fragment 10.0.2.2 && sleep 0.3 && echo alive"
	is 0 "$RC" "network.admin: 20 lone last fragments (MF=0, offset 8) at the gateway: the command ends on its own (SIGSEGV in libslirp here)"
	like "$OUT" "alive" "... and finishes"
	is "" "$ERR" "... and entrun says nothing"
}

loopback_checks() {
	log_mark
	attack -e network.user -- sh -c "python3 $ATTACK bound-udp 127.0.0.1 $PORTN; python3 $ATTACK bound-tcp 127.0.0.1 $PORTN; sleep 0.3"
	nothing_reached "network.user: UDP and TCP to 127.0.0.1 out of a socket bound to tap0 never reach the host's loopback" \
		"$OUTLOG" "$OUT_AT" .
	log_mark
	attack -e network.user -e network.host-loopback -- sh -c "python3 $ATTACK bound-udp 127.0.0.1 $PORTN; python3 $ATTACK bound-tcp 127.0.0.1 $PORTN; sleep 0.3"
	nothing_reached "... nor with network.host-loopback (that grant opens 10.0.2.2, not 127.0.0.1)" \
		"$OUTLOG" "$OUT_AT" .
	log_mark
	attack -e network.admin -- sh -c "python3 $ATTACK raw-syn 127.0.0.1 $PORTN; python3 $ATTACK bound-tcp 127.0.0.1 $PORTN"
	nothing_reached "network.admin: a crafted SYN to 127.0.0.1 out of tap0 never reaches the host's loopback" \
		"$OUTLOG" "$OUT_AT" .
	log_mark
	attack -e network.user -e "network.publish=$((PORTN + 1)):8080" -- python3 "$ATTACK" tcp-from 8080 10.0.2.2 "$PORTN"
	nothing_reached "network.user with a published TCP port 8080: a connection from port 8080 to the gateway does not reach the host's loopback (the filter lets the forward's answers through, libslirp refuses new connections there)" \
		"$OUTLOG" "$OUT_AT" .
	log_mark
	attack -e network.user -e network.host-loopback -- sh -c "python3 $ATTACK tcp $HOST_ADDR $PORTN; python3 $ATTACK udp $HOST_ADDR $PORTN"
	nothing_reached "network.user: TCP and UDP to the host's own address ($HOST_ADDR, a service bound to 0.0.0.0 there) never reach it, even with network.host-loopback" \
		"$OUTLOG" "$OUT_AT" .
	log_mark
	attack -e network.user -e network.host-loopback -- python3 "$ATTACK" tcp 10.0.2.2 "$PORTN"
	like "$(since "$OUTLOG" "$OUT_AT")" "tcp 127.0.0.1:$PORTN" \
		"control: with network.host-loopback, 10.0.2.2 does reach the host's loopback"
}

forbidden_checks() {
	log_mark
	attack -e network.user -- sh -c "python3 $ATTACK tcp 169.254.169.254 $PORTN; python3 $ATTACK udp 169.254.169.254 $PORTN"
	nothing_reached "network.user: TCP and UDP to 169.254.169.254 (cloud metadata) produce nothing outside" \
		"$FARLOG" "$FAR_AT" 169.254
	log_mark
	attack -e network.admin -- sh -c "ip neigh replace 10.0.2.15 lladdr 52:55:0a:00:02:02 dev tap0 &&
		ip neigh replace 10.0.2.77 lladdr 52:55:0a:00:02:02 dev tap0 &&
		python3 $ATTACK udp 10.0.2.15 $PORTN; python3 $ATTACK tcp 10.0.2.77 $PORTN; python3 $ATTACK raw-syn 10.0.2.15 $PORTN"
	nothing_reached "network.admin: TCP and UDP to 10.0.2.15 and 10.0.2.77 (in the sandbox's /24, neither gateway nor DNS) produce nothing outside" \
		"$FARLOG" "$FAR_AT" "10\\.0\\.2\\."
	# libslirp's DHCP server and BOOTP parser: off, and no frame gets there.
	attack -e network.admin -- python3 "$ATTACK" dhcp
	is "dhcp: no offer" "$OUT" \
		"network.admin: DHCPDISCOVERs from the guest's address and from 0.0.0.0 get no offer (the old helper offered 10.0.2.15)"
}

sysfs_checks() {
	attack -- ls /sys/class/net
	is "lo" "$(joined)" "network.none: /sys/class/net shows only lo (not the host's $VETH_OUT)"
	attack -e network.user -- ls /sys/class/net
	is "lo|tap0" "$(joined)" "network.user: /sys/class/net shows lo and tap0 only"
	attack -e network.user -- sh -c "ls /sys/devices/virtual/net; ls /sys/devices/virtual/net/*/address >/dev/null"
	is "lo|tap0" "$(joined)" "network.user: so does /sys/devices/virtual/net"
	attack -e network.proxy=http://$CTRL:3128 -- ls /sys/class/net
	is "lo" "$(joined)" "network.proxy: /sys/class/net shows only lo"
	# Locked mounts (the namespace comes after the mounts): the host's
	# interfaces are covered instead.
	attack -e security.admin -- sh -c "ls /sys/class/net; find /sys/devices -name '$VETH_OUT' 2>/dev/null"
	is "" "$(joined)" "security.admin: neither /sys/class/net nor /sys/devices names the host's interfaces"
	attack -e host.fs.hide=/sys/kernel/mm -- ls -A /sys/kernel/mm
	is "" "$OUT" "network.none: a host.fs.hide under /sys holds over the sandbox's own /sys"
}

# sandbox_ended DESC WHY: the background entrun ($ENTRUN_PID, its command
# "sleep 20.$MARKER") exits 125 within 5 s, saying "WHY (an ERE); the
# sandbox was stopped" in one line, and leaves nothing behind.
sandbox_ended() {
	wait_bounded "$ENTRUN_PID" 5
	RC=$?
	is 125 "$RC" "$1: exit 125"
	like "$(cat "$TEST_TMP/bg.err")" "^entrun: $2; the sandbox was stopped$" "$1: ... with one line saying so"
	sleep 0.2
	is "" "$(pgrep -f "sleep 20.$MARKER")" "$1: ... and nothing of the sandbox is left"
}

helper_checks() {
	local mode desc root
	for mode in network.user network.proxy=http://$CTRL:3128; do
		desc=${mode%%=*}
		MARKER=$(unique_marker)
		if ! start_with_helper bg -e "$mode" -- sleep "20.$MARKER"; then
			not_ok "$desc: a network helper runs beside the sandbox" "$(cat "$TEST_TMP/bg.err")"
			continue
		fi
		ok "$desc: a network helper runs beside the sandbox, entrun's child"
		is "2 1" "$(field "$HELPER" Seccomp) $(field "$HELPER" NoNewPrivs)" \
			"$desc: the helper runs under seccomp, with no_new_privs"
		is "0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000" \
			"$(field "$HELPER" CapInh) $(field "$HELPER" CapPrm) $(field "$HELPER" CapEff) $(field "$HELPER" CapBnd) $(field "$HELPER" CapAmb)" \
			"$desc: the helper has no capability in any set"
		isnt "$(readlink "/proc/$HELPER/ns/user")" "$(readlink "/proc/$ENTRUN_PID/ns/user")" \
			"$desc: the helper has a user namespace of its own (no capability over the host's)"
		is "$(readlink "/proc/$HELPER/ns/net")" "$(readlink "/proc/$ENTRUN_PID/ns/net")" \
			"$desc: ... and entrun's network namespace, where its NAT sockets live"
		if [ "$PASS" = root ]; then
			root=$(ls -A "/proc/$HELPER/root/" 2>&1 | tr '\n' ' ')
			is "dev etc " "$root" "$desc: the helper's root holds only /dev (urandom) and /etc (resolv.conf)"
			is 0 "$(tr '\0' '\n' <"/proc/$HELPER/environ" | wc -l)" \
				"$desc: the helper's environment is empty (the caller's secrets are not in it)"
		else
			# Not dumpable: its /proc files are root's; the caller cannot
			# read (or ptrace) it any more than the sandbox can.
			unlike "$(run_user cat "/proc/$HELPER/environ" 2>&1)" "PATH=" \
				"$desc: the helper is not dumpable: its environment cannot be read by the user"
		fi
		is "$(field "$ENTRUN_PID" Uid)" "$(field "$HELPER" Uid)" \
			"$desc: the helper runs as the caller"
		kill -KILL "$HELPER"
		sandbox_ended "$desc: a SIGKILL of the helper ends the sandbox" \
			"the network helper died \\(Killed\\)"
	done
	# A helper taken over says pid 1 is gone ('P': entrun then stops
	# reading its reports) and quits, to leave the sandbox running with
	# nobody watching.  gdb, run by root, plays the attacker inside it.
	MARKER=$(unique_marker)
	if ! command -v gdb >/dev/null; then
		skip_or_fail "gdb is not installed" "a helper that falsely says pid 1 is gone ends the sandbox"
	elif start_with_helper bg -e network.user -- sleep "20.$MARKER"; then
		timeout 20 gdb -batch -nx -ex 'set sysroot /' -ex "file $REAL_ENTRUN" -ex "attach $HELPER" \
			-ex 'call (long)send(3, "P", 1, 0x4000)' -ex 'call (void)_exit(0)' \
			>"$TEST_TMP/gdb.out" 2>&1
		sandbox_ended "a helper that falsely says pid 1 is gone, then quits, ends the sandbox" \
			"the network helper stopped, saying pid 1 was gone while it was not"
	else
		not_ok "a helper that falsely says pid 1 is gone ends the sandbox" "no helper: $(cat "$TEST_TMP/bg.err")"
	fi
	# The helper leaves with the sandbox (checked by its pid: other
	# scripts' helpers run in parallel).
	if start_with_helper bg -e network.user -- sleep 1; then
		wait_bounded "$ENTRUN_PID" 5
		if retry 20 helper_gone "$HELPER"; then
			ok "after a run, its network helper is gone"
		else
			not_ok "after a run, its network helper is gone" "$(ps -o pid,stat,cmd -p "$HELPER")"
		fi
	else
		not_ok "after a run, its network helper is gone" "no helper: $(cat "$TEST_TMP/bg.err")"
	fi
}

# Gone, or a zombie on its way to init.
helper_gone() { [ -z "$(proc_state "$1")" ] || [ "$(proc_state "$1")" = Z ]; }

# ^C at a terminal sends SIGINT to the whole foreground process group:
# entrun's, which the helper must not be part of (it would die, and take
# the sandbox with it).  The group here is made with setsid, the signal
# sent to it as the terminal would.
terminal_checks() {
	local ready=$TEST_TMP/w/ready.int.$PASS pgid rc
	rm -f "$ready"
	# shellcheck disable=SC2016 # expanded by the inner sh
	setsid env --default-signal "$ENTRUN" $(tmp_grant) -e network.user -- sh -c \
		'trap "kill \$! 2>/dev/null; exit 42" INT; : >"$1"; sleep 100 & wait' _ "$ready" \
		</dev/null >/dev/null 2>"$TEST_TMP/int.err" &
	pgid=$!
	track_bg "$pgid"
	if ! retry 100 test -e "$ready"; then
		not_ok "network.user: ^C to the foreground group reaches the command, not the helper" \
			"the sandbox never started: $(cat "$TEST_TMP/int.err")"
		return
	fi
	kill -INT -- "-$pgid"
	wait_bounded "$pgid" 5
	rc=$?
	is 42 "$rc" "network.user: ^C to the foreground process group reaches the command (its trap exits 42), not the helper"
	is "" "$(cat "$TEST_TMP/int.err")" "... and entrun says nothing of a dead helper"
}

checks() {
	rig_wrapper
	terminal_checks
	control_checks
	crash_checks
	loopback_checks
	forbidden_checks
	sysfs_checks
	helper_checks
	ENTRUN=$REAL_ENTRUN
}

rig_main checks
