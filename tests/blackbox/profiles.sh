#!/bin/bash
# -p/--profile NAME|PATH: the lookup order ($XDG_CONFIG_HOME/entrun, else
# ~/.config/entrun, then /etc/entrun, then the built-ins), the PATH form,
# merging with --ent (a command-line level wins, lists accumulate),
# --explain's [FILE:LINE] sources, custom [entitlement NAME] sections, the
# built-in profiles dev, offline and untrusted, and the rule that a sandbox
# cannot change its own policy: the profile directories are read-only in
# every sandbox (firejail's CVE-2019-12589).
#
# Every run gets HOME and XDG_CONFIG_HOME pointing into the pass's own
# temporary tree.  That tree lives under /var/tmp (TMPDIR below): dev and
# offline give the sandbox a private /tmp, which would cover a HOME under
# /tmp and with it the very directories they hide.  (A project directory
# under /tmp is checked on its own.)  /etc/entrun is an overlay on /etc in
# a private mount namespace (made in a user namespace of its own by the
# unprivileged pass): the host's /etc is never touched.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

if [ -d /var/tmp ] && [ -w /var/tmp ]; then export TMPDIR=/var/tmp; fi
# What is writable is the point here: no grant of the scratch tree.
export SBX_BARE=1

SECRETS=(.ssh .gnupg .mozilla .config/google-chrome .config/chromium
	.local/share/keyrings .password-store)
V='' H='' W='' X0='' X='' PROBE_COPY=''

setup_tree() {
	local d
	V=$TEST_TMP
	H=$V/home W=$V/proj X0=$V/xdg-empty X=$V/xdg
	mkdir -p "$W" "$X0/entrun" "$X/entrun" "$V/ctl" "$V/hide-a" "$V/hide-b" "$V/hide-c"
	for d in "${SECRETS[@]}"; do
		mkdir -p "$H/$d"
		echo secret >"$H/$d/secret"
	done
	echo profile >"$H/.profile"
	echo ctl >"$V/ctl/data"
	for d in a b c; do echo "$d" >"$V/hide-$d/f"; done
	echo project >"$W/README"
	# The built-in profiles cover /tmp and ~ with private tmpfs: a build
	# tree there (a CI checkout under /tmp, say) would hide the probe.  Use
	# a copy in this pass's tree under /var/tmp, which they leave visible.
	# (A separate name: $PROBE itself is handed to the [user] pass.)
	cp "$PROBE" "$V/probe"
	PROBE_COPY=$V/probe
}

# psbx ENTRUN-ARGS...: entrun with the pass's HOME and an empty
# $XDG_CONFIG_HOME/entrun, from the project directory.
psbx() { sbx_env "HOME=$H" "XDG_CONFIG_HOME=$X0" -- "$@"; }

# xsbx ENTRUN-ARGS...: ... with $XDG_CONFIG_HOME=$X, where the test's own
# profiles are.
xsbx() { sbx_env "HOME=$H" "XDG_CONFIG_HOME=$X" -- "$@"; }

# The list of network interfaces inside (from /proc/net/dev), one line.
IFACES='tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort | tr "\n" " "'

# ---- built-in profiles -------------------------------------------------------------

# For each DIR argument (~/.ssh, ~/.gnupg, ...): "DIR ENTRIES"; a missing
# directory counts ls's error line, so it is never 0.
# shellcheck disable=SC2016 # expanded by the inner sh
SECRETS_REPORT='for d; do printf "%s %s\n" "$d" "$(ls -A "$HOME/$d" 2>&1 | wc -l)"; done'

