#!/bin/bash
# The same grants through an OCI runtime: `entrun oci export` writes a
# bundle that runc runs (rootless in the unprivileged pass), checked from
# inside with the probe; every exported config validates against the OCI
# schema; `entrun oci apply` tightens a `runc spec --rootless` config and
# changes only what its grants say; `entrun seccomp export|import` round
# trip, and Podman's default profile imports.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

SCHEMA=/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema
PODMAN_SECCOMP=/usr/share/containers/seccomp.json
VALIDATE=$top_srcdir/tests/oci/validate.py

# valid CONFIG DESC: CONFIG validates against the packaged OCI schema.
valid() {
	if ! have_tools "$2" python3 || [ ! -f "$SCHEMA/config-schema.json" ]; then
		skip_or_fail "no OCI schema at $SCHEMA (golang-github-opencontainers-specs-dev)" "$2"
		return
	fi
	run python3 "$VALIDATE" "$SCHEMA" "$1"
	is 0 "$RC" "$2"
}

# export NAME GRANT-ARGS... -- CMD...: a bundle in $TEST_TMP/NAME; its
# config checked against the OCI schema when the export succeeds.
export_bundle() {
	local name=$1 rc out err
	shift
	run "$ENTRUN" oci export "$TEST_TMP/$name" -q --no-project "$@"
	rc=$RC out=$OUT err=$ERR
	[ "$rc" -eq 0 ] && valid "$TEST_TMP/$name/config.json" "the config exported for $name validates against the OCI schema"
	RC=$rc OUT=$out ERR=$err
}

# What the probe reports for each of these under entrun and under runc
# must be the same, level by level.  Not the uid tests: a rootless bundle
# runs as the root of its user namespace (a runtime needs it mapped),
# where entrun keeps the caller's uid.
PROBES=(caps status mount unshare-net unshare-user clone-newuser keyctl bpf perf ptrace-traceme
	personality-noaslr tiocsti tiocsti-highbit tioclinux io-uring userfaultfd kexec reboot
	open-by-handle-at)
LEVELS=(security.confined security.view security.admin network.none network.host network.admin
	host.processes.none host.devices.none debug.ptrace debug.perf security.fs-read-only)

