#!/bin/bash
# tests/bench/net.sh -- network.user side by side with slirp4netns and pasta:
#
# 1. start-up: `entrun -e network.user -- /bin/true` against an equivalent
#    `unshare -Urn` + `slirp4netns --configure --ready-fd --exit-fd` harness
#    and against `pasta --config-net -t none -u none -T none -U none --
#    /bin/true`.  Targets: <= 0.25x slirp4netns, <= 0.12x pasta.
# 2. TCP throughput: iperf3 -c for IPERF_SECS seconds from inside each
#    sandbox to an iperf3 server on the test host (tests/net/testhost.sh,
#    198.18.0.2).  Target: entrun >= 1.5x slirp4netns.
#
# Usage: tests/bench/net.sh [RUNS]     (default 100 start-up rounds)
# Env:   ENTRUN        binary to measure (default $top_builddir/entrun, else ../../entrun)
#        BENCH_USER    unprivileged user to measure as when run as root
#                      (default entrun-test; created with useradd when missing)
#        IPERF_SECS    length of each iperf3 run (default 10)
#        IPERF_ROUNDS  interleaved throughput rounds (default 3; 0 skips part 2)
#
# Start-up follows tests/bench/startup.sh: a tiny C helper, compiled on the
# fly, runs RUNS interleaved rounds after 10 discarded warm-up rounds, the
# starting command rotating each round; wall time is CLOCK_MONOTONIC around
# posix_spawn..waitpid.  The slirp4netns harness is a second C helper (so
# that no shell start-up is charged to slirp4netns): it starts `unshare -Urn
# sh` waiting for a go signal, starts slirp4netns on its pid once it is in
# its namespaces, sends go once slirp4netns reports ready, waits for the
# child, closes the exit fd and waits for slirp4netns to end -- the whole
# thing, the way a caller would use it.  A context line measures the same
# harness without that last wait (slirp4netns spends most of its exit in
# the kernel's tap teardown).
#
# As root it builds the test host and measures as BENCH_USER; as an
# ordinary user it measures start-up only (the test host needs root).  A
# benchmark, not a test: exit 0 whatever the ratios; non-zero only when a
# tool is missing or a run fails.
set -euo pipefail

RUNS=${1:-100}
IPERF_SECS=${IPERF_SECS:-10}
IPERF_ROUNDS=${IPERF_ROUNDS:-3}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_name="net"
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"

posint RUNS "$RUNS"
posint IPERF_SECS "$IPERF_SECS"
case $IPERF_ROUNDS in '' | *[!0-9]*) die "IPERF_ROUNDS must be a number" ;; esac
need unshare util-linux
need slirp4netns slirp4netns
need pasta passt
need cc gcc
[ "$IPERF_ROUNDS" -eq 0 ] || need iperf3 iperf3
[ -x "$ENTRUN" ] || die "no entrun binary at $ENTRUN (run make, or set ENTRUN)"
ENTRUN=$(readlink -f "$ENTRUN")
UNSHARE=$(command -v unshare) SLIRP=$(command -v slirp4netns) PASTA=$(command -v pasta)
IPERF=$(command -v iperf3 || true)

# as_user CMD...: run CMD as the measuring user, in a clean environment.
bench_user
if [ "$(id -u)" -eq 0 ]; then
	# An unprivileged user opens /dev/net/tun itself (entrun, slirp4netns
	# and pasta alike), so it must be 0666 -- Debian's default; some
	# images ship it 0600.  CI does the same chmod.
	[ -c /dev/net/tun ] && chmod 0666 /dev/net/tun
fi
user_env=("${switch[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" LC_ALL=C)
as_user() { "${user_env[@]}" "$@"; }