# fs_checks PROFILE: what dev and offline share.
fs_checks() {
	local p=$1 d host_tmp
	psbx -e "host.fs.ro=$H/.ssh" -- sh -c "$SECRETS_REPORT" _ "${SECRETS[@]}"
	has_line "$OUT" ".ssh 1" "control: with host.fs.ro=~/.ssh, ~/.ssh holds its file"
	psbx -p "$p" -- sh -c "$SECRETS_REPORT" _ "${SECRETS[@]}"
	for d in "${SECRETS[@]}"; do
		has_line "$OUT" "$d 0" "$p: ~/$d is hidden (empty inside)"
	done
	psbx -p "$p" -- "$PROBE_COPY" write "$W/from-$p"
	is "write: ok" "$OUT" "$p: the working directory is writable"
	is x "$(cat "$W/from-$p" 2>&1)" "$p: the host sees what was written in the working directory"
	psbx -p "$p" -- "$PROBE_COPY" write "$H/from-$p"
	is "write: ok" "$OUT" "$p: the home (a copy-on-write overlay) is writable inside"
	absent "$H/from-$p" "$p: ... and what was written there never reaches the host's home"
	psbx -p "$p" -- "$PROBE_COPY" write "$V/from-$p"
	is "write: errno EROFS" "$OUT" "$p: the working directory's parent is read-only (EROFS)"
	psbx -p "$p" -- "$PROBE_COPY" read "$W/README"
	is "read: ok 8" "$OUT" "$p: the working directory's files are there"
	host_tmp=$(mktemp /tmp/entrun-profiles-host.XXXXXX)
	psbx -p "$p" -- sh -c 'ls -A /tmp && echo listed'
	is listed "$OUT" "$p: /tmp is empty inside (the host's /tmp holds $(basename "$host_tmp"))"
	MARKER=$(unique_marker)
	psbx -p "$p" -- "$PROBE_COPY" write "/tmp/entrun-test-$MARKER"
	is "write: ok" "$OUT" "$p: /tmp is writable"
	absent "/tmp/entrun-test-$MARKER" "$p: what was written to /tmp stays in the sandbox"
	rm -f "$host_tmp"
	# A project under /tmp: bound writable inside the private /tmp.
	local proj
	proj=$(mktemp -d /tmp/entrun-profiles-proj.XXXXXX)
	cd "$proj" || return
	psbx -p "$p" -- "$PROBE_COPY" write "$proj/f"
	cd "$W" || return
	is "write: ok|x" "$OUT|$(cat "$proj/f" 2>&1)" \
		"$p: a working directory under /tmp stays writable (and reaches the host)"
	rm -rf "$proj"
}

dev_checks() {
	local d
	if ! tun_ok; then
		for d in explain fs network loopback; do
			skip_or_fail "this user cannot open /dev/net/tun (network.user)" "dev profile checks ($d)"
		done
		return
	fi
	psbx --explain -p dev
	has_grant "$OUT" network.user builtin:dev.ini:8 "dev: --explain shows network.user [builtin:dev.ini:8]"
	has_grant "$OUT" "host.fs.overlay=~" builtin:dev.ini:11 \
		"dev: --explain shows host.fs.overlay=~ [builtin:dev.ini:11]"
	fs_checks dev
	psbx -p dev -- sh -c "$IFACES"
	is "lo tap0 " "$OUT" "dev: network.user, interfaces lo and tap0"
	psbx -p dev -- cat /proc/net/route
	like "$OUT" $'\ntap0\t00000000\t0202000A\t' "dev: network.user, default route via 10.0.2.2"
	psbx -p dev -- "$PROBE_COPY" tcp-connect 10.0.2.2 "$PORT"
	like "$OUT" '^tcp-connect: errno ' "dev: the host's loopback is not reachable (no host-loopback)"
	psbx -p dev --ent network.host-loopback -- "$PROBE_COPY" tcp-connect 10.0.2.2 "$PORT"
	is "tcp-connect: ok" "$OUT" "dev + --ent network.host-loopback: the flag joins the profile's network.user"
}

