#!/bin/bash
# Invariant 1, fail closed, proved by fault injection.
#
# tests/fault/shim.c, preloaded into entrun, names every libc call entrun's
# setup makes -- a fault point: the function, the process of the tree
# ("0" entrun, "0.1" the sandbox's pid 1, "0.1.1" the payload) and the
# ordinal of the call there -- and can make any one of them fail with a
# chosen errno.  For each entitlement set below, entrun first runs under the
# shim to list the fault points it reaches before the payload's execve; then
# once per point with that call failing.  Each time entrun must exit 125
# without running the command (it would have left a marker file, and the
# shim would have seen its execve), and say so in exactly one line,
# "entrun: ...", that names the step and the injected errno's text.  The
# errnos are unusual ones (ENOTRECOVERABLE, EHWPOISON, ...), a different one
# for each point in turn, so the message cannot come from another call.
#
# A few calls may fail harmlessly; excluded() lists them, each with why.
# Such a fault may still stop entrun, but if the command runs, it must run
# exactly as confined as without the fault: it prints its capability sets,
# no_new_privs, seccomp mode, mounts, limits and hostname, which must match
# the unfaulted run's.
#
# Only calls before the payload's execve are fault points: those after it
# (pid 1 reaping and reporting the status, entrun reading it) are not setup
# steps, and the command has run by then.  A point met in an earlier set
# (the same call, process and argument) is injected once per pass;
# ENTRUN_FAULT_ALL=1 injects every point of every set (some 2,500, half
# a minute a pass).  ENTRUN_FAULT_JOBS runs that many entrun at once
# (default: the CPUs, at most 4).  The shim drops LD_PRELOAD from the
# environment as it loads, so the payload never has it.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

SHIM=${ENTRUN_FAULT_SHIM:-$top_builddir/tests/fault/entrun-fault.so}
# A sanitizer build's runtime wants to come first; the shim does, harmlessly.
# LeakSanitizer cannot check the sandbox's processes (see NO_LSAN in lib.sh).
FAULT_ENV=(-u LD_PRELOAD "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0")

# ENOTRECOVERABLE EHWPOISON EKEYREJECTED EOWNERDEAD ERFKILL, with glibc's
# texts for when perl is missing.
ERRNO_NUMS=(131 133 129 130 132)
ERRNO_TEXTS=("State not recoverable" "Memory page has hardware error"
	"Key was rejected by service" "Owner died" "Operation not possible due to RF-kill")

# What the payload prints: its confinement, compared across runs, and that
# the shim did not reach it.  (Not the network namespaces that parallel
# network tests pin under /run/netns on the host, in view through the host
# tree.)
# shellcheck disable=SC2016 # expanded by the inner sh
PAYLOAD_SH='echo ran >"$1" && echo "preload: ${LD_PRELOAD-none} ${ENTRUN_FAULT-none}" &&
grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):" /proc/self/status &&
cut -d" " -f5,6 /proc/self/mountinfo | grep -v "^/run/netns" &&
cat /proc/self/limits /proc/sys/kernel/hostname'

# ---- what to expect of each fault point -----------------------------------------

