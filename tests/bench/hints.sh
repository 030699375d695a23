#!/bin/bash
# tests/bench/hints.sh -- what denial hints cost (entrun(1), DENIAL HINTS).
#
# Usage: tests/bench/hints.sh [ROUNDS]   (default 7 rounds)
# Env:   ENTRUN, BENCH_USER as in phases.sh; HINTS_ROUNDS: ROUNDS when no
#        argument is given; ENTRUN_BASE: an older entrun (without hints, e.g.
#        the one `make bench-compare` builds) to measure side by side.
#
# As the unprivileged user, each round in a fresh default sandbox (and the
# same with ENTRUN_BASE, interleaved):
#   calls     the mean cost of one call, in ns, over a loop (probe calls):
#             getppid (allowed: the instructions a hint adds to none),
#             bpf (denied by the filter alone), ptrace (denied by pid 1: a
#             hint's round trip), mlock of one page (allowed: with
#             RLIMIT_MEMLOCK's soft limit at the hard one, as by default,
#             nothing is watched) and the same with the soft limit lowered
#             (mlock-w: watched, let through by pid 1 after a look at the
#             caller's limits), connect of a UDP socket to 127.0.0.1
#             (watched under network.none: pid 1 reads the address, lets
#             it through), and getppid on the host for reference;
#   workload  the wall time of a syscall-heavy run, 300 fork+exec of
#             /bin/true from sh, spawn to exit.
# Prints the median of each over the rounds, and new/base.
#
# A benchmark, not a test: exit 0 whatever the numbers.
set -euo pipefail

ROUNDS=${1:-${HINTS_ROUNDS:-7}}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_name="hints"
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"

posint ROUNDS "$ROUNDS"
need cc gcc
[ -x "$ENTRUN" ] || die "no entrun binary at $ENTRUN (run make, or set ENTRUN)"
ENTRUN=$(readlink -f "$ENTRUN")
probe_src=${top_builddir:-$here/../..}/tests/probe
[ -x "$probe_src" ] || die "no probe at $probe_src (run make check once, or make tests/probe)"
bench_setup hints
# In view inside (the home's /var/tmp is, /tmp is private), runnable by
# the measuring user; the binaries likewise, side by side.
cp "$probe_src" "$userhome/probe"
cp "$ENTRUN" "$userhome/entrun"
bins=(new)
if [ -n "${ENTRUN_BASE:-}" ]; then
	cp "$(readlink -f "$ENTRUN_BASE")" "$userhome/entrun-base"
	bins+=(base)
fi
if [ "$(id -u)" -eq 0 ]; then chown -R "$uid:$gid" "$userhome"; fi
binary() { [ "$1" = new ] && echo "$userhome/entrun" || echo "$userhome/entrun-base"; }

# calls KIND N BIN [SOFT]: ns per call inside BIN's default sandbox,
# RLIMIT_MEMLOCK's soft limit SOFT KiB if given.
calls() {
	(cd "$userhome" && as_user sh -c 'ulimit -S -l "$1" && shift && exec "$@"' sh "${4:-$(ulimit -H -l)}" \
		"$(binary "$3")" -q -- ./probe calls "$1" "$2") | awk 'NR == 1 { print $3 }'
}
# workload BIN: ms for 300 fork+exec of /bin/true in BIN's sandbox.
workload() {
	local t0 t1
	t0=$(date +%s%N)
	(cd "$userhome" && as_user "$(binary "$1")" -q -- sh -c 'i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i + 1)); done')
	t1=$(date +%s%N)
	awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f\n", d / 1e6 }'
}

results=$tmp/results
: >"$results"
for ((r = 0; r < ROUNDS; r++)); do
	(cd "$userhome" && as_user ./probe calls getppid 1000000) | awk -v b=host 'NR == 1 { print b, "getppid", $3 }' >>"$results"
	for b in "${bins[@]}"; do
		echo "$b getppid $(calls getppid 1000000 "$b")" >>"$results"
		echo "$b bpf $(calls bpf 200000 "$b")" >>"$results"
		echo "$b ptrace $(calls ptrace 20000 "$b")" >>"$results"
		echo "$b mlock $(calls mlock 20000 "$b")" >>"$results"
		echo "$b mlock-w $(calls mlock 20000 "$b" 64)" >>"$results"
		echo "$b connect $(calls connect 20000 "$b")" >>"$results"
		echo "$b workload $(workload "$b")" >>"$results"
	done
done

echo "hints: $ROUNDS rounds as uid $uid, medians (calls: ns per call; workload: ms for 300 fork+exec)"
awk "$AWK_STATS"'
	{ k = $1 " " $2; n[k]++; v[k, n[k]] = $3; seen[$2] = 1 }
	function med(k,   a, i) { for (i = 1; i <= n[k]; i++) a[i] = v[k, i]; isort(a, n[k]); return pct(a, n[k], 0.5) }
	END {
		split("getppid bpf ptrace mlock mlock-w connect workload", order, " ")
		printf "  %-10s %12s %12s %12s %10s\n", "", "host", "new", "base", "new/base"
		for (i = 1; i <= 7; i++) {
			w = order[i]
			h = ("host " w) in n ? sprintf("%.1f", med("host " w)) : "-"
			nw = ("new " w) in n ? med("new " w) : 0
			bs = ("base " w) in n ? med("base " w) : 0
			printf "  %-10s %12s %12.1f %12s %10s\n", w, h, nw, bs ? sprintf("%.1f", bs) : "-", \
				bs ? sprintf("%.2f", nw / bs) : "-"
		}
	}' "$results"