offline_checks() {
	psbx --explain -p offline
	has_grant "$OUT" network.none builtin:offline.ini:5 "offline: --explain shows network.none [builtin:offline.ini:5]"
	fs_checks offline
	psbx -p offline -- sh -c "$IFACES"
	is "lo " "$OUT" "offline: only lo"
	psbx -p offline -- "$PROBE_COPY" tcp-connect 127.0.0.1 "$PORT"
	is "tcp-connect: errno ECONNREFUSED" "$OUT" "offline: the host's echo server on 127.0.0.1 is not reached"
	psbx -p offline -- "$PROBE_COPY" tcp-connect 10.0.2.2 "$PORT"
	is "tcp-connect: errno ENETUNREACH" "$OUT" "offline: no route out (ENETUNREACH)"
}

untrusted_checks() {
	psbx -p untrusted -- sh -c 'pwd; ls -A ~'
	is "$W" "$OUT" "untrusted: the working directory is the project's, and ~ is empty (private)"
	psbx -p untrusted -- "$PROBE_COPY" write "$W/from-untrusted-project"
	is "write: ok" "$OUT" "untrusted: the working directory (the project) is writable"
	psbx -p untrusted -- "$PROBE_COPY" write "$H/from-untrusted"
	is "write: ok" "$OUT" "untrusted: the private ~ is writable"
	absent "$H/from-untrusted" "untrusted: ... and the host's home is untouched"
	psbx -p untrusted -- "$PROBE_COPY" write "$V/from-untrusted"
	is "write: errno EROFS" "$OUT" "untrusted: everything else is read-only (EROFS)"
	sbx_env "HOME=$H" "XDG_CONFIG_HOME=$X0" FOO=bar TERM=dumb LANG=C -- -p untrusted -- env
	is "HOME LANG PATH TERM" "$(cut -d= -f1 <<<"$OUT" | sort | tr '\n' ' ' | sed 's/ $//')" \
		"untrusted: the environment is cleared but for PATH TERM LANG HOME"
	has_line "$OUT" "HOME=$H" "untrusted: HOME keeps its value"
	if have_tools "untrusted: limits as dash's ulimit shows them" dash; then
		# shellcheck disable=SC2016 # expanded by dash
		psbx -p untrusted -- dash -c 'echo $(ulimit -p) $(ulimit -v) $(ulimit -t) $(ulimit -n) $(ulimit -f)'
		is "256 unlimited 600 1024 2097152" "$OUT" \
			"untrusted: ulimit -p -v -t -n -f: 256 processes, no address-space limit, 600 s, 1024 files, 1 GiB"
		psbx -p untrusted --explain
		like "$OUT" "memory=4294967296.* \\(pids and memory through RLIMIT_NPROC and pid 1's watch" \
			"untrusted: 4 GiB of memory, watched by pid 1 (resources.sh kills past it)"
	fi
	psbx -p untrusted -- sh -c "$IFACES"
	is "lo " "$OUT" "untrusted: network.none, only lo"
	psbx -p untrusted -- "$PROBE_COPY" caps
	has_line "$OUT" "caps: CapEff 0000000000000000" "untrusted: no capabilities"
	psbx --explain -p untrusted
	has_grant "$OUT" resources.timeout=3600 builtin:untrusted.ini:22 \
		"untrusted: --explain shows resources.timeout=3600 [builtin:untrusted.ini:22]"
	if have_tools "untrusted: --explain --json resources" jq; then
		psbx --explain --json -p untrusted
		printf '%s\n' "$OUT" >"$TEST_TMP/untrusted.json"
		run jq -c '.resources | del(.backend)' "$TEST_TMP/untrusted.json"
		is '{"pids":256,"memory":4294967296,"cpu-time":600,"files":1024,"file-size":1073741824,"timeout":3600}' \
			"$OUT" 'untrusted: --explain --json "resources" holds every limit and "timeout": 3600'
	fi
}

# ---- lookup --------------------------------------------------------------------------