# level_checks: each catalogue level with an OCI form, exported and run by
# runc, reports from inside what the same level reports under entrun;
# each without one is refused, named.
level_checks() {
	local level t b cmd
	cmd=''
	for t in "${PROBES[@]}"; do cmd+="\"\$1\" $t; "; done
	for level in "${LEVELS[@]}" host.processes.view host.devices.view security.memory-lock; do
		b=level-${level//./-}
		export_bundle "$b" -e "$level" -- sh -c "$cmd" _ "$PROBE"
		if [ "$RC" -ne 0 ]; then
			is 125 "$RC" "$level: oci export exits 125 when it refuses"
			like "$ERR" "no OCI form|has no OCI form" "$level: ... and says what has no OCI form"
			continue
		fi
		sbx --no-project -e "$level" -- sh -c "$cmd" _ "$PROBE"
		local want=$OUT
		in_runc "$b"
		is "$OUT" "$want" "$level: runc reports from inside what entrun does (capabilities, no_new_privs, seccomp, ${#PROBES[@]} probes)"
	done
}

# in_runc NAME: run the bundle $TEST_TMP/NAME with runc, output in OUT.
in_runc() {
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" runc --root "$TEST_TMP/runc-state" run \
		-b "$TEST_TMP/$1" "entrun-test-$1-$$"
}

export_checks() {
	local b
	if ! have_tools "oci export checks" runc; then return; fi
	mkdir -p "$TEST_TMP/rw" "$TEST_TMP/secret"
	echo hidden >"$TEST_TMP/secret/key"

	b=confined
	export_bundle $b -- sh -c "\"\$1\" caps; \"\$1\" status" _ "$PROBE"
	is 0 "$RC" "oci export of the defaults exits 0"
	valid "$TEST_TMP/$b/config.json" "the exported config of the defaults validates against the OCI schema"
	in_runc $b
	has_line "$OUT" "caps: CapEff 0000000000000000" "runc: no effective capability"
	has_line "$OUT" "caps: CapBnd 0000000000000000" "runc: no bounding capability"
	has_line "$OUT" "status: NoNewPrivs 1" "runc: no_new_privs"
	has_line "$OUT" "status: Seccomp 2" "runc: a seccomp filter"

	b=tiocsti
	export_bundle $b -- "$PROBE" tiocsti
	in_runc $b
	is "tiocsti: errno EPERM" "$OUT" "runc: TIOCSTI fails with EPERM, as under entrun (not ENOTTY)"
	b=tiocsti-hb
	export_bundle $b -- "$PROBE" tiocsti-highbit
	in_runc $b
	is "tiocsti-highbit: errno EPERM" "$OUT" "runc: TIOCSTI with bit 32 set fails with EPERM"
	b=unshare
	export_bundle $b -- "$PROBE" unshare-net
	in_runc $b
	is "unshare-net: errno EPERM" "$OUT" "runc: unshare(CLONE_NEWNET) fails with EPERM, as under entrun"
	b=mount
	export_bundle $b -- "$PROBE" mount
	in_runc $b
	sbx -- "$PROBE" mount
	is "$OUT" "$(in_runc $b; echo "$OUT")" "runc: mount fails as under entrun"

	b=net
	# shellcheck disable=SC2016 # expanded by the inner sh
	export_bundle $b -e network.none -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	in_runc $b
	is "lo" "$OUT" "runc: network.none leaves only lo"

	b=pid
	# shellcheck disable=SC2016 # expanded by the inner sh
	export_bundle $b -- sh -c 'echo $$; cat /proc/1/comm'
	in_runc $b
	is "1
sh" "$OUT" "runc: a private PID namespace (the command is its pid 1)"

	b=fs
	export_bundle $b -e host.fs.rw="$TEST_TMP/rw" -e host.fs.hide="$TEST_TMP/secret" \
		-- sh -c "\"$PROBE\" write $TEST_TMP/rw/f; \"$PROBE\" write /usr/entrun-oci-x; ls -A $TEST_TMP/secret | wc -l"
	valid "$TEST_TMP/$b/config.json" "the exported config with fs grants validates against the OCI schema"
	in_runc $b
	is "write: ok
write: errno EROFS
0" "$OUT" "runc: the rw grant is writable, the root read-only, the hidden directory empty"
	absent "/usr/entrun-oci-x" "runc: nothing was written to the host's /usr"

	# A mount below a read-only grant is read-only too ("rro"): runc makes
	# only the top of an rbind "ro".  Root only: it mounts a tmpfs.
	if [ "$PASS" = root ]; then
		mkdir -p "$TEST_TMP/ro/sub"
		if mount -t tmpfs -o size=1m entrun-oci-test "$TEST_TMP/ro/sub"; then
			export_bundle rro -e host.fs.ro="$TEST_TMP/ro" -- "$PROBE" write "$TEST_TMP/ro/sub/f"
			in_runc rro
			is "write: errno EROFS" "$OUT" "runc: a mount below a host.fs.ro grant is read-only too"
			umount "$TEST_TMP/ro/sub"
		else
			not_ok "a tmpfs can be mounted for the rro check"
		fi
	fi
	run "$ENTRUN" oci export "$TEST_TMP/msg" --no-project -- true
	like "$ERR" "host sockets are masked as they are now" "oci export says sockets made later are not masked"

	for g in network.user resources.timeout=5 host.clipboard api.access=ssh-agent:allow; do
		export_bundle refused -e "$g" -- true
		is 125 "$RC" "oci export refuses $g (no OCI form)"
		like "$ERR" "^entrun: oci export: ${g%%[=:]*}.* has no OCI form" "... and names it"
	done
}

apply_checks() {
	local d=$TEST_TMP/apply
	if ! have_tools "oci apply checks" runc python3; then return; fi
	mkdir -p "$d"
	(cd "$d" && runc spec --rootless) || { not_ok "runc spec --rootless works"; return; }
	run "$ENTRUN" oci apply "$d/config.json"
	is 0 "$RC" "oci apply with no grant exits 0"
	"$ENTRUN" oci apply "$d/config.json" >"$d/same.json"
	run python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])) else 1)' \
		"$d/config.json" "$d/same.json"
	is 0 "$RC" "oci apply with no grant writes the same JSON value back"
	run "$ENTRUN" oci apply "$d/config.json" -e network.none -e security.fs-read-only -o "$d/tight.json"
	is 0 "$RC" "oci apply -e network.none -e security.fs-read-only exits 0"
	valid "$d/tight.json" "the applied config validates against the OCI schema"
	# shellcheck disable=SC2016 # a python program
	run python3 -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
