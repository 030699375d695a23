#!/bin/bash
# The options that shape the payload's surroundings: -C, --env, --unsetenv,
# --clearenv, --hostname, -e, -v, -q; options stop at the first non-option.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# shellcheck disable=SC2016 # expanded by the inner sh
SHOW_VAR='echo "${ENTRUN_TEST_VAR-unset}"'

checks() {
	expect box "--hostname box: hostname prints box" --hostname box -- hostname
	expect "hostname: ok box" "--hostname box: uname(2) says box" \
		--hostname box -- "$PROBE" hostname
	expect /usr "-C /usr: the payload starts in /usr" -C /usr -- pwd
	expect /usr "--chdir /usr: the payload starts in /usr" --chdir /usr -- pwd
	cd "$TEST_TMP" || return
	expect "$TEST_TMP" "without -C the payload starts in the caller's directory" -- pwd
	cd / || return

	export ENTRUN_TEST_VAR=from-caller
	expect from-caller "the caller's environment reaches the payload" \
		-- sh -c "$SHOW_VAR"
	expect unset "--unsetenv removes a variable" \
		--unsetenv ENTRUN_TEST_VAR -- sh -c "$SHOW_VAR"
	expect unset "--clearenv removes the caller's variables" \
		--clearenv -- /bin/sh -c "$SHOW_VAR"
	expect a=b "--env sets a variable (the value may hold '=')" \
		--env ENTRUN_TEST_VAR=a=b -- sh -c "$SHOW_VAR"
	expect set "--clearenv then --env sets the variable" \
		--clearenv --env ENTRUN_TEST_VAR=set -- /bin/sh -c "$SHOW_VAR"
	unset ENTRUN_TEST_VAR

	# shellcheck disable=SC2016 # expanded by the inner sh
	expect "--ent network.host -V" "options stop at the first non-option" \
		sh -c 'echo "$@"' _ --ent network.host -V
	cd "$TEST_TMP" || return
	SBX_BARE=1 sbx -e security.fs-read-only -- "$PROBE" write "$TEST_TMP/f"
	cd "$OLDPWD" || return
	is "write: errno EROFS" "$OUT" "-e is --ent"
	sbx -- sh -c 'echo to-stdout; echo to-stderr >&2'
	is to-stdout "$OUT" "the payload's stdout reaches the caller's"
	is to-stderr "$ERR" "the payload's stderr reaches the caller's"
	run sh -c 'echo to-stdin | exec "$@"' _ timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" $(tmp_grant) -- cat
	is to-stdin "$OUT" "the caller's stdin reaches the payload"
	expect "a b||c|" "arguments reach the payload unchanged (spaces, empty)" \
		-- printf '%s|' "a b" "" c

	expect_rc 0 "-v is accepted" -v -- true
	sbx -q -- true
	is 0 "$RC" "-q is accepted"
	is "" "$ERR" "-q: nothing on stderr"
}

tap_main checks
