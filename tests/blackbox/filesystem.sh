#!/bin/bash
# The host / is bound in read-only; the working directory is writable
# (read-only too under security.fs-read-only), and
# host.fs.{rw,ro,hide,tmpfs}=PATH change single paths.  The checks of the
# default itself run with SBX_BARE=1: without the grant of $TEST_TMP that
# sbx adds for the other scripts.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

RO=security.fs-read-only

# A tree of the caller's own under the pass's temporary directory.
make_tree() {
	T=$TEST_TMP/tree
	mkdir -p "$T/rw" "$T/ro" "$T/tmpfs" "$T/hide" "$T/rel"
	echo hello >"$T/ro/data"
	echo old >"$T/tmpfs/old"
	echo secret >"$T/hide/inside"
	echo secret >"$T/hidden-file"
	echo rw >"$T/rw-file"
	echo ro >"$T/ro-file"
}

writable_root_checks() {
	local SBX_BARE=1
	expect "write: errno EROFS" "by default a file under / outside the working directory is not writable (EROFS)" \
		-- "$PROBE" write "$T/new"
	is "" "$(cat "$T/new" 2>/dev/null)" "the host's file was not created"
	expect "write: ok" "control: a host.fs.rw grant makes it writable" \
		--ent "host.fs.rw=$T" -- "$PROBE" write "$T/new"
	is x "$(cat "$T/new" 2>&1)" "the host sees what the sandbox wrote under the grant"
	cd "$T/rw" || return
	sbx -- "$PROBE" write "$T/rw/cwd-file"
	cd "$OLDPWD" || return
	is "write: ok" "$OUT" "the working directory is writable by default"
	is x "$(cat "$T/rw/cwd-file" 2>&1)" "the host sees what was written in the working directory"
	cd "$T/rw" || return
	sbx --ent "$RO" -- "$PROBE" write "$T/rw/cwd-file2"
	cd "$OLDPWD" || return
	is "write: errno EROFS" "$OUT" "$RO: the working directory is read-only too (EROFS)"
	expect "mkdir: errno EROFS" "$RO: mkdir under / fails with EROFS" \
		--ent "$RO" -- "$PROBE" mkdir "$T/newdir"
	expect "write: ok" "$RO: /dev stays writable (/dev/null)" \
		--ent "$RO" -- "$PROBE" write /dev/null
	expect "write: ok" "$RO: the sandbox's /dev/shm stays writable" \
		--ent "$RO" -- "$PROBE" write "/dev/shm/entrun-test-$(unique_marker)"
}

rw_tmpfs_checks() {
	expect "write: ok" "$RO + host.fs.rw: the rw path is writable" \
		--ent "$RO" --ent "host.fs.rw=$T/rw" -- "$PROBE" write "$T/rw/f"
	is x "$(cat "$T/rw/f" 2>&1)" "the host sees what was written under host.fs.rw"
	cd "$T" || return
	expect "write: ok" "host.fs.rw with a relative path resolves against the cwd" \
		--ent "$RO" --ent host.fs.rw=rel -- "$PROBE" write "$T/rel/f"
	cd / || return
	expect_empty_dir "$T/tmpfs" "host.fs.tmpfs: the path is empty inside" \
		--ent "host.fs.tmpfs=$T/tmpfs"
	expect "write: ok" "$RO + host.fs.tmpfs: the tmpfs is writable" \
		--ent "$RO" --ent "host.fs.tmpfs=$T/tmpfs" -- "$PROBE" write "$T/tmpfs/new"
	is old "$(ls -A "$T/tmpfs")" "the host's directory under the tmpfs is unchanged"
	expect "write: ok" "$RO + host.fs.rw of a single file: the file is writable" \
		--ent "$RO" --ent "host.fs.rw=$T/rw-file" -- "$PROBE" write "$T/rw-file"
	is x "$(cat "$T/rw-file")" "the host sees what was written to the host.fs.rw file"
}

ro_hide_checks() {
	expect "write: errno EROFS" "host.fs.ro: a new file is not writable (EROFS)" \
		--ent "host.fs.ro=$T/ro" -- "$PROBE" write "$T/ro/new"
	expect "write: errno EROFS" "host.fs.ro: an existing file is not writable (EROFS)" \
		--ent "host.fs.ro=$T/ro" -- "$PROBE" write "$T/ro/data"
	expect "read: ok 6" "host.fs.ro: the path is readable" \
		--ent "host.fs.ro=$T/ro" -- "$PROBE" read "$T/ro/data"
	is hello "$(cat "$T/ro/data")" "the host's file under host.fs.ro is unchanged"
	expect "write: errno EROFS" "host.fs.ro of a single file: it is not writable" \
		--ent "host.fs.ro=$T/ro-file" -- "$PROBE" write "$T/ro-file"
	# The deeper path wins, in whatever order the grants come.
	expect "write: errno EROFS" "host.fs.ro below a host.fs.rw path stays read-only" \
		--ent "$RO" --ent "host.fs.rw=$T" --ent "host.fs.ro=$T/ro" -- "$PROBE" write "$T/ro/new"
	expect "write: errno EROFS" "... also with the grants in the other order" \
		--ent "$RO" --ent "host.fs.ro=$T/ro" --ent "host.fs.rw=$T" -- "$PROBE" write "$T/ro/new"
	expect_empty_dir "$T/hide" "host.fs.hide: a hidden directory is empty" \
		--ent "host.fs.hide=$T/hide"
	expect "read: ok 0" "host.fs.hide: a hidden file reads 0 bytes" \
		--ent "host.fs.hide=$T/hidden-file" -- "$PROBE" read "$T/hidden-file"
	expect "read: ok 7" "control: the file is readable without host.fs.hide" \
		-- "$PROBE" read "$T/hidden-file"
	proc_grant_checks
}