lookup_checks() {
	printf '[sandbox]\nhostname = from-xdg\nentitlements = network.none\n' >"$X/entrun/offline.ini"
	mkdir -p "$H/.config/entrun"
	printf '[sandbox]\nhostname = from-home\n' >"$H/.config/entrun/homeprof.ini"
	printf '[sandbox]\nhostname = from-path\n' >"$V/bypath.ini"

	psbx -p offline -- "$PROBE_COPY" hostname
	isnt "hostname: ok from-xdg" "$OUT" "control: with an empty \$XDG_CONFIG_HOME/entrun, -p offline is the built-in"
	xsbx -p offline -- "$PROBE_COPY" hostname
	is "hostname: ok from-xdg" "$OUT" "\$XDG_CONFIG_HOME/entrun/offline.ini comes before the built-in offline"
	xsbx -p offline -- "$PROBE_COPY" write "$H/from-xdg-offline"
	is "write: errno EROFS" "$OUT" "... and replaces it whole (no home overlay from the built-in)"
	xsbx --explain -p offline
	has_grant "$OUT" network.none "$X/entrun/offline.ini:3" \
		"--explain names the user's file: network.none [\$XDG_CONFIG_HOME/entrun/offline.ini:3]"
	sbx_env -u XDG_CONFIG_HOME "HOME=$H" -- -p homeprof -- "$PROBE_COPY" hostname
	is "hostname: ok from-home" "$OUT" "without \$XDG_CONFIG_HOME, ~/.config/entrun/NAME.ini is found"
	sbx_env "HOME=$H" XDG_CONFIG_HOME=relative/dir -- -p homeprof -- "$PROBE_COPY" hostname
	is "hostname: ok from-home" "$OUT" "a relative \$XDG_CONFIG_HOME is ignored: ~/.config/entrun is used"
	xsbx -p homeprof -- sh -c 'echo ran'
	is "125 " "$RC $OUT" "with \$XDG_CONFIG_HOME set, ~/.config/entrun is not searched (125, nothing ran)"
	one_line_error "entrun: profile 'homeprof' not found" "$X/entrun, /etc/entrun" \
		"not found: one line naming \$XDG_CONFIG_HOME/entrun and /etc/entrun"
	like "$ERR" 'dev, offline, untrusted' "not found: the message lists the built-in profiles"

	xsbx -p "$V/bypath.ini" -- "$PROBE_COPY" hostname
	is "hostname: ok from-path" "$OUT" "-p /ABSOLUTE/PATH.ini is used as is"
	cd "$V" || return
	xsbx -p ./bypath.ini -- "$PROBE_COPY" hostname
	cd "$W" || return
	is "hostname: ok from-path" "$OUT" "-p ./RELATIVE.ini is used as is"
	xsbx "--profile=$V/bypath.ini" -- "$PROBE_COPY" hostname
	is "hostname: ok from-path" "$OUT" "--profile=PATH works like -p"
	xsbx --explain -p "$V/bypath.ini"
	like "$OUT" "hostname: from-path" "--explain shows the profile's hostname"
	expect_error "-p PATH that does not exist" "entrun: profile '$V/missing.ini'" \
		"No such file or directory" -p "$V/missing.ini"
	mkdir -p "$X/entrun/adir.ini"
	xsbx -p adir -- sh -c 'echo ran'
	is "125 " "$RC $OUT" "NAME.ini that is a directory: 125, nothing ran (not skipped)"
	one_line_error "entrun: profile '$X/entrun/adir.ini'" "not a regular file" \
		"NAME.ini that is a directory: one line 'not a regular file'"
	expect_error "an unknown profile name" "entrun: profile 'no-such-profile' not found" \
		"nor among the built-in profiles" -p no-such-profile
}

