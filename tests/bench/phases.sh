#!/bin/bash
# tests/bench/phases.sh -- where entrun's start-up time goes: the steps that
# `entrun -v` prints, each timed from the step before it.
#
# Usage: tests/bench/phases.sh [RUNS [ENTRUN-OPTION...]]   (default 200 runs)
#        e.g. tests/bench/phases.sh 200 -e network.user
# Env:   ENTRUN       binary to measure (default $top_builddir/entrun, else ../../entrun)
#        BENCH_USER   unprivileged user to measure as when run as root
#                     (default entrun-test; created with useradd when missing)
#        PHASES_RUNS  RUNS, when no argument is given
#        PHASE_ARGS   entrun options (split on blanks), when none is given
#                     after RUNS
#        PHASES_OUT   also write the table to this file, tab-separated
#                     (phase, median, p10, p90, at, runs; the rows @last
#                     and @wall last), for tests/bench/compare.sh
#
# Runs `entrun -v [OPTION...] -- /bin/true` RUNS times after 10 discarded
# warm-up runs, through the timing helper (interleave.c -m: wall time with
# CLOCK_MONOTONIC around posix_spawn..waitpid, each run's stderr followed
# by a line of its own).  -v prints each step as
#     entrun: [ 2137    1.390 ms] namespaces created (pid 1 is 2138)
# -- the pid printing it (as seen in its namespace), the ms since entrun's
# main started, the step.  Per run the steps are put in time order (entrun,
# its pid 1 and the payload print side by side) and each one's delta is
# its time minus the previous step's (the first one's: since main).  A
# step's name is its message without what varies from run to run: any
# parenthesised text with a digit in it ("(pid 1 is 2138)"), a final
# ": status N", and the measuring user's home (shown as ~); a name seen
# twice in one run adds up.  The table lists every step seen, in the order
# of their median times: the median, p10 and p90 delta, the median time
# since main ("at") and in how many runs it was seen; then the last step's
# time since main (the time entrun's -v clock sees) and the wall time
# around the whole process, spawn to exit (what the caller waits).  Works
# with whatever steps entrun prints.  The home of the measuring user is a
# fresh directory under /var/tmp, as in startup.sh.
#
# A benchmark, not a test: exit 0 whatever the numbers; non-zero only when
# a tool is missing or a run fails.
set -euo pipefail

RUNS=${1:-${PHASES_RUNS:-200}}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_name="phases"
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"

