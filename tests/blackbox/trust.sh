#!/bin/bash
# Trusted project profiles: the .entrun.ini of the working directory (or of
# -C's, or the nearest parent, up to /) applies, but only once approved;
# what an approval covers, what a change may do without asking, and what a
# hostile sandbox cannot do about it.
#  - discovery: up to /, a .git on the way included, -C DIR, --no-project,
#    a file of another user skipped, relative paths anchored at the
#    project's directory, -p naming the project file loaded once, the
#    precedence project < -p < --ent;
#  - approval: without a terminal (setsid -w) 125 with the list of grants
#    and the command that approves; at a terminal (script(1)'s pty, the
#    answer typed in) the question, y/yes approve, anything else 125;
#    `entrun trust [DIR]`, `trust --list`, `trust --revoke`; the store in
#    $XDG_DATA_HOME/entrun/trust, else ~/.local/share/entrun/trust;
#  - changes: comments and spacing run, narrowings run and are recorded,
#    every kind of widening refuses with a diff (dropping ro, tmpfs,
#    overlay, moving to network.proxy, defining a custom entitlement
#    included: the attack review's findings);
#  - attacks (THREATS.md class 1, persistence): the sandbox writes, renames
#    and replaces the trust store and the approved profile, with the grants
#    a user would give; plants a profile where the next run looks, a .git
#    below the project (to end the search before its profile), or a symlink
#    to another project's approved profile; removes an approved profile
#    beyond the tree's protected ones; a FIFO for a profile; a trust store
#    reached through a symlink of the caller's;
#  - publisher signatures (trust --key): signed versions run, bad or missing
#    signatures refuse, an unpinned project's .sig is ignored;
#  - the terminal (class 3): control characters of a path or description
#    are escaped wherever entrun prints them.
#
# Every run gets HOME, XDG_DATA_HOME and XDG_CONFIG_HOME inside the pass's
# own tree, under /var/tmp (the sandbox's /tmp is private); the projects are
# git repositories there.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

if [ -d /var/tmp ] && [ -w /var/tmp ]; then export TMPDIR=/var/tmp; fi
# What is writable is the point here: no grant of the scratch tree.
export SBX_BARE=1

V='' H='' D='' C='' K='' PR='' P='' Z=''
TENV=()
# The projects' profiles, written with printf '%b'.
P_TEXT='; the project profile\n[sandbox]\nhostname = proj-p\n[filesystem]\nrw = build\nhide = secrets\n'
Z_TEXT='; approved\n[sandbox]\nentitlements = network.none security.confined tools.x\n[filesystem]\nrw = build\nhide = secrets\n[resources]\npids = 100\n[entitlement tools.x]\ndescription = the tool\nro = shared\n'

# ---- helpers ------------------------------------------------------------------------

# tsbx ENTRUN-ARGS...: entrun with the pass's environment ($TENV), with no
# controlling terminal (setsid -w: entrun cannot ask), bounded.
tsbx() { run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" setsid -w env "${TENV[@]}" "$ENTRUN" "$@"; }

# ttyrun ANSWER ENTRUN-ARGS...: entrun at a terminal (script(1)'s pty),
# ANSWER and Enter typed into it once the question is on the screen
# (entrun drops what was typed before it asks); OUT is what the terminal
# showed (CRs removed), RC entrun's exit status.
ttyrun() {
	local answer=$1 cmd fifo=$TEST_TMP/.tty-in pid w i
	shift
	cmd=$(printf '%q ' env "${TENV[@]}" "$ENTRUN" "$@")
	rm -f "$fifo" "$TEST_TMP/.out"
	mkfifo "$fifo"
	timeout -k 2 "$ENTRUN_TEST_TIMEOUT" script -qec "$cmd" /dev/null <"$fifo" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err" &
	pid=$!
	track_bg "$pid"
	# Read-write: the open never blocks, whatever became of script.
	exec {w}<>"$fifo"
	for ((i = 0; i < 50; i++)); do
		grep -qF '[y/N] ' "$TEST_TMP/.out" 2>/dev/null && break
		case $(proc_state "$pid") in '' | Z) break ;; esac
		sleep 0.1
	done
	# A subshell: when entrun is gone, SIGPIPE ends it, not this script.
	(printf '%s\n' "$answer" >&"$w") 2>/dev/null
	wait_bounded "$pid" $((ENTRUN_TEST_TIMEOUT + 3))
	RC=$?
	exec {w}>&-
	OUT=$(tr -d '\r' <"$TEST_TMP/.out")
	ERR=$(cat "$TEST_TMP/.err")
	RUN_DIAG=("at a terminal, typed '$answer':$cmd" "exit status: $RC" "terminal: $OUT" "stderr: $ERR")
}

# ttyearly ANSWER ENTRUN-ARGS...: ANSWER typed at the terminal before
# entrun even starts (type-ahead), then the end of input.
ttyearly() {
	local answer=$1 cmd
	shift
	cmd=$(printf '%q ' env "${TENV[@]}" "$ENTRUN" "$@")
	printf '%s\n' "$answer" | timeout -k 2 "$ENTRUN_TEST_TIMEOUT" script -qec "sleep 1; $cmd" /dev/null \
		>"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	RC=$?
	OUT=$(tr -d '\r' <"$TEST_TMP/.out")
	ERR=$(cat "$TEST_TMP/.err")
	RUN_DIAG=("typed '$answer' before entrun started:$cmd" "exit status: $RC" "terminal: $OUT" "stderr: $ERR")
}

hgit() { env "HOME=$H" GIT_CONFIG_NOSYSTEM=1 git "$@"; }

# repo DIR: a new git work tree (a repository root for the search).
repo() { mkdir -p "$1" && hgit -C "$1" init -q; }

# put DIR TEXT: DIR/.entrun.ini holds TEXT (printf %b).
put() { printf '%b' "$2" >"$1/.entrun.ini"; }

# contains HAYSTACK NEEDLE DESC: NEEDLE (literal) is in HAYSTACK.
contains() {
	if [[ $1 == *"$2"* ]]; then ok "$3"; else
		not_ok "$3" "expected to contain: '$2'" "                got: '$1'"
	fi
}

