#!/bin/bash
# network.user, network.admin, network.proxy, network.publish and
# network.host-loopback, with real traffic on this machine: a "test host"
# (tests/net/testhost.sh: a veth into a network namespace, 198.18.0.1 on our
# side, 198.18.0.2 on its side, echo servers, an HTTP CONNECT proxy, a DNS
# responder) and a TCP echo on the host's own 127.0.0.1.
#
# Only root can build the test host, and the DNS checks need a private mount
# namespace with our own /etc/resolv.conf, which only root can set up for an
# unprivileged entrun.  So this script does not use tap_main's re-run of
# itself as the test user: run as root, it builds the test host once and
# runs every check twice, first as root ("[root] ...") then through setpriv
# as the unprivileged $ENTRUN_TEST_USER ("[user] ..."), with one numbering.
# Run as an ordinary user it is one SKIP (a failure under CI=true).
#
# Each entrun runs with a clean environment carrying ENTRUN_NETTEST=TAG, a
# tag unique to this run: after every group of checks no process may carry
# it (in its environment or command line), and no entrun may be orphaned.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../net/testhost.sh
. "$top_srcdir/tests/net/testhost.sh"

REAL_ENTRUN=$(readlink -f "$ENTRUN")
RUNTAG=entrun-nettest-$$-$RANDOM
USER_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
SOCAT='' IP='' GETENT='' LINKKIND=''
RESOLV_SUM=''

# ---- helpers ----------------------------------------------------------------

# A wrapper that runs the real entrun as this pass's user in a clean
# environment; it becomes $ENTRUN for lib.sh's sbx/expect.  It execs all the
# way down (sh, setpriv, env), so its pid is entrun's.
make_wrapper() {
	local w=$TEST_TMP/entrun-$PASS home=/root
	local -a pre=()
	if [ "$PASS" = user ]; then
		pre=(setpriv "--reuid=$ENTRUN_TEST_USER" "--regid=$(id -g "$ENTRUN_TEST_USER")"
			--init-groups --)
		home=/
	fi
	{
		echo '#!/bin/sh'
		printf 'exec'
		printf ' %q' "${pre[@]}" env -i "PATH=$USER_PATH" "HOME=$home" LANG=C \
			"ENTRUN_NETTEST=$RUNTAG" "$REAL_ENTRUN"
		printf ' "$@"\n'
	} >"$w"
	chmod 700 "$w"
	ENTRUN=$w
}

# sbx_in PREFIX... :: ENTRUN-ARGS...: like sbx, with entrun started by the
# command PREFIX (e.g. in a private mount namespace).
sbx_in() {
	local -a pre=()
	while [ "$#" -gt 0 ] && [ "$1" != :: ]; do
		pre+=("$1")
		shift
	done
	shift
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "${pre[@]}" "$ENTRUN" $(tmp_grant) "$@"
}

# Command prefixes for sbx_in, set once the test host is up:
# WITH_RESOLVER: the test host's resolver as /etc/resolv.conf, in a private
# mount namespace (the host's file is never touched).
# NO_TUN: /dev/net covered with an empty tmpfs; NO_TUN_ACCESS: with a 0600
# root-owned tun device node in it instead.
WITH_RESOLVER=() NO_TUN=() NO_TUN_ACCESS=()
# shellcheck disable=SC2016 # expanded by the inner sh
make_prefixes() {
	WITH_RESOLVER=(unshare -m --propagation private -- sh -c
		'mount --bind "$1" /etc/resolv.conf || exit 99; shift; exec "$@"' sh "$TH_RESOLV")
	NO_TUN=(unshare -m --propagation private -- sh -c
		'mount -t tmpfs -o mode=755 entrun-test /dev/net || exit 99
		if [ "$1" = mknod ]; then mknod -m 600 /dev/net/tun c 10 200 || exit 99; fi
		shift; exec "$@"' sh)
	NO_TUN_ACCESS=("${NO_TUN[@]}" mknod)
	NO_TUN+=(none)
}

# The processes this run's entrun invocations left behind, one per line.
leftovers() {
	local pid orphans state
	{
		grep -lzx "ENTRUN_NETTEST=$RUNTAG" /proc/[0-9]*/environ 2>/dev/null |
			sed 's|^/proc/\([0-9]*\)/environ$|\1|'
		pgrep -f -- "$RUNTAG"
		# An entrun whose parent is gone is nobody's (not a parallel test's),
		# unless it is a pid 1 of a parallel test's killed entrun still on
		# its way out: one still alive and not a zombie 0.5 s later.
		orphans=$(find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$REAL_ENTRUN" 2>/dev/null |
			while IFS=/ read -r _ _ pid _; do
				[ "$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)" = 1 ] && echo "$pid"
			done)
		[ -n "$orphans" ] && sleep 0.5
		for pid in $orphans; do
			state=$(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
			[ -n "$state" ] && [ "$state" != Z ] && echo "$pid"
		done
	} | sort -un | while read -r pid; do
		[ "$pid" = "$$" ] && continue
		[ -r "/proc/$pid/cmdline" ] || continue
		printf '%s %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline")"
	done
}

# no_leftovers WHAT: no process of entrun's is left after WHAT.
no_leftovers() {
	local left
	left=$(leftovers)
	if [ -z "$left" ]; then ok "no process of entrun's is left after $1"; else
		not_ok "no process of entrun's is left after $1" "left: $left"
		# Do not let one leak fail every later group too.
		awk '{ print $1 }' <<<"$left" | xargs -r kill -KILL 2>/dev/null
	fi
}

# A free port on 127.0.0.1 for UDP (free_port checks TCP).
free_udp_port() {
	local i p
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + RANDOM % 40000))
		ss -Hlun "sport = :$p" | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}