# excluded FUNC PROC LABEL: sets WHY to why a failure of this call is
# harmless, or to nothing.  (Variables, not output: no subshell per point.)
excluded() {
	local func=$1 proc=$2 label=$3
	WHY=
	case "$func:$proc:$label" in
	open:0:/proc/sys/kernel/cap_last_cap | read:0:*:/proc/sys/kernel/cap_last_cap | \
		prctl:0:PR_CAPBSET_READ:* | prctl:0:PR_GET_SECUREBITS:* | prctl:0:PR_39:* | \
		prctl:0:PR_CAP_AMBIENT:1:*)
		WHY="libcap-ng's probes as entrun loads: they only tune what libcap-ng assumes,"
		WHY+=" and the payload's capabilities are read back from the kernel before it runs"
		;;
	stat:0:/proc/self/exe)
		WHY="a second look at the binary's mode: AT_SECURE and the uid/gid checks already"
		WHY+=" refuse a setuid or setgid execution, and a bit the kernel ignores grants nothing"
		;;
	open:0:/proc/self/cgroup | read:0:*:/proc/self/cgroup | open:0:*/cgroup.subtree_control)
		WHY="looking for a delegated cgroup: without one, resources.* are rlimits"
		WHY+=" (as --explain reports)"
		;;
	access:0:*/entrun)
		if [ "$label" != "$ENTRUN_REAL" ]; then
			WHY="does a profile directory exist: if this fails, entrun creates it"
			WHY+=" (an existing one is fine) and protects it all the same"
		fi
		;;
	close:*:*_map | close:*:*/setgroups) ;;
	close:*)
		WHY="close(2) frees the descriptor even when it reports an error; entrun checks"
		WHY+=" it where it ends a write it relies on (uid_map, gid_map, setgroups)"
		;;
	read:*:*:signalfd)
		WHY="a supervisor waiting for signals: a failed read is retried"
		;;
	getrlimit:0:8)
		WHY="RLIMIT_MEMLOCK's soft and hard limits compared, to decide whether mlock calls are"
		WHY+=" watched for a denial hint: failing, they are not"
		;;
	open:0.1:/proc)
		WHY="pid 1's count of the sandbox's processes, only for resources.pids' hint"
		;;
	stat:0:*/sh | access:0:*/sh)
		WHY="the command looked for in PATH, only for its file capabilities' hint"
		;;
	SYS_seccomp:0.1:0x3)
		WHY="pid 1 asks the size of a seccomp notification: without it, no denial hint,"
		WHY+=" and the filter answers every call itself, as it would with none"
		;;
	open:*:/proc/self/status | read:*:*:/proc/self/status)
		WHY="the payload's bounding and ambient sets read back in one read: failing,"
		WHY+=" they are read back with prctl(2), one capability at a time"
		;;
	esac
}

