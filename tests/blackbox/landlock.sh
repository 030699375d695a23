#!/bin/bash
# Landlock, the second wall (issue 21): the payload runs in a Landlock
# domain that holds on its own when the first wall (read-only mounts,
# namespaces) is down.  tests/landlock/entrun-nowall.so (LD_PRELOAD, in
# entrun's own processes only) takes the first wall down: every read-only
# remount entrun asks for is skipped, so that the host's / is writable
# inside the sandbox but for Landlock.  With it, from inside:
#  - files: the working directory, /tmp and host.fs.rw grants take writes;
#    a host directory outside them (that DAC lets us write) takes no create,
#    mkdir, unlink, truncate, rename in or out, link or symlink; host.fs.ro
#    and security.fs-read-only hold too; without the shim the same writes
#    fail with EROFS (the first wall);
#  - devices: host.devices.view leaves a device the user may write on the
#    host (/dev/net/tun) unwritable, /dev/null writable;
#  - network.proxy: the command's own TCP listener on 127.0.0.1:X cannot be
#    reached (only 127.0.0.1:3128 can); under network.none it can (no port
#    rules there, on purpose);
#  - abstract unix sockets of the host: unreachable (EPERM under
#    network.host), but the command's own work;
#  - signals: the sandbox's pid 1 (entrun's, outside the domain) cannot be
#    signalled, the command's own child can; a host process shown by
#    host.processes.view cannot, by any route, and survives;
#  - descriptors the command inherited keep working (/dev/stdout reopened
#    onto a host file outside every grant).
# And the reports: --explain (text and JSON), --doctor, and
# security.landlock-required, also on a kernel "without Landlock"
# (NOWALL_LANDLOCK=absent makes the shim fail the Landlock calls with
# ENOSYS).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Checks of the default boundary itself: no blanket grant of $TEST_TMP.
export SBX_BARE=1

SHIM=${ENTRUN_NOWALL_SHIM:-$top_builddir/tests/landlock/entrun-nowall.so}
# A sanitizer's runtime wants to be first in the link order: the shim is
# preloaded ahead of it (see fault-injection.sh).
SHIM_ENV=(-u LD_PRELOAD "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0")
FAMILIES=(files devices network abstract-sockets signals unix-connect)
# A port of the command's own, inside its network namespace.
SELF_PORT=5555

D='' O='' G='' G2='' ABI=''

# nw ENTRUN-ARGS...: entrun with the first wall down.
nw() { sbx_env "${SHIM_ENV[@]}" "LD_PRELOAD=$SHIM" -- "$@"; }
# nwa ENTRUN-ARGS...: the same, on a kernel "without Landlock".
nwa() { sbx_env "${SHIM_ENV[@]}" "LD_PRELOAD=$SHIM" NOWALL_LANDLOCK=absent -- "$@"; }

# A spec is "NAME TEST ARGS..." (no spaces in the ARGS): one sandbox runs
# the probe TEST with ARGS for each and prints "NAME RESULT" lines, for
# answer() (lib.sh) to pick.
# shellcheck disable=SC2016 # expanded by the inner sh
MULTI_LOOP='p=$1; shift; for spec do printf "%s " "${spec%% *}"; r=${spec#* }; "$p" ${r}; done'

# The host directory outside the sandbox's writable places, as it was.
reset_outside() {
	rm -rf "$O"
	mkdir -p "$O"
	for f in keep trunc ftrunc owrite moveout; do echo "$f" >"$O/$f"; done
}

outside_listing() {
	local f
	for f in "$O"/* "$O"/.[!.]*; do
		if [ -L "$f" ]; then
			printf '%s->%s ' "${f##*/}" "$(readlink "$f")"
		elif [ -d "$f" ]; then
			printf '%s/ ' "${f##*/}"
		elif [ -e "$f" ]; then
			printf '%s=%s ' "${f##*/}" "$(cat "$f" 2>&1)"
		fi
	done
}
OUTSIDE_AS_IT_WAS='ftrunc=ftrunc keep=keep moveout=moveout owrite=owrite trunc=trunc '