# host_echo PROTO PORT TEXT: what a host client gets back from
# 127.0.0.1:PORT after sending TEXT.
host_echo() {
	printf '%s\n' "$3" | timeout 4 socat -t1 - "$1:127.0.0.1:$2" 2>/dev/null
}

# start_bg LOG ENTRUN-ARGS...: entrun in the background; sets BG_PID.
start_bg() {
	local log=$TEST_TMP/$1
	shift
	"$ENTRUN" $(tmp_grant) "$@" </dev/null >"$log.out" 2>"$log.err" &
	BG_PID=$!
	track_bg "$BG_PID"
}

# ---- checks -------------------------------------------------------------------

# shellcheck disable=SC2016 # expanded by the inner sh
user_config_checks() {
	sbx -e network.user -- sh -c '"$1" -o addr show tap0; echo ---; "$1" route; echo ---
		"$1" -o link show tap0; echo ---; "$1" -o link show lo; echo ---
		grep "^nameserver" /etc/resolv.conf' sh "$IP"
	local addr route link lo resolv
	{ IFS= read -r -d '' addr; IFS= read -r -d '' route; IFS= read -r -d '' link
		IFS= read -r -d '' lo; IFS= read -r -d '' resolv; } < <(awk '
		/^---$/ { printf "%c", 0; next } { print }
		END { printf "%c", 0 }' <<<"$OUT")
	is 0 "$RC" "network.user: the sandbox runs (exit 0)"
	like "$addr" 'inet 10\.0\.2\.100/24 ' "network.user: tap0 is 10.0.2.100/24"
	like "$route" '(^|'$'\n'')default via 10\.0\.2\.2 dev tap0' "network.user: default route via 10.0.2.2"
	like "$link" ' mtu 65520 ' "network.user: tap0's MTU is 65520"
	like "$link" '<([A-Z_]+,)*UP[,>]' "network.user: tap0 is up"
	like "$lo" '<([A-Z_]+,)*UP[,>]' "network.user: lo is up"
	is "nameserver 10.0.2.3" "${resolv%$'\n'}" "network.user: /etc/resolv.conf inside names only 10.0.2.3"
	# A NAT engine ignores SIGPIPE (libslirp writes without MSG_NOSIGNAL);
	# the payload must not inherit that (SIG_IGN survives execve).
	# Only SIGPIPE (bit 12 of SigIgn) is entrun's business: the rest depends
	# on how the test was started (a background job ignores SIGINT and
	# SIGQUIT; timeout(1) resets them).  The payload ignores SIGPIPE exactly
	# when the caller does.
	# The caller's mask read by the shell itself: a reader such as gawk
	# ignores SIGPIPE on its own and would report its own.
	local caller_pipe payload_pipe key val caller_ign=
	while read -r key val; do
		if [ "$key" = SigIgn: ]; then caller_ign=$val; fi
	done <"/proc/$BASHPID/status"
	caller_pipe=$(( 0x$caller_ign >> 12 & 1 ))
	sbx -e network.user -- grep ^SigIgn: /proc/self/status
	payload_pipe=$(( 0x$(awk '{print $2}' <<<"$OUT") >> 12 & 1 ))
	is "$caller_pipe" "$payload_pipe" "network.user: the payload ignores SIGPIPE exactly when its caller does (entrun's own SIG_IGN is not inherited)"
	no_leftovers "the network.user configuration checks"
}

# shellcheck disable=SC2016 # expanded by the inner sh
traffic_checks() {
	local lvl=$1
	expect "tcp-connect: ok" "$lvl: TCP connect to the test host $TH_IP:7" \
		-e "$lvl" -- "$PROBE" tcp-connect "$TH_IP" 7
	expect "hi" "$lvl: TCP echo round trip through $TH_IP:7" \
		-e "$lvl" -- sh -c 'echo hi | "$1" -t2 - "TCP:$2:7,connect-timeout=2"' sh "$SOCAT" "$TH_IP"
	expect "2000000" "$lvl: 2 MB there and back through the TCP echo" \
		-e "$lvl" -- sh -c 'head -c 2000000 /dev/urandom |
			"$1" -t5 - "TCP:$2:7,connect-timeout=2" | wc -c' sh "$SOCAT" "$TH_IP"
	expect "udp-echo: ok" "$lvl: UDP echo from $TH_IP:7" \
		-e "$lvl" -- "$PROBE" udp-echo "$TH_IP" 7
	expect "hi" "$lvl: UDP echo round trip with socat" \
		-e "$lvl" -- sh -c 'echo hi | "$1" -t2 - "UDP:$2:7"' sh "$SOCAT" "$TH_IP"
	# The test host closes at once; what the sandbox sends afterwards meets
	# a reset (EPIPE on the NAT's socket): the NAT must not die of SIGPIPE.
	sbx -e "$lvl" -- sh -c '(sleep 0.3; echo data; echo more; sleep 0.3; echo more) |
		"$1" -u - "TCP:$2:$3" 2>/dev/null; echo sent' sh "$SOCAT" "$TH_IP" "$TH_CLOSE_PORT"
	if [ "$RC" = 0 ] && [ "$OUT" = sent ]; then
		ok "$lvl: writing on after the test host closed: entrun exits 0 (no SIGPIPE)"
	else
		not_ok "$lvl: writing on after the test host closed: entrun exits 0 (no SIGPIPE)" \
			"$( [ "$RC" = 141 ] && echo "141 = 128+SIGPIPE: entrun itself was killed by SIGPIPE")"
	fi
	no_leftovers "the $lvl traffic checks"
}

none_control_checks() {
	expect "tcp-connect: errno ENETUNREACH" "control: network.none cannot reach $TH_IP:7 over TCP" \
		-- "$PROBE" tcp-connect "$TH_IP" 7
	expect "udp-echo: errno ENETUNREACH" "control: network.none cannot reach $TH_IP:7 over UDP" \
		-- "$PROBE" udp-echo "$TH_IP" 7
}

# entrun learn with a client of the test host (learn.sh has the rest): it
# proposes network.user, saying where the client connects; the learned
# profile reaches the test host; without that grant the client fails, and
# the hint names it and the destination.
learn_checks() {
	local d
	# The pass's scratch directory is root's alone: one both users reach.
	d=$(mktemp -d /var/tmp/entrun-learn-net.XXXXXX) && chmod 1777 "$d" || {
		not_ok "learn: a scratch directory in /var/tmp"
		return
	}
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" learn -o "$d/net.ini" -- "$PROBE" tcp-connect "$TH_IP" 7
	is "tcp-connect: ok" "$OUT" "learn: the client reaches the test host $TH_IP:7 (learn lends network.user)"
	is "entitlements = network.user|" "$(grep -E '^(entitlements|rw) = ' "$d/net.ini" | tr '\n' '|')" \
		"learn: it proposes network.user alone"
	has_line "$(cat "$d/net.ini")" "; connect to $TH_IP:7" "learn: ... saying where the client connects"
	expect "tcp-connect: ok" "learn: with the learned profile, the client reaches the test host" \
		-p "$d/net.ini" -- "$PROBE" tcp-connect "$TH_IP" 7
	grep -vxF "entitlements = network.user" "$d/net.ini" >"$d/net-less.ini"
	sbx -p "$d/net-less.ini" -- "$PROBE" tcp-connect "$TH_IP" 7
	is "tcp-connect: errno ENETUNREACH" "$OUT" "learn: without network.user the client cannot reach it"
	like "$ERR" "denied connect to ${TH_IP//./\\.}:7 \\(pid [0-9]+ probe\\) — grant network.user to allow it" \
		"learn: ... and the hint names network.user and the destination"
	rm -rf "$d"
	no_leftovers "the learn checks"
}

# shellcheck disable=SC2016 # expanded by the inner sh
loopback_checks() {
	local p=$TH_LO_PORT
	run "$PROBE" tcp-connect 127.0.0.1 "$p"
	is "tcp-connect: ok" "$OUT" "control: the host reaches its own 127.0.0.1:$p echo"
	expect_like '^tcp-connect: errno E' "network.user: the host's 127.0.0.1:$p is unreachable via 127.0.0.1" \
		-e network.user -- "$PROBE" tcp-connect 127.0.0.1 "$p"
	expect_like '^tcp-connect: errno E' "network.user: the host's 127.0.0.1:$p is unreachable via 10.0.2.2" \
		-e network.user -- "$PROBE" tcp-connect 10.0.2.2 "$p"
	expect_like '^tcp-connect: errno E' "network.user: nothing at $TH_HOST_IP:$p (the echo is on 127.0.0.1 only; control)" \
		-e network.user -- "$PROBE" tcp-connect "$TH_HOST_IP" "$p"
	expect_like '^tcp-connect: errno E' "network.admin: the host's 127.0.0.1:$p is unreachable via 10.0.2.2" \
		-e network.admin -- "$PROBE" tcp-connect 10.0.2.2 "$p"
	expect "tcp-connect: ok" "network.user + host-loopback: 10.0.2.2:$p reaches the host's 127.0.0.1:$p" \
		-e network.user -e network.host-loopback -- "$PROBE" tcp-connect 10.0.2.2 "$p"
	expect "hi" "network.user + host-loopback: echo round trip through 10.0.2.2:$p" \
		-e network.user -e network.host-loopback -- \
		sh -c 'echo hi | "$1" -t2 - "TCP:10.0.2.2:$2,connect-timeout=2"' sh "$SOCAT" "$p"
	expect "tcp-connect: ok" "network.admin + host-loopback: 10.0.2.2:$p reaches the host's 127.0.0.1" \
		-e network.admin -e network.host-loopback -- "$PROBE" tcp-connect 10.0.2.2 "$p"
	expect "tcp-connect: ok" "network.user + host-loopback: the test host is still reachable" \
		-e network.user -e network.host-loopback -- "$PROBE" tcp-connect "$TH_IP" 7
	no_leftovers "the host-loopback checks"
}

# publish_tcp LEVEL BIND DESC: the sandbox serves a TCP echo on BIND:S with
# network.publish=H:S; the host gets its echo through 127.0.0.1:H.
publish_tcp() {
	local lvl=$1 bind=$2 h s i got='' rc
	h=$(free_port) || { not_ok "$lvl: TCP publish (no free port)"; return; }
	s=$((20000 + RANDOM % 40000))
	start_bg pub -e "$lvl" -e "network.publish=$h:$s" -- \
		timeout 8 "$SOCAT" "TCP4-LISTEN:$s,bind=$bind,fork,reuseaddr" EXEC:cat
	for ((i = 0; i < 40; i++)); do
		got=$(host_echo TCP "$h" "pub-$i")
		[ "$got" = "pub-$i" ] && break
		proc_state "$BG_PID" | grep -q '^[^Z]' || break
		sleep 0.1
	done
	if [ "$got" = "pub-$i" ]; then ok "$lvl: publish=$h:$s, sandbox on $bind:$s: the host's 127.0.0.1:$h echoes"; else
		not_ok "$lvl: publish=$h:$s, sandbox on $bind:$s: the host's 127.0.0.1:$h echoes" \
			"last answer: '$got' (after $i tries)" "entrun stderr: $(cat "$TEST_TMP/pub.err")"
	fi
	run "$PROBE" tcp-connect "$TH_HOST_IP" "$h"
	is "tcp-connect: errno ECONNREFUSED" "$OUT" "$lvl: the published port is not open on $TH_HOST_IP (only on 127.0.0.1)"
	kill -TERM "$BG_PID" 2>/dev/null
	wait_bounded "$BG_PID" 5
	rc=$?
	isnt 255 "$rc" "$lvl: entrun with a publish ends within 5 s of SIGTERM (exit $rc)"
	run "$PROBE" tcp-connect 127.0.0.1 "$h"
	is "tcp-connect: errno ECONNREFUSED" "$OUT" "$lvl: once entrun is gone, nothing listens on 127.0.0.1:$h"
}

# Two publishes in one sandbox (the entitlement is a list).
# shellcheck disable=SC2016 # expanded by the inner sh
publish_two() {
	local h1 h2 s1 s2 i got1='' got2=''
	if ! { h1=$(free_port) && h2=$(free_port) && [ "$h1" != "$h2" ]; }; then
		not_ok "network.user: two publishes both echo (no free ports)"
		return
	fi
	s1=$((20000 + RANDOM % 20000)) s2=$((40000 + RANDOM % 20000))
	start_bg pub2 -e network.user -e "network.publish=$h1:$s1" -e "network.publish=$h2:$s2" -- \
		sh -c '"$1" "TCP4-LISTEN:$2,fork,reuseaddr" EXEC:cat & "$1" "TCP4-LISTEN:$3,fork,reuseaddr" EXEC:cat &
			sleep 8' sh "$SOCAT" "$s1" "$s2"
	for ((i = 0; i < 40; i++)); do
		[ "$got1" = one ] || got1=$(host_echo TCP "$h1" one)
		[ "$got2" = two ] || got2=$(host_echo TCP "$h2" two)
		[ "$got1$got2" = onetwo ] && break
		proc_state "$BG_PID" | grep -q '^[^Z]' || break
		sleep 0.1
	done
	is "one two" "$got1 $got2" "network.user: two publishes ($h1:$s1, $h2:$s2) both echo"
	kill -TERM "$BG_PID" 2>/dev/null
	wait_bounded "$BG_PID" 5
}

publish_udp() {
	local h s i got='' rc
	h=$(free_udp_port) || { not_ok "network.user: UDP publish (no free port)"; return; }
	s=$((20000 + RANDOM % 40000))
	start_bg pubu -e network.user -e "network.publish=$h:$s/udp" -- \
		timeout 8 "$SOCAT" -T 2 "UDP4-RECVFROM:$s,fork" EXEC:cat
	for ((i = 0; i < 10; i++)); do
		got=$(host_echo UDP "$h" "pubu-$i")
		[ "$got" = "pubu-$i" ] && break
		proc_state "$BG_PID" | grep -q '^[^Z]' || break
	done
	if [ "$got" = "pubu-$i" ]; then ok "network.user: publish=$h:$s/udp: the host's 127.0.0.1:$h/udp echoes"; else
		not_ok "network.user: publish=$h:$s/udp: the host's 127.0.0.1:$h/udp echoes" \
			"last answer: '$got' (after $i tries)" "entrun stderr: $(cat "$TEST_TMP/pubu.err")"
	fi
	kill -TERM "$BG_PID" 2>/dev/null
	wait_bounded "$BG_PID" 5
	rc=$?
	isnt 255 "$rc" "network.user: entrun with a UDP publish ends within 5 s of SIGTERM (exit $rc)"
}

# refused DESC ERE ENTRUN-ARGS...: exit 125, stderr matches ERE, and the
# command (echo RAN) did not run.
refused() {
	local desc=$1 re=$2
	shift 2
	sbx "$@" -- echo RAN
	if [ "$RC" = 125 ] && [ -z "$OUT" ] && [[ $ERR =~ $re ]]; then ok "$desc"; else
		not_ok "$desc" "expected exit 125, no output, stderr matching /$re/"
	fi
}

publish_checks() {
	publish_tcp network.user 0.0.0.0
	publish_tcp network.user 10.0.2.100
	publish_tcp network.admin 0.0.0.0
	publish_two
	publish_udp
	refused "network.none + publish is refused (125)" 'publish' \
		-e network.publish=8080:80
	refused "network.proxy + publish is refused (125)" 'publish' \
		-e "network.proxy=http://$TH_IP:3128" -e network.publish=8080:80
	refused "network.none + host-loopback is refused (125)" 'host-loopback' \
		-e network.host-loopback
	refused "a publish on a host port in use (127.0.0.1:$TH_LO_PORT) exits 125 naming the port" \
		"$TH_LO_PORT" -e network.user -e "network.publish=$TH_LO_PORT:80"
	refused "publish=70000:80 (host port out of range) is refused (125)" '70000' \
		-e network.user -e network.publish=70000:80
	refused "publish=8080:80/sctp is refused (125)" 'sctp|tcp or udp' \
		-e network.user -e network.publish=8080:80/sctp
	no_leftovers "the publish checks"
}

# shellcheck disable=SC2016 # expanded by the inner sh
proxy_checks() {
	local px=network.proxy=http://$TH_IP:3128 v
	local connect='printf "CONNECT %s:7 HTTP/1.1\r\nHost: x\r\n\r\nhello\n" "$2" |
		"$1" -t2 - TCP:127.0.0.1:3128,connect-timeout=2'
	sbx -e "$px" -- sh -c "$connect" sh "$SOCAT" "$TH_IP"
	like "${OUT%%$'\n'*}" '^HTTP/1\.[01] 200 ' "proxy: CONNECT $TH_IP:7 through 127.0.0.1:3128 gets 200"
	has_line "$OUT" hello "proxy: ... and then the echo of hello"
	sbx -e "$px" -- sh -c "for i in 1 2 3; do $connect; done" sh "$SOCAT" "$TH_IP"
	is 3 "$(grep -cx hello <<<"$OUT")" "proxy: three CONNECTs in a row each get their echo"
	sbx -e "$px" -- sh -c 'printf "GET http://%s/ HTTP/1.0\r\n\r\n" "$2" |
		"$1" -t2 - TCP:127.0.0.1:3128,connect-timeout=2' sh "$SOCAT" "$TH_IP"
	like "$OUT" "$TH_HTTP_BODY" "proxy: a plain proxied GET http://$TH_IP/ gets the page"
	if command -v curl >/dev/null; then
		expect "$TH_HTTP_BODY" "proxy: curl http://$TH_IP/ goes through \$http_proxy" \
			-e "$px" -- curl -sS --max-time 5 "http://$TH_IP/"
	else
		skip "curl not installed" "proxy: curl http://$TH_IP/ goes through \$http_proxy"
	fi
	sbx -e "$px" -- sh -c 'for v in http_proxy https_proxy HTTP_PROXY HTTPS_PROXY; do
		printf "%s=%s\n" "$v" "$(printenv "$v")"; done'
	for v in http_proxy https_proxy HTTP_PROXY HTTPS_PROXY; do
		has_line "$OUT" "$v=http://127.0.0.1:3128" "proxy: $v is http://127.0.0.1:3128"
	done
	sbx -e "$px" -- "$IP" -o link
	is 1 "$(grep -c . <<<"$OUT")" "proxy: ip link inside lists one interface"
	like "$OUT" '^1: lo: <([A-Z_]+,)*UP[,>]' "proxy: that interface is lo, and it is up"
	# TCP: Landlock's port rule (EACCES) answers before the empty routing
	# table (ENETUNREACH), where the kernel has it (landlock.sh).
	expect_like '^tcp-connect: errno (ENETUNREACH|EACCES)$' "proxy: a direct TCP connect to $TH_IP:7 fails" \
		-e "$px" -- "$PROBE" tcp-connect "$TH_IP" 7
	expect "udp-echo: errno ENETUNREACH" "proxy: a direct UDP packet to $TH_IP:7 fails" \
		-e "$px" -- "$PROBE" udp-echo "$TH_IP" 7
	expect_like '^tcp-connect: errno (ENETUNREACH|EACCES)$' "proxy: 10.0.2.2:$TH_LO_PORT (host loopback) is unreachable" \
		-e "$px" -- "$PROBE" tcp-connect 10.0.2.2 "$TH_LO_PORT"
	sbx -e "network.proxy=http://$TH_IP:$TH_CLOSE_PORT" -- sh -c '(sleep 0.3; echo data; echo more
		sleep 0.3; echo more) | "$1" -u - TCP:127.0.0.1:3128 2>/dev/null; echo sent' sh "$SOCAT"
	if [ "$RC" = 0 ] && [ "$OUT" = sent ]; then
		ok "proxy: writing on after the proxy closed: entrun exits 0 (no SIGPIPE)"
	else
		not_ok "proxy: writing on after the proxy closed: entrun exits 0 (no SIGPIPE)"
	fi
	sbx_in "${WITH_RESOLVER[@]}" :: -e "network.proxy=http://$TH_NAME:3128" \
		-- sh -c "$connect" sh "$SOCAT" "$TH_IP"
	has_line "$OUT" hello "proxy=http://$TH_NAME:3128 (a name the host resolves) relays the CONNECT"
	sbx_in "${WITH_RESOLVER[@]}" :: -e network.proxy=http://nosuch.entrun.test:3128 \
		-- echo RAN
	if [ "$RC" = 125 ] && [ -z "$OUT" ]; then ok "proxy=http://nosuch.entrun.test:3128 (unresolvable) exits 125"; else
		not_ok "proxy=http://nosuch.entrun.test:3128 (unresolvable) exits 125" "expected exit 125 and no output"
	fi
	no_leftovers "the proxy checks"
}

