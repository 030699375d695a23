#!/bin/bash
# Stress: $STRESS_SEQ sandboxes one after the other, then $STRESS_CONC at
# once (all alive together, each in its own PID namespace).  Each runs a
# real command that prints its pid inside and a token; zero failures are
# allowed.  Afterwards nothing is left: no process of any sandbox, no mount
# on the host, no file in /tmp, /run/user, $TMPDIR or $XDG_RUNTIME_DIR, no
# fd and no zombie in this long-running harness.  Timings (total, median and
# slowest per sandbox) are TAP diagnostics.
#
# `make check` runs it with small counts (300 and 30 per pass); `make
# stress` with STRESS_SEQ=1000 STRESS_CONC=50, or more: make stress
# STRESS_SEQ=5000 STRESS_CONC=200.  As root, like every black-box test, it
# runs once as root and once as the unprivileged test user.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

: "${STRESS_SEQ:=300}" "${STRESS_CONC:=30}"

# lib.sh's run_user passes on a fixed set of variables: add the counts.
eval "lib_$(declare -f run_user)"
run_user() { lib_run_user env "STRESS_SEQ=$STRESS_SEQ" "STRESS_CONC=$STRESS_CONC" "$@"; }

# Microseconds since the epoch (inline where a fork would count).
now_us() { echo $((10#${EPOCHREALTIME/./})); }

# "N ms" with one decimal from microseconds.
ms() { printf '%d.%d ms' $(($1 / 1000)) $(($1 % 1000 / 100)); }

# The median and the slowest of the numbers on stdin.
median_max() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[NR] }'; }

# ---- what must be left as it was ------------------------------------------------

# Files, sockets and directories directly in the places entrun could leave
# something behind on the host.  Not entrun's: the temporary directories of
# lib.sh (this test's and those of tests running concurrently) and of
# mktemp(1)'s default template.
host_files() {
	local d dirs=(/tmp "$TMPDIR" "$XDG_RUNTIME_DIR")
	for d in /run/user/*/; do dirs+=("$d"); done
	for d in "${dirs[@]}"; do
		if [ -z "$d" ] || [ ! -d "$d" ] || [ ! -r "$d" ]; then continue; fi
		find "$d" -mindepth 1 -maxdepth 1 -user "$(id -u)" 2>/dev/null
	done | grep -Ev '/(entrun-[a-z0-9-]+\.[A-Za-z0-9]{6}|tmp\.[A-Za-z0-9]{10})$' | sort -u
}

fd_count() { local f n=0; for f in /proc/"$BASHPID"/fd/*; do n=$((n + 1)); done; echo "$n"; }

# Zombie children of this shell.
zombie_children() {
	local s line rest state ppid
	for s in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$s" || continue
		rest=${line##*) }
		read -r state ppid _ <<<"$rest"
		[ "$state" = Z ] && [ "$ppid" = "$BASHPID" ] && echo "${line%% *}"
	done
}

# ---- the runs ----------------------------------------------------------------------

# STRESS_SEQ sandboxes in turn, each `sh -c 'echo "$$ $1"'` with a token:
# its output must be "2 TOKEN" (pid 1 is entrun's, the payload is 2),
# exit status 0, stderr empty.
sequential() {
	local i s rc out err fails=0 first='' t0 times=$TEST_TMP/seq.times
	local f=$TEST_TMP/seq.out e=$TEST_TMP/seq.err
	: >"$times"
	t0=$(now_us)
	for ((i = 1; i <= STRESS_SEQ; i++)); do
		s=$((10#${EPOCHREALTIME/./}))
		# shellcheck disable=SC2016 # expanded by the inner sh
		timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" $(tmp_grant) -- sh -c 'echo "$$ $1"' _ "$MARK.s$i" \
			</dev/null >"$f" 2>"$e"
		rc=$?
		echo $((10#${EPOCHREALTIME/./} - s)) >>"$times"
		out=$(<"$f") err=$(<"$e")
		if [ "$rc" -ne 0 ] || [ "$out" != "2 $MARK.s$i" ] || [ -n "$err" ]; then
			fails=$((fails + 1))
			[ -z "$first" ] && first="run $i: exit status $rc, stdout '$out', stderr '$err'"
		fi
	done
	SEQ_TOTAL=$(($(now_us) - t0))
	read -r SEQ_MEDIAN SEQ_MAX < <(median_max <"$times")
	if [ "$fails" -eq 0 ]; then
		ok "$STRESS_SEQ sequential sandboxes each print pid 2 and their token: no failure"
	else
		not_ok "$STRESS_SEQ sequential sandboxes each print pid 2 and their token: no failure" \
			"$fails failed; the first: $first"
	fi
	diag "sequential: $STRESS_SEQ sandboxes in $(ms "$SEQ_TOTAL"), per sandbox median $(ms "$SEQ_MEDIAN"), slowest $(ms "$SEQ_MAX")"
}

# Inside each concurrent sandbox: open the harness's FIFO (at once: the
# harness holds it open for reading and writing), register, and block
# reading it until the harness closes it, which it does once all
# STRESS_CONC have registered: so all run at once.  Then print "PID
# PIDNS-INODE TOKEN".  (A barrier that polls would fork a sleep(1) per
# sandbox and round and starve the start-up of the last ones.)
# shellcheck disable=SC2016 # expanded by the inner sh
CONC_SH='
exec 4<"$1/go"
: >"$1/up.$2"
read -r _ <&4
echo "$$ $(readlink /proc/self/ns/pid) $3"'

concurrent() {
	local d=$TEST_TMP/conc i rc out fails=0 first='' t0 s pids=() nss up=() go
	local desc="$STRESS_CONC concurrent sandboxes, all running at once, each print pid 2 and their token: no failure"
	mkdir -p "$d"
	mkfifo "$d/go"
	# Not inherited by entrun (see the {go}>&- below): the one writer is us.
	exec {go}<>"$d/go"
	t0=$(now_us)
	for ((i = 1; i <= STRESS_CONC; i++)); do
		timeout -k 2 $((ENTRUN_TEST_TIMEOUT * 3)) "$ENTRUN" $(tmp_grant) -- sh -c "$CONC_SH" \
			_ "$d" "$i" "$MARK.c$i" </dev/null >"$d/$i.out" 2>"$d/$i.err" {go}>&- &
		pids[i]=$!
	done
	# All registered (at most 20 s), then release them.
	for ((i = 0; i < 400; i++)); do
		up=("$d"/up.*)
		[ -e "${up[0]}" ] && [ "${#up[@]}" -ge "$STRESS_CONC" ] && break
		sleep 0.05
	done
	exec {go}>&-
	[ "${#up[@]}" -ge "$STRESS_CONC" ] || diag "only ${#up[@]} of $STRESS_CONC ever ran at once"
	for ((i = 1; i <= STRESS_CONC; i++)); do
		wait "${pids[i]}"
		rc=$?
		out=$(<"$d/$i.out")
		if [ "$rc" -ne 0 ] || [[ $out != "2 pid:["*"] $MARK.c$i" ]] || [ -s "$d/$i.err" ]; then
			fails=$((fails + 1))
			[ -z "$first" ] && first="sandbox $i: exit status $rc, stdout '$out', stderr '$(<"$d/$i.err")'"
		fi
	done
	s=$(($(now_us) - t0))
	if [ "$fails" -eq 0 ]; then ok "$desc"; else
		not_ok "$desc" "$fails failed; the first: $first"
	fi
	nss=$(cat "$d"/*.out | cut -d' ' -f2 | sort -u | grep -c .)
	is "$STRESS_CONC" "$nss" "... in $STRESS_CONC distinct PID namespaces"
	unlike "$(cat "$d"/*.out)" "$(readlink /proc/self/ns/pid | sed 's/[][]/\\&/g')" \
		"... none of them the host's"
	diag "concurrent: $STRESS_CONC sandboxes in $(ms "$s") wall time"
}

# ---- checks ------------------------------------------------------------------------

# The processes of our sandboxes (every one has MARK in its command line:
# the payloads, and pid 1, forked from entrun), within 2 s.
no_process_left() {
	local i left
	for ((i = 0; i <= 20; i++)); do
		left=$(pgrep -af -- "$MARK") || break
		sleep 0.1
	done
	if [ -z "$left" ]; then ok "no process of any sandbox is left"; else
		not_ok "no process of any sandbox is left" "$left"
		# shellcheck disable=SC2046 # one pid a word
		kill -KILL $(cut -d' ' -f1 <<<"$left") 2>/dev/null
	fi
}

# Entries that are new and still there 3 s later (a compiler's temporary
# file of a concurrent build is gone by then; a leak is not).  Only ours
# count: as the test user that is exact (the other tests' user passes make
# only lib.sh's directories), but as root any root process on the host may
# have made them, so the root pass only reports them.
no_file_left() {
	local new i desc="no file left in /tmp, /run/user, \$TMPDIR or \$XDG_RUNTIME_DIR"
	for ((i = 0; i <= 6; i++)); do
		new=$(comm -13 "$TEST_TMP/files.before" <(host_files))
		[ -z "$new" ] && break
		sleep 0.5
	done
	if [ -z "$new" ]; then
		ok "$desc"
	elif [ "$(id -u)" -eq 0 ]; then
		skip "new root-owned entries, maybe not entrun's: ${new//$'\n'/ }" "$desc"
	else
		not_ok "$desc" "new: $new"
	fi
}

# The host's mount table, but for network namespaces that the network
# tests running beside this one (make -j) pin under /run/netns.
host_mounts() {
	awk '$5 !~ "^/run/netns(/|$)"' /proc/self/mountinfo
}

checks() {
	local fds
	MARK=stress$(unique_marker)
	host_files >"$TEST_TMP/files.before"
	host_mounts >"$TEST_TMP/mounts.before"
	fds=$(fd_count)
	diag "$(id -un): $STRESS_SEQ sequential, $STRESS_CONC concurrent sandboxes"

	sequential
	concurrent

	no_process_left
	host_mounts >"$TEST_TMP/mounts.after"
	if cmp -s "$TEST_TMP/mounts.before" "$TEST_TMP/mounts.after"; then
		ok "the host's mount table is as before"
	else
		not_ok "the host's mount table is as before" \
			"$(diff "$TEST_TMP/mounts.before" "$TEST_TMP/mounts.after")"
	fi
	no_file_left
	is "$fds" "$(fd_count)" "no fd leaked into this harness shell (fd count as before)"
	is "" "$(zombie_children)" "no zombie child left in this harness shell"
}

tap_main checks