# no_raw_controls TEXT DESC [NEEDLE]: TEXT holds no raw ESC nor BEL, and
# names the ESC as NEEDLE (default \x1b).
no_raw_controls() {
	local needle=${3:-'\x1b'}
	if [[ $1 == *$'\e'* || $1 == *$'\a'* ]]; then
		not_ok "$2" "a raw ESC or BEL reached the output:" "$(cat -A <<<"$1")"
	elif [[ $1 != *"$needle"* ]]; then
		not_ok "$2" "no '$needle' in: '$1'"
	else
		ok "$2"
	fi
}

# diff_line TEXT SIGN ITEM [LINE]: TEXT has a line "  SIGN ITEM..." (ending
# in "[$Z/.entrun.ini:LINE]" when LINE is given); a * in ITEM stands for
# any text.
diff_line() {
	local l pat=$3
	pat=${pat//\\/\\\\} pat=${pat//\[/\\[} pat=${pat//\]/\\]} pat=${pat//\?/\\?}
	while IFS= read -r l; do
		# shellcheck disable=SC2053 # a pattern on purpose
		[[ $l == "  $2 "$pat* ]] || continue
		[ -z "${4:-}" ] || [[ $l == *"[$Z/.entrun.ini:$4]" ]] || continue
		return 0
	done <<<"$1"
	return 1
}

# refused DESC: the last run exited 125 without running its command.
refused() { is "125|" "$RC|$OUT" "$1"; }

# ---- the tree -------------------------------------------------------------------------

setup_tree() {
	V=$TEST_TMP H=$V/home D=$V/data C=$V/config K=$V/keys PR=$PROBE
	P=$V/proj Z=$V/z
	TENV=("HOME=$H" "XDG_DATA_HOME=$D" "XDG_CONFIG_HOME=$C")
	mkdir -p "$H" "$D" "$C" "$K"
	repo "$P"
	mkdir -p "$P/src/secrets" "$P/build" "$P/secrets"
	echo top-secret >"$P/secrets/key"
	echo src-secret >"$P/src/secrets/key"
	put "$P" "$P_TEXT"
	repo "$V/noproj"
}

# ---- discovery and approval without a terminal ---------------------------------------

discovery_checks() {
	local rec
	cd "$P/src" || return
	tsbx -- "$PR" hostname
	refused "unapproved project profile, no terminal: exit 125 and the command did not run"
	contains "$ERR" "entrun: the project profile $P/.entrun.ini is not approved yet; it asks for:" \
		"the refusal names the project profile found above the working directory (\$P/src)"
	has_line "$ERR" "  + host.fs.rw=$P/build: bind PATH writable [$P/.entrun.ini:5]" \
		"the refusal lists each grant with its [FILE:LINE]; rw = build is the project's build/, not the working directory's"
	has_line "$ERR" "  + hostname proj-p: hostname inside [$P/.entrun.ini:3]" \
		"the refusal lists the settings too (hostname proj-p)"
	is "entrun: not approved: to approve it, run: entrun trust $P (or ignore it with --no-project)" \
		"$(tail -n 1 <<<"$ERR")" "the refusal ends with the command that approves it"

	tsbx --no-project -- cat "$P/secrets/key"
	is "0|top-secret" "$RC|$OUT" "--no-project: the command runs without the project profile (its hide does not apply)"

	tsbx --explain
	is 0 "$RC" "--explain with an unapproved project profile: exit 0"
	has_grant "$OUT" "host.fs.rw=$P/build" "$P/.entrun.ini:5" \
		"--explain shows the project's grant host.fs.rw=\$P/build [\$P/.entrun.ini:5]"
	contains "$ERR" "approve it with: entrun trust $P" "--explain says on stderr how to approve it"
	tsbx trust --list
	is "0|" "$RC|$OUT" "--explain approved nothing (trust --list is empty)"

	cd "$V" || return
	tsbx trust "$P"
	is "0|approved $P/.entrun.ini:" "$RC|$(head -n 1 <<<"$OUT")" "entrun trust DIR: exit 0, 'approved PATH:' first"
	has_line "$OUT" "  + host.fs.hide=$P/secrets: cover PATH with an empty directory or /dev/null [$P/.entrun.ini:6]" \
		"entrun trust DIR: then the grant lines"
	tsbx trust --list
	like "$OUT" "^${P//./\\.}/\\.entrun\\.ini  approved [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}, 3 grants$" \
		"trust --list: 'PATH  approved DATE, 3 grants'"
	rec=$(find "$D/entrun/trust" -type f 2>/dev/null)
	like "$(basename "${rec:-none}")|$(wc -l <<<"$rec")" '^[0-9a-f]{64}\|1$' \
		"the approval is one file in \$XDG_DATA_HOME/entrun/trust (named by a hash)"
	is "700 600" "$(stat -c %a "$D/entrun/trust" 2>&1) $(stat -c %a "$rec" 2>&1)" \
		"the trust store is private: directory 0700, record 0600"

	cd "$P/src" || return
	tsbx -- "$PR" hostname
	is "0|hostname: ok proj-p" "$RC|$OUT" "approved: a run from a subdirectory uses the project profile (hostname proj-p)"
	# shellcheck disable=SC2016 # expanded by the inner sh
	tsbx -- sh -c '"$1" write "$2/build/out"; "$1" read "$2/secrets/key"; "$1" read "$2/src/secrets/key"' _ "$PR" "$P"
	is "write: ok|x" "$(sed -n 1p <<<"$OUT")|$(cat "$P/build/out" 2>&1)" \
		"rw = build: \$P/build is writable from \$P/src (relative to the project), and the host sees it"
	like "$(sed -n 2p <<<"$OUT")" '^read: errno ' "hide = secrets: \$P/secrets/key is hidden"
	like "$(sed -n 3p <<<"$OUT")" '^read: ok' "... and \$P/src/secrets (under the working directory) is not what was hidden"

	cd / || return
	tsbx -C "$P/src" -- "$PR" hostname
	is "0|hostname: ok proj-p" "$RC|$OUT" "-C DIR (from /): the project profile is found from DIR"
	cd "$P/src" || return
	tsbx -C "$V/noproj" -- "$PR" hostname
	if [ "$RC" = 0 ] && [[ $OUT == "hostname: ok "* ]] && [ "$OUT" != "hostname: ok proj-p" ]; then
		ok "-C DIR of another repository: the working directory's project profile is not used"
	else not_ok "-C DIR of another repository: the working directory's project profile is not used"; fi

	# The search goes up to /, through a repository's root too (a sandbox
	# could make a .git below the project to shed its restrictions).
	mkdir -p "$V/outer/plain/sub"
	repo "$V/outer/repo"
	mkdir -p "$V/outer/repo/sub"
	put "$V/outer" '[sandbox]\nhostname = outer\n'
	cd "$V/outer/repo/sub" || return
	tsbx -- sh -c 'echo ran'
	if [ "$RC|$OUT" = "125|" ] && [[ $ERR == *"the project profile $V/outer/.entrun.ini is not approved"* ]]; then
		ok "a .git on the way does not end the search: the .entrun.ini above the repository applies (unapproved: 125)"
	else not_ok "a .git on the way does not end the search: the .entrun.ini above the repository applies (unapproved: 125)"; fi
	cd "$V/outer/plain/sub" || return
	tsbx -- sh -c 'echo ran'
	if [ "$RC|$OUT" = "125|" ] && [[ $ERR == *"the project profile $V/outer/.entrun.ini is not approved"* ]]; then
		ok "outside a repository the search goes on up: the parent's .entrun.ini applies (unapproved: 125)"
	else not_ok "outside a repository the search goes on up: the parent's .entrun.ini applies (unapproved: 125)"; fi

	foreign_checks
	project_p_checks
	precedence_checks
}

# A profile of another user (root can make one): skipped with a warning.
foreign_checks() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "only root can make a file another user owns" "an .entrun.ini of another user is skipped"
		skip "only root can make a file another user owns" "... with a warning naming its owner"
		return
	fi
	repo "$V/foreign"
	put "$V/foreign" '[sandbox]\nhostname = foreign\n'
	chown 65534 "$V/foreign/.entrun.ini"
	cd "$V/foreign" || return
	tsbx -- "$PR" hostname
	if [ "$RC" = 0 ] && [[ $OUT == "hostname: ok "* ]] && [ "$OUT" != "hostname: ok foreign" ]; then
		ok "an .entrun.ini of another user (uid 65534) is skipped: the command runs without it"
	else not_ok "an .entrun.ini of another user (uid 65534) is skipped: the command runs without it"; fi
	contains "$ERR" "ignoring $V/foreign/.entrun.ini: it belongs to uid 65534" "... with a warning naming its owner"
}