# shellcheck disable=SC2016 # expanded by the inner sh
admin_checks() {
	local add=(link add entest0 type "$LINKKIND")
	[ "$LINKKIND" = veth ] && add+=(peer name entest1)
	sbx -e network.admin -- sh -c '"$@" && echo added' sh "$IP" "${add[@]}"
	is added "$OUT" "network.admin: ip ${add[*]} works"
	expect "bind-low: ok" "network.admin: binding port 80 works" -e network.admin -- "$PROBE" bind-low
	expect "raw-socket: ok" "network.admin: a raw socket opens" -e network.admin -- "$PROBE" raw-socket
	sbx -e network.admin -- "$PROBE" caps
	has_line "$OUT" "caps: CapAmb 0000000000003c00" \
		"network.admin: ambient caps are exactly NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW"
	has_line "$OUT" "caps: CapEff 0000000000003c00" "network.admin: effective caps are the same four"
	expect "tcp-connect: ok" "network.admin: the test host is reachable" \
		-e network.admin -- "$PROBE" tcp-connect "$TH_IP" 7

	sbx -e network.user -- "$IP" "${add[@]}"
	if [ "$RC" -ne 0 ] && [[ $ERR == *"Operation not permitted"* ]]; then
		ok "network.user: ip ${add[*]} fails (EPERM)"
	else
		not_ok "network.user: ip ${add[*]} fails (EPERM)"
	fi
	expect "bind-low: errno EACCES" "network.user: binding port 80 fails" -e network.user -- "$PROBE" bind-low
	expect "raw-socket: errno EPERM" "network.user: a raw socket does not open" \
		-e network.user -- "$PROBE" raw-socket
	sbx -e network.user -- "$PROBE" caps
	has_line "$OUT" "caps: CapEff 0000000000000000" "network.user: no effective capability"
	no_leftovers "the network.admin checks"
}