tmp=$(mktemp -d /tmp/entrun-bench-net.XXXXXX)
rig=no
cleanup() {
	if [ "$rig" = yes ]; then th_teardown; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
chmod 755 "$tmp"

# ---- the unshare -Urn + slirp4netns harness ----
cat >"$tmp/s4n-run.c" <<'EOF'
/* s4n-run [--no-wait] SLIRP4NETNS UNSHARE CMD [ARGS...]
 * CMD in `unshare -Urn`, networked by `slirp4netns --configure` the way its
 * man page says: start the child, start slirp4netns on its pid once the
 * child is in its namespaces, let the child go once slirp4netns is ready
 * (--ready-fd), wait for it, close --exit-fd, wait for slirp4netns (unless
 * --no-wait).  Exits with CMD's status; 125 when the harness fails.
 * Every wait is bounded: 10 s for the child to start and for slirp4netns
 * to be ready. */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
static void pipe_hi (int p[2]) /* close-on-exec pipe ends, above fd 10 */
{
  int q[2];
  if (pipe2 (q, O_CLOEXEC) < 0) { perror ("s4n-run: pipe"); exit (125); }
  for (int i = 0; i < 2; i++) {
    p[i] = fcntl (q[i], F_DUPFD_CLOEXEC, 10);
    close (q[i]);
  }
}
static int read1 (int fd) /* 1 when a byte came within 10 s */
{
  struct pollfd p = { .fd = fd, .events = POLLIN };
  char b;
  int n;
  do n = poll (&p, 1, 10000); while (n < 0 && errno == EINTR);
  return n == 1 && read (fd, &b, 1) == 1;
}
static void fail (const char *what, pid_t a, pid_t b)
{
  fprintf (stderr, "s4n-run: %s\n", what);
  if (a > 0) kill (a, SIGKILL);
  if (b > 0) kill (b, SIGKILL);
  exit (125);
}
int main (int argc, char **argv)
{
  int nowait = argc > 1 && strcmp (argv[1], "--no-wait") == 0, i = 1 + nowait;
  if (argc - i < 3) { fprintf (stderr, "usage: s4n-run [--no-wait] SLIRP4NETNS UNSHARE CMD [ARGS...]\n"); return 125; }
  char *slirp = argv[i], *unsh = argv[i + 1], **cmd = &argv[i + 2];
  int ncmd = argc - i - 2, go[2], up[2], rdy[2], ex[2], st = 0;
  pipe_hi (go); pipe_hi (up); pipe_hi (rdy); pipe_hi (ex);

  char **cargv = calloc (ncmd + 7, sizeof (char *));
  const char *pre[] = { unsh, "-Urn", "/bin/sh", "-c",
                        "echo >&4; read _ <&3; exec \"$@\" 3<&- 4>&-", "sh" };
  memcpy (cargv, pre, sizeof pre);
  memcpy (cargv + 6, cmd, ncmd * sizeof (char *));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, go[0], 3);
  posix_spawn_file_actions_adddup2 (&fa, up[1], 4);
  pid_t child, sl;
  if (posix_spawn (&child, unsh, &fa, NULL, cargv, environ) != 0) fail ("cannot run unshare", 0, 0);
  close (go[0]); close (up[1]);
  if (!read1 (up[0])) fail ("the child did not get into its namespaces", child, 0);

  char pidbuf[32], rfd[32], efd[32];
  snprintf (pidbuf, sizeof pidbuf, "%d", (int) child);
  snprintf (rfd, sizeof rfd, "--ready-fd=%d", 5);
  snprintf (efd, sizeof efd, "--exit-fd=%d", 6);
  char *sargv[] = { slirp, "--configure", "--mtu=65520", "--disable-host-loopback",
                    rfd, efd, pidbuf, "tap0", NULL };
  posix_spawn_file_actions_t fs;
  posix_spawn_file_actions_init (&fs);
  posix_spawn_file_actions_addopen (&fs, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen (&fs, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen (&fs, 2, "/dev/null", O_WRONLY, 0); /* it chats there */
  posix_spawn_file_actions_adddup2 (&fs, rdy[1], 5);
  posix_spawn_file_actions_adddup2 (&fs, ex[0], 6);
  if (posix_spawn (&sl, slirp, &fs, NULL, sargv, environ) != 0) fail ("cannot run slirp4netns", child, 0);
  close (rdy[1]); close (ex[0]);
  if (!read1 (rdy[0])) fail ("slirp4netns did not get ready", child, sl);

  if (write (go[1], "\n", 1) != 1) fail ("cannot signal the child", child, sl);
  close (go[1]);
  while (waitpid (child, &st, 0) < 0 && errno == EINTR) ;
  close (ex[1]);
  if (!nowait) {
    int ss;
    while (waitpid (sl, &ss, 0) < 0 && errno == EINTR) ;
  }
  return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}
EOF
cc -O2 -o "$tmp/bench" "$here/interleave.c" || die "cannot compile the timing helper (install gcc)"
cc -O2 -o "$tmp/s4n-run" "$tmp/s4n-run.c" || die "cannot compile the slirp4netns harness"
as_user test -x "$ENTRUN" || die "$ENTRUN is not executable by uid $uid"
as_user "$ENTRUN" -e network.user -- /bin/true ||
	die "entrun -e network.user -- /bin/true fails as uid $uid"
as_user "$tmp/s4n-run" "$SLIRP" "$UNSHARE" /bin/true ||
	die "the unshare + slirp4netns harness fails as uid $uid"

: >"$tmp/stderr.log"
chmod 666 "$tmp/stderr.log"
PASTA_ARGS=(--config-net -q -t none -u none -T none -U none --)

# ---- 1. start-up ---------------------------------------------------------------
printf 'net: start-up, %d interleaved rounds (+%d warm-up), as %s (uid %d), %s\n' \
	"$RUNS" "$WARMUP" "$(id -nu "$uid")" "$uid" "$("$ENTRUN" --version 2>/dev/null | head -n1)"
start=$SECONDS
cd /
as_user "$tmp/bench" "$RUNS" "$WARMUP" "$tmp/stderr.log" \
	entrun "$ENTRUN" -e network.user -- /bin/true \; \
	slirp4netns "$tmp/s4n-run" "$SLIRP" "$UNSHARE" /bin/true \; \
	pasta "$PASTA" "${PASTA_ARGS[@]}" /bin/true \; \
	entrun-none "$ENTRUN" -- /bin/true \; \
	slirp4netns-nowait "$tmp/s4n-run" --no-wait "$SLIRP" "$UNSHARE" /bin/true \
	>"$tmp/out" || {
	tail -n 5 "$tmp/stderr.log" >&2 2>/dev/null
	die "start-up benchmark aborted (see above)"
}

awk -v secs=$((SECONDS - start)) '
	{ med[$1] = $2; p10[$1] = $3; p90[$1] = $4 }
	END {
		printf "%-22s %10s %10s %10s\n", "command", "median ms", "p10 ms", "p90 ms"
		n = split("entrun slirp4netns pasta", names, " ")
		for (i = 1; i <= n; i++)
			printf "%-22s %10.3f %10.3f %10.3f\n", names[i], med[names[i]], p10[names[i]], p90[names[i]]
		printf "%-22s %10.3f %10.3f %10.3f   (context: entrun, network.none)\n", "entrun -- /bin/true",
			med["entrun-none"], p10["entrun-none"], p90["entrun-none"]
		printf "%-22s %10.3f %10.3f %10.3f   (context: not waiting for slirp4netns to exit)\n",
			"slirp4netns no-wait", med["slirp4netns-nowait"], p10["slirp4netns-nowait"], p90["slirp4netns-nowait"]
		printf "(took %d s)\n", secs
		printf "net: start-up entrun/slirp4netns = %.2f (target <= 0.25)\n", med["entrun"] / med["slirp4netns"]
		printf "net: start-up entrun/pasta       = %.2f (target <= 0.12)\n", med["entrun"] / med["pasta"]
	}' "$tmp/out"

# ---- 2. TCP throughput -----------------------------------------------------------
if [ "$IPERF_ROUNDS" -eq 0 ]; then
	echo "net: throughput skipped (IPERF_ROUNDS=0)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "net: throughput skipped: the test host (a veth into a network namespace) needs root"
	exit 0
fi
# shellcheck source-path=SCRIPTDIR source=../net/testhost.sh
. "$here/../net/testhost.sh"
th_setup || die "cannot build the test host: $TH_ERROR"
rig=yes
th_start_bg iperf3 timeout "$((IPERF_ROUNDS * 3 * (IPERF_SECS + 15) + 60))" \
	"$IPERF" -s -B "$TH_IP" -p 5201
for ((i = 0; i < 50; i++)); do
	th_exec ss -Hltn "sport = :5201" | grep -q . && break
	sleep 0.1
done

# iperf_mbits LABEL CMD...: one iperf3 run; prints the receiver's Mbit/s.
# A failed run is reported and retried, at most 3 tries in all.
iperf_mbits() {
	local label=$1 out rc try v
	shift
	for ((try = 1; try <= 3; try++)); do
		rc=0
		out=$(timeout -k 5 "$((IPERF_SECS + 20))" "$@" "$IPERF" -c "$TH_IP" -p 5201 \
			-t "$IPERF_SECS" -f m 2>&1) || rc=$?
		v=$(awk '/receiver$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i }
			END { print v }' <<<"$out")
		if [ "$rc" -eq 0 ] && [ -n "$v" ]; then
			echo "$v"
			return 0
		fi
		echo "net: iperf3 in $label failed (try $try/3, exit $rc):" >&2
		[ -n "$out" ] || out='(no output)'
		tail -n 3 <<<"$out" | sed 's/^/net:   /' >&2
		echo "$label" >>"$tmp/retried"
		sleep 1
	done
	return 1
}

printf 'net: TCP throughput, iperf3 -t %d to %s (test host), %d interleaved rounds, as %s\n' \
	"$IPERF_SECS" "$TH_IP" "$IPERF_ROUNDS" "$(id -nu "$uid")"
labels=(entrun slirp4netns pasta)
: >"$tmp/tput"
for ((r = 0; r < IPERF_ROUNDS; r++)); do
	for ((j = 0; j < 3; j++)); do
		label=${labels[(r + j) % 3]}
		case $label in
		entrun) pre=("${user_env[@]}" "$ENTRUN" -e network.user --) ;;
		slirp4netns) pre=("${user_env[@]}" "$tmp/s4n-run" "$SLIRP" "$UNSHARE") ;;
		pasta) pre=("${user_env[@]}" "$PASTA" "${PASTA_ARGS[@]}") ;;
		esac
		v=$(iperf_mbits "$label" "${pre[@]}") || die "throughput benchmark aborted"
		printf '%s %s\n' "$label" "$v" >>"$tmp/tput"
	done
done
awk '
	{ v[$1] = v[$1] " " $2; n[$1]++ }
	function median(s, k,   a, m, i, j, t) {
		m = split(s, a, " ")
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	END {
		printf "%-22s %12s   %s\n", "sandbox", "median Mbit/s", "runs"
		k = split("entrun slirp4netns pasta", names, " ")
		for (i = 1; i <= k; i++) { med[names[i]] = median(v[names[i]]); printf "%-22s %12.0f  %s\n", names[i], med[names[i]], v[names[i]] }
		printf "net: throughput entrun/slirp4netns = %.2f (target >= 1.50)\n", med["entrun"] / med["slirp4netns"]
		printf "net: throughput entrun/pasta       = %.2f (context)\n", med["entrun"] / med["pasta"]
	}' "$tmp/tput"
[ ! -s "$tmp/retried" ] ||
	echo "net: failed iperf3 runs, retried (see above): $(sort "$tmp/retried" | uniq -c | xargs)"