# -p naming the project file itself.
project_p_checks() {
	cd "$P/src" || return
	tsbx --explain -p ../.entrun.ini
	is "0|  host.fs.rw=$P/build" "$RC|$(grep -o '^  host\.fs\.rw=[^ ]*' <<<"$OUT")" \
		"-p ../.entrun.ini (the project file): loaded once, as the project (one host.fs.rw=\$P/build, not \$P/src/build)"
	repo "$V/q"
	put "$V/q" '[sandbox]\nhostname = q\n'
	cd "$V/q" || return
	tsbx -p ./.entrun.ini -- sh -c 'echo ran'
	refused "-p ./.entrun.ini of an unapproved project still needs the approval (125)"
}

# project < -p < --ent: explain only (network.user needs no tun there).
precedence_checks() {
	local r=$V/r
	repo "$r"
	put "$r" '[sandbox]\nentitlements = network.user\n[filesystem]\nrw = out\n'
	printf '[sandbox]\nentitlements = network.none\n' >"$V/none.ini"
	tsbx trust -q "$r"
	cd "$r" || return
	tsbx --explain
	has_grant "$OUT" network.user "$r/.entrun.ini:2" "control: --explain shows the project's network.user [R/.entrun.ini:2]"
	tsbx --explain --ent network.none
	has_grant "$OUT" network.none "command line" "--ent network.none overrides the project's network.user"
	tsbx --explain -p "$V/none.ini"
	has_grant "$OUT" network.none "$V/none.ini:2" "-p PROFILE's network.none overrides the project's network.user (no conflict)"
	printf '[sandbox]\nhostname = from-p\n' >"$V/host.ini"
	put "$r" '[sandbox]\nentitlements = network.user\nhostname = from-project\n[filesystem]\nrw = out\n'
	tsbx trust -q "$r"
	tsbx --explain --json -p "$V/host.ini"
	is "0|1" "$RC|$(grep -c '"hostname": "from-p"' <<<"$OUT")" "-p PROFILE's hostname overrides the project's (no conflict)"
	tsbx --explain --ent "host.fs.rw=$V/noproj"
	has_grant "$OUT" "host.fs.rw=$r/out" "$r/.entrun.ini:5" "lists accumulate: the project's rw = out stays beside --ent host.fs.rw"
}

# ---- at a terminal -----------------------------------------------------------------------