dns_checks() {
	sbx_in "${WITH_RESOLVER[@]}" :: -e network.user -- "$GETENT" hosts "$TH_NAME"
	like "$OUT" "^${TH_IP//./\\.}[[:space:]]+${TH_NAME//./\\.}\$" "DNS: $TH_NAME resolves to $TH_IP through 10.0.2.3"
	sbx_in "${WITH_RESOLVER[@]}" :: -e network.user -- "$GETENT" hosts nosuch.entrun.test
	if [ "$RC" = 2 ] && [ -z "$OUT" ]; then ok "DNS: nosuch.entrun.test does not resolve (NXDOMAIN passed on)"; else
		not_ok "DNS: nosuch.entrun.test does not resolve (NXDOMAIN passed on)" "expected getent's exit 2"
	fi
	sbx_in "${WITH_RESOLVER[@]}" :: -e network.admin -- "$GETENT" hosts "$TH_NAME"
	like "$OUT" "^${TH_IP//./\\.}[[:space:]]+${TH_NAME//./\\.}\$" "DNS: network.admin resolves $TH_NAME too"
	is "$RESOLV_SUM" "$(cksum </etc/resolv.conf)" "DNS: the host's /etc/resolv.conf is unchanged"
	no_leftovers "the DNS checks"
}

