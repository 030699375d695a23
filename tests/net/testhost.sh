# shellcheck shell=bash
# tests/net/testhost.sh -- a "test host" for entrun's network tests and
# benchmark: real traffic on this machine, no outside network needed.
#
#   host netns                          test-host netns entrun-th-PID
#   entrth<PID> 198.18.0.1/24  <--veth-->  eth0 198.18.0.2/24
#   127.0.0.1:TH_LO_PORT TCP echo            :7 TCP echo, :7 UDP echo (socat)
#                                            :3128 HTTP CONNECT proxy (servers.py)
#                                            :53/udp DNS: testhost.entrun.test A 198.18.0.2
#                                            :80 HTTP, answers TH_HTTP_BODY
#                                            :9 closes each connection at once
#
# 198.18.0.0/15 is the benchmarking range (RFC 2544): the rig uses only
# 198.18.0.1 and 198.18.0.2.  Because those addresses are fixed, one rig
# exists at a time on a machine: th_setup takes a lock (waiting at most
# TH_LOCK_WAIT seconds) that th_teardown releases, and it removes what a
# killed earlier run left behind.
#
# Needs root (ip netns, veth) and ip, socat, python3, setpriv, flock.
# Sourced (bash):
#   th_setup            build the rig; 0, or 1 with the reason in TH_ERROR
#   th_teardown         kill every server, delete the veth and the netns
#                       (idempotent; also safe after a half-built setup)
#   th_exec CMD...      run CMD inside the test host's netns
#   th_with_resolver CMD...
#                       run CMD in a private mount namespace whose
#                       /etc/resolv.conf says `nameserver 198.18.0.2`; the
#                       host's file is never touched
#   th_start_bg NAME CMD...   a server in the test host (killed by teardown)
# Variables set: TH_NS TH_IP TH_HOST_IP TH_NAME TH_LO_PORT TH_DIR TH_RESOLV
#   TH_HTTP_BODY TH_ECHO_PORT TH_PROXY_PORT TH_CLOSE_PORT.
# Run directly: `testhost.sh selftest` builds the rig, checks each server
# from the host and tears it down; `testhost.sh hold [SECS]` builds it,
# prints the variables and keeps it until SECS pass (default 600) or ^C.
#
# Every server is bounded three ways: it exits on its own after
# TH_LIFETIME seconds (timeout(1) or servers.py's own timer), it gets
# SIGKILL when the shell that started it dies (setpriv --pdeathsig), and
# teardown kills it and everything else left in the netns.

TH_IP=198.18.0.2
TH_HOST_IP=198.18.0.1
TH_NAME=testhost.entrun.test
TH_HTTP_BODY=entrun-testhost-http-ok
TH_ECHO_PORT=7
TH_PROXY_PORT=3128
TH_CLOSE_PORT=9
: "${TH_LIFETIME:=1800}"
: "${TH_LOCK_WAIT:=900}"
: "${TH_LOCK:=/run/lock/entrun-testhost.lock}"
TH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TH_NS='' TH_VETH='' TH_DIR='' TH_RESOLV='' TH_LO_PORT='' TH_ERROR=''
TH_PIDS=()
TH_LOCK_PID=''
TH_PYTHON=''

# Put before a command that timeout(1) runs: it dies with timeout.
_TH_DIE=(setpriv --pdeathsig KILL --)

_th_fail() { TH_ERROR=$*; return 1; }

# _th_bg LOGNAME CMD...: CMD in the background, its own session (so that
# teardown can kill its whole process group), SIGKILL when this shell dies,
# no stdin, output to $TH_DIR/LOGNAME.log.
_th_bg() {
	local log=$TH_DIR/$1.log
	shift
	setsid setpriv --pdeathsig KILL -- "$@" </dev/null >"$log" 2>&1 &
	TH_PIDS+=($!)
}

# _th_wait_ready LOGNAME: the server printed "ready" within 5 s.
_th_wait_ready() {
	local i
	for ((i = 0; i < 50; i++)); do
		grep -qx ready "$TH_DIR/$1.log" 2>/dev/null && return 0
		sleep 0.1
	done
	_th_fail "$1 did not start: $(tail -n 3 "$TH_DIR/$1.log" 2>/dev/null)"
}

