#!/bin/bash
# Regression tests for sandbox escapes found in our peers: every check tries,
# from inside the sandbox, the forbidden thing a published CVE of bubblewrap,
# flatpak, firejail, runc, crun or podman did, and names that CVE.  The
# "control:" checks show on a weaker setup (the host, plain unshare(1), a
# broader grant) that the same attempt succeeds there, so that each check
# could fail.
#
#   CVE-2017-5226  bubblewrap  TIOCSTI into the caller's terminal
#   CVE-2019-10063 flatpak     ... with the ioctl's upper 32 bits set
#   CVE-2023-28100 flatpak     TIOCLINUX (paste the console selection)
#   CVE-2016-8659  bubblewrap  setuid/file-capability install abused
#   CVE-2022-31214 firejail    setuid install abused (--join)
#   CVE-2024-21626 runc        working directory through a leaked fd
#   CVE-2019-5736  runc        overwriting the runtime via /proc/self/exe
#   CVE-2019-12499 firejail    truncating the firejail binary from inside
#   CVE-2022-27650 crun, CVE-2022-27649 podman: non-empty inheritable caps
#   CVE-2025-31133 runc        mount target redirected by a swapped symlink
#   CVE-2019-12439 bubblewrap  predictable staging directory in /tmp
#   CVE-2021-41133 flatpak     new mount API and clone3 not filtered
#   CVE-2019-12589 firejail    the sandbox edits its own policy files
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

ZERO=0000000000000000
NET_CAPS=0000000000003c00 # NET_BIND_SERVICE, NET_BROADCAST, NET_ADMIN, NET_RAW

# refused DESC ENTRUN-ARGS...: entrun exits 125 with one "entrun: " line on
# stderr and the payload (which would print "ran") does not run.
refused() {
	local desc=$1
	shift
	sbx "$@" -- sh -c 'echo ran'
	if [ "$RC" = 125 ] && [ -z "$OUT" ] && [[ $ERR == "entrun: "* && $ERR != *$'\n'* ]]; then
		ok "$desc"
	else
		not_ok "$desc" "expected exit 125, nothing run, one 'entrun: ' line"
	fi
}

# ---- 1. terminal injection ------------------------------------------------------

# A terminal for the payload: CMD runs in a new session whose controlling
# terminal is a fresh pty on its stdin, stdout and stderr, as under a login
# shell.  Once CMD is gone, what is left in the terminal's input queue (an
# injected line) is read back without blocking: deterministic, where a
# shell's `read -t` under script(1) races with script's end of input.
TTY_PY='import fcntl, os, select, sys, termios
master, slave = os.openpty()
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    os.closerange(3, 1024)
    os.execvp(sys.argv[1], sys.argv[1:])
out, status = b"", None
while True:
    if select.select([master], [], [], 0.05)[0]:
        out += os.read(master, 4096)
    elif status is None:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            status = None
    else:
        break
os.set_blocking(slave, False)
try:
    pending = os.read(slave, 4096)
except BlockingIOError:
    pending = b""
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.stdout.write("read:" + pending.decode(errors="replace").rstrip("\n") + "\n")
sys.exit(os.waitstatus_to_exitcode(status))'

# on_tty CMD...: run CMD on a terminal (TTY_PY); OUT gets its output, then
# "read:LINE" with the line CMD left in the terminal's input, if any.
on_tty() {
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" python3 -c "$TTY_PY" "$@"
}