# /etc/entrun through an overlay on /etc (see the top).
ETC_UP='' ETC_WORK=''
# etc_sbx ENTRUN-ARGS...: entrun with $ETC_UP over /etc.
etc_sbx() {
	local -a pre=(unshare -m --propagation private --)
	[ "$(id -u)" -eq 0 ] || pre=(unshare -Urm --)
	# shellcheck disable=SC2016 # expanded by the inner sh
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "${pre[@]}" sh -c \
		'mount -t overlay entrun-test -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc || exit 99
		shift 2; exec "$@"' _ "$ETC_UP" "$ETC_WORK" \
		env "HOME=$H" "XDG_CONFIG_HOME=$X" "$ENTRUN" "$@"
}

etc_checks() {
	ETC_UP=$V/etc-up ETC_WORK=$V/etc-work
	mkdir -p "$ETC_UP/entrun" "$ETC_WORK"
	printf '[sandbox]\nhostname = from-etc\n' >"$ETC_UP/entrun/etconly.ini"
	printf '[sandbox]\nhostname = from-etc\n' >"$ETC_UP/entrun/both.ini"
	printf '[sandbox]\nhostname = from-xdg\n' >"$X/entrun/both.ini"
	printf '; /etc/entrun/untrusted.ini\n[sandbox]\nhostname = from-etc\n' >"$ETC_UP/entrun/untrusted.ini"
	etc_sbx -p etconly -- "$PROBE_COPY" hostname
	if [ "$RC" -eq 99 ]; then
		skip_or_fail "cannot mount an overlay on /etc here: $ERR" "/etc/entrun checks"
		return
	fi
	is "hostname: ok from-etc" "$OUT" "/etc/entrun/NAME.ini is found"
	etc_sbx -p both -- "$PROBE_COPY" hostname
	is "hostname: ok from-xdg" "$OUT" "\$XDG_CONFIG_HOME/entrun comes before /etc/entrun"
	etc_sbx -p untrusted -- "$PROBE_COPY" hostname
	is "hostname: ok from-etc" "$OUT" "/etc/entrun/untrusted.ini comes before the built-in untrusted"
	etc_sbx --explain -p untrusted
	unlike "$OUT" 'builtin:untrusted' "... and replaces it whole (no builtin:untrusted.ini grant)"
	etc_sbx --ent security.admin --ent host.fs.rw=/etc -- "$PROBE_COPY" write /etc/entrun/planted.ini
	is "write: errno EROFS" "$OUT" "security.admin + host.fs.rw=/etc: /etc/entrun is read-only (EROFS)"
	etc_sbx --ent security.admin --ent host.fs.rw=/etc -- "$PROBE_COPY" write /etc/entrun-test-control
	is "write: ok" "$OUT" "control: ... while /etc itself is writable there"
	# shellcheck disable=SC2016 # expanded by the inner sh
	etc_sbx --ent security.admin --ent host.fs.rw=/etc -- sh -c \
		'mount -o remount,bind,rw /etc/entrun 2>/dev/null; umount -l /etc/entrun 2>/dev/null
		"$1" write /etc/entrun/planted.ini' _ "$PROBE_COPY"
	is "write: errno EROFS" "$OUT" "security.admin: remounting or unmounting /etc/entrun does not make it writable"
	absent "$ETC_UP/entrun/planted.ini" "security.admin: no profile was planted in /etc/entrun"
}

# ---- merging ----------------------------------------------------------------------------

