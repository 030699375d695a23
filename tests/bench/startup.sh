#!/bin/bash
# tests/bench/startup.sh -- startup cost of `entrun -- /bin/true` (all
# defaults: every namespace, minimal /dev, fresh /proc, caps dropped, seccomp)
# side by side with bwrap and unshare doing comparable work.
#
# Usage: tests/bench/startup.sh [RUNS]          (default 200 runs per command)
# Env:   ENTRUN      binary to measure (default $top_builddir/entrun, else ../../entrun)
#        BENCH_USER  unprivileged user to measure as when run as root
#                    (default entrun-test; created with useradd when missing)
#
# A tiny C helper, compiled on the fly, runs RUNS interleaved rounds after 10
# discarded warm-up rounds; each round runs every command once, the starting
# command rotating, so drift and noise hit all of them alike.  Wall time is
# taken with CLOCK_MONOTONIC around posix_spawn..waitpid.  Every run must exit
# 0.  A benchmark, not a test: exit 0 whatever the ratio; non-zero only when
# a tool is missing or a run fails.
set -euo pipefail

RUNS=${1:-200}
WARMUP=10
BENCH_USER=${BENCH_USER:-entrun-test}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -n "${top_builddir:-}" ]; then
	: "${ENTRUN:=$top_builddir/entrun}"
else
	: "${ENTRUN:=$here/../../entrun}"
fi

die() { echo "startup: $*" >&2; exit 1; }

case $RUNS in '' | *[!0-9]* | 0) die "RUNS must be a positive integer, got '$RUNS'" ;; esac
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the Debian package $2"; }
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
need bwrap bubblewrap
need unshare util-linux
need cc gcc
[ -x "$ENTRUN" ] || die "no entrun binary at $ENTRUN (run make, or set ENTRUN)"
ENTRUN=$(readlink -f "$ENTRUN")
BWRAP=$(command -v bwrap) UNSHARE=$(command -v unshare)

# as_user CMD...: run CMD as the measuring user, in a clean environment.
bench_user
as_user() { "${switch[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" LC_ALL=C "$@"; }

tmp=$(mktemp -d /tmp/entrun-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cc -O2 -o "$tmp/bench" "$here/interleave.c" || die "cannot compile the timing helper (install gcc)"
as_user test -x "$ENTRUN" || die "$ENTRUN is not executable by uid $uid"

printf 'startup: %d interleaved rounds (+%d warm-up), as %s (uid %d), %s\n' \
	"$RUNS" "$WARMUP" "$(id -nu "$uid")" "$uid" "$("$ENTRUN" --version 2>/dev/null | head -n1)"
start=$SECONDS
cd /
: >"$tmp/stderr.log"
chmod 666 "$tmp/stderr.log"
as_user "$tmp/bench" "$RUNS" "$WARMUP" "$tmp/stderr.log" \
	entrun "$ENTRUN" -- /bin/true \; \
	bwrap "$BWRAP" --unshare-all --ro-bind / / --dev /dev --proc /proc \
	--new-session --die-with-parent --cap-drop ALL /bin/true \; \
	unshare "$UNSHARE" -Urnmiu --cgroup --pid --fork --mount-proc /bin/true \; \
	entrun--version "$ENTRUN" --version >"$tmp/out" || {
	tail -n 5 "$tmp/stderr.log" >&2 2>/dev/null
	die "benchmark aborted (see above)"
}

awk -v secs=$((SECONDS - start)) '
	{ med[$1] = $2; p10[$1] = $3; p90[$1] = $4 }
	END {
		printf "%-18s %10s %10s %10s\n", "command", "median ms", "p10 ms", "p90 ms"
		n = split("entrun bwrap unshare", names, " ")
		for (i = 1; i <= n; i++)
			printf "%-18s %10.3f %10.3f %10.3f\n", names[i], med[names[i]], p10[names[i]], p90[names[i]]
		printf "%-18s %10.3f %10.3f %10.3f   (context: process start alone)\n", "entrun --version",
			med["entrun--version"], p10["entrun--version"], p90["entrun--version"]
		printf "ratio entrun/bwrap   = %.2f\n", med["entrun"] / med["bwrap"]
		printf "ratio entrun/unshare = %.2f\n", med["entrun"] / med["unshare"]
		printf "(took %d s)\n", secs
		printf "startup: entrun/bwrap = %.2f (target <= 1.00)\n", med["entrun"] / med["bwrap"]
	}' "$tmp/out"
