#!/bin/bash
# Invariant 1, fail closed: every malformed grant or option is an error --
# exit 125, one line `entrun: ...` on stderr naming the offending text --
# and the command does not run.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

BAD_ENTS=(
	NETWORK.none network..none network. .none network.no_ne network.none=1
	host.fs.rw host.fs.rw= bogus.thing network.proxy host.fs.hide=/
)

# error_line DESC TEXT...: ERR is one line starting "entrun: " that
# contains every TEXT.
error_line() {
	local desc=$1 t
	shift
	if [ "$(grep -c '' <<<"$ERR")" -ne 1 ] || [[ $ERR != "entrun: "* ]]; then
		not_ok "$desc" "expected one line 'entrun: ...' on stderr"
		return
	fi
	for t in "$@"; do
		if [[ $ERR != *"$t"* ]]; then
			not_ok "$desc" "the message does not name '$t'"
			return
		fi
	done
	ok "$desc"
}

# rejected DESC TEXTS ENTRUN-ARGS...: entrun exits 125 with one line naming
# each word of TEXTS.  When ENTRUN-ARGS end with --, a payload that leaves a
# file behind follows, and it must not run.
rejected() {
	local desc=$1 texts=$2 ran=$TEST_TMP/ran
	shift 2
	rm -f "$ran"
	if [ "${!#}" = -- ]; then
		# shellcheck disable=SC2016 # expanded by the inner sh
		sbx "$@" sh -c ': >"$1"' _ "$ran"
	else
		sbx "$@"
	fi
	is 125 "$RC" "$desc: exit 125"
	# shellcheck disable=SC2086 # one text a word
	error_line "$desc: one line naming it" $texts
	if [ "${!#}" = -- ]; then absent "$ran" "$desc: the command does not run"; fi
}

checks() {
	local e
	# The message names the offending name and value (not necessarily
	# glued together again with '=').
	for e in "${BAD_ENTS[@]}"; do
		rejected "--ent '$e'" "${e%%=*} ${e#*=}" --ent "$e" --
	done
	rejected "--ent network.none --ent network.host (two levels)" \
		"network.none network.host" --ent network.none --ent network.host --
	rejected "unknown option --no-such-option" --no-such-option --no-such-option --
	rejected "--keep-fd abc" abc --keep-fd abc --
	rejected "--keep-fd -1" -1 --keep-fd -1 --
	rejected "--env without =" NOEQUALS --env NOEQUALS --
	rejected "-C to a missing directory" "$TEST_TMP/missing" -C "$TEST_TMP/missing" --
	rejected "--hostname without its argument" --hostname --hostname
	rejected "no command" "entrun:"

	sbx -h
	is 0 "$RC" "-h exits 0"
	like "$OUT" '[Uu]sage' "-h prints a usage on stdout"
	sbx --help
	is 0 "$RC" "--help exits 0"
	sbx -V
	is 0 "$RC" "-V exits 0"
	like "$OUT" '[0-9]+\.[0-9]+' "-V prints a version"
	expect_like '[0-9]+\.[0-9]+' "--version prints a version" --version
}

tap_main checks
