#!/bin/bash
# tests/bench/compare.sh -- start-up of this build against an older
# revision's: did a change make entrun faster or slower, and where?
#
# 1. start-up: `entrun -- /bin/true`, `entrun -p dev -- /bin/true` and
#    `entrun -e network.user -- /bin/true`, old and new binary interleaved:
#    the medians and new/old.
# 2. phases: tests/bench/phases.sh on each binary (old, then new), the
#    median of each step side by side.
#
# Usage: tests/bench/compare.sh BASE        BASE: a git revision (tag, commit, HEAD~3)
#        make bench-compare BASE=REV [BENCH_RUNS=N]
# Env:   ENTRUN       the new binary (default $top_builddir/entrun, else ../../entrun)
#        top_srcdir   the git checkout BASE is taken from (default ../..)
#        top_builddir where the new binary's config.status is, whose configure
#                     options the old build reuses (default: none, plain ./configure)
#        BENCH_RUNS   rounds of part 1, runs of part 2 (default 200)
#        PHASE_ARGS   entrun options for part 2 (see phases.sh; default none)
#        BENCH_USER   unprivileged user to measure as when run as root
#                     (default entrun-test; created with useradd when missing)
#
# BASE is exported with `git archive` into a fresh /tmp/entrun-compare.XXXXXX
# (0755, so that the measuring user can run what is built there; nothing
# changes in the checkout), built there with ./autogen.sh && ./configure &&
# make -j2 entrun (the output in a log, shown when the build fails), and
# both binaries are copied next to each other (same depth, same
# permissions: entrun protects a binary its user could replace, as under
# /tmp, with one more mount; both pay it alike, so absolute times are a
# little above startup.sh's).  Part 1 uses the timing helper of
# startup.sh (interleave.c: 10 discarded warm-up rounds, the starting
# command rotating, CLOCK_MONOTONIC around posix_spawn..waitpid, every run
# must exit 0).  A command the old binary does not know (a profile or
# entitlement that came later) is skipped with a note; so is part 2 when
# the old binary prints no timed steps.  Everything is removed at exit.
#
# A benchmark, not a test: exit 0 whatever the ratios; non-zero only when
# a tool is missing, BASE does not build or a run fails.
set -euo pipefail

RUNS=${BENCH_RUNS:-200}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_name="compare"
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
: "${top_srcdir:=$here/../..}"