tty_checks() {
	local m t cve
	have_tools "terminal injection checks" python3 || return
	m=INJECTED$(unique_marker)
	on_tty "$PROBE" inject 0 "echo $m"
	if [[ $OUT == *"inject: errno EIO"* ]]; then
		skip "the kernel refuses TIOCSTI itself (dev.tty.legacy_tiocsti=0)" \
			"control: TIOCSTI injects into the caller's terminal on the host"
	else
		like "$OUT" "inject: ok"$'\n'"read:echo $m\$" \
			"control: on the host, TIOCSTI pushes 'echo $m' into the caller's terminal"
	fi
	for t in inject inject-highbit; do
		cve=CVE-2017-5226
		[ "$t" = inject-highbit ] && cve="CVE-2019-10063 (request 0x100005412)"
		on_tty "$ENTRUN" $(tmp_grant) -- "$PROBE" "$t" 0 "echo $m"
		like "$OUT" "^$t: errno (EPERM|ENOTTY)"$'\n' "$cve: $t on its terminal (its own pty) fails inside"
		unlike "$OUT" "$m" "$cve: $t: no injected text reaches the caller's terminal"
		on_tty "$ENTRUN" --no-pty $(tmp_grant) -- "$PROBE" "$t" 0 "echo $m"
		like "$OUT" "^$t: errno (EPERM|ENOTTY)"$'\n' "$cve: --no-pty: $t on the caller's terminal fails inside"
		unlike "$OUT" "$m" "$cve: --no-pty: $t: no injected text reaches the caller's terminal"
	done
	# shellcheck disable=SC2016 # expanded by the inner sh
	# tty_nr (major and minor of the controlling terminal), and the
	# devpts instance of the terminal on fd 0: the sandbox's own pty may
	# well be number 0 of its own devpts, as the caller's is of the host's.
	# shellcheck disable=SC2016 # expanded by the inner sh
	on_tty sh -c 'awk "{print \$7}" /proc/self/stat; stat -L -c %d /proc/self/fd/0'
	like "$OUT" '^[1-9][0-9]*'$'\n' "control: a host command on the terminal has it as its controlling terminal"
	caller_tty=$(head -n 2 <<<"$OUT" | tr '\n' ' ')
	# shellcheck disable=SC2016 # expanded by the inner sh
	on_tty "$ENTRUN" $(tmp_grant) -- sh -c 'awk "{print \$7}" /proc/self/stat; stat -L -c %d /proc/self/fd/0'
	inner_tty=$(head -n 2 <<<"$OUT" | tr '\n' ' ')
	if [[ $inner_tty == [1-9]* && ${inner_tty#* } != "${caller_tty#* }" ]]; then
		ok "CVE-2017-5226: the payload's controlling terminal is its own pty, not the caller's"
	else
		not_ok "CVE-2017-5226: the payload's controlling terminal is its own pty, not the caller's" \
			"tty_nr and devpts inside: '$inner_tty', the caller's: '$caller_tty'"
	fi
	# shellcheck disable=SC2016 # expanded by the inner sh
	on_tty "$ENTRUN" --no-pty $(tmp_grant) -- sh -c 'awk "{print \$7}" /proc/self/stat'
	like "$OUT" '^0'$'\n' "CVE-2017-5226: --no-pty: the payload has no controlling terminal (a new session)"
	# A terminal of its own is one TIOCSTI works on, but for the filter.
	run unshare -Ur "$PROBE" tiocsti-pty
	is "tiocsti-pty: ok" "$OUT" "control: under plain unshare, TIOCSTI into a terminal of its own works"
	expect "tiocsti-pty: errno EPERM" "CVE-2017-5226: TIOCSTI into the sandbox's own terminal: EPERM" \
		-- "$PROBE" tiocsti-pty
	expect "tiocsti-pty-highbit: errno EPERM" \
		"CVE-2019-10063: ... with the upper 32 bits set: EPERM" -- "$PROBE" tiocsti-pty-highbit
	on_tty "$PROBE" tioclinux-paste 0
	like "$OUT" '^tioclinux-paste: errno (ENOTTY|EINVAL)'$'\n' \
		"control: on the host, TIOCLINUX reaches the terminal (ENOTTY: not a console)"
	for t in tioclinux-paste tioclinux-paste-highbit; do
		on_tty "$ENTRUN" $(tmp_grant) -- "$PROBE" "$t" 0
		like "$OUT" "^$t: errno EPERM"$'\n' "CVE-2023-28100: $t (TIOCL_PASTESEL) is denied with EPERM"
	done
}

# ---- 2. setuid, setgid, file capabilities ------------------------------------

# priv_refused DESC BINARY [RUNNER...]: BINARY (a copy of entrun made
# privileged) exits 125 with a "refusing" line and creates no sandbox: even
# with -v, nothing is logged beyond the refusal and the payload never runs.
priv_refused() {
	local desc=$1 bin=$2
	shift 2
	rm -f "$D/ran"
	# shellcheck disable=SC2016 # expanded by the inner sh
	run "$@" timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$bin" -v -- sh -c 'echo ran >"$1"' _ "$D/ran"
	if [ "$RC" = 125 ] && [[ $ERR == "entrun: refusing to run"* && $ERR != *$'\n'* ]] &&
		[ ! -e "$D/ran" ]; then
		ok "$desc"
	else
		not_ok "$desc" "expected exit 125, one 'entrun: refusing to run' line, no payload"
	fi
}

setuid_checks() {
	local cve="CVE-2016-8659/CVE-2022-31214"
	D=$TEST_TMP/priv
	mkdir -p "$D"
	chmod 0755 "$TEST_TMP"
	chmod 0777 "$D"
	cp "$ENTRUN" "$D/entrun-plain"
	run run_user "$D/entrun-plain" -- sh -c 'echo ran'
	is "0 ran" "$RC $OUT" "control: an unmodified copy of entrun runs"
	if [ "$(id -u)" -ne 0 ]; then
		cp "$ENTRUN" "$D/entrun-suid" && chmod u+s "$D/entrun-suid"
		priv_refused "$cve: entrun setuid (to its own user) refuses to run" "$D/entrun-suid"
		cp "$ENTRUN" "$D/entrun-sgid" && chmod g+s "$D/entrun-sgid"
		priv_refused "$cve: entrun setgid refuses to run" "$D/entrun-sgid"
		if have_tools "$cve: entrun with (namespaced) file capabilities refuses to run" setcap; then
			cp "$ENTRUN" "$D/entrun-fcap"
			unshare -Ur setcap cap_net_admin+ep "$D/entrun-fcap"
			priv_refused "$cve: entrun with (namespaced) file capabilities refuses to run" "$D/entrun-fcap"
		fi
		return
	fi
	# As root: copies owned by someone else, run by the test user (and by
	# root), which is where a setuid or setcap entrun would hand out power.
	cp /usr/bin/id "$D/id-suid" && chown nobody "$D/id-suid" && chmod 4755 "$D/id-suid"
	run run_user "$D/id-suid" -u
	if [ "$OUT" = "$(id -u nobody)" ]; then
		ok "control: a setuid binary here runs with its owner's uid (no nosuid mount)"
	else
		skip "the kernel ignores setuid bits here (nosuid?): only the mode is checked" \
			"control: a setuid binary here runs with its owner's uid"
	fi
	cp "$ENTRUN" "$D/entrun-suid" && chown nobody "$D/entrun-suid" && chmod 4755 "$D/entrun-suid"
	priv_refused "$cve: entrun setuid to another user refuses to run for $ENTRUN_TEST_USER" \
		"$D/entrun-suid" run_user
	priv_refused "$cve: ... and for root" "$D/entrun-suid"
	cp "$ENTRUN" "$D/entrun-sgid" && chgrp "$(id -gn nobody)" "$D/entrun-sgid" && chmod 2755 "$D/entrun-sgid"
	priv_refused "$cve: entrun setgid to another group refuses to run for $ENTRUN_TEST_USER" \
		"$D/entrun-sgid" run_user
	have_tools "file capabilities checks" setcap || return
	cp "$PROBE" "$D/probe-fcap" && setcap cap_net_admin+ep "$D/probe-fcap"
	run run_user "$D/probe-fcap" caps
	has_line "$OUT" "caps: CapEff 0000000000001000" \
		"control: a binary with cap_net_admin+ep gets CAP_NET_ADMIN for $ENTRUN_TEST_USER"
	cp "$ENTRUN" "$D/entrun-fcap" && setcap cap_net_admin+ep "$D/entrun-fcap"
	priv_refused "$cve: entrun with file capabilities refuses to run for $ENTRUN_TEST_USER" \
		"$D/entrun-fcap" run_user
	priv_refused "$cve: ... and for root" "$D/entrun-fcap"
}

# ---- 3. inherited descriptors ------------------------------------------------------

fd_checks() {
	local dir=$TEST_TMP/fdhost m fd
	m=secret$(unique_marker)
	mkdir -p "$dir/secret"
	echo "$m" >"$dir/secret/f"
	echo data >"$TEST_TMP/fdfile"
	# 3..20: files, directories and a pipe, none close-on-exec; and 1000.
	for fd in 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 1000; do
		case $((fd % 3)) in
		0) eval "exec $fd<\"\$dir\"" ;;
		1) eval "exec $fd<\"\$TEST_TMP/fdfile\"" ;;
		2) eval "exec $fd< <(:)" ;;
		esac
	done
	run "$PROBE" fds
	like "$OUT" '^fds: open 3 4 5 .* 20 .*1000' "control: fds 3-20 and 1000 are open for a host command"
	expect "fds: ok" "CVE-2024-21626: no inherited descriptor (3-20, 1000) is open inside" \
		-- "$PROBE" fds
	expect "fds: ok" "CVE-2024-21626: ... nor with security.admin" -e security.admin -- "$PROBE" fds
	if have_tools "CVE-2024-21626: close-on-exec descriptors" python3; then
		# shellcheck disable=SC2016 # a python program
		run python3 -c 'import os, sys
for n in (21, 22, 1001):
    f = os.open(sys.argv[1], os.O_RDONLY | os.O_CLOEXEC)
    if f != n:
        os.dup2(f, n, inheritable=False)
        os.close(f)
os.execv(sys.argv[2], sys.argv[2:])' "$dir" "$ENTRUN" $(tmp_grant) -- "$PROBE" fds
		is "fds: ok" "$OUT" "CVE-2024-21626: close-on-exec descriptors (21, 22, 1001) are not open inside"
	fi

	# The runc escape: a working directory reached through a leaked fd lies
	# in the host's mount tree, where ".." and the path itself get past
	# everything the sandbox hides.
	# shellcheck disable=SC2016 # expanded by the inner sh
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" unshare -Urm sh -c \
		'mount -t tmpfs entrun-test "$1" && cd /proc/self/fd/3 && cat secret/f' _ "$dir"
	is "$m" "$OUT" "control: plain unshare: a tmpfs covers DIR, yet cd /proc/self/fd/3 (fd 3 on DIR) reads DIR/secret/f"
	sbx -e "host.fs.hide=$dir" -C /proc/self/fd/3 -- sh -c 'readlink /proc/self/cwd; cat secret/f'
	unlike "$OUT" "$m" "CVE-2024-21626: -C /proc/self/fd/3 (fd 3 on a hidden host directory): the directory stays hidden"
	is 125 "$RC" "CVE-2024-21626: -C /proc/self/fd/3: refused (exit 125)"
	sbx --keep-fd 3 -e "host.fs.hide=$dir" -C /proc/self/fd/3 -- sh -c 'readlink /proc/self/cwd; cat secret/f'
	# Refused either when its working directory would be bound writable
	# (a magic link is no mount target) or when the payload enters it.
	if [ "$RC" = 125 ] && [[ $ERR == *"outside the sandbox"* || $ERR == *"refusing a symbolic link"* ]] && [[ $OUT != *"$m"* ]]; then
		ok "CVE-2024-21626: --keep-fd 3 -C /proc/self/fd/3: refused, 'outside the sandbox'"
	else
		not_ok "CVE-2024-21626: --keep-fd 3 -C /proc/self/fd/3: refused, 'outside the sandbox'"
	fi
	# Under security.admin the payload shares pid 1's user namespace; pid 1
	# is not dumpable, so its descriptors cannot be followed through
	# /proc/1/fd (nor would they lead anywhere: it closed the caller's).
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx -e security.admin -e "host.fs.hide=$dir" -- sh -c \
		'for f in /proc/1/fd/*; do cat "$f/secret/f"; echo "${f##*/} $(readlink "$f")"; done 2>/dev/null'
	unlike "$OUT" "$m" "CVE-2024-21626: security.admin: /proc/1/fd/N does not lead to the hidden directory"
	if ! grep -q '^[0-9]* .' <<<"$OUT"; then
		ok "CVE-2024-21626: security.admin: none of pid 1's descriptors can be followed"
	else
		not_ok "CVE-2024-21626: security.admin: none of pid 1's descriptors can be followed" \
			"pid 1's descriptors: $OUT"
	fi
	for fd in 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 1000; do eval "exec $fd<&-"; done
}

