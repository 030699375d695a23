# shellcheck shell=bash
# tests/lib.sh -- shared harness for the black-box tests (tests/blackbox/*.sh).
#
# Sourced by every script; bash only.  A script defines one function holding
# its checks and ends with `tap_main FUNCTION`.  The output is TAP on stdout,
# the plan last, for automake's tap-driver: every check is one test.
#
# Root/user duality.  Run as root, a script runs its checks twice with one
# continuous numbering: first as root ("[root] ..."), then it runs itself
# again as the unprivileged $ENTRUN_TEST_USER ("[user] ...", created with
# useradd when missing) and renumbers what that pass prints.  Run as an
# ordinary user it runs once, as "[user]".  Each pass first checks that
# `unshare -Ur true` works for the user running it; where it does not, the
# pass is one SKIP line, or a failure when CI=true (bubblewrap's
# BWRAP_MUST_WORK).
#
# Run a script from anywhere: `bash tests/blackbox/NAME.sh`; $ENTRUN and
# $PROBE (set by `make check`) default to the tree this file is in.
#
# Every entrun run is bounded (timeout, $ENTRUN_TEST_TIMEOUT seconds, default
# 10) and captured into files, never a pipe, so that a process the sandbox
# leaves behind cannot hang the test.  Background servers are registered
# with track_bg and killed when the pass ends.

# ---- configuration ----------------------------------------------------------

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${ENTRUN:=$top_builddir/entrun}"
: "${PROBE:=$top_builddir/tests/probe}"
: "${ENTRUN_TEST_USER:=entrun-test}"
: "${ENTRUN_TEST_TIMEOUT:=10}"
export top_srcdir top_builddir ENTRUN PROBE ENTRUN_TEST_USER ENTRUN_TEST_TIMEOUT

# In a sanitizer build, LeakSanitizer checks entrun's exit by ptrace'ing it:
# that cannot work for an entrun run under strace/gdb or inside a sandbox.
# Such runs pass this (`env "$NO_LSAN" ...` or `--env "$NO_LSAN"`); it is
# inert in a normal build and keeps the other sanitizer options.
NO_LSAN="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

SELF=$(readlink -f "$0")
SCRIPT_NAME=$(basename "$0" .sh)
TAP_N=0
PASS=user
TEST_TMP=
BG_PIDS=()
RUN_DIAG=()
OUT='' ERR='' RC=0
PORT='' SOCKNAME='' MARKER='' BG_PID=''

# ---- TAP ----------------------------------------------------------------------