# step_words FUNC LABEL: sets WORDS to what the message must name, as
# alternatives separated by '|'; to nothing for a function this script does
# not know (a failure: teach it).
step_words() {
	local func=$1 label=$2 path
	path=${label#/newroot}
	path=${path#/oldroot}
	path=${path:-/}
	case "$func" in
	read | write | close | fstat) path=${label#*:} ;;
	esac
	case "$path" in
	# Files named by what they are for: their paths hold a pid.
	*_map | */setgroups) path=${path##*/} ;;
	*/resolv.conf) path=resolv.conf ;;
	esac
	case "$func" in
	mount)
		case "$label" in
		/oldroot/proc/self/fd/*) WORDS="host.fs.|resolv.conf" ;;
		*) WORDS=$path ;;
		esac
		;;
	umount2) WORDS="old root" ;;
	SYS_clone) WORDS="namespaces" ;;
	unshare) WORDS="namespace" ;;
	SYS_pivot_root) WORDS="pivot_root" ;;
	SYS_mount_setattr)
		case "$label" in
		-) WORDS="host.fs." ;; # through a descriptor: a grant's
		*) WORDS=$path ;;
		esac
		;;
	SYS_close_range) WORDS="file descriptors" ;;
	SYS_seccomp) WORDS="seccomp" ;;
	SYS_openat2) WORDS="host.fs.|resolv.conf|resolving|host socket" ;;
	SYS_capget | capget | capset) WORDS="capabilities" ;;
	prctl)
		case "$label" in
		PR_CAPBSET_READ:* | PR_CAP_AMBIENT:1:*) WORDS="capabilities" ;;
		PR_4:*) WORDS="PR_SET_DUMPABLE" ;;
		*) WORDS=${label%%:*} ;;
		esac
		;;
	sethostname | setsid | setrlimit | getrlimit | chdir | fork | socketpair | sigprocmask | signalfd)
		WORDS=$func
		;;
	pipe2) WORDS="pipe" ;;
	socket | setsockopt | bind | getsockname | connect | listen | recvmsg) WORDS="network" ;;
	sendmsg) WORDS="network|seccomp listener" ;;
	ioctl) WORDS="tap0|bringing lo up" ;;
	# Landlock's rules (launcher/landlock.c) name the path they were for.
	fcntl) WORDS="--keep-fd|network helper: its descriptors|Landlock: the rule for /proc/self/fd/" ;;
	mkdir)
		case "$label" in
		/tmp/newroot | /tmp/oldroot) WORDS="staging" ;;
		/pool | /pool/*) WORDS="tmpfs pool" ;;
		*) WORDS=$path ;;
		esac
		;;
	open | openat | access | stat | lstat | statvfs | symlink | mknod)
		WORDS="$label|$path|${label//_/ }" ;; # the shim's labels spell spaces as _
	fstat) WORDS="host.fs.|Landlock: the rule for /" ;;
	read | write | close)
		case "$path" in
		pipe) WORDS="sandbox" ;;
		socketpair) WORDS="network" ;;
		"") WORDS="host.fs." ;;
		*) WORDS=$path ;;
		esac
		;;
	*) WORDS= ;;
	esac
}

# ---- running ------------------------------------------------------------------------

# make_dir DIR: the directory of a run: the marker goes in it, and what the
# grants set binds, hides and covers.
make_dir() {
	mkdir -p "$1/ro" "$1/tmpfs" && echo hidden >"$1/hidden"
}

# fault_run DIR ENV-ARGS... -- ENTRUN-ARGS...: entrun under the shim with the
# payload, its marker DIR/ran; stdout, stderr in DIR/out, DIR/err; sets RC.
fault_run() {
	local dir=$1
	shift
	local -a envv=()
	while [ "$1" != -- ]; do
		envv+=("$1")
		shift
	done
	shift
	# The fault points must be the same in every run: api-debug.sh, in
	# parallel, makes and removes /tmp/.X11-unix; inside, /tmp is private
	# and a denied x11 API there needs no hide.
	# Likewise the other scripts' sockets under /var/tmp and /run/lock
	# (safe-defaults.sh's), which entrun covers one mount each: private
	# tmpfs there keep them out of view.  The run's own directory, laid out
	# alike for the traced run and each worker, is the working directory:
	# writable, and what entrun searches for repositories and profiles.
	local -a private=(--ent host.fs.tmpfs=/var/tmp)
	[ -d /run/lock ] && private+=(--ent host.fs.tmpfs=/run/lock)
	(cd "$dir" && exec timeout -k 2 "$ENTRUN_TEST_TIMEOUT" env "${FAULT_ENV[@]}" "${envv[@]}" \
		"$ENTRUN" "${private[@]}" "$@" \
		-- sh -c "$PAYLOAD_SH" _ "$dir/ran" </dev/null >"$dir/out" 2>"$dir/err")
	RC=$?
}

slurp() { IFS= read -r -d '' "$1" <"$2" || true; }

# same_label LABEL SET DIR: LABEL without what differs from run to run (the
# run's directory DIR, with or without its leading /, numbers: pids,
# descriptors, and SHA-256 names: a trust record's is the hash of a path
# in DIR), to tell whether two runs met the same call.
same_label() {
	local l=$1 d=$3
	l=${l//"$d"/@}
	l=${l//"${d#/}"/@}
	[[ $l =~ [0-9a-f]{64} ]] && l=${l//"${BASH_REMATCH[0]}"/@H}
	echo "${l//[0-9]/}"
}

# judge ... DIR ATTEMPT: one fault point's verdict, as a record for
# report(): GROUP, ok or not ok, and a diagnostic.  Returns 2 instead when
# the run never reached the point and ATTEMPT is "retry".
judge() {
	local set=$1 func=$2 proc=$3 n=$4 label=$5 errno=$6 text=$7 dir=$8
	local out err trace why words w named='' ran=no point="$func@$proc:$n ($label)"
	slurp out "$dir/out"
	slurp err "$dir/err"
	slurp trace "$dir/trace"
	err=${err%$'\n'}
	out=${out//"$dir"/@DIR@}
	[ -e "$dir/ran" ] && ran=yes
	[[ $trace == *"exec "* ]] && ran=yes
	excluded "$func" "$proc" "$label"
	why=$WHY
	step_words "$func" "$label"
	# The traced run's directory is this worker's in the messages.
	words=${WORDS//"$TEST_TMP/$set"/$dir}
	if [ -n "$why" ]; then
		group="$set: $func, excluded ($why): none runs the command less confined"
	else
		group="$set: $func: each fails closed"
	fi
	# The call made to fail must be the traced one, by its label too: the
	# other scripts running in parallel can change what entrun meets on
	# the host (sockets, mounts) between the traced run and this one, and
	# with it which call has the ordinal.  Once more before it counts.
	local hit=${trace#*"inject $func $proc $n $errno "}
	[[ $trace == *"inject $func $proc $n $errno "* ]] || hit=
	if [ -z "$hit" ] || [ "$(same_label "${hit%%$'\n'*}" "$set" "$dir")" != "$(same_label "$label" "$set" "$TEST_TMP/$set")" ]; then
		[ "${9:-}" = retry ] && return 2
		record "$group" "not ok" "$point: not reached (the run differs from the traced one, twice); rc $RC; stderr: $err"
		return
	fi
	# A trust record is named by a hash of a path in the run's directory.
	local err_h
	err_h=$(sed -E 's/[0-9a-f]{64}/@H/g' <<<"$err")
	words=$(sed -E 's/[0-9a-f]{64}/@H/g' <<<"$words")
	local IFS='|'
	for w in $words; do
		[[ -n $w && $err_h == *"$w"* ]] && named=yes
	done
	unset IFS
	if [ "$RC" -eq 125 ] && [ $ran = no ] && [[ $err != *$'\n'* && $err == "entrun: "* &&
		$err == *": $text"* ]] && { [ -n "$named" ] || [ -n "$why" ]; }; then
		record "$group" ok ""
	elif [ -n "$why" ] && [ "$RC" -eq 0 ] && [ -e "$dir/ran" ] && [ -z "$err" ] &&
		[ "$out" = "$BASE_OUT" ]; then
		record "$group" ok ""
	elif [ -z "$words" ] && [ -z "$why" ]; then
		record "$group" "not ok" "$point: no step name known for $func (teach step_words)"
	else
		record "$group" "not ok" "$point with errno $errno ($text): exit $RC, payload ran: $ran," \
			"stderr: '${err//$'\n'/ | }'$([ "$RC" -eq 0 ] && [ "$out" != "$BASE_OUT" ] &&
				echo "; the payload saw a different sandbox")"
	fi
}

record() { printf '%s\t%s\t%s\n' "$1" "$2" "${*:3}" >>"$RESULTS"; }

# worker SET I JOBS ARGS...: inject points I, I+JOBS, ... of $POINTS.
worker() {
	local set=$1 i=$2 jobs=$3 k=0 func proc n label e dir attempt
	shift 3
	dir=$TEST_TMP/w$i
	make_dir "$dir"
	RESULTS=$TEST_TMP/results.$i
	while read -r func proc n label; do
		k=$((k + 1))
		[ $(((k - 1) % jobs)) -eq "$i" ] || continue
		e=$(((k - 1) % ${#ERRNO_NUMS[@]}))
		for attempt in retry last; do
			rm -f "$dir/ran" "$dir/trace"
			fault_run "$dir" LD_PRELOAD="$SHIM" ENTRUN_FAULT_TRACE="$dir/trace" \
				ENTRUN_FAULT="$func@$proc:$n:${ERRNO_NUMS[e]}" -- "${@//@DIR@/$dir}"
			judge "$set" "$func" "$proc" "$n" "$label" "${ERRNO_NUMS[e]}" "${ERRNO_TEXTS[e]}" \
				"$dir" "$attempt" && break
		done
	done <"$POINTS"
}

# report: one TAP line per group of records, in order of first appearance.
report() {
	local group verdict diag n
	local -A bad=() count=()
	local -a order=()
	while IFS=$'\t' read -r group verdict diag; do
		[ -n "${count[$group]+set}" ] || order+=("$group")
		count[$group]=$((${count[$group]:-0} + 1))
		[ "$verdict" = ok ] || bad[$group]+="$diag"$'\n'
	done < <(cat "$TEST_TMP"/results.*)
	for group in "${order[@]}"; do
		n="${count[$group]} fault point"
		[ "${count[$group]}" -eq 1 ] || n+=s
		if [ -z "${bad[$group]:-}" ]; then
			ok "$group: $n"
		else
			not_ok "$group: $n" "${bad[$group]%$'\n'}"
		fi
	done
}

# fault_set NAME ENTRUN-ARGS...: every fault point of one entitlement set
# (@DIR@ in the arguments is the directory of the marker).
fault_set() {
	local set=$1 dir=$TEST_TMP/$1 jobs=$JOBS i
	shift
	make_dir "$dir"
	rm -f "$TEST_TMP"/results.*

	# The shim changes nothing by itself.
	fault_run "$dir" -- "${@//@DIR@/$dir}"
	local plain_rc=$RC plain_out
	slurp plain_out "$dir/out"
	plain_out=${plain_out//"$dir"/@DIR@}
	rm -f "$dir/ran"
	fault_run "$dir" LD_PRELOAD="$SHIM" ENTRUN_FAULT_TRACE="$dir/trace" -- "${@//@DIR@/$dir}"
	slurp BASE_OUT "$dir/out"
	BASE_OUT=${BASE_OUT//"$dir"/@DIR@}
	# shellcheck disable=SC2034 # not_ok (lib.sh) prints it
	RUN_DIAG=("exit status $plain_rc, then $RC under the shim" "stderr: $(cat "$dir/err")")
	if [ "$plain_rc" -ne 0 ] || [ "$RC" -ne 0 ] || [ ! -e "$dir/ran" ] ||
		[ "$plain_out" != "$BASE_OUT" ] || [[ $BASE_OUT != "preload: none none"* ]] ||
		! grep -q '^exec ' "$dir/trace"; then
		not_ok "$set: the payload runs, with and without the shim, in the same sandbox" \
			"without the shim: '$plain_out'" "under the shim: '$BASE_OUT'"
		return
	fi
	ok "$set: the payload runs, with and without the shim (which it never sees), in the same sandbox"

	# The fault points: every call traced before the payload's execve.  One
	# met in an earlier set -- the same call in the same process, with the
	# same argument, as many times before -- is the same step and fails the
	# same way: it is injected once per pass.
	local func proc n label key total=0 new=0
	local -A occ=()
	POINTS=$dir/points
	: >"$POINTS"
	while read -r func proc n label; do
		[ "$func" = exec ] && break
		[ "$func" = helper ] && continue # the network helper's start: a mark
		total=$((total + 1))
		key="$func $proc $label"
		while [[ $key =~ (.*)/proc/[0-9]+/(.*) ]]; do
			key="${BASH_REMATCH[1]}/proc/PID/${BASH_REMATCH[2]}"
		done
		occ[$key]=$((${occ[$key]:-0} + 1))
		key+=" #${occ[$key]}"
		[ -n "${SEEN[$key]:-}" ] && [ -z "${ENTRUN_FAULT_ALL:-}" ] && continue
		SEEN[$key]=1
		new=$((new + 1))
		printf '%s %s %s %s\n' "$func" "$proc" "$n" "$label" >>"$POINTS"
	done <"$dir/trace"
	FAULT_REACHED=$((FAULT_REACHED + total))
	FAULT_TOTAL=$((FAULT_TOTAL + new))
	diag "$set: $total fault points before the payload's execve, $new of them new: injected"
	for ((i = 0; i < jobs; i++)); do
		worker "$set" "$i" "$jobs" "$@" &
	done
	wait
	report
}

checks() {
	local reason
	if [ ! -r "$SHIM" ]; then
		skip_or_fail "no fault shim at $SHIM (make check builds it)" "fault injection"
		return
	fi
	ENTRUN_REAL=$(readlink -f "$ENTRUN")
	JOBS=${ENTRUN_FAULT_JOBS:-$(nproc 2>/dev/null || echo 1)}
	[ "$JOBS" -gt 4 ] && JOBS=4
	FAULT_TOTAL=0 FAULT_REACHED=0
	declare -gA SEEN=()
	if command -v perl >/dev/null; then
		for i in "${!ERRNO_NUMS[@]}"; do
			ERRNO_TEXTS[i]=$(perl -e '$! = shift; print "$!"' "${ERRNO_NUMS[i]}")
		done
	fi

	fault_set default
	fault_set fs-read-only -e security.fs-read-only -e host.fs.rw=@DIR@
	fault_set grants -e host.fs.ro=@DIR@/ro -e host.fs.hide=@DIR@/hidden -e host.fs.tmpfs=@DIR@/tmpfs
	# With the host's network: under locked mounts a private network hides
	# the host's interfaces one mount each, and the other scripts add and
	# remove interfaces as they run (net-attacks.sh checks those covers).
	fault_set admin -e security.admin -e network.host
	fault_set processes-view -e host.processes.view
	fault_set hostname --hostname fault-host
	fault_set files -e resources.files=64
	fault_set memory -e resources.memory=1G
	exec 7</dev/null
	fault_set keep-fd --keep-fd 7
	exec 7<&-
	fault_set network-proxy -e network.proxy=http://127.0.0.1:9
	sbx -e network.user -- true
	if [ "$RC" -eq 0 ]; then
		fault_set network-user -e network.user
	else
		reason=${ERR:-exit status $RC}
		skip_or_fail "network.user does not work here: $reason" "network-user: fault injection"
	fi
	diag "$FAULT_TOTAL fault points injected in this pass ($FAULT_REACHED reached in all)"
}

tap_main checks
