#!/bin/bash
# Socket families are an allowlist: AF_UNIX, AF_INET, AF_INET6 and
# AF_NETLINK (NETLINK_ROUTE, NETLINK_SOCK_DIAG) by default, AF_PACKET and the
# netlink protocols of ip/nft/ethtool with network.admin; every other
# family fails with EAFNOSUPPORT and every other netlink protocol with
# EPROTONOSUPPORT, as from a kernel without them.  Tried from inside, the
# way a payload would: socket() and socketpair() with each family, the
# family with high bits set (the kernel reads an int), the x32 ABI, and
# i386's socketcall, whose arguments the filter cannot read.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# NAME FAMILY TYPE PROTOCOL: a socket the kernel creates if it has the
# family (types: 1 stream, 2 dgram, 3 raw, 4 rdm, 5 seqpacket).
DENIED=(
	"AF_UNSPEC 0 2 0" "AF_AX25 3 5 0" "AF_IPX 4 2 0" "AF_APPLETALK 5 2 0" "AF_X25 9 5 0"
	"AF_KEY 15 3 2" "AF_PACKET 17 3 768" "AF_RDS 21 5 0" "AF_PPPOX 24 1 0" "AF_LLC 26 2 0"
	"AF_CAN 29 3 1" "AF_TIPC 30 4 0" "AF_BLUETOOTH 31 3 1" "AF_RXRPC 33 2 2" "AF_PHONET 35 2 0"
	"AF_IEEE802154 36 2 0" "AF_CAIF 37 1 0" "AF_ALG 38 5 0" "AF_NFC 39 5 0" "AF_VSOCK 40 1 0"
	"AF_KCM 41 2 0" "AF_QIPCRTR 42 2 0" "AF_SMC 43 1 0" "AF_XDP 44 3 0" "AF_MCTP 45 2 0"
	"family-46 46 2 0" "family-63 63 2 0" "family-1024 1024 2 0"
	"AF_VSOCK|1<<32 0x100000028 1 0" "AF_ALG|1<<32 0x100000026 5 0"
	"AF_INET|1<<32 0x100000002 2 0" "family-0x80000000 0x80000000 2 0"
)
ALLOWED=(
	"AF_UNIX 1 1 0" "AF_INET 2 2 0" "AF_INET6 10 2 0"
	"NETLINK_ROUTE 16 3 0" "NETLINK_SOCK_DIAG 16 3 4"
)
NETLINK_DENIED=(
	"NETLINK_USERSOCK 16 3 2" "NETLINK_XFRM 16 3 6" "NETLINK_SELINUX 16 3 7"
	"NETLINK_AUDIT 16 3 9" "NETLINK_CONNECTOR 16 3 11" "NETLINK_NETFILTER 16 3 12"
	"NETLINK_KOBJECT_UEVENT 16 3 15" "NETLINK_GENERIC 16 3 16" "NETLINK_CRYPTO 16 3 21"
	"netlink-31 16 3 31" "netlink-32 16 3 32" "NETLINK_AUDIT|1<<32 16 3 0x100000009"
)
ADMIN_NETLINK=("NETLINK_XFRM 16 3 6" "NETLINK_NETFILTER 16 3 12" "NETLINK_GENERIC 16 3 16")

# each_is TEST ERRNO WHAT SPEC...: every SPEC's line in $OUT is an ERRNO failure.
each_is() {
	local t=$1 e=$2 what=$3 spec
	shift 3
	for spec in "$@"; do
		is "$t: errno $e" "$(answer "$spec")" "$what: $t(${spec%% *}) fails with $e"
	done
}

# each_as_host TEST WHAT SPEC...: every SPEC works inside as it does on the
# host, and works at all.
each_as_host() {
	local t=$1 what=$2 spec
	shift 2
	for spec in "$@"; do
		is "$(answer "$spec" "$HOST")" "$(answer "$spec")" \
			"$what: $t(${spec%% *}) answers as on the host ($(answer "$spec" "$HOST"))"
	done
}

