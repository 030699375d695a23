# shellcheck shell=bash
# tests/net/rig.sh -- a host and a network of a test's own, for the tests
# that attack entrun's network (net-attacks.sh, net-loop.sh).
#
#   namespace NS_OUT (entrun's "host")       namespace NS_FAR (its "network")
#   veth OUT_ADDR/24   <------------------->  veth FAR_ADDR/24
#   default route via FAR_ADDR
#
# entrun runs in NS_OUT (through the wrapper rig_wrapper makes): what its
# network helper lets out lands in NS_FAR, where the test's servers log
# it, and nothing can leave the machine, since the namespaces have no
# other way out.  Needs root and ip.  Sourced after lib.sh:
#
#   rig_up TAG OUT_ADDR FAR_ADDR  build it; NS_OUT, NS_FAR and the veth's
#                                 ends VETH_OUT, VETH_FAR are set (the
#                                 names carry TAG and this shell's pid)
#   rig_down                      kill what runs there, delete both
#                                 (idempotent)
#   rig_wrapper                   $ENTRUN becomes a wrapper that runs the
#                                 real entrun as this pass's user, in
#                                 NS_OUT, with a clean environment; it
#                                 execs all the way down: its pid is entrun's
#   rig_main CHECKS TOOL...       a test's main: as root, build the rig with
#                                 the test's rig_setup (rig_up and its own
#                                 servers), run CHECKS as root and then as
#                                 $ENTRUN_TEST_USER, print the plan
#   start_with_helper NAME ENTRUN-ARGS...
#                                 entrun in the background, its output in
#                                 $TEST_TMP/NAME.out and NAME.err; sets
#                                 ENTRUN_PID and HELPER (its network
#                                 helper, once under seccomp), or returns 1

REAL_ENTRUN=$(readlink -f "$ENTRUN")
USER_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
NS_OUT='' NS_FAR='' VETH_OUT='' VETH_FAR='' RIG_UP=''

rig_down() {
	[ -n "$RIG_UP" ] || return 0
	ip netns pids "$NS_OUT" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	ip netns pids "$NS_FAR" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	ip netns del "$NS_OUT" 2>/dev/null
	ip netns del "$NS_FAR" 2>/dev/null
	RIG_UP=
}

rig_up() {
	local tag=$1 out_addr=$2 far_addr=$3
	NS_OUT=entrun-$tag-out-$$ NS_FAR=entrun-$tag-far-$$
	VETH_OUT=${tag}o$$ VETH_FAR=${tag}f$$
	RIG_UP=1
	ip netns add "$NS_OUT" && ip netns add "$NS_FAR" &&
		ip -n "$NS_OUT" link set lo up && ip -n "$NS_FAR" link set lo up &&
		ip link add "$VETH_OUT" netns "$NS_OUT" type veth peer name "$VETH_FAR" netns "$NS_FAR" &&
		ip -n "$NS_OUT" addr add "$out_addr/24" dev "$VETH_OUT" &&
		ip -n "$NS_FAR" addr add "$far_addr/24" dev "$VETH_FAR" &&
		ip -n "$NS_OUT" link set "$VETH_OUT" up && ip -n "$NS_FAR" link set "$VETH_FAR" up &&
		ip -n "$NS_OUT" route add default via "$far_addr"
}

rig_wrapper() {
	local w=$TEST_TMP/entrun-$PASS home=/root
	local -a pre=(ip netns exec "$NS_OUT")
	if [ "$PASS" = user ]; then
		pre+=(setpriv "--reuid=$ENTRUN_TEST_USER" "--regid=$(id -g "$ENTRUN_TEST_USER")"
			--init-groups --)
		home=/
	fi
	{
		echo '#!/bin/sh'
		printf 'exec'
		printf ' %q' "${pre[@]}" env -i "PATH=$USER_PATH" "HOME=$home" LANG=C "$REAL_ENTRUN"
		printf ' "$@"\n'
	} >"$w"
	chmod 755 "$w"
	ENTRUN=$w
}

start_with_helper() {
	local name=$1
	shift
	"$ENTRUN" $(tmp_grant) "$@" </dev/null >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" &
	ENTRUN_PID=$!
	track_bg "$ENTRUN_PID"
	HELPER=
	retry 50 sh -c "pgrep -P $ENTRUN_PID -f '^entrun-network-helper' >/dev/null" || return 1
	HELPER=$(pgrep -P "$ENTRUN_PID" -f '^entrun-network-helper')
	retry 50 grep -q '^Seccomp:[[:space:]]*2' "/proc/$HELPER/status"
}

rig_main() {
	local checks=$1
	shift
	trap 'cleanup_pass; rig_down' EXIT
	trap 'exit 130' INT TERM HUP
	[ -x "$ENTRUN" ] || bail_out "no entrun binary at $ENTRUN (run make)"
	[ -x "$PROBE" ] || bail_out "no probe binary at $PROBE (run make)"
	if [ "$(id -u)" -ne 0 ]; then
		skip_or_fail "needs root: the rig (network namespaces, a veth) can only be built by root; as root every check runs as root and as $ENTRUN_TEST_USER" \
			"$SCRIPT_NAME checks"
		done_testing
		exit 0
	fi
	PASS=root
	TEST_TMP=$(mktemp -d "${ENTRUN_TEST_TMPDIR:-/var/tmp}/entrun-$SCRIPT_NAME.XXXXXX") ||
		bail_out "cannot create a temporary directory"
	chmod 755 "$TEST_TMP"
	have_tools "$SCRIPT_NAME checks" ip python3 setpriv pgrep "$@" || {
		done_testing
		exit 0
	}
	[ -c /dev/net/tun ] && chmod 0666 /dev/net/tun
	if ! rig_setup; then
		not_ok "the rig is up"
		done_testing
		exit 0
	fi
	if userns_ok; then "$checks"; fi
	PASS=user
	if ensure_test_user && user_reaches_tree; then "$checks"; fi
	PASS=root
	done_testing
}
