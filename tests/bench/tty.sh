#!/bin/bash
# tests/bench/tty.sh -- the terminal relay: what entrun costs a command whose
# stdin/stdout is a terminal, side by side with the same command straight on
# the terminal (native), script(1) (a pty relay: util-linux `script -qfc`)
# and, when installed, bwrap (a sandbox without a relay: the sandbox's own
# cost, as a control):
#
# 1. throughput: `cat` of a BENCH_SIZE_MB file to the terminal, spawn to
#    exit, the whole file read off the pty.  Target: entrun <= 1.2x native.
# 2. keystroke latency: one byte typed on the terminal to an echoing
#    command and back -- the input path plus the output path, through the
#    relay both ways.  Target: entrun adds < 1 ms to native.
#
# Usage: tests/bench/tty.sh
# Env:   ENTRUN         binary to measure (default $top_builddir/entrun, else ../../entrun)
#        BENCH_USER     unprivileged user to measure as when run as root
#                       (default entrun-test; created with useradd when missing)
#        BENCH_SIZE_MB  size of the file cat writes, MiB (default 1024)
#        BENCH_ROUNDS   interleaved throughput rounds (default 5)
#        BENCH_SAMPLES  keystrokes per command (default 2000, after 200 warm-up)
#
# A C rig (ptyrig.c, compiled on the fly) gives every command a pty of its
# own -- a 50x160 window, the slave its controlling terminal and fds 0-2 --
# and plays the terminal on the master side.  Throughput: each round runs
# every command once, the starting one rotating; the rig reads the master
# as fast as it can until EIO and reaps the command; the byte count must be
# the file's size.  The table adds the machine's busy CPU time during a run
# (/proc/stat: the command, a relay, the kernel's pty work, the rig -- and
# anything else running then), the work behind the wall time.  The file is
# printable ASCII without '\n' (so the pty's ONLCR adds nothing and a filter
# has no escape to act on), written to /var/tmp (not /tmp: entrun's /tmp is
# private) and removed at the end.
# Before that, every command runs once on a 4 MiB file whose bytes must
# reach the terminal unchanged.  Latency: the slave in raw mode, the
# echoer is the rig's own `ptyrig echo` (cat's read/write loop, raw mode on
# whatever terminal it gets, so that a relay's inner pty does not line-
# buffer or echo); all commands run at once and each round types one byte
# to each, the starting one rotating.  The echoer names its terminal, so
# the table says whether a command ran on the rig's pty (direct) or behind
# a relay (relayed).  Any run that fails, prints extra bytes or echoes the
# wrong byte aborts the benchmark.
#
# A benchmark, not a test: exit 0 whatever the ratios; non-zero only when a
# tool is missing or a run fails.
set -euo pipefail

SIZE_MB=${BENCH_SIZE_MB:-1024}
ROUNDS=${BENCH_ROUNDS:-5}
SAMPLES=${BENCH_SAMPLES:-2000}
LAT_WARMUP=200
CHECK_MB=4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench_name="tty"
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"

posint BENCH_SIZE_MB "$SIZE_MB"
posint BENCH_ROUNDS "$ROUNDS"
posint BENCH_SAMPLES "$SAMPLES"
need script util-linux
need cc gcc
[ -x "$ENTRUN" ] || die "no entrun binary at $ENTRUN (run make, or set ENTRUN)"
ENTRUN=$(readlink -f "$ENTRUN")
SCRIPT=$(command -v script) BWRAP=$(command -v bwrap || true)
[ -n "$BWRAP" ] || echo "tty: bwrap not found (Debian package bubblewrap): no sandbox-without-relay control"

# as_user CMD...: run CMD as the measuring user, in a clean environment (a
# terminal user's: TERM set; SHELL for script -c).
bench_user
as_user() {
	"${switch[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" LC_ALL=C \
		TERM=xterm-256color SHELL=/bin/sh "$@"
}