# Grants under /proc act on the sandbox's own /proc, not on the host's
# below it (where its fresh /proc buried them, and the command ran with
# the path in plain view).
proc_grant_checks() {
	expect "read: ok 0" "host.fs.hide of a file under /proc: it reads 0 bytes" \
		--ent host.fs.hide=/proc/meminfo -- "$PROBE" read /proc/meminfo
	sbx -- "$PROBE" read /proc/meminfo
	like "$OUT" "^read: ok [1-9]" "control: /proc/meminfo is readable without host.fs.hide"
	expect_empty_dir /proc/sys/kernel "host.fs.hide of a directory under /proc: it is empty" \
		--ent host.fs.hide=/proc/sys/kernel
	expect_empty_dir /proc/sys "host.fs.tmpfs under /proc: the path is an empty tmpfs" \
		--ent host.fs.tmpfs=/proc/sys
	expect "read: ok 0" "host.processes.view: host.fs.hide under the host's /proc applies too" \
		--ent host.processes.view --ent host.fs.hide=/proc/meminfo -- "$PROBE" read /proc/meminfo
	# ... and under the sandbox's own /dev, likewise.
	expect "read: ok 0" "host.fs.hide of a device under /dev: it reads 0 bytes" \
		--ent host.fs.hide=/dev/zero -- "$PROBE" read /dev/zero
	expect "write: errno EROFS" "host.fs.hide of /dev/shm: nothing can be written there" \
		--ent host.fs.hide=/dev/shm -- "$PROBE" write /dev/shm/x
	expect_empty_dir /dev/shm "host.fs.tmpfs=/dev/shm: an empty tmpfs" --ent host.fs.tmpfs=/dev/shm
	# A host device the sandbox's /dev lacks cannot be bound there: refused,
	# not dropped (host.devices.* are the grants for host devices).
	sbx --ent host.fs.rw=/dev/net/tun -- true
	is 125 "$RC" "host.fs.rw of a host device the sandbox's /dev lacks: exit 125"
	like "$ERR" "/dev/net/tun" "... and the message names the path"
	# A grant of / goes under the sandbox's own /dev, /proc and /sys, not
	# over them: no host devtmpfs or devpts (the caller's other terminals),
	# no host processes, no writable sysfs.
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx --ent host.fs.rw=/ -- sh -c 'awk '\''$5 == "/dev" || $5 == "/proc" || $5 == "/sys" { print $5, $9 }'\'' /proc/self/mountinfo | tail -n 3 | sort | tr "\n" " "; ls /proc | grep -c "^[0-9]"; "$1" mkdir /sys/entrun-test' _ "$PROBE"
	like "${OUT%%$'\n'*}" '^/dev tmpfs /proc proc /sys sysfs ' "host.fs.rw=/: /dev, /proc and /sys on top are the sandbox's own"
	like "${OUT%%$'\n'*}" ' sysfs [1-5]$' "host.fs.rw=/: /proc lists the sandbox's few processes, not the host's"
	has_line "$OUT" "mkdir: errno EROFS" "host.fs.rw=/: /sys stays read-only"
}

# A mount below a path is covered too: a tmpfs mounted on the host (in a
# user and mount namespace of our own, so that no privilege is needed and
# nothing leaks) under / and under a host.fs.ro path.
# submount DIR ENTRUN-ARGS...: mount a tmpfs on DIR, then run entrun.
submount() {
	local dir=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner sh
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" unshare -Urm sh -c \
		'mount -t tmpfs entrun-test "$1" && shift && exec "$@"' _ "$dir" "$ENTRUN" "$@"
}

submount_checks() {
	mkdir -p "$T/sub" "$T/ro/sub"
	submount "$T/sub" --ent "host.fs.rw=$T" -- "$PROBE" write "$T/sub/f"
	is "write: ok" "$OUT" "control: a host submount under a host.fs.rw path is writable"
	submount "$T/sub" -- "$PROBE" write "$T/sub/f"
	is "write: errno EROFS" "$OUT" "by default a host submount under / is read-only too"
	submount "$T/ro/sub" --ent "host.fs.ro=$T/ro" -- "$PROBE" write "$T/ro/sub/f"
	is "write: errno EROFS" "$OUT" "host.fs.ro: a submount below the path is read-only too"
}

checks() {
	make_tree
	writable_root_checks
	rw_tmpfs_checks
	ro_hide_checks
	submount_checks
}

tap_main checks