# _th_retry TENTHS CMD...: CMD succeeds within TENTHS tenths of a second.
_th_retry() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# _th_tcp_echo_ok HOST PORT: a TCP echo there returns what it is sent.
_th_tcp_echo_ok() {
	[ "$(printf 'th-ping\n' | timeout 3 socat -t1 - "TCP:$1:$2,connect-timeout=1" 2>/dev/null)" = th-ping ]
}

# _th_udp_echo_ok HOST PORT
_th_udp_echo_ok() {
	[ "$(printf 'th-ping\n' | timeout 3 socat -t1 - "UDP:$1:$2" 2>/dev/null)" = th-ping ]
}

# Remove rigs of earlier runs that were killed before their teardown: their
# addresses would clash with ours.  Called with the lock held.
_th_reap_stale() {
	local ns pid
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		case $ns in entrun-th-*) ;; *) continue ;; esac
		pid=${ns#entrun-th-}
		[ "$pid" != "$$" ] && kill -0 "$pid" 2>/dev/null && continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip link del "entrth$pid" 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	# An address left on some other interface would steal the route.
	if ip -o addr show to "$TH_HOST_IP/32" 2>/dev/null | grep -q .; then
		_th_fail "$TH_HOST_IP is already assigned on this host: $(ip -o addr show to "$TH_HOST_IP/32")"
		return 1
	fi
}

# One rig at a time: a lock held by a sleeping process that dies with us.
_th_lock() {
	local i
	[ -n "$TH_LOCK_PID" ] && return 0
	# shellcheck disable=SC2016 # expanded by the inner sh
	setpriv --pdeathsig KILL -- sh -c 'exec 9>>"$1" || exit 1
		flock -w "$2" 9 || exit 1
		echo locked
		exec sleep "$3"' sh "$TH_LOCK" "$TH_LOCK_WAIT" "$((TH_LOCK_WAIT + TH_LIFETIME))" \
		</dev/null >"$TH_DIR/lock.log" 2>&1 &
	TH_LOCK_PID=$!
	for ((i = 0; i < (TH_LOCK_WAIT + 5) * 10; i++)); do
		grep -qx locked "$TH_DIR/lock.log" 2>/dev/null && return 0
		kill -0 "$TH_LOCK_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$TH_LOCK_PID" 2>/dev/null
	wait "$TH_LOCK_PID" 2>/dev/null
	TH_LOCK_PID=''
	_th_fail "another test host holds $TH_LOCK (waited ${TH_LOCK_WAIT}s)"
}

_th_find_tools() {
	local t
	[ "$(id -u)" -eq 0 ] || _th_fail "the test host needs root (ip netns, veth)" || return
	for t in ip socat setpriv setsid flock timeout unshare; do
		command -v "$t" >/dev/null || _th_fail "not installed: $t" || return
	done
	# Root's python3 may be a pyenv shim; any python3 >= 3.5 will do.
	TH_PYTHON=$(command -v python3 || true)
	[ -n "$TH_PYTHON" ] || _th_fail "not installed: python3" || return
	[ -r "$TH_HERE/servers.py" ] || _th_fail "missing $TH_HERE/servers.py"
}

_th_network() {
	TH_NS=entrun-th-$$
	TH_VETH=entrth$$
	ip netns add "$TH_NS" || _th_fail "ip netns add $TH_NS failed" || return
	ip link add "$TH_VETH" type veth peer name eth0 netns "$TH_NS" ||
		_th_fail "cannot create the veth pair $TH_VETH" || return
	if ! { ip addr add "$TH_HOST_IP/24" dev "$TH_VETH" &&
		ip link set "$TH_VETH" up &&
		th_exec ip addr add "$TH_IP/24" dev eth0 &&
		th_exec ip link set eth0 up &&
		th_exec ip link set lo up; }; then
		_th_fail "cannot configure the veth pair"
	fi
}