default_checks() {
	local t spec have=''
	host_tries socket "${DENIED[@]}"
	for spec in "${DENIED[@]}"; do
		[ "$(answer "$spec" "$HOST")" = "socket: errno EAFNOSUPPORT" ] || have="$have ${spec%% *}"
	done
	diag "families this kernel has beyond the allowlist (for $(id -un)):${have:- none}"
	for t in socket socketpair; do
		tries -- "$t" "${DENIED[@]}"
		each_is "$t" EAFNOSUPPORT "default" "${DENIED[@]}"
		tries -- "$t" "${NETLINK_DENIED[@]}"
		each_is "$t" EPROTONOSUPPORT "default" "${NETLINK_DENIED[@]}"
	done
	host_tries socket "${ALLOWED[@]}"
	tries -- socket "${ALLOWED[@]}"
	each_as_host socket "default" "${ALLOWED[@]}"
	is "socket: ok" "$(answer "${ALLOWED[0]}")" "control: socket(AF_UNIX) works"
	is "socket: ok" "$(answer "${ALLOWED[3]}")" "control: socket(AF_NETLINK, NETLINK_ROUTE) works"
	expect "socketpair: ok" "control: socketpair(AF_UNIX) works" -- "$PROBE" socketpair 1 1 0
}

# security.admin holds every capability of its user namespace, NET_RAW and
# NET_ADMIN included: the families stay those of the network level.
security_admin_checks() {
	tries --ent security.admin -- socket "AF_PACKET 17 3 768" "AF_XDP 44 3 0" "AF_VSOCK 40 1 0" \
		"NETLINK_NETFILTER 16 3 12" "NETLINK_GENERIC 16 3 16" "AF_INET 2 3 1"
	each_is socket EAFNOSUPPORT "security.admin" "AF_PACKET 17" "AF_XDP 44" "AF_VSOCK 40"
	each_is socket EPROTONOSUPPORT "security.admin" "NETLINK_NETFILTER 16" "NETLINK_GENERIC 16"
	is "socket: ok" "$(answer "AF_INET 2")" "control: security.admin opens a raw AF_INET socket"
}

network_admin_checks() {
	if ! tun_ok; then
		skip_or_fail "/dev/net/tun cannot be opened by $(id -un)" "network.admin socket families"
		return
	fi
	tries --ent network.admin -- socket "AF_PACKET 17 3 768" "AF_ALG 38 5 0" "AF_VSOCK 40 1 0" \
		"AF_XDP 44 3 0" "NETLINK_AUDIT 16 3 9" "NETLINK_KOBJECT_UEVENT 16 3 15"
	is "socket: ok" "$(answer "AF_PACKET 17")" "network.admin: socket(AF_PACKET) opens (CAP_NET_RAW in its namespace)"
	each_is socket EAFNOSUPPORT "network.admin" "AF_ALG 38" "AF_VSOCK 40" "AF_XDP 44"
	each_is socket EPROTONOSUPPORT "network.admin" "NETLINK_AUDIT 9" "NETLINK_KOBJECT_UEVENT 15"
	host_tries socket "${ADMIN_NETLINK[@]}"
	tries --ent network.admin -- socket "${ADMIN_NETLINK[@]}"
	each_as_host socket "network.admin" "${ADMIN_NETLINK[@]}"
}

# What ordinary programs do with netlink: ip (NETLINK_ROUTE), ss
# (NETLINK_SOCK_DIAG), getaddrinfo with AI_ADDRCONFIG (NETLINK_ROUTE).
tool_checks() {
	if have_tools "ip, ss and getent work inside" ip ss getent; then
		expect_like '^1: lo' "ip link works inside (NETLINK_ROUTE)" -- ip -o link show lo
		sbx -- ss -a -x
		is 0 "$RC" "ss lists sockets inside (NETLINK_SOCK_DIAG)"
		expect_like '^(127\.0\.0\.1|::1) ' "getaddrinfo resolves localhost inside" \
			-- getent ahosts localhost
	fi
}

