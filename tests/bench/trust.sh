#!/bin/bash
# tests/bench/trust.sh -- what a project profile's discovery and approval
# check add to a start.
#
# Usage: tests/bench/trust.sh [RUNS]   (default 200 runs)
# Env:   ENTRUN, BENCH_USER as in phases.sh; TRUST_RUNS: RUNS when no
#        argument is given.
#
# In a git repository whose .entrun.ini (a few grants, comments) the
# measuring user approved, interleaved, each after 10 warm-up rounds:
#   plain     entrun -v --no-project -p PROJ/.entrun.ini -- /bin/true
#             (the same profile, neither looked for nor checked)
#   project   entrun -v -- /bin/true   (found from src/, approval checked:
#             the fast path, the file unchanged since approved)
# and prints each one's median wall time (spawn to exit) and median time
# from main to "profile resolved" on entrun's -v clock, where discovery
# and the check happen; the difference of the latter is their cost.  Then
# one run after a comment-only edit (the slow path: the profile resolved
# alone and its hash compared) and its "profile resolved" time.
#
# A benchmark, not a test: exit 0 whatever the numbers.
set -euo pipefail

RUNS=${1:-${TRUST_RUNS:-200}}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_name="trust"
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"

posint RUNS "$RUNS"
need cc gcc
need git git
[ -x "$ENTRUN" ] || die "no entrun binary at $ENTRUN (run make, or set ENTRUN)"
ENTRUN=$(readlink -f "$ENTRUN")
bench_setup trust

proj=$userhome/proj
mkdir -p "$proj/src/build" "$proj/build"
git init -q "$proj"
cat >"$proj/.entrun.ini" <<'EOF'
; the project's sandbox
[sandbox]
entitlements = network.user
[filesystem]
rw = build
hide = secrets
[resources]
memory = 2G
[environment]
keep = CI
EOF
mkdir -p "$proj/secrets"
if [ "$(id -u)" -eq 0 ]; then chown -R "$uid:$gid" "$proj"; fi
cd "$proj/src"
as_user "$ENTRUN" -q trust "$proj" || die "entrun trust failed"

printf 'trust: discovery and approval check, %d runs (+%d warm-up), as %s (uid %d), %s\n' \
	"$RUNS" "$WARMUP" "$(id -nu "$uid")" "$uid" "$("$ENTRUN" --version 2>/dev/null | head -n1)"
: >"$tmp/stderr.log"
chmod 666 "$tmp/stderr.log"
as_user "$tmp/bench" -m "$RUNS" "$WARMUP" "$tmp/stderr.log" \
	plain "$ENTRUN" -v --no-project -p "$proj/.entrun.ini" -- /bin/true ";" \
	project "$ENTRUN" -v -- /bin/true >"$tmp/wall.txt" || {
	grep -v '^@@ ' "$tmp/stderr.log" | tail -n 5 >&2
	die "benchmark aborted (see above)"
}

# The "profile resolved" time of each measured run, by label.
resolved_at() {
	awk -v want="$1" "$AWK_STATS"'
		/profile resolved$/ { sub(/^entrun: \[ *[0-9]+ +/, ""); t = $0 + 0; next }
		/^@@ / { if ($2 == want && $3 == "run" && t != "") v[++n] = t; t = ""; next }
		END { isort(v, n); printf "%.3f %.3f %.3f", pct(v, n, 0.5), pct(v, n, 0.1), pct(v, n, 0.9) }
	' "$tmp/stderr.log"
}
read -r pm pp10 pp90 <<<"$(resolved_at plain)"
read -r qm qp10 qp90 <<<"$(resolved_at project)"
printf '%-9s %10s %22s\n' "" "wall (ms)" "profile resolved (ms)"
while read -r label med p10 p90; do
	if [ "$label" = plain ]; then r="$pm (p10 $pp10, p90 $pp90)"; else r="$qm (p10 $qp10, p90 $qp90)"; fi
	printf '%-9s %10s   %s\n' "$label" "$med" "$r"
done <"$tmp/wall.txt"
awk -v p="$pm" -v q="$qm" 'BEGIN { printf "discovery + approval check (fast path): %+.3f ms median\n", q - p }'

# The slow path, once: the bytes changed, the effect did not.
printf '; edited %s\n' "$(date +%s%N)" >>"$proj/.entrun.ini"
slow=$(as_user "$ENTRUN" -v -- /bin/true 2>&1 | awk '/profile resolved$/ { sub(/^entrun: \[ *[0-9]+ +/, ""); print $0 + 0 }')
printf 'after a comment-only edit (resolved alone, hash compared, record rewritten): profile resolved at %s ms (one run)\n' "$slow"
