#!/bin/bash
# debug.ptrace and debug.perf, and api.access=NAME:allow|deny with real unix
# sockets made by the test (socat echo servers in a directory of the pass's
# own): by default, and with :deny, the socket is covered inside (connect
# fails) and the variables naming it are unset; with :allow the socket is
# bound in (connect works, data goes through) and the variables are kept,
# while every other API stays hidden.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# ---- debug ----------------------------------------------------------------------

ptrace_checks() {
	local t
	for t in ptrace-traceme process-vm-readv personality-noaslr; do
		expect "$t: errno EPERM" "default: $t fails (EPERM)" -- "$PROBE" "$t"
		expect "$t: ok" "debug.ptrace: $t works" --ent debug.ptrace -- "$PROBE" "$t"
	done
	expect "perf: errno EPERM" "debug.ptrace does not grant perf_event_open" \
		--ent debug.ptrace -- "$PROBE" perf
	if have_tools "debug.ptrace: strace works" strace; then
		sbx -- strace -f -qq -e trace=exit_group sh -c 'exit 7'
		isnt 7 "$RC" "default: strace cannot trace (it does not run the command to its end)"
		like "$ERR" 'PTRACE_TRACEME.*Operation not permitted' "default: strace reports PTRACE_TRACEME: EPERM"
		sbx --ent debug.ptrace -- strace -f -qq -e trace=exit_group sh -c 'exit 7'
		is 7 "$RC" "debug.ptrace: strace -f runs the command and passes its status (7)"
		like "$ERR" '^exit_group\(7\) += \?$' "debug.ptrace: strace shows the traced exit_group(7)"
		expect_rc 0 "debug.ptrace: strace -f -o /dev/null true exits 0" \
			--ent debug.ptrace -- strace -f -o /dev/null true
	fi
	if have_tools "debug.ptrace: gdb runs a program" gdb; then
		sbx --ent debug.ptrace -- gdb -nx -batch -ex run --args /bin/true
		like "$OUT" '\[Inferior 1 \(process [0-9]+\) exited normally\]' \
			"debug.ptrace: gdb runs /bin/true under ptrace to a normal exit"
		sbx -- gdb -nx -batch -ex run --args /bin/true
		unlike "$OUT" 'exited normally' "default: gdb cannot run a program"
	fi
	# host.processes.view keeps its own PID namespace: ptrace reaches only
	# the sandbox's processes, so the two go together, in either order.
	# shellcheck disable=SC2016 # expanded by the inner sh
	expect "ptrace-attach-parent: ok" "debug.ptrace with host.processes.view: ptrace of our own process" \
		--ent debug.ptrace --ent host.processes.view -- sh -c '"$1" ptrace-attach-parent' _ "$PROBE"
	# shellcheck disable=SC2016 # expanded by the inner sh
	expect "ptrace-attach-parent: ok" "host.processes.view with debug.ptrace (other order)" \
		--ent host.processes.view --ent debug.ptrace -- sh -c '"$1" ptrace-attach-parent' _ "$PROBE"
}

perf_checks() {
	run "$PROBE" perf
	if [ "$OUT" != "perf: ok" ]; then
		skip_or_fail "perf_event_open fails on this host ($OUT, perf_event_paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>&1))" \
			"debug.perf: perf_event_open works only with it"
		return
	fi
	expect "perf: errno EPERM" "default: perf_event_open fails (EPERM)" -- "$PROBE" perf
	expect "perf: ok" "debug.perf: perf_event_open works" --ent debug.perf -- "$PROBE" perf
	expect "ptrace-traceme: errno EPERM" "debug.perf does not grant ptrace" \
		--ent debug.perf -- "$PROBE" ptrace-traceme
}

# ---- api.access -------------------------------------------------------------------

A='' R='' H=''
# Per API: the variables set for it (NAME=VALUE, space-separated), and its
# sockets with the errno a connect gets when the API is hidden (PATH=ERRNO;
# a covered socket refuses, one in a covered directory is not found: the
# runtime directory $R is a private tmpfs inside, ~/.gnupg a hidden
# credential store).
declare -A API_ENV API_SOCKS
APIS=(ssh-agent gpg-agent dbus-session dbus-system docker podman wayland pipewire)