# ---- 4. entrun's binary --------------------------------------------------------------

# no_ok DESC: none of the last run's lines says "ok", and it printed some.
no_ok() {
	if [ -n "$OUT" ] && ! grep -q ': ok' <<<"$OUT"; then ok "$1"; else
		not_ok "$1" "expected only errno lines"
	fi
}

binary_checks() {
	local bd=$TEST_TMP/bin E lvl m
	local cve="CVE-2019-5736/CVE-2019-12499"
	# A copy owned by whoever runs this pass, in a directory of theirs: the
	# case where the binary's owner could write it (a build tree).
	mkdir -p "$bd"
	cp "$ENTRUN" "$bd/entrun"
	cp "$ENTRUN" "$bd/other"
	cp "$ENTRUN" "$bd/spare"
	E=$bd/entrun
	run "$PROBE" open-write "$E"
	is "open-write: ok" "$OUT" "control: on the host, the owner can open the copy of entrun for writing"
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$E" $(tmp_grant) -- "$PROBE" open-trunc "$bd/other"
	is "open-trunc: ok" "$OUT" "control: inside, another file in the same directory can be truncated"
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$E" $(tmp_grant) -- "$PROBE" rename "$bd/spare" "$bd/spare2"
	is "rename: ok" "$OUT" "control: inside, another file in the same directory can be renamed"
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$E" $(tmp_grant) -- "$PROBE" open-write "$E"
	like "$OUT" '^open-write: errno E' "$cve: the payload cannot open entrun's binary for writing"
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$E" $(tmp_grant) -- "$PROBE" open-trunc "$E"
	is "open-trunc: errno EROFS" "$OUT" "$cve: ... it is bound read-only (O_TRUNC: EROFS, not just ETXTBSY)"
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$E" $(tmp_grant) -- "$PROBE" rename "$bd/spare2" "$E"
	like "$OUT" '^rename: errno E' "$cve: the payload cannot replace entrun's binary by a rename"
	for lvl in "" security.admin host.processes.view host.processes.admin; do
		# pid 1 (or the parent) is entrun itself; with the host's PID
		# namespace, entrun's host process is the grandparent.
		# shellcheck disable=SC2016 # expanded by the inner sh
		run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$E" $(tmp_grant) ${lvl:+-e "$lvl"} -- sh -c \
			'pp=$(awk "{print \$4}" /proc/$PPID/stat)
			for f in /proc/1/exe /proc/$PPID/exe /proc/$pp/exe; do
				"$1" open-write "$f"; "$1" open-trunc "$f"
			done' _ "$PROBE"
		no_ok "$cve: ${lvl:-default}: /proc/1/exe and the ancestors' /proc/PID/exe cannot be opened for writing"
	done
	cmp -s "$ENTRUN" "$E"
	is 0 "$?" "$cve: entrun's binary is unchanged after every attempt"
	# The runc exploit holds an O_PATH descriptor until the runtime exits,
	# then reopens it for writing: nothing of the sandbox may outlive entrun.
	m=$(unique_marker)
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$E" $(tmp_grant) -e host.processes.view -- sh -c \
		"setsid sleep 1000.$m </dev/null >/dev/null 2>&1 & sleep 0.2; echo started"
	if [ "$OUT" = started ] && ! retry 20 sh -c "! grep -qs '1000[.]$m' /proc/[0-9]*/cmdline"; then
		not_ok "$cve: a daemon started inside does not outlive entrun (host.processes.view)" \
			"a 'sleep 1000.$m' is still running"
		pkill -f "sleep 1000.$m"
	else
		is started "$OUT" "$cve: a daemon started inside does not outlive entrun (host.processes.view)"
	fi
}