# x32: the same rules (bit 30 set on the syscall number).
x32_checks() {
	if [ "$("$PROBE" x32-syscall 39)" = "x32-syscall: errno ENOSYS" ]; then
		skip "the kernel has no x32 ABI" "socket families through the x32 ABI"
		return
	fi
	tries -- x32-socket "AF_ALG 38 5 0" "AF_VSOCK 40 1 0" "AF_PACKET 17 3 768" "AF_UNIX 1 1 0"
	each_is x32-socket EAFNOSUPPORT "x32" "AF_ALG 38" "AF_VSOCK 40" "AF_PACKET 17"
	is "x32-socket: ok" "$(answer "AF_UNIX 1")" "control: x32 socket(AF_UNIX) works"
}

# i386: the direct socket() of Linux 4.3 is filtered like x86_64's;
# socketcall, whose arguments sit in memory, is refused whatever it asks.
i386_checks() {
	if [ "$("$PROBE" int80-getpid)" != "int80-getpid: ok" ]; then
		skip "the kernel has no IA32 emulation" "socket families through int 0x80 (socket, socketcall)"
		return
	fi
	tries -- int80-socket "AF_ALG 38 5 0" "AF_VSOCK 40 1 0" "AF_UNIX 1 1 0" "NETLINK_AUDIT 16 3 9"
	each_is int80-socket EAFNOSUPPORT "i386" "AF_ALG 38" "AF_VSOCK 40"
	each_is int80-socket EPROTONOSUPPORT "i386" "NETLINK_AUDIT 16"
	is "int80-socket: ok" "$(answer "AF_UNIX 1")" "control: i386 socket(AF_UNIX) works"
	# socketcall(SYS_SOCKET = 1, SYS_SOCKETPAIR = 8, SYS_CONNECT = 3).
	tries -- int80-socketcall "vsock 1 40 1 0" "unix 1 1 1 0" "pair 8 1 1 0" "connect 3 1 1 0"
	each_is int80-socketcall EAFNOSUPPORT "i386 socketcall" "vsock 1" "unix 1" "pair 8" "connect 3"
	host_tries int80-socketcall "unix 1 1 1 0"
	is "int80-socketcall: ok" "$(answer "unix 1" "$HOST")" "control: socketcall(SYS_SOCKET) works on the host"
}

explain_checks() {
	sbx --explain
	like "$OUT" $'\n  socket families \\(socket, socketpair\\): AF_UNIX AF_INET AF_INET6 AF_NETLINK \\(NETLINK_ROUTE NETLINK_SOCK_DIAG\\) only; any other family fails with EAFNOSUPPORT, any other netlink protocol with EPROTONOSUPPORT, i386 socketcall \\(family unreadable\\) with EAFNOSUPPORT\n' \
		"--explain names the socket families in words"
	expect_like 'AF_NETLINK \(NETLINK_ROUTE NETLINK_SOCK_DIAG NETLINK_XFRM NETLINK_NETFILTER NETLINK_GENERIC\) AF_PACKET only' \
		"--explain --ent network.admin adds AF_PACKET and the admin netlink protocols" \
		--explain --ent network.admin
	if have_tools "--explain --json names the socket families" jq; then
		sbx --explain --json
		printf '%s\n' "$OUT" >"$TEST_TMP/explain.json"
		run jq -c '.seccomp.socket_families' "$TEST_TMP/explain.json"
		is '{"allowed":["AF_UNIX","AF_INET","AF_INET6","AF_NETLINK"],"netlink_protocols":["NETLINK_ROUTE","NETLINK_SOCK_DIAG"],"other_families":"errno EAFNOSUPPORT","other_netlink_protocols":"errno EPROTONOSUPPORT","socketcall":"errno EAFNOSUPPORT"}' \
			"$OUT" "--explain --json names the socket families"
	fi
}

checks() {
	default_checks
	security_admin_checks
	network_admin_checks
	tool_checks
	x32_checks
	i386_checks
	explain_checks
}

tap_main checks