setup_apis() {
	A=$TEST_TMP/sock R=$TEST_TMP/run H=$TEST_TMP/home
	mkdir -p "$A" "$R/gnupg" "$R/podman" "$H/.gnupg"
	chmod 700 "$R" "$R/gnupg" "$H/.gnupg"
	API_ENV[ssh-agent]="SSH_AUTH_SOCK=$A/agent.sock SSH_AGENT_PID=4242"
	API_SOCKS[ssh-agent]="$A/agent.sock=ECONNREFUSED"
	API_ENV[gpg-agent]="GPG_AGENT_INFO=$R/gnupg/S.gpg-agent:0:1"
	API_SOCKS[gpg-agent]="$R/gnupg/S.gpg-agent=ENOENT $H/.gnupg/S.gpg-agent=ENOENT"
	API_ENV[dbus-session]="DBUS_SESSION_BUS_ADDRESS=unix:path=$A/session.sock,guid=0123456789abcdef"
	API_SOCKS[dbus-session]="$A/session.sock=ECONNREFUSED $R/bus=ENOENT"
	API_ENV[dbus-system]="DBUS_SYSTEM_BUS_ADDRESS=unix:path=$A/system.sock"
	API_SOCKS[dbus-system]="$A/system.sock=ECONNREFUSED"
	API_ENV[docker]="DOCKER_HOST=unix://$A/docker.sock"
	API_SOCKS[docker]="$A/docker.sock=ECONNREFUSED $R/docker.sock=ENOENT"
	API_ENV[podman]="CONTAINER_HOST=unix://$A/podman.sock"
	API_SOCKS[podman]="$A/podman.sock=ECONNREFUSED $R/podman/podman.sock=ENOENT"
	API_ENV[wayland]="WAYLAND_DISPLAY=wayland-t"
	API_SOCKS[wayland]="$R/wayland-t=ENOENT"
	API_ENV[pipewire]="PIPEWIRE_REMOTE=pipewire-0"
	API_SOCKS[pipewire]="$R/pipewire-0=ENOENT $R/pipewire-0-manager=ENOENT"
	setup_x11
}

# X11's sockets live in /tmp/.X11-unix, shared by the whole host: used only
# when this user can make (or write in) it, with a display number of our own.
X11_MADE=''
setup_x11() {
	local n=$((5000 + RANDOM % 4000))
	if [ ! -e /tmp/.X11-unix ]; then
		mkdir -m 1777 /tmp/.X11-unix 2>/dev/null && X11_MADE=/tmp/.X11-unix
	fi
	[ -d /tmp/.X11-unix ] && [ -w /tmp/.X11-unix ] && [ ! -e "/tmp/.X11-unix/X$n" ] || return 0
	APIS+=(x11)
	API_ENV[x11]="DISPLAY=:$n XAUTHORITY=$H/.Xauthority"
	API_SOCKS[x11]="/tmp/.X11-unix/X$n=ENOENT"
}

cleanup_x11() {
	local s
	if [ -n "${API_SOCKS[x11]:-}" ]; then
		s=${API_SOCKS[x11]%=*}
		rm -f "$s"
	fi
	[ -n "$X11_MADE" ] && rmdir "$X11_MADE" 2>/dev/null
	X11_MADE=''
}

start_servers() {
	local api s path
	for api in "${APIS[@]}"; do
		for s in ${API_SOCKS[$api]}; do
			path=${s%=*}
			rm -f "$path"
			socat "UNIX-LISTEN:$path,fork" EXEC:cat </dev/null >/dev/null 2>&1 &
			track_bg $!
		done
	done
	for api in "${APIS[@]}"; do
		for s in ${API_SOCKS[$api]}; do
			path=${s%=*}
			retry 30 "$PROBE" unix-connect "$path" || return 1
		done
	done
}