# ---- 5. capabilities ------------------------------------------------------------------

# caps_are VALUE DESC: the last `probe caps` printed VALUE for all five sets.
caps_are() {
	local want set
	want=$(for set in CapInh CapPrm CapEff CapBnd CapAmb; do echo "caps: $set $1"; done)
	is "$want" "$OUT" "$2"
}

caps_checks() {
	local cve="CVE-2022-27650/CVE-2022-27649" tun=true
	# shellcheck disable=SC2054 # commas within setpriv's arguments
	local -a inh=(setpriv --inh-caps +net_raw,+sys_admin,+setuid --ambient-caps +net_raw,+sys_admin)
	tun_ok || tun=false
	sbx -- "$PROBE" caps
	caps_are "$ZERO" "$cve: the five capability sets are empty inside by default"
	if $tun; then
		sbx -e network.admin -- "$PROBE" caps
		caps_are "$NET_CAPS" "$cve: network.admin: each set is exactly the four NET_* capabilities"
	else
		skip_or_fail "this user cannot open /dev/net/tun (network.admin)" "$cve: network.admin"
	fi
	have_tools "$cve: a caller with inheritable capabilities" setpriv || return
	# As the user, the caller's capabilities come from a user namespace.
	[ "$(id -u)" -ne 0 ] && inh=(unshare -Ur "${inh[@]}")
	run "${inh[@]}" "$PROBE" caps
	if grep -q "CapInh $ZERO" <<<"$OUT" || grep -q "CapAmb $ZERO" <<<"$OUT"; then
		not_ok "control: the caller has inheritable and ambient capabilities"
	else
		ok "control: the caller has inheritable and ambient capabilities"
	fi
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "${inh[@]}" "$ENTRUN" $(tmp_grant) -- "$PROBE" caps
	caps_are "$ZERO" "$cve: a caller's inheritable and ambient capabilities do not reach the payload"
	if $tun; then
		run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "${inh[@]}" "$ENTRUN" $(tmp_grant) -e network.admin -- "$PROBE" caps
		caps_are "$NET_CAPS" "$cve: ... with network.admin: the NET_* ones and nothing more"
	fi
}

