# shellcheck shell=bash
# tests/bench/lib.sh -- what the benchmarks share (sourced; bash only).
# The caller defines die() and need() first.

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
