#!/bin/bash
# The corpus of malformed profiles, tests/conf/bad/*.ini, through the real
# binary: each file's first line says "# expect: LINE: TEXT"; `entrun -p FILE`
# must exit 125 with one line "entrun: FILE:LINE: ..." containing TEXT, and
# the payload must not run.  The same holds when the file is found by its
# bare name in $XDG_CONFIG_HOME/entrun.  (tests/unit/test-conf checks the
# same corpus through the library.)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

BAD_DIR=$top_srcdir/tests/conf/bad
MIN_FILES=30

# parse_expect FILE: set EXP_LINE and EXP_TEXT from FILE's first line;
# fails when that line is not "# expect: LINE: TEXT".
parse_expect() {
	local first
	IFS= read -r first <"$1" || return 1
	[[ $first =~ ^#\ expect:\ ([0-9]+):\ (.+)$ ]] || return 1
	EXP_LINE=${BASH_REMATCH[1]}
	EXP_TEXT=${BASH_REMATCH[2]}
}

# by_path FILE NAME: -p with the file's absolute path.  Three checks.
by_path() {
	local f=$1 name=$2
	expect_error "$name by path" "entrun: $f:$EXP_LINE: " "$EXP_TEXT" -p "$f"
}

# by_name FILE NAME: the file copied to $XDG_CONFIG_HOME/entrun/bad.ini and
# found as -p bad.  One check.
by_name() {
	local f=$1 name=$2 xdg=$TEST_TMP/xdg
	# Not cp: under make distcheck the sources are read-only, and cp would
	# make bad.ini read-only too, so the next copy could not replace it.
	cat "$f" >"$xdg/entrun/bad.ini" || bail_out "cannot write $xdg/entrun/bad.ini"
	sbx_env "XDG_CONFIG_HOME=$xdg" -- -p bad -- sh -c 'echo ran'
	if [ "$RC" -eq 125 ] && [ -z "$OUT" ] && [[ $ERR != *$'\n'* ]] &&
		[[ $ERR == "entrun: $xdg/entrun/bad.ini:$EXP_LINE: "* ]] &&
		[[ $ERR == *"$EXP_TEXT"* ]]; then
		ok "$name by name from \$XDG_CONFIG_HOME/entrun: 125, one line naming bad.ini:$EXP_LINE, nothing ran"
	else
		not_ok "$name by name from \$XDG_CONFIG_HOME/entrun: 125, one line naming bad.ini:$EXP_LINE, nothing ran" \
			"expected exit 125, no stdout, one line 'entrun: $xdg/entrun/bad.ini:$EXP_LINE: ...$EXP_TEXT...'"
	fi
}

checks() {
	local -a files=("$BAD_DIR"/*.ini)
	local f name
	mkdir -p "$TEST_TMP/xdg/entrun"
	if [ "${#files[@]}" -ge "$MIN_FILES" ] && [ -e "${files[0]}" ]; then
		ok "the corpus holds at least $MIN_FILES files (${#files[@]})"
	else
		not_ok "the corpus holds at least $MIN_FILES files" "found: ${files[*]}"
	fi
	# Control: a good profile by path runs its payload.
	printf '[sandbox]\nhostname = good\n' >"$TEST_TMP/good.ini"
	expect "ran" "control: a valid profile by path runs the payload" \
		-p "$TEST_TMP/good.ini" -- sh -c 'echo ran'
	for f in "${files[@]}"; do
		[ -e "$f" ] || continue
		name=$(basename "$f")
		if ! parse_expect "$f"; then
			not_ok "$name starts with '# expect: LINE: TEXT'" "first line: $(head -n 1 "$f")"
			continue
		fi
		by_path "$f" "$name"
		by_name "$f" "$name"
	done
}

tap_main checks