tun_checks() {
	sbx_in "${NO_TUN[@]}" :: -e network.user -- echo RAN
	if [ "$RC" = 125 ] && [ -z "$OUT" ] && [[ $ERR == */dev/net/tun* ]]; then
		ok "no /dev/net/tun: network.user exits 125 naming /dev/net/tun"
	else
		not_ok "no /dev/net/tun: network.user exits 125 naming /dev/net/tun"
	fi
	sbx_in "${NO_TUN[@]}" :: -e network.admin -- echo RAN
	if [ "$RC" = 125 ] && [ -z "$OUT" ]; then ok "no /dev/net/tun: network.admin exits 125"; else
		not_ok "no /dev/net/tun: network.admin exits 125"
	fi
	if [ "$PASS" = root ]; then
		skip "root opens a 0600 root-owned device" "a /dev/net/tun it cannot open: exit 125 naming it"
	else
		sbx_in "${NO_TUN_ACCESS[@]}" :: -e network.user -- echo RAN
		if [ "$RC" = 125 ] && [ -z "$OUT" ] && [[ $ERR == */dev/net/tun* ]]; then
			ok "a /dev/net/tun it cannot open: exit 125 naming it"
		else
			not_ok "a /dev/net/tun it cannot open: exit 125 naming it"
		fi
	fi
	sbx_in "${NO_TUN[@]}" :: -e network.none -- echo RAN
	is RAN "$OUT" "control: no /dev/net/tun does not matter to network.none"
	no_leftovers "the /dev/net/tun checks"
}