# A '#' in a description would start a TAP directive.
_tap() {
	local status=$1 desc=${2//#/\\#} directive=${3:+ # $3}
	TAP_N=$((TAP_N + 1))
	printf '%s %d - [%s] %s%s\n' "$status" "$TAP_N" "$PASS" "$desc" "$directive"
}

diag() {
	local line l
	for line in "$@"; do
		while IFS= read -r l; do printf '# %s\n' "$l"; done <<<"$line"
	done
}

ok() { _tap ok "$1"; RUN_DIAG=(); }

# not_ok DESC [DIAG...]: a failure, with the last run's context as diagnostics.
not_ok() {
	_tap "not ok" "$1"
	shift
	diag "$@" "${RUN_DIAG[@]}"
	RUN_DIAG=()
}

# is EXPECTED ACTUAL DESC
is() {
	if [ "$1" = "$2" ]; then ok "$3"; else
		not_ok "$3" "expected: '$1'" "     got: '$2'"
	fi
}

# isnt UNEXPECTED ACTUAL DESC
isnt() {
	if [ "$1" != "$2" ]; then ok "$3"; else
		not_ok "$3" "expected anything but: '$1'"
	fi
}

# like ACTUAL ERE DESC
like() {
	if [[ $1 =~ $2 ]]; then ok "$3"; else
		not_ok "$3" "expected to match: /$2/" "                got: '$1'"
	fi
}

# unlike ACTUAL ERE DESC
unlike() {
	if ! [[ $1 =~ $2 ]]; then ok "$3"; else
		not_ok "$3" "expected not to match: /$2/" "                    got: '$1'"
	fi
}

# has_line OUTPUT LINE DESC: LINE is one of OUTPUT's lines.
has_line() {
	if grep -qFx -- "$2" <<<"$1"; then ok "$3"; else
		not_ok "$3" "expected a line: '$2'" "   in: '$1'"
	fi
}

# absent PATH DESC: PATH does not exist (a payload that should not have run
# would have made it).
absent() {
	if [ -e "$1" ] || [ -L "$1" ]; then not_ok "$2" "$1 exists"; else ok "$2"; fi
}

# skip REASON DESC
skip() { _tap ok "$2" "SKIP ${1//#/}"; RUN_DIAG=(); }

# skip_or_fail REASON DESC: a skip, except that CI=true makes it a failure.
skip_or_fail() {
	if [ "${CI:-}" = true ]; then
		not_ok "$2" "CI=true turns this skip into a failure: $1"
	else
		skip "$1" "$2"
	fi
}

done_testing() { printf '1..%d\n' "$TAP_N"; }

bail_out() { printf 'Bail out! %s\n' "$*"; exit 1; }

# have_tools DESC TOOL...: the tools are installed; otherwise DESC is
# skipped (a failure under CI=true) and this returns 1.
have_tools() {
	local desc=$1 t missing=
	shift
	for t in "$@"; do command -v "$t" >/dev/null || missing="$missing $t"; done
	[ -z "$missing" ] && return 0
	skip_or_fail "not installed:$missing" "$desc"
	return 1
}

# tun_ok: this user can open /dev/net/tun (network.user/admin need it).
tun_ok() {
	{ exec 3<>/dev/net/tun; } 2>/dev/null || return 1
	exec 3>&-
}

# ---- running commands ---------------------------------------------------------

# run CMD...: run CMD with stdin from /dev/null; set OUT and ERR (trailing
# newlines stripped) and RC.  Output goes to files, not pipes: see the top.
run() {
	"$@" </dev/null >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	RC=$?
	OUT=$(cat "$TEST_TMP/.out")
	ERR=$(cat "$TEST_TMP/.err")
	RUN_DIAG=("command:$(printf ' %q' "$@")" "exit status: $RC$([ "$RC" -eq 124 ] && echo ' (timeout?)')"
		"stdout: $OUT" "stderr: $ERR")
}

# sbx ENTRUN-ARGS...: run entrun, bounded by $ENTRUN_TEST_TIMEOUT seconds.
#
# Under the default boundary the host is read-only and /tmp private, so
# the pass's scratch directory ($TEST_TMP, under /tmp) is granted writable
# (`host.fs.rw=$TEST_TMP`, bound into the private /tmp): checks of other
# domains keep using it as before.  Checks of the default filesystem itself
# set SBX_BARE=1 to run without that grant.
sbx() { run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" $(tmp_grant) "$@"; }

# The grant sbx adds: none with SBX_BARE=1 or before the pass has a
# scratch directory.
tmp_grant() {
	[ -z "${SBX_BARE:-}" ] && [ -n "$TEST_TMP" ] && printf -- '--ent\nhost.fs.rw=%s\n' "$TEST_TMP"
}

# expect EXPECTED DESC ENTRUN-ARGS...: the sandbox prints exactly EXPECTED.
expect() {
	local exp=$1 desc=$2
	shift 2
	sbx "$@"
	is "$exp" "$OUT" "$desc"
}

# expect_empty_dir DIR DESC ENTRUN-OPTIONS...: DIR can be listed inside the
# sandbox and is empty.
expect_empty_dir() {
	local dir=$1 desc=$2
	shift 2
	# shellcheck disable=SC2016 # expanded by the inner sh
	expect listed "$desc" "$@" -- sh -c 'ls -A "$1" && echo listed' _ "$dir"
}

# expect_like ERE DESC ENTRUN-ARGS...
expect_like() {
	local re=$1 desc=$2
	shift 2
	sbx "$@"
	like "$OUT" "$re" "$desc"
}

# expect_rc STATUS DESC ENTRUN-ARGS...: entrun exits with STATUS.
expect_rc() {
	local exp=$1 desc=$2
	shift 2
	sbx "$@"
	is "$exp" "$RC" "$desc"
}

# retry TENTHS CMD...: run CMD (quietly) every 0.1 s until it succeeds, at
# most TENTHS times.
retry() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# ---- background processes -----------------------------------------------------

track_bg() { BG_PIDS+=("$@"); }

# The state letter of process PID ('' when it is gone).
proc_state() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	printf '%s' "${stat%% *}"
}

# wait_bounded PID SECS: wait for our child PID at most SECS seconds; its exit
# status, or 255 (after SIGKILL) when it outlived the bound.
wait_bounded() {
	local pid=$1 i state
	for ((i = 0; i < $2 * 10; i++)); do
		state=$(proc_state "$pid")
		[ -z "$state" ] || [ "$state" = Z ] && break
		sleep 0.1
	done
	state=$(proc_state "$pid")
	if [ -n "$state" ] && [ "$state" != Z ]; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 255
	fi
	wait "$pid"
}

cleanup_pass() {
	local pid
	for pid in "${BG_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
	for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	BG_PIDS=()
	[ -n "$TEST_TMP" ] && rm -rf "$TEST_TMP"
	TEST_TMP=
}

# A marker made of digits only, so that it can be part of a sleep duration.
# field PID NAME: the value of NAME in /proc/PID/status.
field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

unique_marker() { printf '%d%05d' "$$" "$RANDOM"; }

# start_marker_sleep: a host process `sleep 1000.MARKER`; sets MARKER.
start_marker_sleep() {
	MARKER=$(unique_marker)
	# shellcheck disable=SC2217 # no stdin: keep the tap-driver's away
	sleep "1000.$MARKER" </dev/null >/dev/null 2>&1 &
	track_bg $!
}

# start_ready READY ENTRUN-ARGS...: entrun in the background, stdout
# discarded, stderr in $TEST_TMP/bg.err, with the default signal
# dispositions (a script's background jobs start with SIGINT and SIGQUIT
# ignored, which the payload would inherit); BG_PID is its pid.  Fails
# when the payload has not created the file READY within 5 s.
start_ready() {
	local ready=$1
	shift
	env --default-signal "$ENTRUN" $(tmp_grant) "$@" </dev/null >/dev/null 2>"$TEST_TMP/bg.err" &
	BG_PID=$!
	track_bg "$BG_PID"
	retry 50 test -e "$ready"
}

# A TCP port on 127.0.0.1 that nobody listens on (now).
free_port() {
	local i p
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + RANDOM % 40000))
		if [ "$("$PROBE" tcp-connect 127.0.0.1 "$p")" = "tcp-connect: errno ECONNREFUSED" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# start_tcp_echo: a host echo server on 127.0.0.1; sets PORT.  Fails when it
# does not answer within 3 s.
start_tcp_echo() {
	PORT=$(free_port) || return 1
	socat "TCP-LISTEN:$PORT,bind=127.0.0.1,fork,reuseaddr" EXEC:cat </dev/null >/dev/null 2>&1 &
	track_bg $!
	retry 30 "$PROBE" tcp-connect 127.0.0.1 "$PORT"
}

# start_abstract_echo: a host echo server on an abstract unix socket; sets
# SOCKNAME.
start_abstract_echo() {
	SOCKNAME=entrun-test-$(unique_marker)
	socat "ABSTRACT-LISTEN:$SOCKNAME,fork" EXEC:cat </dev/null >/dev/null 2>&1 &
	track_bg $!
	retry 30 "$PROBE" unix-abstract "$SOCKNAME"
}

# ---- users and passes -------------------------------------------------------------

# run_user CMD...: run CMD as the unprivileged test user (as ourselves when we
# are not root), with a clean environment that keeps PATH and our variables.
run_user() {
	if [ "$(id -u)" -ne 0 ]; then
		"$@"
		return
	fi
	local -a envv=(env -i "PATH=$PATH" "HOME=/" "LANG=C" "TERM=${TERM:-dumb}")
	local v
	for v in ENTRUN PROBE top_srcdir top_builddir CI ENTRUN_TEST_USER \
		ENTRUN_TEST_TIMEOUT ENTRUN_TAP_SUBPASS SUITE_LOCK_FD; do
		[ -n "${!v+set}" ] && envv+=("$v=${!v}")
	done
	if command -v setpriv >/dev/null; then
		setpriv --reuid="$ENTRUN_TEST_USER" --regid="$(id -g "$ENTRUN_TEST_USER")" \
			--init-groups --reset-env "${envv[@]}" "$@"
	else
		runuser -u "$ENTRUN_TEST_USER" -- "${envv[@]}" "$@"
	fi
}

# The test user exists, or is created: useradd may race with the other
# scripts that make runs in parallel, hence the retries.
ensure_test_user() {
	local i out=
	for ((i = 0; i < 10; i++)); do
		getent passwd "$ENTRUN_TEST_USER" >/dev/null && return 0
		out=$(useradd --system --no-create-home --shell /usr/sbin/nologin \
			"$ENTRUN_TEST_USER" 2>&1) && return 0
		sleep "0.$((RANDOM % 5 + 1))"
	done
	getent passwd "$ENTRUN_TEST_USER" >/dev/null && return 0
	skip_or_fail "no user $ENTRUN_TEST_USER and useradd failed: $out" "unprivileged pass"
	return 1
}

# The user can reach the build tree: a tree under a 0700 home is a failure
# (the suite must run as a user), not a skip.
user_reaches_tree() {
	local why
	# shellcheck disable=SC2016 # expanded by the inner sh
	why=$(run_user sh -c 'for f in "$@"; do test -r "$f" || echo "$f"; done' \
		_ "$ENTRUN" "$PROBE" "$SELF" "$top_srcdir/tests/lib.sh" 2>&1)
	[ -z "$why" ] && return 0
	not_ok "user $ENTRUN_TEST_USER can reach the build tree" \
		"not readable by $ENTRUN_TEST_USER: $why" \
		"build in a directory every user can traverse (not under a 0700 home)"
	return 1
}

# Run this script again as the test user and renumber its TAP lines.
user_pass() {
	local line status
	ensure_test_user || return
	user_reaches_tree || return
	shopt -s lastpipe
	(cd / && ENTRUN_TAP_SUBPASS=1 run_user bash "$SELF") |
		while IFS= read -r line; do
			if [[ $line =~ ^(ok|not\ ok)\ [0-9]+(.*)$ ]]; then
				TAP_N=$((TAP_N + 1))
				printf '%s %d%s\n' "${BASH_REMATCH[1]}" "$TAP_N" "${BASH_REMATCH[2]}"
			else
				printf '%s\n' "$line"
			fi
		done
	status=${PIPESTATUS[0]}
	[ "$status" -eq 0 ] || not_ok "the unprivileged pass ran to its end" \
		"bash $SELF as $ENTRUN_TEST_USER exited with status $status"
}

# User namespaces work for whoever runs this pass.
userns_ok() {
	local why
	if why=$(unshare -Ur true 2>&1); then return 0; fi
	skip_or_fail "user namespaces unavailable (unshare -Ur true: ${why:-failed})" \
		"$SCRIPT_NAME checks"
	return 1
}

# The caller's PATH less the directories this user cannot search (root's
# PATH may hold some under /root): execvp reports EACCES, not ENOENT, when
# it met one, which would turn "not found" (127) into 126.
path_for_user() {
	local d new=''
	local IFS=:
	for d in $PATH; do
		[ -x "$d" ] && new=${new:+$new:}$d
	done
	PATH=$new
}

run_pass() {
	TEST_TMP=$(mktemp -d "${ENTRUN_TEST_TMPDIR:-/var/tmp}/entrun-$SCRIPT_NAME.XXXXXX") ||
		bail_out "cannot create a temporary directory"
	# The build tree may lie under /tmp (CI builds in a copy there), which
	# is private inside every sandbox: the probe runs from the scratch
	# directory instead, which is in view (read-only) in every sandbox.
	local built=$PROBE
	cp "$built" "$TEST_TMP/probe" || bail_out "cannot copy the probe to $TEST_TMP"
	PROBE=$TEST_TMP/probe
	if userns_ok; then "$1"; fi
	cleanup_pass
	PROBE=$built
}

# ---- the suite lock -------------------------------------------------------------

# make check runs several scripts at once.  A check that loads the whole
# machine on purpose and then measures how the host copes (the fork bomb)
# must not run beside another script: its load would time the other out,
# and the other's load would spoil its measurement.  Every script holds
# the suite lock shared while it runs; `alone CMD...` holds it exclusive
# around CMD.  The unprivileged pass uses the lock its root pass opened.
suite_lock() {
	local f=$top_builddir/tests/suite.lock
	[ -n "${SUITE_LOCK_FD:-}" ] && return
	if exec {SUITE_LOCK_FD}>>"$f" || exec {SUITE_LOCK_FD}<"$f"; then
		flock -s "$SUITE_LOCK_FD"
		export SUITE_LOCK_FD
	else
		SUITE_LOCK_FD=
	fi 2>/dev/null
}

alone() {
	local rc
	if [ -n "${SUITE_LOCK_FD:-}" ] && ! flock -x -w 900 "$SUITE_LOCK_FD"; then
		diag "the suite lock stayed taken for 15 min: running $1 beside other scripts"
	fi
	"$@"
	rc=$?
	[ -z "${SUITE_LOCK_FD:-}" ] || flock -s "$SUITE_LOCK_FD"
	return "$rc"
}

# tap_main CHECKS: run the function CHECKS once per pass, then the plan.
tap_main() {
	trap cleanup_pass EXIT
	trap 'exit 130' INT TERM HUP
	[ -x "$ENTRUN" ] || bail_out "no entrun binary at $ENTRUN (run make)"
	[ -x "$PROBE" ] || bail_out "no probe binary at $PROBE (run make)"
	suite_lock
	if [ -n "${ENTRUN_TAP_SUBPASS:-}" ]; then
		PASS=user
		path_for_user
		run_pass "$1"
		exit 0
	fi
	if [ "$(id -u)" -eq 0 ]; then
		PASS=root
		run_pass "$1"
		PASS=user
		user_pass
	else
		PASS=user
		run_pass "$1"
	fi
	done_testing
}

# ---- helpers for the profile, resources and api tests --------------------------

# sbx_env ENV-ARGS... -- ENTRUN-ARGS...: sbx with the environment changed by
# env(1)'s ENV-ARGS (NAME=VALUE, -u NAME); the first -- ends them.
sbx_env() {
	local -a envv=()
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
		envv+=("$1")
		shift
	done
	shift
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" env "${envv[@]}" "$ENTRUN" $(tmp_grant) "$@"
}

# one_line_error PREFIX SUBSTRING DESC: the last run's stderr is one line
# that starts with PREFIX and contains SUBSTRING (both literal).
one_line_error() {
	if [[ $ERR != *$'\n'* && $ERR == "$1"* && $ERR == *"$2"* ]]; then ok "$3"; else
		not_ok "$3" "expected one line starting with: '$1'" \
			"                      containing: '$2'" "got: '$ERR'"
	fi
}

# expect_error DESC PREFIX SUBSTRING ENTRUN-OPTIONS...: entrun, given a
# payload that would print "ran", exits 125 without running it, and says
# so in one line (see one_line_error).  Three checks.
expect_error() {
	local desc=$1 prefix=$2 sub=$3
	shift 3
	sbx "$@" -- sh -c 'echo ran'
	is 125 "$RC" "$desc: exit status 125"
	one_line_error "$prefix" "$sub" "$desc: one line '$prefix...$sub...'"
	is "" "$OUT" "$desc: the payload did not run"
}

# has_grant OUTPUT NAME SOURCE DESC: `entrun --explain` OUTPUT lists grant
# NAME with "[SOURCE]" (e.g. "command line", "builtin:dev.ini:6").
has_grant() {
	local l
	while IFS= read -r l; do
		if [[ $l == "  $2 "* ]]; then
			l=${l#"  $2 "}
			l=${l#"${l%%[! ]*}"}
			if [[ $l == "[$3]"* ]]; then
				ok "$4"
				return
			fi
		fi
	done <<<"$1"
	not_ok "$4" "expected a grant line: '  $2 ... [$3] ...'" "in: '$1'"
}

# ---- helpers for the default-boundary tests (safe-defaults, boundary-attacks)
#
# They use the script's $H (home), $R (runtime directory), $P (a probe the
# sandbox can run) and $MK (host-side markers).

# A connect that did not reach the socket, whatever the way it was hidden.
REFUSED_RE='^unix-connect: errno (ECONNREFUSED|ENOENT|ENOTSOCK|EACCES)$'

# esbx [-u NAME]... [NAME=VALUE]... -- ENTRUN-ARGS...: entrun with the pass's
# HOME and XDG_RUNTIME_DIR (unless unset or replaced), XDG_CONFIG_HOME unset.
esbx() {
	local -a un=() set=() base=("HOME=$H" "XDG_RUNTIME_DIR=$R")
	local b s keep
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
		if [ "$1" = -u ]; then un+=(-u "$2"); shift 2; else set+=("$1"); shift; fi
	done
	shift
	for b in "${base[@]}"; do
		keep=1
		for s in "${un[@]}" "${set[@]}"; do
			[ "$s" = "${b%%=*}" ] || [ "${s%%=*}" = "${b%%=*}" ] && keep=0
		done
		[ "$keep" = 1 ] && set=("$b" "${set[@]}")
	done
	sbx_env -u XDG_CONFIG_HOME "${un[@]}" "${set[@]}" -- "$@"
}

ssbx() { esbx -- "$@"; }

# line_for KEY: the rest of the first line of $OUT that starts with "KEY ".
line_for() {
	local l
	while IFS= read -r l; do
		if [[ $l == "$1 "* ]]; then
			printf '%s' "${l#"$1 "}"
			return
		fi
	done <<<"$OUT"
}

# refused SOCKET DESC: the report line for SOCKET is a refused connect.
refused() {
	local l
	l=$(line_for "$1")
	if [[ $l =~ $REFUSED_RE ]]; then ok "$2"; else
		not_ok "$2" "$1: expected a refused connect, got: '$l'"
	fi
}

# sock_report ESBX-ARGS... -- ENTRUN-ARGS... ::: SOCKET...: connect to each
# SOCKET from inside; one line "SOCKET unix-connect: ..." each.
sock_report() {
	local -a pre=() socks=()
	while [ "$1" != ::: ]; do pre+=("$1"); shift; done
	shift
	socks=("$@")
	# shellcheck disable=SC2016 # expanded by the inner sh
	esbx "${pre[@]}" -- sh -c 'p=$1; shift; for s; do printf "%s " "$s"; "$p" unix-connect "$s"; done' \
		_ "$P" "${socks[@]}"
}

# joined: $OUT with its lines joined by '|'.
joined() { tr '\n' '|' <<<"$OUT" | sed 's/|$//'; }

# host_same FILE CONTENT DESC: FILE on the host holds exactly CONTENT.
host_same() { is "$2" "$(cat "$1" 2>&1)" "$3"; }

# new_repo DIR: a git work tree with one commit.
new_repo() {
	mkdir -p "$1"
	hgit -C "$1" init -q && echo src >"$1/src.c" && hgit -C "$1" add src.c &&
		hgit -C "$1" commit -q -m init
}

# host_commit_runs_nothing REPO MARKER DESC: a `git commit` on the host in
# REPO does not run a planted hook (MARKER does not appear).
host_commit_runs_nothing() {
	hgit -C "$1" commit -q --allow-empty -m after </dev/null >/dev/null 2>&1
	absent "$2" "$3"
}

# The hook the attacks plant: it touches $1.
hook_text() { printf '#!/bin/sh\ntouch %s\n' "$1"; }

# ---- helpers for the seccomp tests (socket-families, new-syscalls) -------------
#
# A spec is "NAME ARGS...": the probe test is tried with ARGS, and its
# result line is reported under NAME, so that one sandbox tries a whole
# list (a shell loop inside it) and the script picks each result.

# shellcheck disable=SC2016 # expanded by the inner sh
SPEC_LOOP='p=$1; t=$2; shift 2; for spec do printf "%s " "${spec%% *}"; "$p" "$t" ${spec#* }; done'

# tries ENTRUN-ARGS... -- TEST SPEC...: OUT holds a line "NAME RESULT" per
# SPEC, from inside the sandbox.
tries() {
	local -a pre=()
	while [ "$1" != -- ]; do pre+=("$1"); shift; done
	shift
	sbx "${pre[@]}" -- sh -c "$SPEC_LOOP" _ "$PROBE" "$@"
}

# host_tries TEST SPEC...: the same on the host, no sandbox; HOST holds it.
host_tries() {
	# shellcheck disable=SC2034 # read by the scripts
	HOST=$(sh -c "$SPEC_LOOP" _ "$PROBE" "$@" 2>&1)
}

# answer SPEC [OUTPUT]: the result of SPEC's NAME in OUTPUT ($OUT).
answer() {
	local name=${1%% *} l
	while IFS= read -r l; do
		if [[ $l == "$name "* ]]; then
			printf '%s' "${l#"$name "}"
			return
		fi
	done <<<"${2-$OUT}"
}
