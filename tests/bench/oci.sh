#!/bin/bash
# tests/bench/oci.sh -- the same grants, two ways: `entrun -- /bin/true`
# against `runc run` of the bundle `entrun oci export` wrote for the same
# defaults (rootless, as the measuring user), and `entrun -e network.none`
# against its bundle; interleaved rounds, medians and ratios.
#
# Usage: tests/bench/oci.sh [RUNS]              (default 100 runs per command)
# Env:   ENTRUN, BENCH_USER as for startup.sh; OCI_RUNS: RUNS when no argument
#
# runc does more per start than entrun (a Go binary, its state directory,
# a re-exec of itself as the container's init, the bundle's ~20 binds and
# a ~700-rule filter compiled each time): the ratio says what the same
# isolation costs through an OCI runtime.
#
# A benchmark, not a test: exit 0 whatever the ratio; non-zero only when a
# tool is missing or a run fails.
set -euo pipefail

RUNS=${1:-${OCI_RUNS:-100}}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_name="oci"
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"

posint RUNS "$RUNS"
need runc runc
need cc gcc
[ -x "$ENTRUN" ] || die "no entrun binary at $ENTRUN (run make, or set ENTRUN)"
ENTRUN=$(readlink -f "$ENTRUN")
RUNC=$(command -v runc)

bench_setup oci
cd /
for b in confined none; do
	grants=()
	[ $b = none ] && grants=(-e network.none)
	as_user "$ENTRUN" oci export "$userhome/$b" -q --no-project "${grants[@]}" -- /bin/true ||
		die "entrun oci export failed"
done
as_user mkdir "$userhome/state"
printf 'oci: %d interleaved rounds (+%d warm-up), as %s (uid %d), %s, %s\n' \
	"$RUNS" "$WARMUP" "$(id -nu "$uid")" "$uid" "$("$ENTRUN" --version | head -n1)" \
	"$("$RUNC" --version | head -n1)"
: >"$tmp/stderr.log"
chmod 666 "$tmp/stderr.log"
as_user "$tmp/bench" "$RUNS" "$WARMUP" "$tmp/stderr.log" \
	entrun "$ENTRUN" --no-project -- /bin/true \; \
	runc "$RUNC" --root "$userhome/state" run -b "$userhome/confined" bench-confined \; \
	entrun-none "$ENTRUN" --no-project -e network.none -- /bin/true \; \
	runc-none "$RUNC" --root "$userhome/state" run -b "$userhome/none" bench-none >"$tmp/out" || {
	tail -n 5 "$tmp/stderr.log" >&2 2>/dev/null
	die "benchmark aborted (see above)"
}
awk '
	{ med[$1] = $2; p10[$1] = $3; p90[$1] = $4 }
	END {
		printf "%-26s %10s %10s %10s\n", "command", "median ms", "p10 ms", "p90 ms"
		n = split("entrun runc entrun-none runc-none", names, " ")
		for (i = 1; i <= n; i++)
			printf "%-26s %10.3f %10.3f %10.3f\n", names[i], med[names[i]], p10[names[i]], p90[names[i]]
		printf "oci: runc/entrun (defaults) = %.2f, runc/entrun (network.none) = %.2f\n",
			med["runc"] / med["entrun"], med["runc-none"] / med["entrun-none"]
	}' "$tmp/out"
