#!/bin/bash
# tests/bench/scale.sh -- how entrun's start-up grows with what it is given
# and with what the host has:
#
# 1. grants: `entrun -p PROFILE -- /bin/true` with profiles of 0, 10, 100
#    and 1000 grants, read-only binds ([filesystem] ro = DIR, as
#    -e host.fs.ro=DIR) and hidden paths ([filesystem] hide = DIR, as
#    -e host.fs.hide=DIR) of as many directories; the median per count and
#    the cost per grant (the slope from 0 to 100 and from 0 to 1000 grants).
# 2. host mounts (root only): `entrun -- /bin/true` (and bwrap, as a
#    control) in a mount namespace of its own (unshare -m --propagation
#    private) holding 500 more bind mounts than the host, against the same
#    in one without them.  Target: entrun <= 2.0x slower with them.
#
# Usage: tests/bench/scale.sh [RUNS]     (default 100 rounds per part)
# Env:   ENTRUN       binary to measure (default $top_builddir/entrun, else ../../entrun)
#        BENCH_USER   unprivileged user to measure as when run as root
#                     (default entrun-test; created with useradd when missing)
#        SCALE_RUNS   RUNS, when no argument is given
#        SCALE_MOUNTS the number of host mounts of part 2 (default 500)
#
# The timing helper of startup.sh (interleave.c, compiled on the fly) runs
# RUNS interleaved rounds after 10 discarded warm-up rounds, the starting
# command rotating each round; wall time is CLOCK_MONOTONIC around
# posix_spawn..waitpid, and every run must exit 0.  The granted directories
# live in /var/tmp (not /tmp, which entrun makes private), the profiles
# next to them, root's (a profile must be its user's or root's).  Part 2
# keeps two mount namespaces (unshare -m --propagation private, held by a
# waiting process): one with SCALE_MOUNTS bind mounts (of one empty
# directory onto as many directories of a /tmp/entrun-scale-XXXXXX), one
# without; a user cannot enter another namespace, so the two are not
# interleaved run by run but in blocks: 10 blocks of RUNS/10 rounds (+3
# warm-up) in each, entered with nsenter, the first of each pair of blocks
# alternating (ABBA...), the medians taken over every run of every block.
# The mounts go away with their namespace.
#
# A benchmark, not a test: exit 0 whatever the numbers; non-zero only when
# a tool is missing or a run fails.
set -euo pipefail

RUNS=${1:-${SCALE_RUNS:-100}}
MOUNTS=${SCALE_MOUNTS:-500}
COUNTS="0 10 100 1000"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_name="scale"
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"

posint RUNS "$RUNS"
posint SCALE_MOUNTS "$MOUNTS"
need cc gcc
need unshare util-linux
need mount mount
need bwrap bubblewrap
[ -x "$ENTRUN" ] || die "no entrun binary at $ENTRUN (run make, or set ENTRUN)"
ENTRUN=$(readlink -f "$ENTRUN")
BWRAP=$(command -v bwrap) UNSHARE=$(command -v unshare)