merge_checks() {
	local f=$V/two-levels.ini p1=$V/hide1.ini p2=$V/hide2.ini feat=$V/feat.ini
	psbx -p offline --ent network.host -- "$PROBE_COPY" tcp-connect 127.0.0.1 "$PORT"
	is "tcp-connect: ok" "$OUT" "-p offline --ent network.host: the command line's level wins (host echo reached)"
	psbx -p offline --ent network.host -- "$PROBE_COPY" write "$V/from-merge"
	is "write: errno EROFS" "$OUT" "... the default boundary stays (the tree outside the project is read-only)"
	psbx --explain -p offline --ent network.host
	has_grant "$OUT" network.host "command line" "--explain: network.host [command line]"
	has_grant "$OUT" "host.fs.overlay=~" builtin:offline.ini:8 \
		"--explain: the profile's other grants stay: host.fs.overlay=~ [builtin:offline.ini:8]"
	unlike "$OUT" $'\n  network\\.none ' "--explain: the profile's network.none is gone"

	printf '[filesystem]\nhide = %s\n' "$V/hide-a" >"$p1"
	printf '[filesystem]\nhide = %s\n' "$V/hide-b" >"$p2"
	# shellcheck disable=SC2016 # expanded by the inner sh
	local count='for d; do printf "%s " "$(ls -A "$d" | wc -l)"; done'
	psbx -- sh -c "$count" _ "$V/hide-a" "$V/hide-b" "$V/hide-c"
	is "1 1 1 " "$OUT" "control: the three directories hold a file each"
	psbx -p "$p1" -p "$p2" --ent "host.fs.hide=$V/hide-c" -- sh -c "$count" _ "$V/hide-a" "$V/hide-b" "$V/hide-c"
	is "0 0 0 " "$OUT" "list grants accumulate: hide from two profiles and --ent are all applied"

	expect_error "-p offline -p dev (two network levels from profiles)" "entrun: " \
		"builtin:offline.ini:5" -p offline -p dev
	like "$ERR" 'builtin:dev\.ini:8' "-p offline -p dev: the error names both sources"
	printf '[sandbox]\nentitlements = network.none\nentitlements = network.user\n' >"$f"
	expect_error "one profile with two network levels (FILE:LINE of the second)" "entrun: $f:3: " \
		"network" -p "$f"
	printf '[sandbox]\nentitlements = network.host\n' >"$V/bypath-net.ini"
	expect_error "offline and a profile granting network.host" "entrun: " "$V/bypath-net.ini:2" \
		-p offline -p "$V/bypath-net.ini"

	printf '[sandbox]\nhostname = feat\nchdir = %s\n[environment]\nset = FEAT=yes\nunset = GONE\n[filesystem]\nro = %s\n' \
		"$V/ctl" "$V/ctl" >"$feat"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx_env "HOME=$H" "XDG_CONFIG_HOME=$X0" GONE=1 -- -p "$feat" -- sh -c \
		'uname -n; pwd; echo "FEAT=$FEAT GONE=${GONE-unset}"; "$1" write ./new' _ "$PROBE_COPY"
	is "feat|$V/ctl|FEAT=yes GONE=unset|write: errno EROFS" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" \
		"a profile's hostname, chdir, set, unset and ro are applied"
	# shellcheck disable=SC2016 # expanded by the inner sh
	psbx -p "$feat" --hostname cli -C / --env FEAT=cli -- sh -c 'uname -n; pwd; echo "FEAT=$FEAT"'
	is "cli|/|FEAT=cli" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" \
		"--hostname, -C and --env override the profile's hostname, chdir and set"
}

# ---- custom entitlements ------------------------------------------------------------------