tty_checks() {
	local t=$V/tty
	if ! have_tools "approval at a terminal" script; then return; fi
	repo "$t"
	put "$t" '[sandbox]\nhostname = tty-proj\n'
	cd "$t" || return
	ttyearly y -- "$PR" hostname
	is "125|no" "$RC|$([[ $OUT == *"hostname: ok"* ]] && echo yes || echo no)" \
		"a y typed before the question (type-ahead) is not an answer: 125, the command did not run"
	ttyrun n -- "$PR" hostname
	is 125 "$RC" "at a terminal, answering n: exit 125"
	contains "$OUT" "Run with it, and remember the approval? [y/N] " \
		"at a terminal, entrun asks 'Run with it, and remember the approval? [y/N]'"
	has_line "$OUT" "  + hostname tty-proj: hostname inside [$t/.entrun.ini:2]" "at a terminal, the grants are listed before the question"
	unlike "$OUT" 'hostname: ok' "answering n: the command did not run"
	ttyrun '' -- "$PR" hostname
	is "125" "$RC" "just Enter (the default, N): exit 125"
	ttyrun maybe -- "$PR" hostname
	is "125" "$RC" "answering anything else (maybe): exit 125"
	tsbx -- "$PR" hostname
	refused "none of those answers was remembered (no terminal: still 125)"
	ttyrun y -- "$PR" hostname
	is "0|yes" "$RC|$([[ $OUT == *"hostname: ok tty-proj"* ]] && echo yes)" "answering y runs the command"
	tsbx -- "$PR" hostname
	is "0|hostname: ok tty-proj" "$RC|$OUT" "y is remembered: the next run without a terminal goes on"
	put "$t" '[sandbox]\nhostname = tty-proj\n[filesystem]\nrw = build\n'
	mkdir -p "$t/build"
	ttyrun yes -- "$PR" hostname
	contains "$OUT" "changed since you approved it, and asks for more:" "a widened profile at a terminal: the diff is shown"
	is "0|yes" "$RC|$([[ $OUT == *"hostname: ok tty-proj"* ]] && echo yes)" "answering yes approves the widened profile and runs"
	tsbx -- "$PR" hostname
	is "0|hostname: ok tty-proj" "$RC|$OUT" "yes is remembered too"

	tsbx trust --revoke "$t"
	ttyrun n trust "$t"
	contains "$OUT" "Approve it? [y/N] " "entrun trust at a terminal lists the grants and asks 'Approve it? [y/N]'"
	is 125 "$RC" "... answering n: exit 125"
	tsbx -- "$PR" hostname
	refused "... and nothing was approved"
	ttyrun y trust "$t"
	is 0 "$RC" "... answering y approves (exit 0)"
	tsbx -- "$PR" hostname
	is "0|hostname: ok tty-proj" "$RC|$OUT" "... and the next run goes on"

	tsbx trust --revoke "$t"
	is 0 "$RC" "trust --revoke DIR: exit 0"
	tsbx -- "$PR" hostname
	refused "after trust --revoke the profile is unapproved again (125)"
	tsbx trust --revoke "$t"
	is "125|yes" "$RC|$([[ $ERR == *"was not approved"* ]] && echo yes)" \
		"trust --revoke of a profile not approved: 125, 'was not approved'"
	tsbx trust "$V/noproj"
	is "125|yes" "$RC|$([[ $ERR == *"no .entrun.ini"* ]] && echo yes)" "trust DIR without a project profile: 125, 'no .entrun.ini'"

	# Without $XDG_DATA_HOME: ~/.local/share/entrun/trust.
	local TENV=(-u XDG_DATA_HOME "HOME=$H" "XDG_CONFIG_HOME=$C")
	tsbx trust -q "$t"
	is "0|1" "$RC|$(find "$H/.local/share/entrun/trust" -type f 2>/dev/null | wc -l)" \
		"without \$XDG_DATA_HOME, trust records the approval in ~/.local/share/entrun/trust"
	tsbx -- "$PR" hostname
	is "0|hostname: ok tty-proj" "$RC|$OUT" "... and a run without \$XDG_DATA_HOME finds it there"
}

# ---- changes ---------------------------------------------------------------------------

# change_to TEXT: Z's profile is approved as $Z_TEXT, then becomes TEXT;
# a run with -v, no terminal.
change_to() {
	put "$Z" "$Z_TEXT"
	tsbx trust -q "$Z"
	[ "$RC" = 0 ] || diag "approving the base text failed: $ERR"
	put "$Z" "$1"
	tsbx -v -- sh -c 'echo ran'
}

# narrows DESC TEXT WORDS: the change runs, and -v says WORDS.
narrows() {
	change_to "$2"
	if [ "$RC|$OUT" = "0|ran" ] && [[ $ERR == *"$3; approval updated"* ]]; then ok "$1"; else
		not_ok "$1" "expected: exit 0, ran, and '$3; approval updated' on stderr"
	fi
}