tmp=$(mktemp -d /var/tmp/entrun-bench-tty.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
chmod 755 "$tmp"
cc -O2 -o "$tmp/ptyrig" "$here/ptyrig.c" || die "cannot compile the pty rig (install gcc)"
as_user test -x "$ENTRUN" || die "$ENTRUN is not executable by uid $uid"
rig=$tmp/ptyrig data=$tmp/data check=$tmp/check
[ "$SIZE_MB" -ge "$CHECK_MB" ] || CHECK_MB=$SIZE_MB
"$rig" gen "$data" "$SIZE_MB" || die "cannot write $SIZE_MB MiB to $tmp"
"$rig" gen "$check" "$CHECK_MB" || die "cannot write $tmp/check"
chmod 644 "$data" "$check"
cd /

# variants cat FILE | variants echo: the rig's LABEL CMD... ";" LABEL CMD...
# list, NUL-separated, each variant running `cat FILE` or the echoer.
variants() {
	local what
	if [ "$1" = echo ]; then what=("$rig" echo); else what=(cat "$2"); fi
	printf '%s\0' native "${what[@]}" \; \
		entrun "$ENTRUN" -- "${what[@]}" \; \
		script "$SCRIPT" -qfc "$(printf '%q ' "${what[@]}")" /dev/null
	[ -z "$BWRAP" ] || printf '%s\0' \; bwrap "$BWRAP" --dev-bind / / -- "${what[@]}"
}
mapfile -d '' check_cmds < <(variants cat "$check")
mapfile -d '' cat_cmds < <(variants cat "$data")
mapfile -d '' echo_cmds < <(variants echo)

printf 'tty: as %s (uid %d), %s; %d CPUs\n' "$(id -nu "$uid")" "$uid" \
	"$("$ENTRUN" --version 2>/dev/null | head -n1)" "$(nproc)"
start=$SECONDS
as_user "$rig" verify "$check" "${check_cmds[@]}" ||
	die "a command does not pass $CHECK_MB MiB through to the terminal unchanged (see above)"

printf 'tty: throughput, cat of a %d MiB file (no newline) to the terminal, %d interleaved rounds\n' \
	"$SIZE_MB" "$ROUNDS"
as_user "$rig" throughput "$ROUNDS" 0 "$data" "${cat_cmds[@]}" >"$tmp/tput" ||
	die "throughput benchmark aborted (see above)"
rm -f "$data"

printf 'tty: keystroke latency, one byte to an echoer and back (input + output path), %d samples (+%d warm-up)\n' \
	"$SAMPLES" "$LAT_WARMUP"
as_user "$rig" latency "$SAMPLES" "$LAT_WARMUP" "${echo_cmds[@]}" >"$tmp/lat" ||
	die "latency benchmark aborted (see above)"

awk -v mib="$SIZE_MB" -v secs=$((SECONDS - start)) '
	BEGIN {
		n = split("native entrun script bwrap", names, " ")
		what["native"] = "(on the terminal)"
		what["entrun"] = "(entrun --)"
		what["script"] = "(pty relay)"
		what["bwrap"] = "(sandbox, no relay)"
	}
	FILENAME ~ /tput$/ { t[$1] = $2; t10[$1] = $3; t90[$1] = $4; cpu[$1] = $5 }
	FILENAME ~ /lat$/ { l[$1] = $2; l10[$1] = $3; l90[$1] = $4; how[$1] = $5 }
	END {
		printf "\n%-30s %9s %9s %9s %9s %7s %9s\n", "throughput", "median s", "p10 s", "p90 s",
			"MiB/s", "ratio", "cpu s"
		for (i = 1; i <= n; i++) {
			v = names[i]
			if (!(v in t)) continue
			printf "%-30s %9.3f %9.3f %9.3f %9.1f %7.2f %9.3f\n", v " " what[v], t[v], t10[v],
				t90[v], mib / t[v], t[v] / t["native"], cpu[v]
		}
		printf "\n%-30s %9s %9s %9s %9s %7s  %s\n", "keystroke echo", "median us", "p10 us",
			"p90 us", "added us", "ratio", "path"
		for (i = 1; i <= n; i++) {
			v = names[i]
			if (!(v in l)) continue
			printf "%-30s %9.1f %9.1f %9.1f %9.1f %7.2f  %s\n", v " " what[v], l[v], l10[v],
				l90[v], l[v] - l["native"], l[v] / l["native"], how[v]
		}
		print "(ratio: median / native'\''s median; cpu: the machine'\''s busy CPU time during a run,"
		print " median -- command, relay, kernel pty work, rig and anything else running;"
		print " path: direct = the echoer ran on the rig'\''s pty, relayed = on a pty of its own)"
		printf "(took %d s)\n", secs
		if (how["entrun"] == "direct")
			print "tty: note: entrun ran the command on the caller'\''s terminal, no relay in the path"
		r = t["entrun"] / t["native"]
		printf "tty: throughput entrun/native = %.2f (target <= 1.20): %s\n", r,
			r <= 1.2 ? "met" : "NOT met"
		d = l["entrun"] - l["native"]
		printf "tty: added keystroke latency entrun-native = %.1f us (target < 1000 us): %s\n", d,
			d < 1000 ? "met" : "NOT met"
	}' "$tmp/tput" "$tmp/lat"
