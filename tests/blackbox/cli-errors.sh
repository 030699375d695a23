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

# Invariant 2: a copy of entrun made setuid root, setgid root or given a
# file capability refuses to run for the test user.  Only root can make
# such a copy; it lives in a directory of its own, for a few seconds.
privileged_copy_checks() {
	local dir how
	[ "$(id -u)" -eq 0 ] && [ -z "${ENTRUN_TAP_SUBPASS:-}" ] || return 0
	dir=$(mktemp -d /tmp/entrun-privileged.XXXXXX) || return
	chmod 711 "$dir"
	for how in setuid setgid file-capability; do
		rm -f "$dir/entrun"
		cp "$ENTRUN" "$dir/entrun"
		case $how in
		setuid) chmod 4755 "$dir/entrun" ;;
		setgid) chmod 2755 "$dir/entrun" ;;
		file-capability)
			have_tools "a copy with a file capability refuses to run" setcap || continue
			setcap cap_net_raw+ep "$dir/entrun"
			;;
		esac
		# shellcheck disable=SC2016 # expanded by the inner sh
		run run_user timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$dir/entrun" -- \
			sh -c 'echo ran' _
		is 125 "$RC" "a $how copy run by $ENTRUN_TEST_USER exits 125"
		error_line "a $how copy: one line saying why" entrun:
		is "" "$OUT" "a $how copy does not run the command"
	done
	rm -rf "$dir"
}

checks() {
	local e
	# The message names the offending name and value (not necessarily
	# glued together again with '=').
	for e in "${BAD_ENTS[@]}"; do
		rejected "--ent '$e'" "${e%%=*} ${e#*=}" --ent "$e" --
	done
	# UTF-8's C1 CSI (U+009B) and a byte that is not UTF-8: refused, and
	# the one line names them escaped, never raw (a terminal would act).
	rejected "--ent with a C1 control in its value" 'host.fs.rw=/tmp/x\xc2\x9b2J 0xc2' \
		--ent $'host.fs.rw=/tmp/x\xc2\x9b2J' --
	if [[ $ERR == *$'\xc2\x9b'* ]]; then
		not_ok "... the C1 control never reaches stderr raw" "$(od -c <<<"$ERR" | head -4)"
	else
		ok "... the C1 control never reaches stderr raw"
	fi
	rejected "--ent with a Latin-1 byte in its value" 'host.fs.rw=/caf\xe9 0xe9' \
		--ent $'host.fs.rw=/caf\xe9' --
	rejected "--ent network.none --ent network.host (two levels)" \
		"network.none network.host" --ent network.none --ent network.host --
	rejected "unknown option --no-such-option" --no-such-option --no-such-option --
	rejected "--keep-fd abc" abc --keep-fd abc --
	rejected "--keep-fd -1" -1 --keep-fd -1 --
	rejected "--keep-fd of a closed fd" 55 --keep-fd 55 --
	rejected "--explain with a bad grant" bogus.thing --explain --ent bogus.thing --
	rejected "host.fs.ro of a missing path" "$TEST_TMP/missing" \
		--ent "host.fs.ro=$TEST_TMP/missing" --
	rejected "host.fs.rw of a missing path" "$TEST_TMP/missing" \
		--ent "host.fs.rw=$TEST_TMP/missing" --
	rejected "--env with an empty name" "=x" --env =x --
	rejected "-C to a missing directory" "$TEST_TMP/missing" -C "$TEST_TMP/missing" --
	rejected "--hostname without its argument" --hostname --hostname
	rejected "no command" "entrun:"
	privileged_copy_checks

	# Inside the default sandbox no namespace can be made: a nested entrun
	# cannot apply its restrictions, so it must not run its command.
	# (A copy in the scratch directory: the build tree may lie under the
	# private /tmp.)
	cp "$ENTRUN" "$TEST_TMP/entrun-nested"
	sbx --env "$NO_LSAN" -- "$TEST_TMP/entrun-nested" -- echo inner
	is 125 "$RC" "entrun nested in the default sandbox exits 125"
	is "" "$OUT" "entrun nested in the default sandbox does not run its command"

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