# widens DESC TEXT SIGN:ITEM[:LINE]...: the change refuses (125, nothing
# ran) and the diff has each line.
widens() {
	local desc=$1 text=$2 want sign item line missing=''
	shift 2
	change_to "$text"
	for want in "$@"; do
		sign=${want%%:*} item=${want#*:} line=''
		if [[ $item == *:[0-9]* ]] && [[ ${item##*:} =~ ^[0-9]+$ ]]; then line=${item##*:} item=${item%:*}; fi
		diff_line "$ERR" "$sign" "$item" "$line" || missing="$missing '  $sign $item${line:+ ... [:$line]}'"
	done
	if [ "$RC|$OUT" = "125|" ] && [ -z "$missing" ]; then ok "$desc"; else
		not_ok "$desc" "expected: exit 125, nothing ran, and the diff lines:$missing"
	fi
}

# zsub FROM TO: $Z_TEXT with FROM replaced by TO.
zsub() { printf '%s' "${Z_TEXT/"$1"/"$2"}"; }

change_checks() {
	repo "$Z"
	mkdir -p "$Z/build" "$Z/secrets" "$Z/shared" "$Z/private" "$V/other"
	cd "$Z" || return
	put "$Z" "$Z_TEXT"
	tsbx trust -q "$Z"
	tsbx -- sh -c 'echo ran'
	is "0|ran" "$RC|$OUT" "control: the approved profile runs"

	narrows "a comment edited: runs, 'changed but not in effect'" "$(zsub '; approved' '; approved, edited')" \
		"changed but not in effect"
	narrows "spacing and blank lines changed: runs, 'changed but not in effect'" \
		"$(zsub 'entitlements = network.none' '\n\nentitlements =    network.none ')" "changed but not in effect"
	narrows "a grant dropped (rw = build): runs, 'narrowed'" "$(zsub 'rw = build\n' '')" narrowed
	narrows "a hide added: runs, 'narrowed'" "$(zsub 'hide = secrets' 'hide = secrets\nhide = private')" narrowed
	narrows "a limit lowered (pids 100 -> 50): runs, 'narrowed'" "$(zsub 'pids = 100' 'pids = 50')" narrowed
	tsbx -- sh -c 'echo ran'
	is "0|ran" "$RC|$OUT" "the narrowed profile runs again (recorded)"
	put "$Z" "$Z_TEXT"
	tsbx -- sh -c 'echo ran'
	refused "the narrowing was recorded: going back to pids = 100 asks again (125)"
	narrows "a limit added (files = 64): runs, 'narrowed'" "$(zsub 'pids = 100' 'pids = 100\nfiles = 64')" narrowed
	narrows "security.fs-read-only added: runs, 'narrowed'" "$(zsub 'tools.x\n' 'tools.x security.fs-read-only\n')" narrowed
	narrows "api.access=ssh-agent:deny added: runs, 'narrowed'" \
		"$(zsub 'tools.x\n' 'tools.x api.access=ssh-agent:deny\n')" narrowed
	local Z_TEXT=${Z_TEXT/network.none/network.user}
	narrows "network.user -> network.none: runs, 'narrowed'" "$(zsub network.user network.none)" narrowed
	local Z_TEXT=${Z_TEXT/network.user/network.none}

	widens "network.none -> network.user: refused (125), '+ network.user ... [FILE:3]' and '- network.none'" \
		"$(zsub network.none network.user)" "+:network.user:3" "-:network.none"
	contains "$ERR" "entrun: the project profile $Z/.entrun.ini changed since you approved it, and asks for more:" \
		"a widening: stderr says the profile changed and asks for more"
	is "entrun: not approved: to approve it, run: entrun trust $Z (or ignore it with --no-project)" \
		"$(tail -n 1 <<<"$ERR")" "a widening: the refusal ends with the command that approves it"
	widens "security.confined -> security.admin: refused" "$(zsub security.confined security.admin)" \
		"+:security.admin:3" "-:security.confined"
	widens "rw = / added: refused" "$(zsub 'rw = build' 'rw = build\nrw = /')" "+:host.fs.rw=/:6"
	widens "host.fs.rw=PATH added to entitlements: refused" "$(zsub 'tools.x\n' "tools.x host.fs.rw=$V/other\n")" \
		"+:host.fs.rw=$V/other:3"
	widens "api.access=ssh-agent:allow added: refused" "$(zsub 'tools.x\n' 'tools.x api.access=ssh-agent:allow\n')" \
		"+:api.access=ssh-agent:allow:3"
	widens "a new custom entitlement (tools.y, caps = CAP_NET_RAW) granted: refused" \
		"$(zsub 'tools.x\n' 'tools.x tools.y\n')[entitlement tools.y]\ndescription = y\ncaps = CAP_NET_RAW\n" \
		"+:custom tools.y (:3"
	widens "the custom entitlement's definition changed (ro -> rw shared): refused" \
		"$(zsub 'ro = shared' 'rw = shared')" "+:custom tools.x (*rw $Z/shared)" "-:custom tools.x (*ro $Z/shared)"
	# A custom entitlement can deny and hide as well as give: when unsure,
	# entrun asks.
	widens "a custom entitlement dropped (grant and section): refused, it may have denied or hidden" \
		"$(zsub 'security.confined tools.x' 'security.confined' | sed 's/\\n\[entitlement tools.x\].*//')\n" \
		"-:custom tools.x (*ro $Z/shared)"
	widens "resources.pids raised above the approved one (100 -> 200): refused" "$(zsub 'pids = 100' 'pids = 200')" \
		"+:resources.pids=200:8" "-:resources.pids=100"
	widens "the pids limit removed: refused" "$(zsub 'pids = 100\n' '')" "-:resources.pids=100"
	widens "a hide removed: refused" "$(zsub 'hide = secrets\n' '')" "-:host.fs.hide=$Z/secrets"
	widens "[environment] keep = SOME_TOKEN added: refused" "${Z_TEXT}[environment]\nkeep = SOME_TOKEN\n" \
		"+:env keep SOME_TOKEN:13"
	# Dropping what can also take away (the attack review's findings).
	mkdir -p "$Z/rodir" "$Z/ov"
	local Z_TEXT=${Z_TEXT/'rw = build'/'rw = build\nro = rodir\ntmpfs = private\noverlay = ov'}
	widens "a ro path dropped (it kept a place read-only): refused" "$(zsub 'ro = rodir\n' '')" \
		"-:host.fs.ro=$Z/rodir"
	widens "a tmpfs dropped (it covered a directory): refused" "$(zsub 'tmpfs = private\n' '')" \
		"-:host.fs.tmpfs=$Z/private"
	widens "an overlay dropped (its writes were thrown away): refused" "$(zsub 'overlay = ov\n' '')" \
		"-:host.fs.overlay=$Z/ov"
	local Z_TEXT=${Z_TEXT/'rw = build\nro = rodir\ntmpfs = private\noverlay = ov'/'rw = build'}
	narrows "a path spelled otherwise (./build/../build): 'changed but not in effect'" \
		"$(zsub 'rw = build' 'rw = ./build/../build')" "changed but not in effect"
	local Z_TEXT=${Z_TEXT/network.none/network.user}
	widens "network.user -> network.proxy=URL (its relay reaches the host's loopback): refused" \
		"$(zsub network.user network.proxy=http://127.0.0.1:9)" "+:network.proxy=http://127.0.0.1:9:3" \
		"-:network.user"
	local Z_TEXT=${Z_TEXT/network.user/network.none}
	# A custom name in a built-in domain (the second attack review): it is
	# a custom entitlement, never taken for the catalogue's, and adding one
	# widens.  Only .custom is open below a built-in domain now.
	widens "a custom entitlement named security.custom.fs-read-only (rw = ~) granted: refused, not taken for a flag" \
		"$(zsub 'tools.x\n' 'tools.x security.custom.fs-read-only\n')[entitlement security.custom.fs-read-only]\nrw = ~\n" \
		"+:custom security.custom.fs-read-only (rw ~):3"
	widens "a custom entitlement defined, not granted (-e would take it from the project): refused" \
		"${Z_TEXT}[entitlement tools.z]\ncaps = CAP_SYS_ADMIN\n" "+:define tools.z (caps CAP_SYS_ADMIN)"
	put "$Z" "$Z_TEXT"
	tsbx -- sh -c 'echo ran'
	is "0|ran" "$RC|$OUT" "the refused widenings left the approval as it was: the approved text runs"
}

# ---- attacks from inside -----------------------------------------------------------------

attack_checks() {
	local rec before d=$D/entrun
	cd "$P" || return
	rec=$(find "$d/trust" -type f | head -n 1)
	before=$(cat "$rec")
	tsbx -- "$PR" write "$d/trust/planted"
	is "write: errno EROFS" "$OUT" "a sandbox cannot write into \$XDG_DATA_HOME/entrun/trust (EROFS)"
	tsbx --ent "host.fs.rw=$D" -- "$PR" write "$d/trust/planted"
	is "write: errno EROFS" "$OUT" "host.fs.rw=\$XDG_DATA_HOME: the trust store is still read-only (EROFS)"
	tsbx --ent "host.fs.rw=$D" -- "$PR" write "$D/control"
	is "write: ok" "$OUT" "control: ... while \$XDG_DATA_HOME itself is writable there"
	tsbx --ent "host.fs.rw=$D" -- "$PR" write "$rec"
	is "write: errno EROFS|$before" "$OUT|$(cat "$rec")" "an approval record cannot be overwritten (EROFS, unchanged)"
	tsbx --ent "host.fs.rw=$D" -- "$PR" mkdir "$d/trust/sub"
	is "mkdir: errno EROFS" "$OUT" "mkdir in the trust store: EROFS"
	tsbx --ent "host.fs.rw=$D" -- "$PR" rename "$d/trust" "$d/moved"
	like "$OUT" '^rename: errno (EROFS|EBUSY)$' "the trust directory cannot be renamed"
	tsbx --ent "host.fs.rw=$D" -- "$PR" rename "$d" "$D/entrun.old"
	like "$OUT" '^rename: errno (EROFS|EBUSY)$' "\$XDG_DATA_HOME/entrun cannot be renamed aside"
	tsbx --ent security.fs-read-only --ent "host.fs.rw=$H" -- "$PR" write "$H/.local/share/entrun/trust/planted"
	is "write: errno EROFS" "$OUT" "even host.fs.rw=\$HOME: ~/.local/share/entrun is read-only (EROFS)"
	tsbx --ent security.fs-read-only --ent "host.fs.rw=$H" -- "$PR" write "$H/.local/share/control"
	is "write: ok" "$OUT" "control: host.fs.rw=\$HOME: ~/.local/share is writable"
	# shellcheck disable=SC2016 # expanded by the inner sh
	tsbx --ent security.admin --ent "host.fs.rw=$D" -- sh -c \
		'umount -l "$2/trust" 2>/dev/null; umount -l "$2" 2>/dev/null
		mount -o remount,bind,rw "$2" 2>/dev/null; "$1" write "$2/trust/planted"' _ "$PR" "$d"
	is "write: errno EROFS" "$OUT" "security.admin: umount -l and remount do not make the trust store writable"
	# Replace the whole tree: move \$XDG_DATA_HOME and ~/.local aside, make new ones.
	# shellcheck disable=SC2016 # expanded by the inner sh
	tsbx --ent "host.fs.rw=$V" -- sh -c \
		'mv "$1" "$1.old" 2>/dev/null; mkdir -p "$1/entrun/trust" 2>/dev/null
		echo forged 2>/dev/null >"$1/entrun/trust/forged"
		mv "$2/.local" "$2/.local.old" 2>/dev/null; mkdir -p "$2/.local/share/entrun/trust" 2>/dev/null
		echo forged 2>/dev/null >"$2/.local/share/entrun/trust/forged"; echo done' _ "$D" "$H"
	if [ "$OUT" = "done" ] && ! [ -e "$D.old" ] && ! [ -e "$d/trust/forged" ] && ! [ -e "$H/.local.old" ] &&
		! [ -e "$H/.local/share/entrun/trust/forged" ] && [ "$(cat "$rec")" = "$before" ]; then
		ok "moving \$XDG_DATA_HOME or ~/.local aside (host.fs.rw of their parent) does not let the sandbox plant a record"
	else not_ok "moving \$XDG_DATA_HOME or ~/.local aside (host.fs.rw of their parent) does not let the sandbox plant a record" \
		"$(ls -la "$V" "$D" "$d/trust" 2>&1)"; fi
	# A store that does not exist yet: entrun makes it before the sandbox.
	local TENV=("HOME=$H" "XDG_DATA_HOME=$V/fresh" "XDG_CONFIG_HOME=$C")
	# shellcheck disable=SC2016 # expanded by the inner sh
	tsbx --no-project --ent "host.fs.rw=$V" -- sh -c 'mkdir -p "$1/entrun/trust" 2>/dev/null
		echo forged 2>/dev/null >"$1/entrun/trust/forged"; echo done' _ "$V/fresh"
	if [ "$OUT" = "done" ] && ! [ -e "$V/fresh/entrun/trust/forged" ]; then
		ok "a missing \$XDG_DATA_HOME/entrun cannot be made with a record in it"
	else not_ok "a missing \$XDG_DATA_HOME/entrun cannot be made with a record in it"; fi
	local TENV=("HOME=$H" "XDG_DATA_HOME=$D" "XDG_CONFIG_HOME=$C")

	# The approved profile, from inside its project.
	before=$(cat "$P/.entrun.ini")
	tsbx -- "$PR" write "$P/.entrun.ini"
	is "write: errno EROFS" "$OUT" "the approved profile is read-only inside its project (EROFS)"
	tsbx -- "$PR" rename "$P/.entrun.ini" "$P/moved.ini"
	like "$OUT" '^rename: errno (EBUSY|EROFS)$' "the approved profile cannot be renamed (EBUSY/EROFS)"
	tsbx -- "$PR" unlink "$P/.entrun.ini"
	like "$OUT" '^unlink: errno (EBUSY|EROFS)$' "the approved profile cannot be removed (EBUSY/EROFS)"
	is "$before" "$(cat "$P/.entrun.ini" 2>&1)" "... and it is unchanged on the host"

	plant_checks
}

plant_checks() {
	local e=$V/evil i=$V/infra pl=$V/plain
	# A new .entrun.ini in a subdirectory of the approved project.
	cd "$P" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	tsbx -- sh -c 'printf "[sandbox]\nentitlements = security.admin\n" >src/.entrun.ini && echo planted'
	is "planted|yes" "$OUT|$([ -e "$P/src/.entrun.ini" ] && echo yes)" \
		"control: the sandbox can write \$P/src/.entrun.ini (the working directory is writable)"
	cd "$P/src" || return
	tsbx -- "$PR" uid
	refused "a .entrun.ini planted in the project's subdirectory is caught at the next run from there (125)"
	has_line "$ERR" "  + security.admin: uid 0 with all capabilities of the sandbox's user namespace; mount/unshare/ptrace allowed [$P/src/.entrun.ini:2]" \
		"... which lists what the planted profile grants"
	# One that asks for nothing still sheds the approved parent's hide for
	# runs from there: the listing says so (the second attack review).
	printf '; nothing\n' >"$P/src/.entrun.ini"
	tsbx -- "$PR" uid
	refused "an empty .entrun.ini planted below the approved project is caught too (125)"
	contains "$ERR" "and for runs from here on it replaces the approved $P/.entrun.ini, so these of its grants stop applying:" \
		"... and the listing says it replaces the approved parent profile"
	has_line "$ERR" "  - host.fs.hide=$P/secrets" "... naming the parent's hide that would stop applying"
	rm -f "$P/src/.entrun.ini"

	# One in a working directory that had none.
	repo "$pl"
	cd "$pl" || return
	tsbx -- sh -c 'printf "[filesystem]\nrw = /\n" >.entrun.ini && echo planted'
	is planted "$OUT" "control: a sandbox in a project without a profile writes ./.entrun.ini"
	tsbx -- sh -c 'echo ran'
	refused "the planted ./.entrun.ini is caught at the next run (125)"
	has_line "$ERR" "  + host.fs.rw=/: bind PATH writable [$pl/.entrun.ini:2]" "... which lists '+ host.fs.rw=/'"

	# A .git planted in a subdirectory must not end the search there, below
	# the project's profile and its restrictions.
	cd "$P/src" || return
	tsbx -- "$PR" read "$P/secrets/key"
	like "$OUT" '^read: errno ' "control: from \$P/src the project's hide = secrets applies"
	tsbx -- sh -c 'mkdir .git && echo planted'
	is planted "$OUT" "control: the sandbox can make \$P/src/.git"
	tsbx -- "$PR" read "$P/secrets/key"
	if [ "$RC" = 125 ] || [[ $OUT == "read: errno "* ]]; then
		ok "a .git planted below the project does not drop the project's profile at the next run (hide = secrets holds, or 125)"
	else not_ok "a .git planted below the project does not drop the project's profile at the next run (hide = secrets holds, or 125)"; fi
	rm -rf "$P/src/.git"

	# A symlink to another project's approved profile.
	repo "$i"
	put "$i" '[sandbox]\nhostname = infra\nentitlements = security.admin\n'
	tsbx trust -q "$i"
	repo "$e"
	cd "$e" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	tsbx -- sh -c 'ln -s "$1/.entrun.ini" .entrun.ini && echo planted' _ "$i"
	is planted "$OUT" "control: a sandbox in another project plants .entrun.ini -> infra/.entrun.ini (approved)"
	# Root's own links too: the link would carry infra's approval here.
	tsbx -- "$PR" hostname
	is "125|" "$RC|$OUT" "a planted symlink to another project's approved profile does not bring that project's grants (125)"
	contains "$ERR" "refusing a project profile that is a symbolic link" "... and says it refuses a symbolic link"

	# An approved profile a sandbox removes (its hides and limits with it).
	# Three levels down: beyond what the sandbox keeps read-only of the
	# tree's .entrun.ini files (two), so it can remove it.
	local g=$V/gone sv=$V/gone/a/b/svc
	repo "$g"
	mkdir -p "$sv/secrets"
	echo TOPSECRET >"$sv/secrets/key"
	put "$sv" '[filesystem]\nhide = secrets\n[sandbox]\nentitlements = security.fs-read-only\n'
	tsbx trust -q "$sv"
	cd "$g" || return
	tsbx --ent "host.fs.rw=$g" -- rm -f a/b/svc/.entrun.ini
	is "0|no" "$RC|$([ -e "$sv/.entrun.ini" ] && echo yes || echo no)" \
		"control: a sandbox granted the tree removes a/b/svc/.entrun.ini (approved)"
	cd "$sv" || return
	tsbx -- cat secrets/key
	is "125|" "$RC|$OUT" "the next run in svc/ does not go on without the profile's hide (125)"
	contains "$ERR" "a project profile you approved, is gone" "... and says the approved profile is gone"
	contains "$ERR" "entrun trust --revoke $sv" "... naming the command that forgets it"
	tsbx trust --revoke "$sv"
	is 0 "$RC" "trust --revoke of a gone profile: exit 0"
	tsbx -- sh -c 'echo ran'
	is "0|ran" "$RC|$OUT" "after --revoke, svc/ runs with the default sandbox"

	# A FIFO for a profile must not hang entrun.
	local fi=$V/fifo
	repo "$fi"
	mkfifo "$fi/.entrun.ini"
	cd "$fi" || return
	tsbx -- sh -c 'echo ran'
	is "125|" "$RC|$OUT" "a FIFO as .entrun.ini: 125 at once, not a hang"
	contains "$ERR" "not a regular file" "... 'not a regular file'"

	# A trust store reached through a symbolic link of the caller's.
	local sl=$V/symstore
	mkdir -p "$sl/home/.local" "$sl/real"
	ln -s "$sl/real" "$sl/home/.local/share"
	repo "$sl/p"
	put "$sl/p" '[sandbox]
hostname = sl
'
	cd "$sl/p" || return
	local TENV=(-u XDG_DATA_HOME "HOME=$sl/home" "XDG_CONFIG_HOME=$C")
	tsbx trust "$sl/p"
	is "125" "$RC" "a trust store through a symbolic link of yours (~/.local/share -> ...): trust refuses (125)"
	contains "$ERR" "a symbolic link of yours" "... naming the link"
	tsbx -- sh -c 'echo ran'
	is "125|" "$RC|$OUT" "... and so does a run with a project profile"
	tsbx --no-project -- sh -c 'echo ran'
	is "0|ran" "$RC|$OUT" "... while a run without one still works"
}

# ---- publisher signatures ---------------------------------------------------------------------

# sign DIR KEY: DIR/.entrun.ini.sig, made with the private KEY.
sign() {
	rm -f "$1/.entrun.ini.sig"
	ssh-keygen -Y sign -f "$2" -n entrun-profile "$1/.entrun.ini" </dev/null >/dev/null 2>&1
}

signature_checks() {
	local s=$V/signed u=$V/unpinned b=$V/badsig n=$V/nosig
	if ! have_tools "publisher signatures" ssh-keygen; then return; fi
	ssh-keygen -q -t ed25519 -N '' -f "$K/pub" </dev/null >/dev/null 2>&1
	ssh-keygen -q -t ed25519 -N '' -f "$K/other" </dev/null >/dev/null 2>&1
	repo "$s"
	put "$s" '[sandbox]\nhostname = signed-1\n'
	sign "$s" "$K/pub"
	tsbx trust --key "$K/pub.pub" "$s"
	is "0|approved $s/.entrun.ini:" "$RC|$(head -n 1 <<<"$OUT")" "trust --key KEY DIR with a valid .sig: pins the key and approves"
	tsbx trust --list
	contains "$OUT" "$s/.entrun.ini  approved" "trust --list shows the signed project as approved ..."
	contains "$(grep -F "$s/" <<<"$OUT")" "publisher key pinned" "... with its publisher key pinned"
	cd "$s" || return
	tsbx -- "$PR" hostname
	is "0|hostname: ok signed-1" "$RC|$OUT" "the signed profile runs"
	put "$s" '[sandbox]\nhostname = signed-2\nentitlements = security.admin\n'
	sign "$s" "$K/pub"
	tsbx -- "$PR" hostname
	is "0|hostname: ok signed-2" "$RC|$OUT" "a widening change re-signed with the pinned key runs without asking"
	put "$s" '[sandbox]\nhostname = signed-3\nentitlements = security.admin\n'
	tsbx -- "$PR" hostname
	is "125||yes" "$RC|$OUT|$([[ $ERR == *signature* ]] && echo yes)" \
		"the file changed after signing: refused (125), the message is about the signature"
	sign "$s" "$K/other"
	tsbx -- "$PR" hostname
	is "125||yes" "$RC|$OUT|$([[ $ERR == *signature* ]] && echo yes)" \
		"signed by another key: refused (125), the message is about the signature"
	rm -f "$s/.entrun.ini.sig"
	tsbx -- "$PR" hostname
	is "125||yes" "$RC|$OUT|$([[ $ERR == *".entrun.ini.sig"* && $ERR == *"publisher key"* ]] && echo yes)" \
		"a key is pinned and the changed profile has no .sig: refused (125, naming the .sig and the publisher key)"
	sign "$s" "$K/pub"
	tsbx -- "$PR" hostname
	is "0|hostname: ok signed-3" "$RC|$OUT" "signed again by the publisher: runs"

	repo "$u"
	put "$u" '[sandbox]\nhostname = unpinned\n'
	sign "$u" "$K/pub"
	cd "$u" || return
	tsbx -- "$PR" hostname
	is "125|yes" "$RC|$([[ $ERR == *"not approved"* ]] && echo yes)" \
		"no key pinned: a valid .sig is ignored, the profile needs the approval (125)"

	repo "$b"
	put "$b" '[sandbox]\nhostname = badsig\n'
	sign "$b" "$K/other"
	tsbx trust --key "$K/pub.pub" "$b"
	is "125|yes" "$RC|$([[ $ERR == *"signature does not verify"* ]] && echo yes)" \
		"trust --key with a .sig from another key: refused (125, 'signature does not verify')"
	cd "$b" || return
	tsbx -- "$PR" hostname
	refused "... and that profile is not approved"

	repo "$n"
	put "$n" '[sandbox]\nhostname = nosig\n'
	tsbx trust --key "$K/pub.pub" "$n"
	is 0 "$RC" "trust --key for a profile without a .sig: the key is pinned (exit 0)"
	cd "$n" || return
	tsbx -- "$PR" hostname
	refused "... but the unsigned profile is not approved (125)"
	sign "$n" "$K/pub"
	tsbx -- "$PR" hostname
	is "0|hostname: ok nosig" "$RC|$OUT" "once the publisher signs it, it runs"
}

# ---- terminal safety -------------------------------------------------------------------

escape_checks() {
	local e d=$V/desc
	e=$V/$(printf 'esc\033]0;pwned\007dir')
	repo "$e"
	put "$e" '[sandbox]\nhostname = esc\n'
	cd "$e" || return
	tsbx -- true
	is 125 "$RC" "a project in a directory named with an OSC sequence: unapproved, 125"
	no_raw_controls "$ERR" "... its path is shown on stderr with ESC and BEL escaped (\\x1b, \\x07)"
	if have_tools "escapes at the terminal" script; then
		ttyrun n -- true
		no_raw_controls "$OUT" "... and at the terminal, escaped too"
	fi
	tsbx trust "$e"
	is 0 "$RC" "trust of that project: exit 0"
	no_raw_controls "$OUT" "trust prints 'approved PATH:' with the control characters escaped"
	tsbx trust --list
	no_raw_controls "$OUT" "trust --list shows that path escaped"
	tsbx trust --revoke "$e"
	no_raw_controls "$OUT$ERR" "trust --revoke prints that path escaped"

	repo "$d"
	printf '[sandbox]\nentitlements = tools.e\n[entitlement tools.e]\ndescription = a\033]0;pwned\007b\n' >"$d/.entrun.ini"
	cd "$d" || return
	tsbx -- sh -c 'echo ran'
	refused "a description holding an OSC sequence: 125, nothing ran"
	no_raw_controls "$ERR" "... and stderr names the ESC (0x1b), never prints it raw" 1b
	if have_tools "escapes at the terminal (description)" script; then
		ttyrun n -- sh -c 'echo ran'
		no_raw_controls "$OUT" "... at the terminal too" 1b
	fi

	# C1 controls in UTF-8 (CSI U+009B, OSC U+009D, ST U+009C) drive
	# terminals as ESC [ and ESC ] do (the attack review of issue 18): the
	# sandbox writes them into the project's profile, the next run's error
	# must not print them raw.
	local c1=$V/c1
	repo "$c1"
	cd "$c1" || return
	tsbx -- sh -c 'printf "[filesystem]\nrw = /tmp/x\302\2332J\302\2350;pwned\302\234\n" >.entrun.ini'
	is 0 "$RC" "a sandbox writes C1 controls into its project's .entrun.ini (rw of the working directory)"
	tsbx -- sh -c 'echo ran'
	is "125|" "$RC|$OUT" "... the next run refuses that profile (125), nothing ran"
	if [[ $ERR == *$'\xc2\x9b'* || $ERR == *$'\xc2\x9d'* || $ERR == *$'\xc2\x9c'* ]]; then
		not_ok "... and stderr never prints them raw" "$(od -c <<<"$ERR" | head -5)"
	elif [[ $ERR != *'0xc2'* && $ERR != *'\xc2\x9b'* ]]; then
		not_ok "... and stderr never prints them raw" "no '0xc2' nor '\xc2\x9b' in: $ERR"
	else
		ok "... and stderr never prints them raw, it names the byte"
	fi
}

checks() {
	have_tools "trust checks (setsid)" setsid git || return
	setup_tree
	discovery_checks
	tty_checks
	change_checks
	attack_checks
	signature_checks
	escape_checks
	cd / || return
}

tap_main checks