setup_tree() {
	D=$TEST_TMP/d O=$TEST_TMP/o G=$TEST_TMP/g G2=$TEST_TMP/g2
	mkdir -p "$D" "$G" "$G2"
	echo f >"$D/f"
	echo f >"$D/f2"
	reset_outside
	cd "$D" || bail_out "cannot cd to $D"
}

# needs_abi N DESC: the kernel's Landlock has ABI N (the version that brought
# what DESC checks); otherwise DESC is skipped (a failure under CI=true).
needs_abi() {
	[ "$ABI" -ge "$1" ] && return 0
	skip_or_fail "Landlock ABI $ABI: this needs ABI $1" "$2"
	return 1
}

# ---- the shim itself -----------------------------------------------------------

shim_checks() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	nw -- sh -c 'awk '\''$5 == "/" { print $6 }'\'' /proc/self/mountinfo | sed "s/,.*//"; echo "LD_PRELOAD=${LD_PRELOAD-unset} NOWALL_LANDLOCK=${NOWALL_LANDLOCK-unset}"'
	is "rw" "${OUT%%$'\n'*}" "shim: the first wall is down (the sandbox's / is mounted read-write)"
	has_line "$OUT" "LD_PRELOAD=unset NOWALL_LANDLOCK=unset" "shim: the payload inherits neither LD_PRELOAD nor the shim's variables"
	# shellcheck disable=SC2016 # expanded by awk
	sbx -- sh -c 'awk '\''$5 == "/" { print $6 }'\'' /proc/self/mountinfo | sed "s/,.*//"'
	is "ro" "$OUT" "control: without the shim the sandbox's / is read-only"
}

# ---- files -----------------------------------------------------------------------

FILE_SPECS=()
file_specs() {
	FILE_SPECS=(
		"cwd write $D/new"
		"tmp write /tmp/new"
		"create write $O/new"
		"mkdir mkdir $O/dir"
		"unlink unlink $O/keep"
		"open-trunc open-trunc $O/trunc"
		"truncate truncate $O/ftrunc"
		"open-write open-write $O/owrite"
		"rename rename $O/moveout $O/moved"
		"link link $O/keep $O/hardlink"
		"symlink symlink /etc/passwd $O/s"
		"rename-in rename $D/f $O/f"
		"rename-out rename $O/moveout $D/moveout"
		"link-in link $D/f2 $O/l"
	)
}