# as_user CMD...: run CMD as the measuring user, in a clean environment,
# its home ($userhome) a fresh directory of its own.
bench_user
tmp=$(mktemp -d /var/tmp/entrun-scale.XXXXXX)
userhome='' mnt='' holders=()
cleanup() {
	[ ${#holders[@]} -eq 0 ] || kill "${holders[@]}" 2>/dev/null || true
	[ ${#holders[@]} -eq 0 ] || wait "${holders[@]}" 2>/dev/null || true
	rm -rf "$tmp" ${userhome:+"$userhome"} ${mnt:+"$mnt"}
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
chmod 755 "$tmp"
bench_home
user_env=("${switch[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$userhome" LC_ALL=C)
as_user() { "${user_env[@]}" "$@"; }

cc -O2 -o "$tmp/bench" "$here/interleave.c" || die "cannot compile the timing helper (install gcc)"
as_user test -x "$ENTRUN" || die "$ENTRUN is not executable by uid $uid"
: >"$tmp/stderr.log"
chmod 666 "$tmp/stderr.log"
cd /

# bench OUT LABEL CMD... [";" LABEL CMD...]: the timing helper, as the user.
bench() {
	local out=$1
	shift
	as_user "$tmp/bench" "$RUNS" "$WARMUP" "$tmp/stderr.log" "$@" >"$out" || {
		tail -n 5 "$tmp/stderr.log" >&2
		die "benchmark aborted (see above)"
	}
}

# ---- 1. grants ---------------------------------------------------------------
max=${COUNTS##* }
mkdir "$tmp/d"
for ((i = 1; i <= max; i++)); do printf '%s/d/%04d\n' "$tmp" "$i"; done | xargs mkdir
printf '; no grant\n' >"$tmp/grants-0.ini"
cmds=(0 "$ENTRUN" -p "$tmp/grants-0.ini" -- /bin/true)
for kind in ro hide; do
	for n in $COUNTS; do
		[ "$n" -gt 0 ] || continue
		{
			printf '; %d %s grants\n[filesystem]\n' "$n" "$kind"
			for ((i = 1; i <= n; i++)); do printf '%s = %s/d/%04d\n' "$kind" "$tmp" "$i"; done
		} >"$tmp/$kind-$n.ini"
		cmds+=(\; "$kind-$n" "$ENTRUN" -p "$tmp/$kind-$n.ini" -- /bin/true)
	done
done
chmod 644 "$tmp"/*.ini
for f in "$tmp/ro-$max.ini" "$tmp/hide-$max.ini"; do
	as_user "$ENTRUN" -p "$f" -- /bin/true 2>"$tmp/one.log" || {
		tail -n 3 "$tmp/one.log" >&2
		die "entrun -p $f fails (see above)"
	}
done

printf 'scale: start-up with 0-%d grants in a profile, %d interleaved rounds (+%d warm-up), as %s (uid %d), %s\n' \
	"$max" "$RUNS" "$WARMUP" "$(id -nu "$uid")" "$uid" "$("$ENTRUN" --version 2>/dev/null | head -n1)"
start=$SECONDS
bench "$tmp/grants" "${cmds[@]}"
awk -v counts="$COUNTS" -v secs=$((SECONDS - start)) '
	{ med[$1] = $2; p10[$1] = $3; p90[$1] = $4 }
	END {
		n = split(counts, c, " ")
		printf "%-8s %-6s %10s %10s %10s %12s\n", "grants", "kind", "median ms", "p10 ms", "p90 ms", "per grant us"
		printf "%-8d %-6s %10.3f %10.3f %10.3f\n", 0, "-", med[0], p10[0], p90[0]
		split("ro hide", kinds, " ")
		for (k = 1; k <= 2; k++)
			for (i = 2; i <= n; i++) {
				l = kinds[k] "-" c[i]
				printf "%-8d %-6s %10.3f %10.3f %10.3f %12.1f\n", c[i], kinds[k], med[l], p10[l], p90[l],
					(med[l] - med[0]) * 1000 / c[i]
			}
		printf "(per grant: (median - median with 0) / grants; took %d s)\n", secs
		for (k = 1; k <= 2; k++)
			printf "scale: %s grant costs %.1f us (slope 0-100), %.1f us (slope 0-1000)\n", kinds[k],
				(med[kinds[k] "-100"] - med[0]) * 10, med[kinds[k] "-1000"] - med[0]
	}' "$tmp/grants"

# ---- 2. host mounts ------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	echo "scale: host mounts skipped: a mount namespace with $MOUNTS more mounts needs root"
	exit 0
fi
need nsenter util-linux
need tail coreutils
mnt=$(mktemp -d /tmp/entrun-scale-XXXXXX)
chmod 755 "$mnt"
mkdir "$mnt/src"
for ((i = 1; i <= MOUNTS; i++)); do printf '%s/%04d\n' "$mnt" "$i"; done | xargs mkdir
# A namespace holder, in `unshare -m --propagation private`: binds $mnt/src
# onto the first N directories of $mnt, writes the number of mounts there
# to OUT, then waits for this script to end (tail --pid), holding the
# namespace for nsenter.
# shellcheck disable=SC2016 # expanded by the inner shell
inner='set -eu
mnt=$1 n=$2 out=$3 parent=$4
i=1
while [ "$i" -le "$n" ]; do
	mount --bind "$mnt/src" "$(printf "%s/%04d" "$mnt" "$i")"
	i=$((i + 1))
done
wc -l </proc/self/mountinfo >"$out.new"
mv "$out.new" "$out"
exec tail --pid="$parent" -f /dev/null'
for n in 0 "$MOUNTS"; do
	"$UNSHARE" -m --propagation private -- /bin/sh -c "$inner" inner "$mnt" "$n" "$tmp/mounts-$n" $$ &
	holders+=($!)
done
for n in 0 "$MOUNTS"; do
	for ((i = 0; i < 600; i++)); do
		[ ! -s "$tmp/mounts-$n" ] || break
		kill -0 "${holders[@]}" 2>/dev/null || die "cannot make a mount namespace with $n more mounts"
		sleep 0.05
	done
	[ -s "$tmp/mounts-$n" ] || die "no mount namespace with $n more mounts after 30 s"
done
BWRAP_ARGS=(--unshare-all --ro-bind / / --dev /dev --proc /proc --new-session --die-with-parent --cap-drop ALL)
for n in 0 "$MOUNTS"; do
	: >"$tmp/runs-$n.log"
	chmod 666 "$tmp/runs-$n.log"
done
blocks=$((RUNS < 10 ? RUNS : 10))
per=$(((RUNS + blocks - 1) / blocks))
printf 'scale: start-up with %d more host mounts, %d rounds per namespace in %d blocks (+3 warm-up each), as %s\n' \
	"$MOUNTS" $((per * blocks)) "$blocks" "$(id -nu "$uid")"
start=$SECONDS
# Blocks of `per` interleaved rounds, in one namespace then the other, the
# first one alternating (ABBA...: drift hits both alike); each run's wall
# time from the helper's -m lines.
for ((b = 0; b < blocks; b++)); do
	order=(0 "$MOUNTS")
	[ $((b % 2)) -eq 0 ] || order=("$MOUNTS" 0)
	for n in "${order[@]}"; do
		h=${holders[1]}
		[ "$n" -ne 0 ] || h=${holders[0]}
		nsenter --mount="/proc/$h/ns/mnt" -- "${user_env[@]}" "$tmp/bench" -m "$per" 3 "$tmp/runs-$n.log" \
			entrun "$ENTRUN" -- /bin/true \; \
			bwrap "$BWRAP" "${BWRAP_ARGS[@]}" /bin/true >/dev/null || {
			grep -v '^@@ ' "$tmp/runs-$n.log" | tail -n 5 >&2
			die "benchmark with $n more mounts aborted (see above)"
		}
	done
done
for n in 0 "$MOUNTS"; do
	printf '@ %s %s\n' "$n" "$(cat "$tmp/mounts-$n")"
	awk -v n="$n" '$1 == "@@" && $3 == "run" { print n, $2, $5 }' "$tmp/runs-$n.log"
done | awk -v extra="$MOUNTS" -v secs=$((SECONDS - start)) "$AWK_STATS"'
	$1 == "@" { total[$2] = $3; next }
	{ v[$1, $2] = v[$1, $2] " " $3 }
	END {
		printf "%-8s %-8s %8s %10s %10s %10s %6s\n", "sandbox", "+mounts", "mounts", "median ms", "p10 ms", "p90 ms", "runs"
		split("entrun bwrap", names, " ")
		for (k = 1; k <= 2; k++)
			for (m = 0; m <= 1; m++) {
				n = m ? extra : 0; l = names[k]
				c = split(v[n, l], a, " "); isort(a, c)
				med[n, l] = pct(a, c, .5)
				printf "%-8s %-8d %8d %10.3f %10.3f %10.3f %6d\n", l, n, total[n], med[n, l], pct(a, c, .1),
					pct(a, c, .9), c
			}
		printf "ratio bwrap with/without = %.2f (context)\n", med[extra, "bwrap"] / med[0, "bwrap"]
		printf "(mounts: lines of /proc/self/mountinfo in the namespace; took %d s)\n", secs
		printf "scale: %d host mounts: entrun with/without = %.2f (target <= 2.00)\n", extra,
			med[extra, "entrun"] / med[0, "entrun"]
	}'