# shellcheck disable=SC2016 # expanded by the inner sh
lifetime_checks() {
	local i rc up
	expect_rc 7 "network.user: the payload's exit status (7) is entrun's" \
		-e network.user -- sh -c 'exit 7'
	no_leftovers "a network.user sandbox exited 7"
	start_bg life -e network.user -- sh -c 'echo up; exec sleep 30' "$RUNTAG"
	for ((i = 0; i < 50; i++)); do
		grep -qx up "$TEST_TMP/life.out" 2>/dev/null && break
		sleep 0.1
	done
	kill -KILL "$BG_PID" 2>/dev/null
	wait_bounded "$BG_PID" 2 2>/dev/null
	for ((i = 0; i < 30; i++)); do
		[ -z "$(leftovers)" ] && break
		sleep 0.1
	done
	no_leftovers "SIGKILL of a running network.user entrun (after $((i / 10)).$((i % 10)) s)"
	start_bg life2 -e "network.proxy=http://$TH_IP:3128" -- sh -c 'echo up; exec sleep 30' "$RUNTAG"
	for ((i = 0; i < 50; i++)); do
		grep -qx up "$TEST_TMP/life2.out" 2>/dev/null && break
		sleep 0.1
	done
	up=$(cat "$TEST_TMP/life2.out" 2>/dev/null)
	kill -TERM "$BG_PID" 2>/dev/null
	# Bounded above the default --stop-timeout (10 s): a SIGTERM that never
	# reached the command would end in its SIGKILL, 137, not 143.
	wait_bounded "$BG_PID" 15
	rc=$?
	RUN_DIAG=("sandbox up before the SIGTERM: '${up}'" "entrun stderr: $(cat "$TEST_TMP/life2.err")")
	is 143 "$rc" "network.proxy: SIGTERM to entrun ends the sandbox (128+15)"
	no_leftovers "SIGTERM of a running network.proxy entrun"
}