# The environment for every run: all the APIs' variables at once.
api_env() {
	local api
	ENVV=("XDG_RUNTIME_DIR=$R" "HOME=$H")
	for api in "${APIS[@]}"; do
		# shellcheck disable=SC2206 # values hold no spaces or globs
		ENVV+=(${API_ENV[$api]})
	done
}

# The payload: each variable as NAME=VALUE or "NAME unset", then each
# socket as "PATH unix-connect: ...".
# shellcheck disable=SC2016 # expanded by the inner sh
REPORT='for v in $VARS; do eval "x=\${$v-}"; if eval "[ -n \"\${$v+set}\" ]"; then echo "$v=$x"; else echo "$v unset"; fi; done
for s in $SOCKS; do printf "%s " "$s"; "$PROBE" unix-connect "$s"; done'

# api_run ENTRUN-OPTIONS...: run the report with every API set up.
api_run() {
	local api s vars='' socks='' e
	api_env
	for api in "${APIS[@]}"; do
		for e in ${API_ENV[$api]}; do vars="$vars ${e%%=*}"; done
		for s in ${API_SOCKS[$api]}; do socks="$socks ${s%=*}"; done
	done
	sbx_env "${ENVV[@]}" "VARS=$vars" "SOCKS=$socks" "PROBE=$PROBE" -- "$@" -- sh -c "$REPORT"
}

# hidden_lines API: the lines the report prints for API when it is hidden.
hidden_lines() {
	local e s
	for e in ${API_ENV[$1]}; do echo "${e%%=*} unset"; done
	for s in ${API_SOCKS[$1]}; do echo "${s%=*} unix-connect: errno ${s##*=}"; done
}

# shown_lines API: ... when it is allowed.
shown_lines() {
	local e s
	for e in ${API_ENV[$1]}; do echo "$e"; done
	for s in ${API_SOCKS[$1]}; do echo "${s%=*} unix-connect: ok"; done
}

# lines_in EXPECTED-LINES DESC: each expected line is in $OUT (one check).
lines_in() {
	local l missing=''
	while IFS= read -r l; do
		[ -z "$l" ] && continue
		grep -qFx -- "$l" <<<"$OUT" || missing="$missing"$'\n'"  $l"
	done <<<"$1"
	if [ -z "$missing" ]; then ok "$2"; else
		not_ok "$2" "missing lines:$missing" "output: $OUT"
	fi
}

api_checks_for() {
	local api=$1 other l
	# default: hidden
	api_run
	while IFS= read -r l; do
		has_line "$OUT" "$l" "$api, default: '$l'"
	done < <(hidden_lines "$api")
	api_run --ent "api.access=$api:deny"
	lines_in "$(hidden_lines "$api")" "$api:deny: its variables unset and its sockets hidden"
	api_run --ent "api.access=$api:allow"
	while IFS= read -r l; do
		has_line "$OUT" "$l" "$api:allow: '$l'"
	done < <(shown_lines "$api")
	local others=''
	for other in "${APIS[@]}"; do
		[ "$other" = "$api" ] || others="$others$(hidden_lines "$other")"$'\n'
	done
	lines_in "$others" "$api:allow: every other API stays hidden"
}

roundtrip_checks() {
	local sock=$A/agent.sock
	have_tools "api.access=ssh-agent:allow: data goes through the agent socket" socat || return
	api_env
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx_env "${ENVV[@]}" -- --ent api.access=ssh-agent:allow -- sh -c \
		'echo ping | socat -t 2 - "UNIX-CONNECT:$SSH_AUTH_SOCK"'
	is ping "$OUT" "api.access=ssh-agent:allow: 'ping' comes back through \$SSH_AUTH_SOCK"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx_env "${ENVV[@]}" -- -- sh -c 'echo ping | socat -t 2 - "UNIX-CONNECT:$1"' _ "$sock"
	is "" "$OUT" "default: nothing comes back through the covered agent socket"
}

