#!/bin/bash
# host.processes.none and network.none, the defaults: a private PID
# namespace with a fresh /proc, and a private network namespace with only
# lo, up, where nothing of the host is reachable.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# A listener inside the sandbox, then a connection to it, both on loopback.
# $1: socat address, $2: host to connect to, $3: port, $4: probe.
# shellcheck disable=SC2016 # expanded by the inner sh
INNER_LOOPBACK='socat "$1" EXEC:cat </dev/null >/dev/null 2>&1 &
i=0
while [ $i -lt 30 ]; do
	r=$("$4" tcp-connect "$2" "$3") && break
	i=$((i + 1)); sleep 0.1
done
kill $! 2>/dev/null
echo "$r"'

# hides OUTPUT OWN ERE DESC: OUTPUT lists the sandbox's own process (its
# command line contains OWN, so the listing worked) but nothing matching ERE.
hides() {
	if [[ $1 == *"$2"* ]] && ! [[ $1 =~ $3 ]]; then ok "$4"; else
		not_ok "$4" "expected '$2' and no match for /$3/ in: '$1'"
	fi
}

pid_checks() {
	local re
	expect_like '^pids: ok [1-9]$' "/proc shows only the sandbox's few processes" \
		-- "$PROBE" pids
	start_marker_sleep
	re="sleep 1000\.$MARKER"
	run ps -eo args=
	like "$OUT" "$re" "control: the host's ps sees the marker process"
	sbx -- ps -eo args=
	hides "$OUT" "ps -eo args=" "$re" "ps inside does not see the host's marker process"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx -- sh -c 'cat /proc/[0-9]*/cmdline | tr "\0" " "'
	hides "$OUT" "/proc/[0-9]*/cmdline" "$re" \
		"no /proc/*/cmdline inside names the host's marker process"
}

net_checks() {
	local ip port
	have_tools "network checks" socat ip || return
	ip=$(command -v ip)
	if start_tcp_echo; then
		ok "control: the host reaches its own 127.0.0.1:$PORT server"
		expect "tcp-connect: errno ECONNREFUSED" "the host's 127.0.0.1:$PORT is unreachable" \
			-- "$PROBE" tcp-connect 127.0.0.1 "$PORT"
	else
		not_ok "control: the host reaches its own 127.0.0.1 server" "socat did not answer"
	fi
	if start_abstract_echo; then
		ok "control: the host reaches its abstract socket @$SOCKNAME"
		expect "unix-abstract: errno ECONNREFUSED" "the host's abstract socket is unreachable" \
			-- "$PROBE" unix-abstract "$SOCKNAME"
	else
		not_ok "control: the host reaches its abstract socket" "socat did not answer"
	fi

	port=$((20000 + RANDOM % 40000))
	expect "tcp-connect: ok" "a server on 127.0.0.1 inside is reachable inside" \
		-- sh -c "$INNER_LOOPBACK" _ "TCP4-LISTEN:$port,bind=127.0.0.1" 127.0.0.1 "$port" "$PROBE"
	expect "tcp-connect: ok" "a server on ::1 inside is reachable inside" \
		-- sh -c "$INNER_LOOPBACK" _ "TCP6-LISTEN:$port,bind=[::1]" ::1 "$port" "$PROBE"

	sbx -- "$ip" -o link
	is 1 "$(grep -c . <<<"$OUT")" "ip link inside lists one interface"
	like "$OUT" '^1: lo: <([A-Z_]+,)*UP[,>]' "that interface is lo, and it is up"
}

checks() {
	pid_checks
	net_checks
}

tap_main checks