_th_servers() {
	local lt=$TH_LIFETIME p i
	_th_bg tcp-echo ip netns exec "$TH_NS" timeout "$lt" "${_TH_DIE[@]}" socat \
		"TCP4-LISTEN:$TH_ECHO_PORT,bind=$TH_IP,fork,reuseaddr" EXEC:cat
	_th_bg udp-echo ip netns exec "$TH_NS" timeout "$lt" "${_TH_DIE[@]}" socat -T 2 \
		"UDP4-RECVFROM:$TH_ECHO_PORT,bind=$TH_IP,fork" EXEC:cat
	_th_bg dns ip netns exec "$TH_NS" "$TH_PYTHON" -u "$TH_HERE/servers.py" dns \
		"$TH_IP" 53 "$TH_NAME" "$TH_IP" "$lt"
	_th_bg proxy ip netns exec "$TH_NS" "$TH_PYTHON" -u "$TH_HERE/servers.py" proxy \
		"$TH_IP" "$TH_PROXY_PORT" "$TH_IP" "$lt"
	_th_bg http ip netns exec "$TH_NS" "$TH_PYTHON" -u "$TH_HERE/servers.py" http \
		"$TH_IP" 80 "$TH_HTTP_BODY" "$lt"
	_th_bg close ip netns exec "$TH_NS" "$TH_PYTHON" -u "$TH_HERE/servers.py" close \
		"$TH_IP" "$TH_CLOSE_PORT" "$lt"
	# The host's own loopback echo, for the host-loopback checks: a free
	# port on 127.0.0.1 (nobody listens on it now).
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + RANDOM % 40000))
		ss -Hltn "sport = :$p" 2>/dev/null | grep -q . && continue
		_th_bg lo-echo timeout "$lt" "${_TH_DIE[@]}" socat "TCP4-LISTEN:$p,bind=127.0.0.1,fork,reuseaddr" EXEC:cat
		if _th_retry 30 _th_tcp_echo_ok 127.0.0.1 "$p"; then
			TH_LO_PORT=$p
			break
		fi
	done
	[ -n "$TH_LO_PORT" ] || _th_fail "no TCP echo on the host's 127.0.0.1" || return
	_th_wait_ready dns && _th_wait_ready proxy && _th_wait_ready http &&
		_th_wait_ready close || return
	_th_retry 50 _th_tcp_echo_ok "$TH_IP" "$TH_ECHO_PORT" ||
		_th_fail "no TCP echo at $TH_IP:$TH_ECHO_PORT from the host" || return
	_th_retry 10 _th_udp_echo_ok "$TH_IP" "$TH_ECHO_PORT" ||
		_th_fail "no UDP echo at $TH_IP:$TH_ECHO_PORT from the host"
}

th_exec() { ip netns exec "$TH_NS" "$@"; }

th_start_bg() { _th_bg "$1" ip netns exec "$TH_NS" "${@:2}"; }

# shellcheck disable=SC2016 # expanded by the inner sh
th_with_resolver() {
	unshare -m --propagation private -- sh -c \
		'mount --bind "$1" /etc/resolv.conf || exit 125; shift; exec "$@"' \
		sh "$TH_RESOLV" "$@"
}

th_setup() {
	# Sourced into scripts that may run with set -e: its failures are ours.
	local -
	set +e
	TH_ERROR=''
	[ -n "$TH_NS" ] && return 0
	_th_find_tools || return
	TH_DIR=$(mktemp -d /tmp/entrun-testhost.XXXXXX) || _th_fail "mktemp failed" || return
	chmod 755 "$TH_DIR"
	TH_RESOLV=$TH_DIR/resolv.conf
	printf 'nameserver %s\n' "$TH_IP" >"$TH_RESOLV"
	chmod 644 "$TH_RESOLV"
	_th_lock && _th_reap_stale && _th_network && _th_servers && return 0
	local err=$TH_ERROR
	th_teardown
	TH_ERROR=$err
	return 1
}