# ---- 6. symbolic links in host.fs.* paths ------------------------------------------

# race_class PATH: "prot" for the read-only file's path, "r" for the others.
race_class() { case $1 in */prot/x) echo prot ;; *) echo r ;; esac }

# mismatches: from the last run's "ROOT MOUNTPOINT" lines, those of a bind
# whose source (ROOT) and target are different files.
mismatches() {
	local root mp
	while read -r root mp; do
		[ -n "$mp" ] && [ "$(race_class "$root")" != "$(race_class "$mp")" ] && echo "$root -> $mp"
	done <<<"$OUT"
}

symlink_checks() {
	local S=$TEST_TMP/ln kind rel i n=0 refused=0 bad='' racer mine=true
	local cve=CVE-2025-31133
	[ "$(id -u)" -eq 0 ] && mine=false # root follows every link: it owns them all
	mkdir -p "$S/real" "$S/r/a" "$S/prot"
	echo data >"$S/real/f"
	ln -s /etc "$S/out"
	ln -s "$S/real" "$S/plink"
	# Relative, and climbing above / before coming down to $S/real.
	rel=$(printf '../%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)${S#/}/real
	ln -s "$rel" "$S/up"
	for kind in rw ro hide tmpfs; do
		refused "$cve: host.fs.$kind=LINK (a symlink to /etc) is refused" -e "host.fs.$kind=$S/out"
	done
	if $mine; then
		for kind in rw ro hide; do
			refused "$cve: host.fs.$kind=PLINK/f (PLINK a symlink of the caller's) is refused" \
				-e "host.fs.$kind=$S/plink/f"
		done
		refused "$cve: ... also when it climbs above / (host.fs.ro=UP/f)" -e "host.fs.ro=$S/up/f"
		like "$ERR" "refusing a path through $S/up, a symbolic link of the caller's" \
			"$cve: ... the message names the link"
	else
		expect "write: errno EROFS" "$cve: root: host.fs.ro=PLINK/f (a symlinked parent) makes the real file read-only" \
			-e "host.fs.ro=$S/plink/f" -- "$PROBE" write "$S/real/f"
		expect "read: ok 0" "$cve: root: host.fs.hide=PLINK/f hides the real file" \
			-e "host.fs.hide=$S/plink/f" -- "$PROBE" read "$S/real/f"
		expect "write: errno EROFS" "$cve: root: host.fs.ro=UP/f (a parent climbing above /) resolves inside the root" \
			-e "host.fs.ro=$S/up/f" -- "$PROBE" write "$S/real/f"
	fi
	is data "$(cat "$S/real/f")" "$cve: the real file is unchanged"
	# A link the caller cannot have made (merged /usr: /bin -> usr/bin) is
	# followed, inside the root.
	if [ -L /bin ] && [ "$(stat -c %u /bin)" = 0 ] && [ -e /usr/bin/cat ]; then
		# shellcheck disable=SC2016 # an awk program
		sbx -e host.fs.ro=/bin/cat -- awk '$5 == "/usr/bin/cat" {print $5, $6}' /proc/self/mountinfo
		like "$OUT" '^/usr/bin/cat ro[,$]' "control: host.fs.ro=/bin/cat (/bin a system link to usr/bin) binds /usr/bin/cat read-only"
	else
		skip "/bin is not a symbolic link of root's here" "control: a grant through a system link"
	fi

	# A parent swapped for a symlink while the sandbox is set up: r/a is a
	# directory holding x, r/b a symlink to prot, whose x is read-only
	# inside; a racer exchanges them.  A bind of prot/x on r/a/x (source
	# and target looked up at different moments) would make prot/x writable.
	echo public >"$S/r/a/x"
	echo protected >"$S/prot/x"
	ln -s "$S/prot" "$S/r/b"
	# shellcheck disable=SC2016 # expanded by the inner sh
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" unshare -Urm sh -c \
		'mount --bind "$1/prot/x" "$1/r/a/x" && awk -v t="$1" "index(\$5, t) == 1 {print \$4, \$5}" /proc/self/mountinfo' _ "$S"
	isnt "" "$(mismatches)" "control: a bind of prot/x onto r/a/x (plain unshare) is seen as a mismatch"
	"$PROBE" swap "$S/r/a" "$S/r/b" 3 >"$TEST_TMP/swap.out" 2>&1 &
	racer=$!
	track_bg "$racer"
	for ((i = 0; i < 60; i++)); do
		[ -z "$(proc_state "$racer")" ] || [ "$(proc_state "$racer")" = Z ] && break
		# shellcheck disable=SC2016 # expanded by the inner sh
		# Without sbx's grant of the scratch tree: prot/x is read-only only
		# by the default.
		SBX_BARE=1 sbx -e security.fs-read-only -e "host.fs.rw=$S/r/a/x" -- sh -c \
			'echo pwned 2>/dev/null >"$1/r/a/x"; echo pwned 2>/dev/null >"$1/r/b/x"
			awk -v t="$1" "index(\$5, t) == 1 {print \$4, \$5}" /proc/self/mountinfo' _ "$S"
		n=$((n + 1))
		[ "$RC" = 125 ] && refused=$((refused + 1))
		bad+=$(mismatches)
	done
	wait "$racer"
	like "$(cat "$TEST_TMP/swap.out")" '^swap: ok [1-9]' "control: the racer swapped r/a and r/b"
	diag "race: $n runs, $refused refused"
	is "" "$bad" "$cve: with a parent swapped for a symlink during setup, host.fs.rw never binds one file onto another"
	if $mine; then
		is protected "$(cat "$S/prot/x")" "$cve: ... and the read-only file the symlink leads to was never written"
	else
		skip "root follows its own links (see above)" "$cve: ... and the read-only file the symlink leads to was never written"
	fi
}

# ---- 7. staging directories ------------------------------------------------------------

# The host's /tmp, /var/tmp and /run/user are replaced by empty tmpfs
# mounts in a private mount namespace, so that the listings compare
# exactly: nothing else writes there.  The binaries come along through an
# fd opened before /tmp is covered.
# shellcheck disable=SC2016 # expanded by the inner bash
STAGE_SCRIPT='set -e
bindir=$1 nobody=$2
exec 9<"$bindir"
mount -t tmpfs entrun-test /tmp
mount -t tmpfs entrun-test /var/tmp
mkdir -p /run/user
mount -t tmpfs entrun-test /run/user
mkdir -m 0700 "/run/user/$(id -u)"
export XDG_RUNTIME_DIR=/run/user/$(id -u)
mkdir /tmp/.bin
mount --bind /proc/self/fd/9 /tmp/.bin
exec 9<&-
cd /  # the working directory may have been under a covered /tmp
# A sanitizer build logs its reports to stderr here: a log_path under the
# covered /tmp would be created anew and show up in the listings.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=stderr"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=stderr"
set +e
E=/tmp/.bin/entrun P=/tmp/.bin/probe
snap() { find /tmp /var/tmp /run/user -path /tmp/.bin -prune -o -printf "%p %U %G %m %y %l\n" | sort; }
compare() { if [ "$(snap)" = "$before" ]; then echo "$1 same"; else echo "$1 differs"; snap; fi; }
before=$(snap)
"$E" -e host.fs.ro=/tmp/.bin -- "$P" sleep 1 & pid=$!
sleep 0.5; compare during
wait $pid; echo "rc $?"; compare after
"$E" -e host.fs.rw=/tmp -- mkdir /tmp/entrun-control; compare control; rmdir /tmp/entrun-control
# What a local attacker could squat on: likely names, writable by all or
# leading elsewhere, owned by another user where we may chown.
for d in /tmp/.entrun /tmp/entrun /tmp/entrun-0 "/tmp/entrun-$(id -u)" /tmp/.entrun-$(id -u) \
	/tmp/newroot /tmp/oldroot /var/tmp/entrun "$XDG_RUNTIME_DIR/entrun" "$XDG_RUNTIME_DIR/.entrun"; do
	mkdir -m 0777 "$d"
	[ -n "$nobody" ] && chown "$nobody" "$d"
done
for l in /tmp/entrun-tmp /tmp/entrun.sock /tmp/null /tmp/empty "$XDG_RUNTIME_DIR/entrun-1"; do
	ln -s /etc "$l"
done
before=$(snap)
echo "id $(id -u) $(id -g)"
"$E" -e host.fs.ro=/tmp/.bin -- "$P" uid; echo "rc $?"; compare squatted'

staging_checks() {
	local cve=CVE-2019-12439 nobody='' line
	local -a ns=(unshare -m --propagation private)
	# As the user, a user namespace of its own, where it is uid 0.
	if [ "$(id -u)" -eq 0 ]; then nobody=nobody; else ns=(unshare -Urm --propagation private); fi
	mkdir -p "$TEST_TMP/stage"
	cp "$ENTRUN" "$TEST_TMP/stage/entrun"
	cp "$PROBE" "$TEST_TMP/stage/probe"
	run timeout -k 2 30 "${ns[@]}" bash -c "$STAGE_SCRIPT" _ "$TEST_TMP/stage" "$nobody"
	if [[ $OUT != *"during "* ]]; then
		skip_or_fail "the private /tmp could not be set up: $ERR" "$cve: staging directories"
		return
	fi
	has_line "$OUT" "control differs" "control: a directory the sandbox makes in /tmp shows up in the comparison"
	has_line "$OUT" "during same" "$cve: while a sandbox runs, nothing new is in /tmp, /var/tmp, /run/user, \$XDG_RUNTIME_DIR"
	has_line "$OUT" "after same" "$cve: ... nor after it ran"
	line=$(sed -n 's/^id /uid: ok /p' <<<"$OUT")
	has_line "$OUT" "${line:-uid: ok ?}" \
		"$cve: with likely names squatted (world-writable, another owner, symlinks to /etc) entrun runs as usual"
	line=$(grep -c '^rc 0$' <<<"$OUT")
	is 2 "$line" "$cve: ... exit status 0, as without them"
	has_line "$OUT" "squatted same" "$cve: ... and leaves the squatted names as they were (empty, same owner)"
}

# ---- 8. new mount API, clone3, namespaces ------------------------------------------------

FILTERED=(fsopen open-tree fspick fsconfig fsmount move-mount mount-setattr
	open-tree-badflags mount-setattr-badflags setns setns-badfd
	unshare-user unshare-ns unshare-net clone-newuser clone-newns clone-newnet clone-newpid)
# What a kernel answers without EPERM even to a caller without
# capabilities: there, EPERM can only be the filter's.
KERNEL_ANSWERS=(fsconfig open-tree-badflags mount-setattr-badflags setns-badfd
	unshare-user clone-newuser clone3)

# sh -c "$LOOP" _ PROBE TEST...: run each probe TEST in turn.
# shellcheck disable=SC2016 # expanded by the inner sh
LOOP='p=$1; shift; for t; do "$p" "$t"; done'

# none_eperm DESC: no line of the last run says EPERM (and there are lines).
none_eperm() {
	local bad
	bad=$(grep 'errno EPERM' <<<"$OUT")
	if [ -n "$OUT" ] && [ -z "$bad" ]; then ok "$1"; else not_ok "$1" "EPERM: $bad"; fi
}

syscall_checks() {
	local cve=CVE-2021-41133 t
	sbx -- sh -c "$LOOP" _ "$PROBE" "${FILTERED[@]}" clone3
	for t in "${FILTERED[@]}"; do
		has_line "$OUT" "$t: errno EPERM" "$cve: $t is denied with EPERM"
	done
	has_line "$OUT" "clone3: errno ENOSYS" "$cve: clone3 fails with ENOSYS (libc falls back on clone)"
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" unshare -Urmn sh -c "$LOOP" _ "$PROBE" "${FILTERED[@]}" clone3
	none_eperm "control: under plain unshare -Urmn (no filter), none of them is EPERM"
	run run_user sh -c "$LOOP" _ "$PROBE" "${KERNEL_ANSWERS[@]}"
	none_eperm "control: without capabilities or filter (on the host as $ENTRUN_TEST_USER), the kernel answers ${KERNEL_ANSWERS[*]} without EPERM"
	sbx -e security.admin -e host.fs.rw=/ -- sh -c "$LOOP" _ "$PROBE" "${FILTERED[@]}" clone3
	none_eperm "control: security.admin lets all of them through the filter"
}

# ---- 9. the sandbox's own profiles -------------------------------------------------------

profile_checks() {
	local cve=CVE-2019-12589 H=$TEST_TMP/home X=$TEST_TMP/xdg d m grant
	d=$X/entrun
	mkdir -p "$d" "$H/.config/entrun" "$TEST_TMP/ctl"
	printf '[sandbox]\nhostname = mine\n' >"$d/mine.ini"
	printf '[sandbox]\nhostname = mine\n' >"$H/.config/entrun/mine.ini"
	m=$(cat "$d/mine.ini")
	xs() { sbx_env "HOME=$H" "XDG_CONFIG_HOME=$X" -- "$@"; }
	xs -- "$PROBE" write "$d/planted.ini"
	is "write: errno EROFS" "$OUT" "$cve: \$XDG_CONFIG_HOME/entrun: a new profile cannot be written (EROFS)"
	xs -- "$PROBE" open-trunc "$d/mine.ini"
	is "open-trunc: errno EROFS" "$OUT" "$cve: an existing profile cannot be overwritten (EROFS)"
	xs -- "$PROBE" rename "$d/mine.ini" "$d/other.ini"
	is "rename: errno EROFS" "$OUT" "$cve: nor renamed (EROFS)"
	xs -- "$PROBE" write "$X/control"
	is "write: ok" "$OUT" "control: \$XDG_CONFIG_HOME itself is writable"
	xs -- "$PROBE" rename "$d" "$X/entrun.moved"
	like "$OUT" '^rename: errno (EBUSY|EROFS)$' "$cve: the profile directory cannot be moved aside"
	# shellcheck disable=SC2016 # expanded by the inner sh
	xs -- sh -c '"$1" rename "$2" "$2.moved"; mkdir -p "$2/entrun" 2>/dev/null
		echo "[sandbox]" 2>/dev/null >"$2/entrun/planted.ini"' _ "$PROBE" "$X"
	like "$OUT" '^rename: errno (EBUSY|EROFS)$' "$cve: nor its parent \$XDG_CONFIG_HOME (to put a new one in its place)"
	for grant in "host.fs.rw=$X" "host.fs.rw=$d"; do
		xs -e security.fs-read-only -e "$grant" -- "$PROBE" write "$d/planted.ini"
		is "write: errno EROFS" "$OUT" "$cve: security.fs-read-only + $grant: still read-only (EROFS)"
	done
	sbx_env -u XDG_CONFIG_HOME "HOME=$H" -- -e security.fs-read-only -e "host.fs.rw=$H" -- \
		"$PROBE" write "$H/.config/entrun/planted.ini"
	is "write: errno EROFS" "$OUT" "$cve: host.fs.rw=\$HOME: ~/.config/entrun is read-only (EROFS)"
	# security.admin holds CAP_SYS_ADMIN over the sandbox's own mounts.
	# shellcheck disable=SC2016 # expanded by the inner sh
	xs -e security.admin -- sh -c 'mount --bind "$3" "$3" && mount -o remount,bind,ro "$3" &&
		mount -o remount,bind,rw "$3" && "$1" write "$3/f" && mount -o remount,bind,ro "$3" &&
		"$1" clear-rdonly "$3" && "$1" write "$3/f"' _ "$PROBE" "$d" "$TEST_TMP/ctl"
	is "write: ok|clear-rdonly: ok|write: ok" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" \
		"control: security.admin can make a read-only bind of its own writable again (remount, mount_setattr)"
	# shellcheck disable=SC2016 # expanded by the inner sh
	xs -e security.admin -- sh -c 'mount -o remount,bind,rw "$2" 2>/dev/null
		"$1" clear-rdonly "$2"; umount -l "$2" 2>/dev/null; umount -l "$(dirname "$2")" 2>/dev/null
		"$1" write "$2/planted.ini"' _ "$PROBE" "$d"
	has_line "$OUT" "write: errno EROFS" \
		"$cve: security.admin: remount, mount_setattr and umount do not make the profile directory writable"
	like "$OUT" 'clear-rdonly: errno E' "$cve: security.admin: mount_setattr cannot clear its read-only flag"
	absent "$d/planted.ini" "$cve: no profile was planted in \$XDG_CONFIG_HOME/entrun"
	absent "$H/.config/entrun/planted.ini" "$cve: no profile was planted in ~/.config/entrun"
	is "$m" "$(cat "$d/mine.ini")" "$cve: the existing profile is unchanged"
	etc_checks
	# The built-in profiles are compiled into entrun: its binary is their file.
	sbx -- "$PROBE" open-trunc "$ENTRUN"
	like "$OUT" '^open-trunc: errno E' "$cve: the built-in profiles (in entrun's binary) cannot be written"
}

# /etc/entrun through an overlay on /etc in a private mount namespace (a
# user namespace of its own for the unprivileged pass), as profiles.sh does:
# the host's /etc is never touched.
etc_checks() {
	local up=$TEST_TMP/etc-up work=$TEST_TMP/etc-work cve=CVE-2019-12589
	local -a pre=(unshare -m --propagation private --)
	[ "$(id -u)" -eq 0 ] || pre=(unshare -Urm --)
	mkdir -p "$up/entrun" "$work"
	printf '[sandbox]\nhostname = etc\n' >"$up/entrun/etc.ini"
	# shellcheck disable=SC2016 # expanded by the inner sh
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "${pre[@]}" sh -c \
		'mount -t overlay entrun-test -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc || exit 99
		shift 2; "$@" write /etc/entrun-test-control; "$@" write /etc/entrun/planted.ini
		"$@" open-trunc /etc/entrun/etc.ini' \
		_ "$up" "$work" "$ENTRUN" $(tmp_grant) -e security.admin -e host.fs.rw=/etc -- "$PROBE"
	if [ "$RC" = 99 ]; then
		skip_or_fail "cannot mount an overlay on /etc here: $ERR" "$cve: /etc/entrun"
		return
	fi
	has_line "$OUT" "write: ok" "control: security.admin + host.fs.rw=/etc: /etc is writable"
	has_line "$OUT" "write: errno EROFS" "$cve: ... yet /etc/entrun is read-only (EROFS)"
	has_line "$OUT" "open-trunc: errno EROFS" "$cve: ... and its profiles cannot be overwritten"
	absent "$up/entrun/planted.ini" "$cve: no profile was planted in /etc/entrun"
}

checks() {
	tty_checks
	setuid_checks
	fd_checks
	binary_checks
	caps_checks
	symlink_checks
	staging_checks
	syscall_checks
	profile_checks
}

tap_main checks