checks() {
	make_wrapper
	user_config_checks
	traffic_checks network.user
	traffic_checks network.admin
	none_control_checks
	learn_checks
	loopback_checks
	publish_checks
	proxy_checks
	admin_checks
	dns_checks
	tun_checks
	lifetime_checks
	ENTRUN=$REAL_ENTRUN
}

# ---- main -------------------------------------------------------------------------

# The link type ip link add can create here: dummy, or veth where the kernel
# has no dummy driver.
pick_linkkind() {
	if unshare -n ip link add entest0 type dummy 2>/dev/null; then LINKKIND=dummy; else
		LINKKIND=veth
	fi
}

user_userns_ok() {
	local why
	why=$(run_user unshare -Ur true 2>&1) && return 0
	skip_or_fail "user namespaces unavailable to $ENTRUN_TEST_USER (unshare -Ur true: ${why:-failed})" \
		"$SCRIPT_NAME checks"
	return 1
}

net_main() {
	trap 'cleanup_pass; th_teardown' EXIT
	trap 'exit 130' INT TERM HUP
	[ -x "$ENTRUN" $(tmp_grant) ] || bail_out "no entrun binary at $ENTRUN (run make)"
	[ -x "$PROBE" ] || bail_out "no probe binary at $PROBE (run make)"
	if [ "$(id -u)" -ne 0 ]; then
		skip_or_fail "needs root: the test host (a veth into a network namespace with servers) \
and the DNS checks' private /etc/resolv.conf can only be set up by root; as root every check \
runs as root and as $ENTRUN_TEST_USER" "$SCRIPT_NAME checks"
		done_testing
		exit 0
	fi
	PASS=root
	TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/entrun-$SCRIPT_NAME.XXXXXX") ||
		bail_out "cannot create a temporary directory"
	have_tools "$SCRIPT_NAME checks" socat ip python3 getent setpriv unshare ss flock || {
		done_testing
		exit 0
	}
	SOCAT=$(command -v socat) IP=$(command -v ip) GETENT=$(command -v getent)
	# An unprivileged user opens /dev/net/tun itself (as slirp4netns and
	# pasta do), so it must be 0666 -- Debian's default; some images ship it
	# 0600.  CI does the same chmod.
	[ -c /dev/net/tun ] && chmod 0666 /dev/net/tun
	pick_linkkind
	RESOLV_SUM=$(cksum </etc/resolv.conf)
	if ! th_setup; then
		not_ok "the test host is up" "$TH_ERROR"
		done_testing
		exit 0
	fi
	make_prefixes
	diag "test host: netns $TH_NS, $TH_HOST_IP <-> $TH_IP; host loopback echo on 127.0.0.1:$TH_LO_PORT; ip link add type $LINKKIND"
	if userns_ok; then checks; fi
	PASS=user
	if ensure_test_user && user_reaches_tree && user_userns_ok; then checks; fi
	PASS=root
	done_testing
}

net_main