th_teardown() {
	local - pid
	set +e
	# Test servers: no need to be gentle.  Each is its own process group.
	for pid in "${TH_PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
	for pid in "${TH_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	TH_PIDS=()
	if [ -n "$TH_NS" ]; then
		ip netns pids "$TH_NS" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip link del "$TH_VETH" 2>/dev/null
		ip netns del "$TH_NS" 2>/dev/null
	fi
	TH_NS='' TH_VETH='' TH_LO_PORT=''
	if [ -n "$TH_LOCK_PID" ]; then
		kill -KILL "$TH_LOCK_PID" 2>/dev/null
		wait "$TH_LOCK_PID" 2>/dev/null
		TH_LOCK_PID=''
	fi
	[ -n "$TH_DIR" ] && rm -rf "$TH_DIR"
	TH_DIR='' TH_RESOLV=''
	return 0
}

_th_selftest() {
	local fails=0 out
	check() {
		if "${@:2}"; then echo "ok - $1"; else echo "not ok - $1"; fails=$((fails + 1)); fi
	}
	th_setup || { echo "testhost: $TH_ERROR" >&2; return 1; }
	trap th_teardown EXIT
	check "TCP echo at $TH_IP:7" _th_tcp_echo_ok "$TH_IP" 7
	check "UDP echo at $TH_IP:7" _th_udp_echo_ok "$TH_IP" 7
	check "TCP echo at 127.0.0.1:$TH_LO_PORT" _th_tcp_echo_ok 127.0.0.1 "$TH_LO_PORT"
	out=$(printf 'CONNECT %s:7 HTTP/1.1\r\nHost: x\r\n\r\nhello\n' "$TH_IP" |
		timeout 5 socat -t2 - "TCP:$TH_IP:3128" 2>&1)
	check "proxy: CONNECT $TH_IP:7 relays to the echo" grep -q $'^hello$' <<<"$out"
	out=$(printf 'CONNECT 198.18.0.1:7 HTTP/1.1\r\n\r\n' | timeout 5 socat -t2 - "TCP:$TH_IP:3128" 2>&1)
	check "proxy: CONNECT elsewhere is refused" grep -q '^HTTP/1.1 403' <<<"$out"
	out=$(printf 'GET http://%s/x HTTP/1.0\r\n\r\n' "$TH_IP" | timeout 5 socat -t2 - "TCP:$TH_IP:3128" 2>&1)
	check "proxy: plain GET reaches the HTTP server" grep -q "$TH_HTTP_BODY" <<<"$out"
	out=$(printf 'x\n' | timeout 5 socat -t1 - "TCP:$TH_IP:$TH_CLOSE_PORT" 2>&1)
	check "$TH_IP:$TH_CLOSE_PORT accepts and closes" test -z "$out"
	out=$(th_with_resolver getent hosts "$TH_NAME" 2>&1)
	check "DNS: $TH_NAME is $TH_IP (with th_with_resolver)" grep -q "^$TH_IP " <<<"$out"
	out=$(th_with_resolver timeout 5 getent hosts nosuch.entrun.test 2>&1)
	check "DNS: nosuch.entrun.test does not resolve" test -z "$out"
	check "the host's /etc/resolv.conf is untouched" \
		sh -c "! grep -q '$TH_IP' /etc/resolv.conf"
	th_teardown
	trap - EXIT
	check "teardown removed the netns" sh -c "! ip netns list | grep -q entrun-th-$$"
	[ "$fails" -eq 0 ]
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	case ${1:-} in
	selftest) _th_selftest ;;
	hold)
		th_setup || { echo "testhost: $TH_ERROR" >&2; exit 1; }
		trap th_teardown EXIT
		trap 'exit 130' INT TERM HUP
		declare -p TH_NS TH_IP TH_HOST_IP TH_NAME TH_LO_PORT TH_RESOLV
		sleep "${2:-600}" &
		wait $! # (a foreground sleep would delay the traps until it ends)
		;;
	*)
		echo "usage: $0 selftest | hold [SECS]" >&2
		exit 2
		;;
	esac
fi
