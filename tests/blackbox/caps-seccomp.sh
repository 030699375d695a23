#!/bin/bash
# security.confined, the default: no capabilities in any of the five sets,
# no_new_privs, a seccomp filter, and the caller's own uid.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

ZERO=0000000000000000

checks() {
	local set caps_default

	sbx -- "$PROBE" caps
	caps_default=$OUT
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		has_line "$caps_default" "caps: $set $ZERO" "$set is empty by default"
	done
	expect "$caps_default" "--ent security.confined gives the same sets as the default" \
		--ent security.confined -- "$PROBE" caps

	sbx -- "$PROBE" status
	has_line "$OUT" "status: NoNewPrivs 1" "no_new_privs is set"
	has_line "$OUT" "status: Seccomp 2" "a seccomp filter is loaded (mode 2)"
	has_line "$("$PROBE" status)" "status: Seccomp 0" "control: no filter on the host"

	expect "uid: ok $(id -u) $(id -g)" "uid and gid inside are the caller's" \
		-- "$PROBE" uid
	# EINVAL where uid 0 has no mapping in the sandbox's user namespace.
	if [ "$(id -u)" -ne 0 ]; then
		expect_like '^setuid-0: errno (EPERM|EINVAL)$' "setuid(0) is refused" \
			-- "$PROBE" setuid-0
	fi

	# Capabilities are gone for good: not even a setuid-root file could
	# bring them back under no_new_privs, and exec does not restore them.
	expect "caps: CapEff $ZERO" "a payload's child has no effective capabilities" \
		-- sh -c "\"\$1\" caps | grep CapEff" _ "$PROBE"
	expect "status: Seccomp 2" "the filter is inherited across fork and exec" \
		-- sh -c "\"\$1\" status | grep Seccomp" _ "$PROBE"
}

tap_main checks