custom_checks() {
	local defs=$V/tools.ini on=$V/tools-on.ini
	local body
	body=$(printf '[entitlement tools.x]\ndescription = raw sockets and ptrace\ncaps = CAP_NET_RAW\nallow-syscalls = ptrace\ndeny-syscalls = mkdir mkdirat\nro = %s\n' "$V/ctl")
	printf '%s\n' "$body" >"$defs"
	printf '[sandbox]\nentitlements = tools.x\n%s\n' "$body" >"$on"
	# shellcheck disable=SC2016 # expanded by the inner sh
	local rep='"$1" raw-socket; "$1" caps | grep CapEff; "$1" ptrace-traceme; "$1" write "$2/ctl/new"; "$1" mkdir "$2/newdir"'
	psbx -p "$defs" -e "host.fs.rw=$V" -- sh -c "$rep" _ "$PROBE_COPY" "$V"
	is "raw-socket: errno EPERM|caps: CapEff 0000000000000000|ptrace-traceme: errno EPERM|write: ok|mkdir: ok" \
		"$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" \
		"a defined but unused [entitlement tools.x] grants nothing"
	rm -rf "$V/ctl/new" "$V/newdir"
	psbx -p "$defs" --ent tools.x -- sh -c "$rep" _ "$PROBE_COPY" "$V"
	has_line "$OUT" "raw-socket: ok" "-p FILE --ent tools.x: caps = CAP_NET_RAW, a raw socket opens"
	has_line "$OUT" "caps: CapEff 0000000000002000" "-p FILE --ent tools.x: CapEff is bit 13 (CAP_NET_RAW)"
	has_line "$OUT" "ptrace-traceme: ok" "-p FILE --ent tools.x: allow-syscalls = ptrace"
	has_line "$OUT" "write: errno EROFS" "-p FILE --ent tools.x: ro = PATH is read-only"
	has_line "$OUT" "mkdir: errno EPERM" "-p FILE --ent tools.x: deny-syscalls = mkdir mkdirat (EPERM)"
	psbx -p "$on" -- sh -c "$rep" _ "$PROBE_COPY" "$V"
	is "raw-socket: ok|caps: CapEff 0000000000002000|ptrace-traceme: ok|write: errno EROFS|mkdir: errno EPERM" \
		"$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" \
		"[sandbox] entitlements = tools.x in the same file: the same grants"
	psbx --explain -p "$on"
	has_grant "$OUT" tools.x "$on:2" "--explain: tools.x [FILE:2]"
	expect_error "--ent tools.x without a profile defining it" "entrun: " "tools.x" --ent tools.x
}

# ---- the sandbox cannot change its own policy -----------------------------------------------

# planted_absent FILE DESC: the sandbox ran its attempt to the end (it
# printed "done") and FILE does not exist on the host.
planted_absent() {
	if [ "$OUT" != "done" ]; then
		not_ok "$2" "the sandbox did not run its attempt"
	elif [ -e "$1" ]; then
		not_ok "$2" "planted on the host: $1"
	else
		ok "$2"
	fi
}

