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
need bwrap bubblewrap
need unshare util-linux
need cc gcc
[ -x "$ENTRUN" ] || die "no entrun binary at $ENTRUN (run make, or set ENTRUN)"
ENTRUN=$(readlink -f "$ENTRUN")
BWRAP=$(command -v bwrap) UNSHARE=$(command -v unshare)

# as_user CMD...: run CMD as the measuring user, in a clean environment.
if [ "$(id -u)" -eq 0 ]; then
	if ! id -u "$BENCH_USER" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin "$BENCH_USER" ||
			die "cannot create user $BENCH_USER"
	fi
	uid=$(id -u "$BENCH_USER") gid=$(id -g "$BENCH_USER")
	[ "$uid" -ne 0 ] || die "BENCH_USER must not be root"
	if command -v setpriv >/dev/null 2>&1; then
		switch=(setpriv "--reuid=$uid" "--regid=$gid" --init-groups --)
	else
		need runuser util-linux
		switch=(runuser -u "$BENCH_USER" --)
	fi
else
	uid=$(id -u) switch=()
fi
home=$(getent passwd "$uid" | cut -d: -f6) || home=/
as_user() { "${switch[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" LC_ALL=C "$@"; }

tmp=$(mktemp -d /tmp/entrun-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cat >"$tmp/bench.c" <<'EOF'
/* bench RUNS WARMUP LABEL CMD ARGS... ';' LABEL CMD ARGS... ';' ...
 * Interleaved rounds; prints "LABEL median p10 p90" in ms per command. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
extern char **environ;
struct cmd { char *label; char **argv; double *us; };
static int cmpd (const void *a, const void *b)
{ double x = *(const double *) a, y = *(const double *) b; return (x > y) - (x < y); }
static double pct (const double *s, int n, double p) /* linear interpolation */
{ double r = p * (n - 1); int i = (int) r; return i + 1 < n ? s[i] + (r - i) * (s[i + 1] - s[i]) : s[i]; }
int main (int argc, char **argv)
{
  int runs = atoi (argv[1]), warm = atoi (argv[2]), k = 0;
  struct cmd c[16];
  for (int i = 3; i < argc && k < 16; k++) {
    c[k].label = argv[i]; c[k].argv = &argv[i + 1];
    while (i < argc && strcmp (argv[i], ";") != 0) i++;
    if (i < argc) argv[i++] = NULL;
    c[k].us = calloc (runs, sizeof (double));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen (&fa, 1, "/dev/null", O_WRONLY, 0);
  for (int r = 0; r < warm + runs; r++)
    for (int j = 0; j < k; j++) {
      struct cmd *x = &c[(r + j) % k];
      struct timespec a, b; pid_t pid; int st;
      clock_gettime (CLOCK_MONOTONIC, &a);
      if (posix_spawn (&pid, x->argv[0], &fa, NULL, x->argv, environ) != 0) {
        fprintf (stderr, "startup: cannot run %s (%s)\n", x->label, x->argv[0]); return 1;
      }
      while (waitpid (pid, &st, 0) < 0) ;
      clock_gettime (CLOCK_MONOTONIC, &b);
      if (!WIFEXITED (st) || WEXITSTATUS (st) != 0) {
        fprintf (stderr, "startup: %s failed (%s %d) in round %d:", x->label,
                 WIFEXITED (st) ? "exit" : "signal", WIFEXITED (st) ? WEXITSTATUS (st) : WTERMSIG (st), r + 1);
        for (char **p = x->argv; *p; p++) fprintf (stderr, " %s", *p);
        fputc ('\n', stderr); return 1;
      }
      if (r >= warm) x->us[r - warm] = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
    }
  for (int j = 0; j < k; j++) {
    qsort (c[j].us, runs, sizeof (double), cmpd);
    printf ("%s %.3f %.3f %.3f\n", c[j].label, pct (c[j].us, runs, .5) / 1e3,
            pct (c[j].us, runs, .1) / 1e3, pct (c[j].us, runs, .9) / 1e3);
  }
  return 0;
}
EOF
cc -O2 -o "$tmp/bench" "$tmp/bench.c" || die "cannot compile the timing helper (install gcc)"
as_user test -x "$ENTRUN" || die "$ENTRUN is not executable by uid $uid"

printf 'startup: %d interleaved rounds (+%d warm-up), as %s (uid %d), %s\n' \
	"$RUNS" "$WARMUP" "$(id -nu "$uid")" "$uid" "$("$ENTRUN" --version 2>/dev/null | head -n1)"
start=$SECONDS
cd /
as_user "$tmp/bench" "$RUNS" "$WARMUP" \
	entrun "$ENTRUN" -- /bin/true \; \
	bwrap "$BWRAP" --unshare-all --ro-bind / / --dev /dev --proc /proc \
	--new-session --die-with-parent --cap-drop ALL /bin/true \; \
	unshare "$UNSHARE" -Urnmiu --cgroup --pid --fork --mount-proc /bin/true \; \
	entrun--version "$ENTRUN" --version >"$tmp/out" || die "benchmark aborted (see above)"

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