if [ $# -ne 1 ] || [ -z "$1" ]; then die "usage: $0 BASE (a git revision), or make bench-compare BASE=REV"; fi
BASE=$1
posint BENCH_RUNS "$RUNS"
need git git
need tar tar
need cc gcc
need make make
need autoreconf autoconf
[ -x "$ENTRUN" ] || die "no entrun binary at $ENTRUN (run make, or set ENTRUN)"
ENTRUN=$(readlink -f "$ENTRUN")
rev=$(git -C "$top_srcdir" rev-parse --verify --quiet "$BASE^{commit}") ||
	die "'$BASE' is not a revision of the git checkout $top_srcdir"
desc=$(git -C "$top_srcdir" log -1 --format='%h %s' "$rev")
cfg=()
if [ -n "${top_builddir:-}" ] && [ -x "$top_builddir/config.status" ]; then
	eval "cfg=($("$top_builddir/config.status" --config))"
fi

# as_user CMD...: run CMD as the measuring user, in a clean environment,
# its home ($userhome) a fresh directory of its own.
bench_user
work=$(mktemp -d /tmp/entrun-compare.XXXXXX)
userhome=''
trap 'rm -rf "$work" ${userhome:+"$userhome"}' EXIT
trap 'exit 130' INT TERM HUP
chmod 755 "$work"
bench_home

# ---- the old binary ------------------------------------------------------------
printf 'compare: building %s (%s) in %s\n' "$BASE" "$desc" "$work/src"
start=$SECONDS
mkdir "$work/src" "$work/old" "$work/new"
git -C "$top_srcdir" archive --format=tar "$rev" | tar -x -C "$work/src" ||
	die "cannot export $BASE with git archive"
(cd "$work/src" && ./autogen.sh && ./configure "${cfg[@]}" && make -j2 entrun) >"$work/build.log" 2>&1 || {
	tail -n 40 "$work/build.log" >&2
	die "$BASE does not build (the end of its log above)"
}
if [ ! -x "$work/src/entrun" ] || [ "$(head -c 4 "$work/src/entrun" | tail -c 3)" != ELF ]; then
	die "$BASE built no entrun binary at the top of its tree"
fi
cp "$work/src/entrun" "$work/old/entrun"
cp "$ENTRUN" "$work/new/entrun"
chmod 755 "$work/old" "$work/new" "$work/old/entrun" "$work/new/entrun"
OLD=$work/old/entrun NEW=$work/new/entrun
printf 'compare: built in %d s; old: %s (%s), new: %s (%s)\n' $((SECONDS - start)) \
	"$BASE" "$("$OLD" --version 2>/dev/null | head -n1)" "$ENTRUN" "$("$NEW" --version 2>/dev/null | head -n1)"

cc -O2 -o "$work/bench" "$here/interleave.c" || die "cannot compile the timing helper (install gcc)"
as_user test -x "$NEW" || die "$NEW is not executable by uid $uid"
: >"$work/stderr.log"
chmod 666 "$work/stderr.log"
cd /

# ---- 1. start-up -----------------------------------------------------------------
cases=(default dev net)
declare -A what=([default]='-- /bin/true' [dev]='-p dev -- /bin/true' [net]='-e network.user -- /bin/true')
cmds=() skipped=()
for c in "${cases[@]}"; do
	read -r -a a <<<"${what[$c]}"
	if ! as_user "$OLD" "${a[@]}" 2>"$work/one.log"; then
		skipped+=("$c")
		printf 'compare: the old binary fails "entrun %s" (%s): skipped\n' "${what[$c]}" "$(tail -n 1 "$work/one.log")"
		continue
	fi
	as_user "$NEW" "${a[@]}" 2>"$work/one.log" || {
		tail -n 3 "$work/one.log" >&2
		die "the new binary fails \"entrun ${what[$c]}\" (see above)"
	}
	[ ${#cmds[@]} -eq 0 ] || cmds+=(\;)
	cmds+=("old-$c" "$OLD" "${a[@]}" \; "new-$c" "$NEW" "${a[@]}")
done
[ ${#cmds[@]} -gt 0 ] || die "the old binary runs none of the commands"
printf 'compare: start-up, %d interleaved rounds (+%d warm-up), as %s (uid %d)\n' \
	"$RUNS" "$WARMUP" "$(id -nu "$uid")" "$uid"
start=$SECONDS
as_user "$work/bench" "$RUNS" "$WARMUP" "$work/stderr.log" "${cmds[@]}" >"$work/out" || {
	tail -n 5 "$work/stderr.log" >&2
	die "benchmark aborted (see above)"
}
for c in "${cases[@]}"; do printf 'case %s %s\n' "$c" "${what[$c]}"; done |
	awk -v secs=$((SECONDS - start)) '
	$1 == "case" { n++; id[n] = $2; $1 = $2 = ""; sub(/^ +/, ""); cmd[n] = "entrun " $0; next }
	{ med[$1] = $2; p10[$1] = $3; p90[$1] = $4 }
	END {
		printf "%-36s %9s %9s %8s   %s\n", "command", "old ms", "new ms", "new/old", "(p10-p90 old | new)"
		for (i = 1; i <= n; i++) {
			o = "old-" id[i]; w = "new-" id[i]
			if (!(o in med)) { printf "%-36s %9s\n", cmd[i], "skipped"; continue }
			printf "%-36s %9.3f %9.3f %8.2f   (%.3f-%.3f | %.3f-%.3f)\n", cmd[i], med[o], med[w],
				med[w] / med[o], p10[o], p90[o], p10[w], p90[w]
		}
		printf "(took %d s)\n", secs
		for (i = 1; i <= n; i++)
			if (("old-" id[i]) in med)
				printf "compare: %s new/old = %.2f\n", cmd[i], med["new-" id[i]] / med["old-" id[i]]
	}' - "$work/out"

# ---- 2. phases -----------------------------------------------------------------
as_user "$OLD" -v -- /bin/true 2>"$work/one.log" || true
if ! grep -q '^entrun: \[ *[0-9]* *[0-9.]* ms\]' "$work/one.log"; then
	echo "compare: phases skipped: the old binary prints no timed steps with -v"
	exit 0
fi
printf 'compare: phases (tests/bench/phases.sh %d%s), old then new\n' "$RUNS" "${PHASE_ARGS:+ with PHASE_ARGS=$PHASE_ARGS}"
for v in old new; do
	bin=$OLD
	[ "$v" = old ] || bin=$NEW
	ENTRUN=$bin PHASES_OUT=$work/phases-$v.tsv PHASE_ARGS=${PHASE_ARGS:-} BENCH_USER=$BENCH_USER \
		bash "$here/phases.sh" "$RUNS" >"$work/phases-$v.log" 2>&1 || {
		cat "$work/phases-$v.log" >&2
		die "phases.sh on the $v binary failed (see above)"
	}
done
awk -F '\t' '
	FILENAME ~ /old.tsv$/ { old[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; oorder[++no] = $1 } ; next }
	{ new[$1] = $2; if (!($1 in seen)) seen[$1] = 1; norder[++nn] = $1 }
	function row(label, k) {
		printf "%-" w "s %9s %9s %9s\n", substr(label, 1, w), k in old ? sprintf("%.3f", old[k]) : "-",
			k in new ? sprintf("%.3f", new[k]) : "-",
			(k in old) && (k in new) ? sprintf("%+.3f", new[k] - old[k]) : ""
	}
	END {
		# the new run order, then steps only the old binary has
		for (i = 1; i <= nn; i++) if (norder[i] !~ /^@/) list[++n] = norder[i]
		for (i = 1; i <= no; i++) if (oorder[i] !~ /^@/ && !(oorder[i] in new)) list[++n] = oorder[i]
		w = 8
		for (i = 1; i <= n; i++) if (length(list[i]) > w) w = length(list[i])
		if (w > 60) w = 60
		printf "%-" w "s %9s %9s %9s\n", "step (median delta)", "old ms", "new ms", "new-old"
		for (i = 1; i <= n; i++) row(list[i], list[i])
		row("last step, since main", "@last")
		row("wall time, spawn to exit", "@wall")
		printf "compare: phases wall new/old = %.2f\n", new["@wall"] / old["@wall"]
	}' "$work/phases-old.tsv" "$work/phases-new.tsv"