protect_checks() {
	local d=$X/entrun h2=$V/home-rename h3=$V/home-absent x3=$V/xdg-absent
	xsbx -- "$PROBE_COPY" write "$d/planted.ini"
	is "write: errno EROFS" "$OUT" "\$XDG_CONFIG_HOME/entrun is read-only in a default sandbox (EROFS)"
	xsbx -e "host.fs.rw=$X" -- "$PROBE_COPY" write "$X/control"
	is "write: ok" "$OUT" "control: next to it, \$XDG_CONFIG_HOME is writable"
	xsbx -- "$PROBE_COPY" write "$d/offline.ini"
	is "write: errno EROFS" "$OUT" "an existing profile there cannot be overwritten (EROFS)"
	is "$(printf '[sandbox]\nhostname = from-xdg\nentitlements = network.none')" "$(cat "$d/offline.ini")" \
		"... and it is unchanged on the host"
	xsbx --ent security.fs-read-only --ent "host.fs.rw=$V" -- "$PROBE_COPY" write "$d/planted.ini"
	is "write: errno EROFS" "$OUT" "host.fs.rw of the tree holding it: still read-only (EROFS)"
	xsbx --ent "host.fs.rw=$d" -- "$PROBE_COPY" write "$d/planted.ini"
	is "write: errno EROFS" "$OUT" "host.fs.rw=\$XDG_CONFIG_HOME/entrun itself: still read-only (EROFS)"
	mkdir -p "$H/.config/entrun"
	sbx_env -u XDG_CONFIG_HOME "HOME=$H" -- --ent security.fs-read-only --ent "host.fs.rw=$H" -- \
		"$PROBE_COPY" write "$H/.config/entrun/planted.ini"
	is "write: errno EROFS" "$OUT" "host.fs.rw=\$HOME: ~/.config/entrun is read-only (EROFS)"
	sbx_env -u XDG_CONFIG_HOME "HOME=$H" -- --ent security.fs-read-only --ent "host.fs.rw=$H" -- \
		"$PROBE_COPY" write "$H/.config/control"
	is "write: ok" "$OUT" "control: host.fs.rw=\$HOME: ~/.config is writable"
	xsbx --ent security.admin -- "$PROBE_COPY" write "$d/planted.ini"
	is "write: errno EROFS" "$OUT" "security.admin: \$XDG_CONFIG_HOME/entrun is read-only (EROFS)"
	absent "$d/planted.ini" "no profile was planted so far"

	# security.admin holds CAP_SYS_ADMIN over the sandbox's mounts: a
	# remount or an unmount must not make the directory writable.
	# shellcheck disable=SC2016 # expanded by the inner sh
	xsbx --ent security.admin -- sh -c \
		'mount -o remount,bind,rw "$2" 2>/dev/null; "$1" write "$2/planted.ini"' _ "$PROBE_COPY" "$d"
	is "write: errno EROFS" "$OUT" "security.admin: mount -o remount,bind,rw does not make it writable"
	rm -f "$d/planted.ini"
	# shellcheck disable=SC2016 # expanded by the inner sh
	xsbx --ent security.admin -- sh -c \
		'umount -l "$2" 2>/dev/null; "$1" write "$2/planted.ini"' _ "$PROBE_COPY" "$d"
	is "write: errno EROFS" "$OUT" "security.admin: umount -l does not make it writable"
	rm -f "$d/planted.ini"

	# A writable home (the default sandbox's / is writable) must not let the
	# sandbox put a profile where the next entrun looks: not by moving
	# ~/.config aside and making a new one ...
	mkdir -p "$h2/.config/entrun"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx_env -u XDG_CONFIG_HOME "HOME=$h2" -- -- sh -c \
		'mv "$HOME/.config" "$HOME/.config.moved" 2>/dev/null
		mkdir -p "$HOME/.config/entrun" 2>/dev/null
		echo "[sandbox]" 2>/dev/null >"$HOME/.config/entrun/planted.ini"; echo done'
	planted_absent "$h2/.config/entrun/planted.ini" \
		"moving ~/.config aside does not let the sandbox plant ~/.config/entrun/planted.ini"
	# ... nor by making the directory when it does not exist yet.
	mkdir -p "$h3"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx_env -u XDG_CONFIG_HOME "HOME=$h3" -- -- sh -c \
		'mkdir -p "$HOME/.config/entrun" 2>/dev/null
		echo "[sandbox]" 2>/dev/null >"$HOME/.config/entrun/planted.ini"; echo done'
	planted_absent "$h3/.config/entrun/planted.ini" \
		"a missing ~/.config/entrun cannot be made with a profile in it"
	mkdir -p "$x3"
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx_env "HOME=$H" "XDG_CONFIG_HOME=$x3" -- -- sh -c \
		'mkdir -p "$XDG_CONFIG_HOME/entrun" 2>/dev/null
		echo "[sandbox]" 2>/dev/null >"$XDG_CONFIG_HOME/entrun/planted.ini"; echo done'
	planted_absent "$x3/entrun/planted.ini" "a missing \$XDG_CONFIG_HOME/entrun cannot be made with a profile in it"
}

checks() {
	setup_tree
	# network.user (the dev profile) needs /dev/net/tun open to the
	# unprivileged pass too: as root, make it 0666 as distributions ship it.
	if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ]; then chmod 0666 /dev/net/tun; fi
	if ! start_tcp_echo; then
		bail_out "the host's TCP echo server did not start"
	fi
	cd "$W" || return
	dev_checks
	offline_checks
	untrusted_checks
	lookup_checks
	etc_checks
	merge_checks
	custom_checks
	protect_checks
	cd / || return
}

tap_main checks
