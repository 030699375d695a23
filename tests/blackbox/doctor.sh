#!/bin/bash
# entrun --doctor: one line per check, "ok|info|warn|FAIL  NAME  DETAIL
# [-- HINT]", exit 0 when the essentials (user namespaces, seccomp) are
# there.  Each check tries the real thing, so it is compared with what this
# host really offers, and run where something is missing: inside a sandbox
# (no user namespaces, no /dev/net/tun) and, as root, with /dev/net/tun
# hidden or not accessible.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# LEVEL, NAME padded to its column, DETAIL.
LINE_RE='^(ok|info|warn|FAIL) +[^ ].*[^ ]  +[^ ]'
CHECKS=("user namespaces" seccomp /dev/net/tun libslirp landlock "cgroup delegation" newuidmap)

# doctor_line NAME: the line of the last run's output for check NAME.
doctor_line() {
	local l
	while IFS= read -r l; do
		if [[ $l =~ ^(ok|info|warn|FAIL)\ +(.+)$ ]] && [[ ${BASH_REMATCH[2]} == "$1 "* ]]; then
			printf '%s\n' "$l"
			return 0
		fi
	done <<<"$OUT"
	return 1
}

# line_is NAME ERE DESC: the line for NAME matches ERE.
line_is() {
	like "$(doctor_line "$1")" "$2" "$3"
}

format_checks() {
	local name l n=0 bad='' names=''
	sbx --doctor
	is 0 "$RC" "--doctor exits 0 on this host (user namespaces and seccomp work)"
	is "" "$ERR" "--doctor writes nothing on stderr"
	while IFS= read -r l; do
		n=$((n + 1))
		[[ $l =~ $LINE_RE ]] || bad="$bad|$l"
	done <<<"$OUT"
	is "" "$bad" "every line is 'ok|info|warn|FAIL  NAME  DETAIL'"
	for name in "${CHECKS[@]}"; do
		if doctor_line "$name" >/dev/null; then names="$names,$name"; fi
	done
	is ",$(
		IFS=,
		echo "${CHECKS[*]}"
	)" "$names" "one line for each of: ${CHECKS[*]}"
	# An 'apparmor' warning may follow 'user namespaces' on Ubuntu.
	like "$n" "^(7|8)$" "seven lines (eight with the AppArmor warning)"
	bad=''
	while IFS= read -r l; do
		[[ $l == ok* ]] && continue
		[[ $l == *" -- "?* ]] || bad="$bad|$l"
	done <<<"$OUT"
	is "" "$bad" "every line that is not 'ok' carries a hint after ' -- '"
}

host_checks() {
	local tun_open=no newuid=no
	sbx --doctor
	line_is "user namespaces" '^ok +user namespaces +' \
		"user namespaces: ok (unshare -Ur works for this user)"
	line_is seccomp '^ok +seccomp +' "seccomp: ok"
	if { exec 3<>/dev/net/tun; } 2>/dev/null; then
		tun_open=yes
		exec 3>&-
	fi
	if [ "$tun_open" = yes ]; then
		line_is /dev/net/tun '^ok +/dev/net/tun +' "/dev/net/tun: ok, as this user can open it"
	else
		line_is /dev/net/tun '^warn +/dev/net/tun +.* -- ' \
			"/dev/net/tun: warn with a hint, as this user cannot open it"
	fi
	if [ -x /usr/bin/newuidmap ]; then newuid=yes; fi
	if [ "$newuid" = yes ]; then
		line_is newuidmap '^info +newuidmap +installed -- ' "newuidmap: installed, as it is"
	else
		line_is newuidmap '^info +newuidmap +not installed -- ' "newuidmap: not installed, as it is not"
	fi
	# The cgroup line agrees with the backend --explain reports.
	local doc
	doc=$(doctor_line "cgroup delegation")
	sbx --explain --json --ent resources.pids=10
	if [[ $doc == ok* ]]; then
		like "$OUT" '"backend": "cgroup"' "cgroup delegation ok: --explain uses the cgroup backend"
	else
		like "$OUT" '"backend": "rlimit"' "no cgroup delegation: --explain uses the rlimit backend"
	fi
}

# Inside the default sandbox seccomp denies new user namespaces and /dev
# holds no net/tun: --doctor says FAIL and warn, with hints, and exits 1.
sandbox_checks() {
	# (A copy in the scratch directory: the build tree may lie under the
	# private /tmp.)
	cp "$ENTRUN" "$TEST_TMP/entrun-nested"
	sbx --env "$NO_LSAN" -- "$TEST_TMP/entrun-nested" --doctor
	is 1 "$RC" "inside a sandbox: --doctor exits 1 (no user namespaces)"
	line_is "user namespaces" '^FAIL +user namespaces +cannot create one: .+ -- .+' \
		"inside a sandbox: user namespaces FAIL with the error and a hint"
	line_is /dev/net/tun '^warn +/dev/net/tun +No such file or directory -- modprobe tun' \
		"inside a sandbox (minimal /dev): /dev/net/tun warn, hint 'modprobe tun'"
	line_is seccomp '^ok +seccomp ' "inside a sandbox: seccomp still ok"
}

# /dev/net/tun missing (an empty tmpfs on /dev/net), or, as root, present
# but a 0600 root-owned node that uid 65534 cannot open; in a private
# mount namespace, so that the host's /dev is untouched.  The unprivileged
# pass makes its mount namespace in a user namespace of its own.
tun_checks() {
	local -a pre=(unshare -m --propagation private --)
	[ "$(id -u)" -eq 0 ] || pre=(unshare -Urm --)
	# shellcheck disable=SC2016 # expanded by the inner sh
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "${pre[@]}" sh -c \
		'mount -t tmpfs -o mode=755 entrun-test /dev/net || exit 99; exec "$1" --doctor' _ "$ENTRUN"
	line_is /dev/net/tun '^warn +/dev/net/tun +No such file or directory -- modprobe tun' \
		"/dev/net/tun missing: warn, hint 'modprobe tun'"
	is 0 "$RC" "/dev/net/tun missing: still exit 0 (not essential)"
	if [ "$(id -u)" -ne 0 ]; then
		skip "needs root to make a device node" "/dev/net/tun not accessible: warn, hint 'chmod 0666'"
		return
	fi
	# shellcheck disable=SC2016 # expanded by the inner sh
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "${pre[@]}" sh -c \
		'mount -t tmpfs -o mode=755 entrun-test /dev/net &&
		mknod -m 600 /dev/net/tun c 10 200 || exit 99
		exec setpriv --reuid=65534 --regid=65534 --clear-groups "$1" --doctor' _ "$ENTRUN"
	line_is /dev/net/tun '^warn +/dev/net/tun +Permission denied -- chmod 0666 /dev/net/tun' \
		"/dev/net/tun not accessible: warn, hint 'chmod 0666 /dev/net/tun'"
}

checks() {
	format_checks
	host_checks
	sandbox_checks
	tun_checks
}

tap_main checks
