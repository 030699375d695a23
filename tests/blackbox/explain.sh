#!/bin/bash
# --explain shows the resolved profile without running anything; --json is
# deterministic (Invariant 5); --list names every entitlement.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

CATALOGUE=(
	network.none network.user network.proxy network.admin network.host
	network.publish network.host-loopback
	security.confined security.view security.admin security.memory-lock
	security.fs-read-only
	host.devices.none host.devices.view host.devices.admin
	host.processes.none host.processes.view host.processes.admin
	host.fs.rw host.fs.ro host.fs.hide host.fs.tmpfs
)
GRANTS=(network.host security.fs-read-only host.fs.ro=/usr host.fs.tmpfs=/mnt
	security.memory-lock host.processes.view)

# json_of NAME GRANT...: `--explain --json` with those grants, kept in
# $TEST_TMP/NAME.json.
json_of() {
	local name=$1 g
	local -a args=()
	shift
	for g in "$@"; do args+=(--ent "$g"); done
	sbx --explain --json "${args[@]}"
	cp "$TEST_TMP/.out" "$TEST_TMP/$name.json"
}

json_checks() {
	local -a rev=()
	local i
	for ((i = ${#GRANTS[@]} - 1; i >= 0; i--)); do rev+=("${GRANTS[i]}"); done
	json_of forward "${GRANTS[@]}"
	is 0 "$RC" "--explain --json exits 0"
	if have_tools "--explain --json is valid JSON" jq; then
		run jq -e . "$TEST_TMP/forward.json"
		is 0 "$RC" "--explain --json is valid JSON"
	fi
	json_of reverse "${rev[@]}"
	run cmp "$TEST_TMP/forward.json" "$TEST_TMP/reverse.json"
	is 0 "$RC" "--explain --json is byte-identical for grants in reverse order"
	json_of shuffled "${GRANTS[2]}" "${GRANTS[0]}" "${GRANTS[5]}" "${GRANTS[1]}" \
		"${GRANTS[4]}" "${GRANTS[3]}"
	run cmp "$TEST_TMP/forward.json" "$TEST_TMP/shuffled.json"
	is 0 "$RC" "--explain --json is byte-identical for grants in another order"
	json_of default
	run cmp -s "$TEST_TMP/forward.json" "$TEST_TMP/default.json"
	is 1 "$RC" "control: --explain --json differs with other grants"
}

text_checks() {
	local ran=$TEST_TMP/ran
	sbx --explain
	is 0 "$RC" "--explain exits 0"
	like "$OUT" 'network\.none' "--explain names the default network.none"
	expect_like 'network\.host' "--explain names a granted network.host" \
		--explain --ent network.host
	# shellcheck disable=SC2016 # expanded by the inner sh
	sbx --explain -- sh -c ': >"$1"' _ "$ran"
	is 0 "$RC" "--explain with a command exits 0"
	absent "$ran" "--explain does not run the command"
}

# Each name on a line of its own that also has a description.
list_checks() {
	local name line
	sbx --list
	is 0 "$RC" "--list exits 0"
	for name in "${CATALOGUE[@]}"; do
		line=$(grep -E "(^|[^a-z0-9.-])${name//./\\.}([^a-z0-9.-]|$)" <<<"$OUT" | head -n 1)
		line=${line/"$name"/}
		like "$line" '[a-z]{3,}.* [a-z]{3,}' "--list names $name with a description"
	done
}

checks() {
	json_checks
	text_checks
	list_checks
}

tap_main checks
