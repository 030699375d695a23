# shellcheck shell=bash
# tests/bench/lib.sh -- what the benchmarks share (sourced; bash only).
# The caller sets here (its directory) and bench_name (its messages'
# prefix) first.  On sourcing, ENTRUN defaults to the build's binary.

die() { echo "${bench_name:-bench}: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the Debian package $2"; }
# posint NAME VALUE: dies unless VALUE is a positive integer.
posint() { case $2 in '' | *[!0-9]* | 0*) die "$1 must be a positive integer, got '$2'" ;; esac }

# Who measures (see bench_user), and the rounds run first and discarded.
BENCH_USER=${BENCH_USER:-entrun-test}
WARMUP=${WARMUP:-10}

# awk functions for medians and percentiles: isort(a, n) sorts a[1..n]
# (numbers); pct(a, n, p) is the p-quantile of a sorted a[1..n], linearly
# interpolated as interleave.c does.  Prepend to a program: awk "$AWK_STATS"'...'
# shellcheck disable=SC2034 # used by the scripts that source this
AWK_STATS='
	function isort(a, n,   i, j, t) {
		for (i = 2; i <= n; i++) {
			t = a[i]
			for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
			a[j + 1] = t
		}
	}
	function pct(a, n, p,   r, i) {
		r = p * (n - 1); i = int(r)
		return i + 1 < n ? a[i + 1] + (r - i) * (a[i + 2] - a[i + 1]) : a[i + 1]
	}
'

if [ -n "${top_builddir:-}" ]; then
	: "${ENTRUN:=$top_builddir/entrun}"
else
	: "${ENTRUN:=$here/../../entrun}"
fi

# bench_user: who measures.  Started as root, the unprivileged $BENCH_USER
# (created with useradd when missing): sets uid, gid, home and switch, the
# command prefix that runs a command as that user (setpriv, else runuser).
# Started as anyone else, that user, and switch is empty.
# shellcheck disable=SC2034 # read by the scripts that source this
bench_user() {
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
		uid=$(id -u) gid=$(id -g) switch=()
	fi
	home=$(getent passwd "$uid" | cut -d: -f6) || home=/
}

# bench_home: a fresh home for the measuring user, so that what entrun does
# with a home (-p dev overlays it) has one to work on: sets userhome, a
# directory under /var/tmp (not /tmp: entrun's /tmp is private) that the
# caller removes at exit.  Call bench_user first.
bench_home() {
	userhome=$(mktemp -d /var/tmp/entrun-bench-home.XXXXXX) || die "cannot create a directory in /var/tmp"
	mkdir -p "$userhome/.cache" "$userhome/.config"
	echo 'set -o vi' >"$userhome/.profile"
	if [ "$(id -u)" -eq 0 ]; then chown -R "$uid:$gid" "$userhome"; fi
}

# bench_setup NAME: the measuring user (bench_user) with a fresh home
# (bench_home), a scratch directory $tmp removed at exit with that home, and
# the timing helper compiled as $tmp/bench.  as_user CMD... then runs CMD
# as that user, in a clean environment.
bench_setup() {
	bench_user
	tmp=$(mktemp -d "/tmp/entrun-bench-$1.XXXXXX") || die "cannot create a directory in /tmp"
	userhome=
	trap 'rm -rf "$tmp" ${userhome:+"$userhome"}' EXIT
	trap 'exit 130' INT TERM HUP
	chmod 755 "$tmp"
	bench_home
	cc -O2 -o "$tmp/bench" "$here/interleave.c" || die "cannot compile the timing helper (install gcc)"
}
as_user() { "${switch[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$userhome" LC_ALL=C "$@"; }