posint RUNS "$RUNS"
[ $# -eq 0 ] || shift
if [ $# -gt 0 ]; then
	args=("$@")
else
	read -r -a args <<<"${PHASE_ARGS:-}"
fi
need cc gcc
[ -x "$ENTRUN" ] || die "no entrun binary at $ENTRUN (run make, or set ENTRUN)"
ENTRUN=$(readlink -f "$ENTRUN")

# as_user CMD...: run CMD as the measuring user, in a clean environment,
# its home ($userhome) a fresh directory of its own.
bench_setup phases
as_user test -x "$ENTRUN" || die "$ENTRUN is not executable by uid $uid"

cmd=("$ENTRUN" -v "${args[@]}" -- /bin/true)
printf 'phases: entrun -v %s-- /bin/true, %d runs (+%d warm-up), as %s (uid %d), %s\n' \
	"$([ ${#args[@]} -eq 0 ] || printf '%s ' "${args[@]}")" "$RUNS" "$WARMUP" "$(id -nu "$uid")" "$uid" \
	"$("$ENTRUN" --version 2>/dev/null | head -n1)"
start=$SECONDS
cd /
: >"$tmp/stderr.log"
chmod 666 "$tmp/stderr.log"
as_user "$tmp/bench" -m "$RUNS" "$WARMUP" "$tmp/stderr.log" entrun "${cmd[@]}" >/dev/null || {
	grep -v '^@@ ' "$tmp/stderr.log" | tail -n 5 >&2
	die "benchmark aborted (see above)"
}
grep -q '^entrun: \[ *[0-9]* *[0-9.]* ms\]' "$tmp/stderr.log" ||
	die "entrun -v printed no step (is $ENTRUN an entrun with -v?)"

awk -v home="$userhome" -v secs=$((SECONDS - start)) -v out="${PHASES_OUT:-}" "$AWK_STATS"'
	function stats(s, what,   a, n) { # s: the values, space-separated
		n = split(s, a, " "); isort(a, n)
		return what == "n" ? n : pct(a, n, what)
	}
	function name(m,   i) {
		while (match(m, /\([^)]*[0-9][^)]*\)/)) m = substr(m, 1, RSTART - 1) substr(m, RSTART + RLENGTH)
		sub(/: status -?[0-9]+$/, "", m)
		while (home != "" && (i = index(m, home)) > 0) m = substr(m, 1, i - 1) "~" substr(m, i + length(home))
		gsub(/[ \t]+/, " ", m); sub(/^ /, "", m); sub(/ $/, "", m)
		return m
	}
	/^entrun: \[ *[0-9]+ +[0-9.]+ ms\] / {
		m = $0; sub(/^entrun: \[ *[0-9]+ +/, "", m)
		t = m + 0; sub(/^[0-9.]+ ms\] /, "", m)
		nl++; ts[nl] = t; msg[nl] = name(m)
		next
	}
	/^@@ / {
		if ($3 == "run") {
			# the steps in time order (a stable insertion sort; the log order breaks ties)
			for (i = 1; i <= nl; i++) ord[i] = i
			for (i = 2; i <= nl; i++) {
				x = ord[i]
				for (j = i - 1; j >= 1 && ts[ord[j]] > ts[x]; j--) ord[j + 1] = ord[j]
				ord[j + 1] = x
			}
			prev = 0
			split("", d); split("", at)
			for (i = 1; i <= nl; i++) {
				x = ord[i]; p = msg[x]
				if (!(p in seen)) { seen[p] = 1; names[++np] = p }
				if (!(p in d)) at[p] = ts[x]
				d[p] += ts[x] - prev; prev = ts[x]
			}
			for (p in d) { delta[p] = delta[p] " " d[p]; when[p] = when[p] " " at[p] }
			if (nl) last = last " " prev
			wall = wall " " $5
			runs++
		}
		nl = 0
	}
	END {
		# order: by median time since main; first seen breaks ties
		for (i = 1; i <= np; i++) { o[i] = i; med[i] = stats(when[names[i]], .5) }
		for (i = 2; i <= np; i++) {
			x = o[i]
			for (j = i - 1; j >= 1 && med[o[j]] > med[x]; j--) o[j + 1] = o[j]
			o[j + 1] = x
		}
		w = 8
		for (i = 1; i <= np; i++) if (length(names[i]) > w) w = length(names[i])
		if (w > 60) w = 60
		printf "%-" w "s %9s %9s %9s %9s %5s\n", "step", "median ms", "p10 ms", "p90 ms", "at ms", "runs"
		for (k = 1; k <= np; k++) {
			p = names[o[k]]
			row(p, p, delta[p], when[p])
		}
		printf "%-" w "s %9s %9s %9s\n", "", "median ms", "p10 ms", "p90 ms"
		row("last step, since main", "@last", last, "")
		row("wall time, spawn to exit", "@wall", wall, "")
		printf "(%d runs; took %d s)\n", runs, secs
		printf "phases: last step at %.3f ms, wall %.3f ms (median)\n", stats(last, .5), stats(wall, .5)
	}
	function row(label, key, s, ws) {
		if (ws == "")
			printf "%-" w "s %9.3f %9.3f %9.3f\n", label, stats(s, .5), stats(s, .1), stats(s, .9)
		else
			printf "%-" w "s %9.3f %9.3f %9.3f %9.3f %5d\n", substr(label, 1, w), stats(s, .5), stats(s, .1),
				stats(s, .9), stats(ws, .5), stats(s, "n")
		if (out != "")
			printf "%s\t%.3f\t%.3f\t%.3f\t%s\t%d\n", key, stats(s, .5), stats(s, .1), stats(s, .9),
				ws == "" ? "" : sprintf("%.3f", stats(ws, .5)), stats(s, "n") >out
	}' "$tmp/stderr.log"
