#!/bin/bash
# tests/bench/startup.sh -- startup cost of `entrun -- /bin/true` (all
# defaults: every namespace, minimal /dev, fresh /proc, caps dropped, seccomp)
# and of `entrun -p dev -- /bin/true` (network.user, the home an overlay)
# side by side with bwrap and unshare doing comparable work; then the peak
# memory of each launcher's own processes.
#
# Usage: tests/bench/startup.sh [RUNS]          (default 200 runs per command)
# Env:   ENTRUN        binary to measure (default $top_builddir/entrun, else ../../entrun)
#        BENCH_USER    unprivileged user to measure as when run as root
#                      (default entrun-test; created with useradd when missing)
#        STARTUP_RUNS  RUNS, when no argument is given
#        RSS_RUNS      peak-memory rounds (default 20, at most RUNS)
#
# A tiny C helper, compiled on the fly, runs RUNS interleaved rounds after 10
# discarded warm-up rounds; each round runs every command once, the starting
# command rotating, so drift and noise hit all of them alike.  Wall time is
# taken with CLOCK_MONOTONIC around posix_spawn..waitpid.  Every run must exit
# 0.  The home of the measuring user is a fresh directory under /var/tmp
# (not /tmp: entrun's /tmp is private), so that -p dev has a home to overlay.
#
# Peak memory (rsspeak.c): entrun and bwrap (the same command lines, the
# payload `sleep 0.5`) run RSS_RUNS interleaved rounds after one warm-up
# round; while each runs, /proc is scanned every 2 ms for the launcher's
# tree -- for entrun: entrun, its pid 1 and any helper (network, terminal
# relay); for bwrap: both bwrap processes -- and VmHWM of each process but
# the payload is summed as it stands just before the payload exits.  The
# median of those sums is compared (target: entrun <= 1.10x bwrap).
#
# A benchmark, not a test: exit 0 whatever the ratio; non-zero only when
# a tool is missing or a run fails.
set -euo pipefail

RUNS=${1:-${STARTUP_RUNS:-200}}
RSS_SLEEP=0.5
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_name="startup"
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"

posint RUNS "$RUNS"
RSS_RUNS=${RSS_RUNS:-20}
posint RSS_RUNS "$RSS_RUNS"
[ "$RSS_RUNS" -le "$RUNS" ] || RSS_RUNS=$RUNS
need bwrap bubblewrap
need unshare util-linux
need cc gcc
[ -x "$ENTRUN" ] || die "no entrun binary at $ENTRUN (run make, or set ENTRUN)"
ENTRUN=$(readlink -f "$ENTRUN")
BWRAP=$(command -v bwrap) UNSHARE=$(command -v unshare)

# as_user CMD...: run CMD as the measuring user, in a clean environment,
# its home ($userhome) a fresh directory of its own.
bench_setup startup
cc -O2 -o "$tmp/rsspeak" "$here/rsspeak.c" || die "cannot compile the memory helper (install gcc)"
as_user test -x "$ENTRUN" || die "$ENTRUN is not executable by uid $uid"

printf 'startup: %d interleaved rounds (+%d warm-up), as %s (uid %d), %s\n' \
	"$RUNS" "$WARMUP" "$(id -nu "$uid")" "$uid" "$("$ENTRUN" --version 2>/dev/null | head -n1)"
start=$SECONDS
cd /
: >"$tmp/stderr.log"
chmod 666 "$tmp/stderr.log"
BWRAP_ARGS=(--unshare-all --ro-bind / / --dev /dev --proc /proc --new-session --die-with-parent --cap-drop ALL)
as_user "$tmp/bench" "$RUNS" "$WARMUP" "$tmp/stderr.log" \
	entrun "$ENTRUN" -- /bin/true \; \
	entrun-dev "$ENTRUN" -p dev -- /bin/true \; \
	bwrap "$BWRAP" "${BWRAP_ARGS[@]}" /bin/true \; \
	unshare "$UNSHARE" -Urnmiu --cgroup --pid --fork --mount-proc /bin/true \; \
	entrun--version "$ENTRUN" --version >"$tmp/out" || {
	tail -n 5 "$tmp/stderr.log" >&2 2>/dev/null
	die "benchmark aborted (see above)"
}

# ---- peak memory: the launcher's processes, the payload excluded ----
printf 'rss: peak memory (VmHWM) of the launcher'\''s processes, payload (sleep %s) excluded, %d interleaved rounds (+1 warm-up)\n' \
	"$RSS_SLEEP" "$RSS_RUNS" >"$tmp/rsshead"
as_user "$tmp/rsspeak" "$RSS_RUNS" 1 "$tmp/stderr.log" sleep \
	entrun "$ENTRUN" -- sleep "$RSS_SLEEP" \; \
	bwrap "$BWRAP" "${BWRAP_ARGS[@]}" sleep "$RSS_SLEEP" >"$tmp/rss" || {
	tail -n 5 "$tmp/stderr.log" >&2 2>/dev/null
	die "memory benchmark aborted (see above)"
}

awk -v secs=$((SECONDS - start)) -v rsshead="$(cat "$tmp/rsshead")" '
	FILENAME ~ /out$/ { med[$1] = $2; p10[$1] = $3; p90[$1] = $4 }
	FILENAME ~ /rss$/ { rss[$1] = $2; r10[$1] = $3; r90[$1] = $4; np[$1] = $5 }
	END {
		printf "%-18s %10s %10s %10s\n", "command", "median ms", "p10 ms", "p90 ms"
		n = split("entrun entrun-dev bwrap unshare", names, " ")
		for (i = 1; i <= n; i++)
			printf "%-18s %10.3f %10.3f %10.3f\n", names[i] == "entrun-dev" ? "entrun -p dev" : names[i],
				med[names[i]], p10[names[i]], p90[names[i]]
		printf "%-18s %10.3f %10.3f %10.3f   (context: process start alone)\n", "entrun --version",
			med["entrun--version"], p10["entrun--version"], p90["entrun--version"]
		printf "ratio entrun/bwrap   = %.2f\n", med["entrun"] / med["bwrap"]
		printf "ratio entrun-dev/bwrap = %.2f\n", med["entrun-dev"] / med["bwrap"]
		printf "ratio entrun/unshare = %.2f\n", med["entrun"] / med["unshare"]
		print rsshead
		printf "%-18s %10s %10s %10s %6s\n", "launcher", "median KiB", "p10 KiB", "p90 KiB", "procs"
		n = split("entrun bwrap", names, " ")
		for (i = 1; i <= n; i++)
			printf "%-18s %10d %10d %10d %6d\n", names[i], rss[names[i]], r10[names[i]], r90[names[i]], np[names[i]]
		printf "rss: entrun %d KiB, bwrap %d KiB, ratio %.2f (target <= 1.10)\n", rss["entrun"], rss["bwrap"],
			rss["entrun"] / rss["bwrap"]
		printf "(took %d s)\n", secs
		printf "startup: entrun-dev/bwrap = %.2f (target <= 1.00)\n", med["entrun-dev"] / med["bwrap"]
		printf "startup: entrun/bwrap = %.2f (target <= 0.80)\n", med["entrun"] / med["bwrap"]
	}' "$tmp/out" "$tmp/rss"