file_checks() {
	local spec name want
	file_specs
	reset_outside
	nw -- sh -c "$MULTI_LOOP" _ "$PROBE" "${FILE_SPECS[@]}"
	is "write: ok" "$(answer cwd)" "files (wall down): the working directory takes a new file"
	is "write: ok" "$(answer tmp)" "files (wall down): /tmp takes a new file"
	for spec in "${FILE_SPECS[@]:2:9}"; do
		name=${spec%% *}
		if [[ $name == *trunc* ]]; then
			needs_abi 3 "files (wall down): $name outside the working directory and grants fails with EACCES" || continue
		fi
		want=${spec#* }
		want="${want%% *}: errno EACCES"
		is "$want" "$(answer "$name")" "files (wall down): $name outside the working directory and grants fails with EACCES"
	done
	# Between the working directory (a mount of its own) and the host's /,
	# the kernel says EXDEV before any LSM is asked: these only show that
	# nothing got through.
	for spec in "${FILE_SPECS[@]:11}"; do
		name=${spec%% *}
		want=${spec#* }
		like "$(answer "$name")" "^${want%% *}: errno (EXDEV|EACCES)\$" \
			"files (wall down): $name across the working directory's mount fails (EXDEV or EACCES)"
	done
	is "$OUTSIDE_AS_IT_WAS" "$(outside_listing)" "files (wall down): the host directory is unchanged afterwards"
	is "f" "$(cat "$D/f" 2>&1)" "files (wall down): the file that was to be renamed out of the working directory is still there"

	# The grants.
	nw -e "host.fs.rw=$G" -e "host.fs.ro=$G2" -- sh -c "$MULTI_LOOP" _ "$PROBE" \
		"rw write $G/new" "ro write $G2/new" "ro-mkdir mkdir $G2/dir"
	is "write: ok" "$(answer rw)" "files (wall down): host.fs.rw=G takes a new file"
	is "x" "$(cat "$G/new" 2>&1)" "files (wall down): ... which the host sees"
	is "write: errno EACCES" "$(answer ro)" "files (wall down): host.fs.ro=G2 takes no new file (EACCES)"
	is "mkdir: errno EACCES" "$(answer ro-mkdir)" "files (wall down): host.fs.ro=G2 takes no new directory (EACCES)"
	absent "$G2/new" "files (wall down): nothing appeared in G2 on the host"

	# security.fs-read-only: the working directory too.
	nw -e security.fs-read-only -- sh -c "$MULTI_LOOP" _ "$PROBE" \
		"cwd write $D/ro-new" "tmp write /tmp/new"
	is "write: errno EACCES" "$(answer cwd)" "files (wall down): security.fs-read-only: the working directory takes no file (EACCES)"
	is "write: ok" "$(answer tmp)" "files (wall down): security.fs-read-only: /tmp stays writable"
	absent "$D/ro-new" "files (wall down): security.fs-read-only: nothing appeared in the working directory"

	# The first wall, alone as before: EROFS.
	reset_outside
	sbx -e "host.fs.ro=$G2" -- sh -c "$MULTI_LOOP" _ "$PROBE" \
		"create write $O/new" "unlink unlink $O/keep" "ro write $G2/new" "cwd write $D/new2"
	is "write: errno EROFS" "$(answer create)" "files (control, both walls): a new file outside fails with EROFS"
	is "unlink: errno EROFS" "$(answer unlink)" "files (control, both walls): unlink outside fails with EROFS"
	is "write: errno EROFS" "$(answer ro)" "files (control, both walls): host.fs.ro takes no file (EROFS)"
	is "write: ok" "$(answer cwd)" "files (control, both walls): the working directory takes a new file"
	is "$OUTSIDE_AS_IT_WAS" "$(outside_listing)" "files (control, both walls): the host directory is unchanged"
}

# ---- devices ---------------------------------------------------------------------

device_checks() {
	local dev='' c
	for c in /dev/net/tun /dev/fuse; do
		if [ -c "$c" ] && [ -w "$c" ] && [ "$("$PROBE" open-write "$c")" = "open-write: ok" ]; then
			dev=$c
			break
		fi
	done
	if [ -z "$dev" ]; then
		skip_or_fail "no device node this user may write on the host (/dev/net/tun, /dev/fuse)" \
			"devices: host.devices.view: a host device is not writable"
		return
	fi
	# The default /dev, a tmpfs of entrun's: only its harmless nodes, devpts
	# and /dev/shm take writes.
	nw -- sh -c "$MULTI_LOOP" _ "$PROBE" "new write /dev/entrun-new" "mkdir mkdir /dev/entrun-dir" \
		"null write /dev/null" "shm write /dev/shm/entrun-new"
	is "write: errno EACCES" "$(answer new)" "devices (wall down): default /dev takes no new file (EACCES)"
	is "mkdir: errno EACCES" "$(answer mkdir)" "devices (wall down): default /dev takes no new directory (EACCES)"
	is "write: ok" "$(answer null)" "devices (wall down): default /dev/null is writable"
	is "write: ok" "$(answer shm)" "devices (wall down): default /dev/shm is writable"
	nw -e host.devices.view -- sh -c "$MULTI_LOOP" _ "$PROBE" "dev open-write $dev" "null write /dev/null"
	is "open-write: errno EACCES" "$(answer dev)" "devices (wall down): host.devices.view: $dev (writable by us on the host) opens for writing with EACCES"
	is "write: ok" "$(answer null)" "devices (wall down): host.devices.view: /dev/null is writable"
	sbx -e host.devices.view -- sh -c "$MULTI_LOOP" _ "$PROBE" "dev open-write $dev" "null write /dev/null"
	is "open-write: errno EACCES" "$(answer dev)" "devices: host.devices.view: $dev opens for writing with EACCES"
	is "write: ok" "$(answer null)" "devices: host.devices.view: /dev/null is writable"
	# host.fs.rw=/ makes the whole host writable, but must not reach the
	# device nodes beneath it through Landlock's rule on /.
	sbx -e host.devices.view -e host.fs.rw=/ -- sh -c "$MULTI_LOOP" _ "$PROBE" \
		"dev open-write $dev" "cwd write $D/rw-root"
	is "open-write: errno EACCES" "$(answer dev)" "devices: host.devices.view with host.fs.rw=/: $dev opens for writing with EACCES"
	is "write: ok" "$(answer cwd)" "devices: ... while host.fs.rw=/ writes elsewhere"
}

# ---- network ---------------------------------------------------------------------

network_checks() {
	if ! start_tcp_echo; then
		not_ok "network: a host TCP listener for network.proxy" "socat on 127.0.0.1 did not answer"
		return
	fi
	needs_abi 4 "network.proxy: TCP ports" || return
	sbx -e "network.proxy=http://127.0.0.1:$PORT" -- sh -c "$MULTI_LOOP" _ "$PROBE" \
		"self tcp-self-connect $SELF_PORT" "proxy tcp-connect 127.0.0.1 3128"
	is "tcp-self-connect: errno EACCES" "$(answer self)" \
		"network.proxy: a connect to the command's own listener on 127.0.0.1:$SELF_PORT fails with EACCES"
	is "tcp-connect: ok" "$(answer proxy)" "network.proxy: a connect to 127.0.0.1:3128 (the proxy) works"
	expect "tcp-self-connect: ok" "network.none: the command's own listener on 127.0.0.1:$SELF_PORT is reachable (no port rules, on purpose)" \
		-- "$PROBE" tcp-self-connect "$SELF_PORT"
}

# ---- abstract unix sockets ------------------------------------------------------

abstract_checks() {
	local own
	if ! start_abstract_echo; then
		not_ok "abstract sockets: a host listener" "socat did not answer on @$SOCKNAME"
		return
	fi
	is "unix-abstract: ok" "$("$PROBE" unix-abstract "$SOCKNAME")" "abstract sockets (control): the host can connect to @$SOCKNAME"
	needs_abi 6 "abstract sockets: scoped" || return
	expect "unix-abstract: errno EPERM" "abstract sockets: network.host: the host's @$SOCKNAME cannot be reached (EPERM)" \
		-e network.host -- "$PROBE" unix-abstract "$SOCKNAME"
	expect_like '^unix-abstract: errno (ECONNREFUSED|EPERM)$' "abstract sockets: network.none: the host's @$SOCKNAME cannot be reached" \
		-- "$PROBE" unix-abstract "$SOCKNAME"
	# The command's own abstract sockets work (a listener it started).
	own=entrun-own-$(unique_marker)
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx -e network.host -- sh -c 'socat "ABSTRACT-LISTEN:$2,fork" EXEC:cat </dev/null >/dev/null 2>&1 & s=$!
		i=0; while [ $i -lt 30 ]; do "$1" unix-abstract "$2" >/dev/null && break; sleep 0.1; i=$((i+1)); done
		"$1" unix-abstract "$2"; kill $s' _ "$PROBE" "$own"
	is "unix-abstract: ok" "$OUT" "abstract sockets: network.host: the command's own listener is reachable"
}

# ---- signals ---------------------------------------------------------------------

signal_checks() {
	local pid state spec
	if needs_abi 6 "signals: scoped"; then
		sbx -- sh -c "$MULTI_LOOP; echo end" _ "$PROBE" "zero kill 1 0" "term kill 1 15" "kill kill 1 9" \
			"pidfd pidfd-signal 1 9" "procfd procfd-signal 1 9"
		is "kill: errno EPERM" "$(answer zero)" "signals: kill -0 1 (entrun's pid 1, outside the domain) fails with EPERM"
		is "kill: errno EPERM" "$(answer term)" "signals: kill -TERM 1 fails with EPERM"
		is "kill: errno EPERM" "$(answer kill)" "signals: kill -KILL 1 fails with EPERM"
		is "pidfd-signal: errno EPERM" "$(answer pidfd)" "signals: pidfd_send_signal(pidfd_open(1), SIGKILL) fails with EPERM"
		is "procfd-signal: errno EPERM" "$(answer procfd)" "signals: pidfd_send_signal(/proc/1, SIGKILL) fails with EPERM"
		is "0 end" "$RC ${OUT##*$'\n'}" "signals: ... and the sandbox ran to its end"
	fi
	expect "kill-child: ok killed" "signals: the command kills its own child" \
		-- "$PROBE" kill-child
	# Without Landlock (the shim fails its calls) the signal reaches pid 1,
	# whose own check must hold: a siginfo the command forged (SI_QUEUE,
	# sender pid 0, as if from outside the sandbox) is not forwarded.
	# shellcheck disable=SC2016 # expanded by the inner sh
	nwa -- sh -c 'trap "echo got-usr1" USR1; "$1" sigqueue-forged 1 10; sleep 0.5; echo end' _ "$PROBE"
	has_line "$OUT" "sigqueue-forged: ok" "signals (no Landlock): a forged SIGUSR1 reaches pid 1"
	is "0" "$RC" "signals (no Landlock): ... and the sandbox ends normally"
	unlike "$OUT" "got-usr1" "signals (no Landlock): pid 1 does not forward a signal whose sender the command forged"
	start_marker_sleep
	pid=${BG_PIDS[-1]}
	if [ "$(proc_state "$pid")" = "" ]; then
		not_ok "signals: a host process to aim at" "sleep 1000.$MARKER is not running"
		return
	fi
	sbx -e host.processes.view -- sh -c "cat /proc/$pid/cmdline | tr '\\0' ' '; echo; $MULTI_LOOP" _ "$PROBE" \
		"kill kill $pid 15" "kill0 kill $pid 0" "pidfd pidfd-signal $pid 15" \
		"procfd procfd-signal $pid 15" "procfd0 procfd-signal $pid 0" "signal-pid signal-pid $pid"
	like "${OUT%%$'\n'*}" "sleep 1000\\.$MARKER" "signals: host.processes.view lists the host's sleep 1000.$MARKER"
	for spec in kill kill0 pidfd procfd procfd0 signal-pid; do
		unlike "$(answer $spec)" ': ok' "signals: host.processes.view: the host process is not signalled ($spec)"
	done
	sleep 0.2
	state=$(proc_state "$pid")
	if [ -n "$state" ] && [ "$state" != Z ]; then ok "signals: the host process survives"; else
		not_ok "signals: the host process survives" "sleep 1000.$MARKER is gone (state '$state')"
	fi
}

# ---- --explain, --doctor -----------------------------------------------------------

# The --explain block: the "landlock:" line and the indented lines after it.
landlock_block() {
	awk '/^landlock:/ { on = 1; print; next } on && /^[ \t]/ { print; next } { on = 0 }' <<<"$1"
}

# family_state BLOCK NAME: "on" or "off" (or nothing) for family NAME.
family_state() {
	awk -v f="$2" '$1 == f { print $2; exit }' <<<"$1"
}

# jq: .landlock.families as an object keyed by family, whether the JSON
# has it so or as an array of {"name": ...} objects.
JQ_FAMILIES='if (.landlock.families | type) == "array" then .landlock.families |= (map({key: .name, value: .}) | from_entries) else . end | '

explain_checks() {
	local blk f line first
	sbx --explain
	blk=$(landlock_block "$OUT")
	first=${blk%%$'\n'*}
	like "$first" "^landlock:.*ABI $ABI([^0-9]|$)" "explain: a block whose first line is 'landlock: ... ABI $ABI'"
	for f in "${FAMILIES[@]}"; do
		line=$(grep -E "^[[:space:]]+${f}[[:space:]]" <<<"$blk")
		like "$line" "^[[:space:]]+${f}[[:space:]]+(on|off)[[:space:]]+[^[:space:]]" "explain: a line '$f on|off REASON'"
	done
	is on "$(family_state "$blk" files)" "explain: files on"
	is on "$(family_state "$blk" signals)" "explain: signals on"
	is on "$(family_state "$blk" abstract-sockets)" "explain: abstract-sockets on"
	is off "$(family_state "$blk" network)" "explain: network.none: network off"
	if [ "$ABI" -le 7 ]; then
		is off "$(family_state "$blk" unix-connect)" "explain: unix-connect off (ABI $ABI)"
	else
		skip "ABI $ABI may have it" "explain: unix-connect off"
	fi
	sbx -e network.proxy=http://127.0.0.1:9 --explain
	blk=$(landlock_block "$OUT")
	is on "$(family_state "$blk" network)" "explain: network.proxy: network on"
	sbx -e host.devices.view --explain
	blk=$(landlock_block "$OUT")
	is on "$(family_state "$blk" devices)" "explain: host.devices.view: devices on"

	if have_tools "explain --json: a landlock object" jq; then
		sbx --explain --json
		printf '%s\n' "$OUT" >"$TEST_TMP/explain.json"
		run jq -r --argjson abi "$ABI" "$JQ_FAMILIES"'.landlock as $l
			| ($l.abi == $abi),
			  ([$l.families | to_entries[] | (.value.active | type) == "boolean" and (.value.detail | type) == "string"] | all),
			  ($l.families | keys | sort | join(" ")),
			  ($l.families.files.active), ($l.families.network.active)' "$TEST_TMP/explain.json"
		is "true
true
$(printf '%s\n' "${FAMILIES[@]}" | sort | tr '\n' ' ' | sed 's/ $//')
true
false" "$OUT" "explain --json: landlock.abi is $ABI; families (each {active: bool, detail: string}) are the six; files active, network not"
	fi

	nwa --explain
	blk=$(landlock_block "$OUT")
	first=${blk%%$'\n'*}
	like "$first" '^landlock:.*not available' "explain (no Landlock): 'landlock: ... not available'"
	local all=''
	for f in "${FAMILIES[@]}"; do all="$all$f=$(family_state "$blk" "$f") "; done
	is "files=off devices=off network=off abstract-sockets=off signals=off unix-connect=off " "$all" \
		"explain (no Landlock): every family off"
	if have_tools "explain --json (no Landlock): every family inactive" jq; then
		nwa --explain --json
		printf '%s\n' "$OUT" >"$TEST_TMP/explain.json"
		run jq -r "$JQ_FAMILIES"'[.landlock.families[].active] | (length == 6 and all(. == false))' \
			"$TEST_TMP/explain.json"
		is true "$OUT" "explain --json (no Landlock): every family inactive"
	fi
}

doctor_checks() {
	local line
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" --doctor
	line=$(grep -E '^[a-z]+[[:space:]]+landlock[[:space:]]' <<<"$OUT")
	like "$line" '^ok[[:space:]]+landlock[[:space:]]' "doctor: the landlock line is ok"
	like "$line" 'files' "doctor: ... and lists files"
	like "$line" 'signals' "doctor: ... and signals"
	like "$line" 'abstract-sockets' "doctor: ... and abstract-sockets"
}

# ---- security.landlock-required ----------------------------------------------------

required_checks() {
	expect ran "security.landlock-required: runs on this kernel" \
		-e security.landlock-required -- sh -c 'echo ran'
	nwa -e security.landlock-required -- sh -c 'echo ran'
	is 125 "$RC" "security.landlock-required (no Landlock): exit status 125"
	if [[ $ERR != *$'\n'* && $ERR =~ [Ll]andlock && $ERR != *"unknown entitlement"* ]]; then
		ok "security.landlock-required (no Landlock): one stderr line naming Landlock"
	else
		not_ok "security.landlock-required (no Landlock): one stderr line naming Landlock" "stderr: $ERR"
	fi
	is "" "$OUT" "security.landlock-required (no Landlock): the command did not run"
	nwa -- sh -c 'echo ran'
	is "0 ran" "$RC $OUT" "no Landlock, no security.landlock-required: a default command still runs"
	nwa -e host.devices.view -- sh -c 'echo ran'
	is "125 " "$RC $OUT" "host.devices.view (no Landlock): exit status 125, the command did not run"
}

# ---- inherited descriptors ---------------------------------------------------------

inherited_checks() {
	local fd f
	for fd in stdout stderr; do
		f=$O/host-$fd
		rm -f "$f"
		if [ "$fd" = stdout ]; then
			timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" -- sh -c 'echo hi >/dev/stdout' \
				</dev/null >"$f" 2>"$TEST_TMP/.err"
		else
			timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" -- sh -c 'echo hi >/dev/stderr' \
				</dev/null 2>"$f" >"$TEST_TMP/.out"
		fi
		RC=$?
		is "0 hi" "$RC $(cat "$f" 2>&1)" "inherited $fd: 'echo hi > /dev/$fd' onto a host file outside every grant works"
	done
	# A log opened for appending (>>) may grow, not be emptied: its rule
	# has no truncation right.
	f=$O/host-append
	echo kept >"$f"
	timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" -- sh -c 'echo more >>/dev/stdout; : >/dev/stdout' \
		</dev/null >>"$f" 2>"$TEST_TMP/.err"
	is "kept more" "$(tr '\n' ' ' <"$f" | sed 's/ $//')" "inherited stdout opened with >>: appended to, not truncated"
}

# ---- grants below /dev, and host.fs.rw=/ ---------------------------------------------

dev_grant_checks() {
	# A read-only bind does not stop writes to a device node: a bind below
	# /dev (a host pty, say, over a tmpfs) is refused; the device levels
	# are the grants for devices.
	expect_error "host.fs.ro below /dev is refused" "entrun: host.fs.ro=/dev/pts/ptmx:" "host.devices." \
		-e host.fs.tmpfs=/dev/pts -e host.fs.ro=/dev/pts/ptmx
	expect_error "host.fs.rw below /dev is refused under host.devices.view" \
		"entrun: host.fs.rw=/dev/pts:" "host.devices." -e host.devices.view -e host.fs.rw=/dev/pts
	# host.fs.rw=/, the first wall down: nothing in the host's /dev (under
	# host.devices.view), the host's /proc (host.processes.view) or /sys.
	start_marker_sleep
	nw -e host.devices.view -e host.processes.view -e host.fs.rw=/ -- sh -c "$MULTI_LOOP" _ "$PROBE" \
		"devnew write /dev/entrun-ll-new" "oom open-write /proc/${BG_PIDS[-1]}/oom_score_adj" \
		"sys mkdir /sys/entrun-ll" "etc write $O/rw-root"
	is "write: errno EACCES" "$(answer devnew)" "host.fs.rw=/ (wall down): no new file in the host's /dev"
	is "open-write: errno EACCES" "$(answer oom)" "host.fs.rw=/ (wall down): the host's /proc/PID/oom_score_adj is not writable"
	like "$(answer sys)" '^mkdir: errno (EACCES|EROFS)$' "host.fs.rw=/ (wall down): nothing made in /sys"
	is "write: ok" "$(answer etc)" "host.fs.rw=/ (wall down): ... while the rest of the host is writable"
	absent /dev/entrun-ll-new "host.fs.rw=/ (wall down): nothing appeared in the host's /dev"
}

checks() {
	setup_tree
	ABI=$("$PROBE" landlock-abi)
	if [[ $ABI =~ ^landlock-abi:\ ok\ ([0-9]+)$ ]]; then
		ABI=${BASH_REMATCH[1]}
	else
		skip_or_fail "no Landlock in this kernel ($ABI)" "$SCRIPT_NAME checks"
		cd / || :
		return
	fi
	if [ ! -r "$SHIM" ]; then
		not_ok "the nowall shim is built" "no $SHIM (make check builds it)"
		cd / || :
		return
	fi
	shim_checks
	file_checks
	device_checks
	network_checks
	abstract_checks
	signal_checks
	explain_checks
	doctor_checks
	required_checks
	inherited_checks
	dev_grant_checks
	cd / || :
}

tap_main checks