net = {"type": "network"}
ok = net not in a["linux"]["namespaces"] and net in b["linux"]["namespaces"]
b["linux"]["namespaces"].remove(net)
ok = ok and a == b
sys.exit(0 if ok else 1)' "$d/config.json" "$d/tight.json"
	is 0 "$RC" "oci apply adds a network namespace and changes nothing else"
	cp "$d/config.json" "$d/inplace.json"
	run "$ENTRUN" oci apply "$d/inplace.json" --in-place -e network.none
	is 0 "$RC" "oci apply --in-place exits 0"
	run grep -c '"network"' "$d/inplace.json"
	is 1 "$OUT" "oci apply --in-place wrote the change into the file"
	chmod 600 "$d/inplace.json"
	"$ENTRUN" oci apply "$d/inplace.json" --in-place -e security.fs-read-only
	run stat -c %a "$d/inplace.json"
	is 600 "$OUT" "oci apply --in-place keeps the config's permissions (process.env may hold secrets)"
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c.setdefault("linux",{}).setdefault("resources",{})["pids"]={"limit":20}; json.dump(c,open(sys.argv[2],"w"))' \
		"$d/config.json" "$d/pids.json"
	run "$ENTRUN" oci apply "$d/pids.json" -e resources.pids=100
	is 125 "$RC" "oci apply refuses to raise the config's pids limit"
	like "$ERR" "resources.pids 100 would loosen the config's 20" "... and says so"
	run "$ENTRUN" oci apply "$d/pids.json" -e resources.pids=10
	is 0 "$RC" "oci apply lowers it"
	run "$ENTRUN" oci apply "$d/missing.json" -e network.none
	is 125 "$RC" "oci apply of a missing file exits 125"
	echo '{"process": {"capabilities": {"bounding": ["CAP_FOO"]}}}' >"$d/bad.json"
	run "$ENTRUN" oci apply "$d/bad.json"
	is 125 "$RC" "oci apply of a bad config exits 125"
	like "$ERR" 'process\.capabilities\.bounding\[0\]: unknown capability "CAP_FOO"' \
		"... naming the JSON path"
}

seccomp_checks() {
	local d=$TEST_TMP/sc
	mkdir -p "$d"
	run "$ENTRUN" seccomp export --no-project
	is 0 "$RC" "seccomp export exits 0"
	printf '%s\n' "$OUT" >"$d/entrun.json"
	like "$OUT" '"defaultAction": "SCMP_ACT_ERRNO"' "seccomp export writes a Docker-format profile"
	run "$ENTRUN" seccomp import "$d/entrun.json"
	is 0 "$RC" "the exported profile imports"
	printf '%s\n' "$OUT" >"$d/once.txt"
	run "$ENTRUN" seccomp export --no-project -e network.admin
	printf '%s\n' "$OUT" >"$d/admin.json"
	run cmp -s "$d/entrun.json" "$d/admin.json"
	is 1 "$RC" "control: network.admin exports another profile"
	if [ -f "$PODMAN_SECCOMP" ]; then
		run "$ENTRUN" seccomp import "$PODMAN_SECCOMP"
		is 0 "$RC" "Podman's default seccomp profile imports"
		like "$OUT" 'ERRNO|errno' "... and its rules are shown"
		printf '[entitlement tools.podman-seccomp]\nseccomp = %s\n' "$PODMAN_SECCOMP" >"$d/podman.ini"
		expect "keyctl: errno EPERM" "control: entrun's own policy denies keyctl" \
			--no-project -- "$PROBE" keyctl
		expect "keyctl: ok" "a command runs under Podman's profile (INI seccomp =): keyctl allowed" \
			--no-project -p "$d/podman.ini" -e tools.podman-seccomp -- "$PROBE" keyctl
		expect "io-uring: errno ENOSYS" "... and what it denies fails with its defaultErrnoRet (ENOSYS)" \
			--no-project -p "$d/podman.ini" -e tools.podman-seccomp -- "$PROBE" io-uring
		expect "tiocsti: errno EPERM" "... while entrun's own deny rules stay (TIOCSTI)" \
			--no-project -p "$d/podman.ini" -e tools.podman-seccomp -- "$PROBE" tiocsti
	else
		skip_or_fail "no $PODMAN_SECCOMP (golang-github-containers-common)" \
			"Podman's default seccomp profile imports"
	fi
	echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_FOO"}]}' >"$d/bad.json"
	run "$ENTRUN" seccomp import "$d/bad.json"
	is 125 "$RC" "seccomp import of an unknown action exits 125"
	like "$ERR" 'syscalls\[0\]\.action' "... naming the JSON path"
	printf '[entitlement tools.bad-seccomp]\nseccomp = %s\n' "$d/bad.json" >"$d/badref.ini"
	sbx --no-project -p "$d/badref.ini" -e tools.bad-seccomp -- true
	is 125 "$RC" "an INI seccomp = with a bad profile exits 125"
	like "$ERR" "badref\.ini:1: seccomp = .*bad\.json.*syscalls\[0\]\.action" "... naming the INI line, the file and the JSON path"
	printf '[entitlement tools.rel-seccomp]\nseccomp = rel.json\n' >"$d/rel.ini"
	sbx --no-project -p "$d/rel.ini" -e tools.rel-seccomp -- true
	is 125 "$RC" "an INI seccomp = with a relative path exits 125"
}

checks() {
	if have_tools "OCI level checks" runc; then level_checks; fi
	export_checks
	apply_checks
	seccomp_checks
}

tap_main checks