profile_api_checks() {
	local p=$TEST_TMP/api-allow.ini d=$TEST_TMP/api-deny.ini
	printf '[sandbox]\nentitlements = api.access=ssh-agent:allow\n' >"$p"
	printf '[sandbox]\nentitlements = api.access=ssh-agent:deny\n' >"$d"
	api_run -p "$p"
	lines_in "$(shown_lines ssh-agent)" "a profile's api.access=ssh-agent:allow shows the agent"
	api_run -p "$p" --ent api.access=ssh-agent:deny
	lines_in "$(hidden_lines ssh-agent)" "--ent api.access=ssh-agent:deny overrides the profile's allow"
	api_run -p "$d" --ent api.access=ssh-agent:allow
	lines_in "$(shown_lines ssh-agent)" "--ent api.access=ssh-agent:allow overrides the profile's deny"
	if have_tools "--explain --json: the api object" jq; then
		sbx --explain --json --ent api.access=docker:allow --ent api.access=wayland:deny
		printf '%s\n' "$OUT" >"$TEST_TMP/api.json"
		run jq -c .api "$TEST_TMP/api.json"
		is '{"ssh-agent":"deny","gpg-agent":"deny","dbus-session":"deny","dbus-system":"deny","docker":"allow","podman":"deny","x11":"deny","wayland":"deny","pipewire":"deny"}' \
			"$OUT" "--explain --json: \"api\" shows docker allowed, every other API denied"
	fi
}

# A variable that names no socket (a mistake such as SSH_AUTH_SOCK=$HOME)
# hides nothing: only the variable goes.
api_not_socket_checks() {
	local d=$TEST_TMP/not-a-socket
	mkdir -p "$d" && echo visible >"$d/f"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx_env "SSH_AUTH_SOCK=$d" "DOCKER_HOST=unix://$d/f" -- -- sh -c \
		'cat "$1/f"; echo "ssh=${SSH_AUTH_SOCK-unset} docker=${DOCKER_HOST-unset}"' _ "$d"
	is "visible"$'\n'"ssh=unset docker=unset" "$OUT" \
		"SSH_AUTH_SOCK/DOCKER_HOST naming a directory/file: it stays visible, the variables are unset"
}

api_error_checks() {
	expect_error "api.access=bogus:allow (unknown API)" "entrun: " "unknown API 'bogus'" \
		--ent api.access=bogus:allow
	expect_error "api.access=ssh-agent (no :allow or :deny)" "entrun: " "api.access=ssh-agent" \
		--ent api.access=ssh-agent
	expect_error "api.access=ssh-agent:maybe" "entrun: " "api.access=ssh-agent:maybe" \
		--ent api.access=ssh-agent:maybe
	expect_error "api.access=SSH-AGENT:allow (names are lowercase)" "entrun: " "SSH-AGENT" \
		--ent api.access=SSH-AGENT:allow
	expect_error "api.access=ssh-agent:allow and :deny" "entrun: " "api.access=ssh-agent" \
		--ent api.access=ssh-agent:allow --ent api.access=ssh-agent:deny
	expect_error "api.access=docker:deny and :allow" "entrun: " "api.access=docker" \
		--ent api.access=docker:deny --ent api.access=docker:allow
}

api_checks() {
	local api
	setup_apis
	if ! have_tools "api.access checks (echo servers on unix sockets)" socat; then
		cleanup_x11
		return
	fi
	if ! start_servers; then
		not_ok "the test's unix socket servers answer on the host"
		cleanup_x11
		return
	fi
	ok "control: every test socket answers on the host (${APIS[*]})"
	for api in "${APIS[@]}"; do api_checks_for "$api"; done
	[[ " ${APIS[*]} " == *" x11 "* ]] ||
		skip "/tmp/.X11-unix cannot be made or written by this user" "x11: socket hidden by default, shown with :allow"
	roundtrip_checks
	profile_api_checks
	api_not_socket_checks
	api_error_checks
	cleanup_x11
}

checks() {
	ptrace_checks
	perf_checks
	api_checks
}

tap_main checks
