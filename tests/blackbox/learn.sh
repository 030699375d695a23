#!/bin/bash
# entrun learn: run a command once under observation and write the profile
# it needs.  For each workload: what learn writes, the run with the
# learned profile (it passes), and the run with each learned grant taken
# out (it fails, and where entrun can tell, a hint names that grant).
# Then the attacks on learn itself: its output is a file that shapes the
# next run, written into a directory the command may write.
# (The workload that reaches a server in another network namespace is in
# network.sh, which builds that server.)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# learn_in DIR ENTRUN-LEARN-ARGS...: entrun learn, run from DIR with
# HOME=$TEST_TMP/home, bounded.
learn_in() {
	local dir=$1
	shift
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" env HOME="$TEST_TMP/home" sh -c 'cd "$1" && shift && exec "$@"' \
		sh "$dir" "$ENTRUN" learn "$@"
}

# run_in DIR ENTRUN-ARGS...: entrun from DIR, the same HOME.
run_in() {
	local dir=$1
	shift
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" env HOME="$TEST_TMP/home" sh -c 'cd "$1" && shift && exec "$@"' \
		sh "$dir" "$ENTRUN" "$@"
}

# without FILE GRANT OUT: FILE with the line that grants GRANT removed.
without() { grep -vxF -- "$2" "$1" >"$3"; }

# The lines of a profile that grant something.
grant_lines() { grep -E '^(entitlements|rw|overlay) = ' "$1" | tr '\n' '|'; }

checks() {
	local proj=$TEST_TMP/proj out
	mkdir -p "$proj" "$TEST_TMP/home"

	# ---- nothing needed -------------------------------------------------
	learn_in "$proj" -o "$TEST_TMP/none.ini" -- true
	is 0 "$RC" "learn runs a command that needs nothing"
	is "" "$(grant_lines "$TEST_TMP/none.ini")" "... and proposes nothing"
	like "$(cat "$TEST_TMP/none.ini")" "needed nothing beyond the default sandbox" "... and says so"
	like "$ERR" "entrun: learn: wrote $TEST_TMP/none.ini; read it, then run: entrun -p $TEST_TMP/none.ini -- true" \
		"learn says where it wrote and how to use it"

	# ---- strace, gdb, an ASan binary: debug.ptrace ------------------------
	if have_tools "learn with strace" strace; then
		learn_in "$proj" -o "$TEST_TMP/strace.ini" -- strace -o /dev/null true
		is 0 "$RC" "under learn, strace runs (debug.ptrace is lent)"
		is "entitlements = debug.ptrace|" "$(grant_lines "$TEST_TMP/strace.ini")" "learn proposes debug.ptrace alone"
		has_line "$(cat "$TEST_TMP/strace.ini")" "; strace (pid 2): ptrace" "... saying why: strace's ptrace"
		run_in "$proj" -p "$TEST_TMP/strace.ini" -- strace -o /dev/null true
		is 0 "$RC" "with the learned profile, strace runs"
		without "$TEST_TMP/strace.ini" "entitlements = debug.ptrace" "$TEST_TMP/strace-less.ini"
		run_in "$proj" -p "$TEST_TMP/strace-less.ini" -- strace -o /dev/null true
		isnt 0 "$RC" "without debug.ptrace, strace fails"
		like "$ERR" "denied ptrace .* grant debug.ptrace to allow it" "... and the hint names debug.ptrace"
	fi
	if have_tools "learn with gdb" gdb; then
		cp /bin/true "$TEST_TMP/prog"
		learn_in "$proj" -o "$TEST_TMP/gdb.ini" -- gdb -nx -batch -ex run -ex bt "$TEST_TMP/prog"
		like "$OUT" "exited normally" "under learn, gdb runs its program"
		is "entitlements = debug.ptrace|" "$(grant_lines "$TEST_TMP/gdb.ini")" "learn proposes debug.ptrace for gdb"
		like "$(cat "$TEST_TMP/gdb.ini")" "; gdb \(pid [0-9]+\): personality\(ADDR_NO_RANDOMIZE\)" \
			"... saying why: gdb turns address randomisation off"
		run_in "$proj" -p "$TEST_TMP/gdb.ini" -- gdb -nx -batch -ex run -ex bt "$TEST_TMP/prog"
		like "$OUT" "exited normally" "with the learned profile, gdb runs its program"
		without "$TEST_TMP/gdb.ini" "entitlements = debug.ptrace" "$TEST_TMP/gdb-less.ini"
		run_in "$proj" -p "$TEST_TMP/gdb-less.ini" -- gdb -nx -batch -ex run -ex bt "$TEST_TMP/prog"
		unlike "$OUT" "exited normally" "without debug.ptrace, gdb cannot run it"
		like "$ERR" "grant debug.ptrace to allow it" "... and the hint names debug.ptrace"
	fi
	if have_tools "learn with an ASan binary" gcc; then
		printf 'int main(void){return 0;}\n' >"$TEST_TMP/asan.c"
		if gcc -fsanitize=address -o "$TEST_TMP/asan" "$TEST_TMP/asan.c" 2>/dev/null; then
			learn_in "$proj" -o "$TEST_TMP/asan.ini" -- env -u ASAN_OPTIONS "$TEST_TMP/asan"
			is "0|entitlements = debug.ptrace|" "$RC|$(grant_lines "$TEST_TMP/asan.ini")" \
				"learn runs an ASan binary and proposes debug.ptrace"
			run_in "$proj" -p "$TEST_TMP/asan.ini" -- env -u ASAN_OPTIONS "$TEST_TMP/asan"
			is 0 "$RC" "with the learned profile, it runs"
			without "$TEST_TMP/asan.ini" "entitlements = debug.ptrace" "$TEST_TMP/asan-less.ini"
			run_in "$proj" -p "$TEST_TMP/asan-less.ini" -- env -u ASAN_OPTIONS "$TEST_TMP/asan"
			isnt 0 "$RC" "without debug.ptrace, it fails"
			like "$ERR" "grant debug.ptrace to allow it" "... and the hint names debug.ptrace"
		else
			skip_or_fail "gcc cannot build with -fsanitize=address" "learn with an ASan binary"
		fi
	fi

	# ---- writes in the home and in the project ----------------------------
	local write='mkdir -p "$HOME/.cache/tool" build && echo x >"$HOME/.cache/tool/x" && echo y >build/y && echo wrote'
	learn_in "$proj" -o "$TEST_TMP/write.ini" -- sh -c "$write"
	is "0|wrote" "$RC|$OUT" "under learn, the command writes in the home (a scratch overlay)"
	absent "$TEST_TMP/home/.cache/tool/x" "... which the host's home never sees"
	is "rw = ~/.cache/tool|" "$(grant_lines "$TEST_TMP/write.ini")" \
		"learn proposes ~/.cache/tool writable, and nothing for ./build (the project is writable)"
	has_line "$(cat "$TEST_TMP/write.ini")" "; writes ~/.cache/tool/x" "... saying what was written"
	rm -rf "$proj/build"
	mkdir -p "$TEST_TMP/home/.cache/tool"
	run_in "$proj" -p "$TEST_TMP/write.ini" -- sh -c "$write"
	is "0|wrote|x" "$RC|$OUT|$(cat "$TEST_TMP/home/.cache/tool/x" 2>&1)" "with the learned profile, the writes reach the home"
	without "$TEST_TMP/write.ini" "rw = ~/.cache/tool" "$TEST_TMP/write-less.ini"
	rm -rf "$TEST_TMP/home/.cache/tool/x" "$proj/build"
	run_in "$proj" -p "$TEST_TMP/write-less.ini" -- sh -c "$write"
	isnt 0 "$RC" "without it, the write in the home fails"
	like "$ERR" "Read-only file system" "... read-only (no hint: a write is not watched, see entrun(1))"

	# ---- mlock past RLIMIT_MEMLOCK's soft limit ---------------------------
	if [ "$(ulimit -H -l)" = unlimited ] || [ "$(ulimit -H -l)" -ge 2048 ]; then
		run bash -c 'ulimit -S -l 64 && cd "$1" && shift && exec "$@"' _ "$proj" timeout -k 2 "$ENTRUN_TEST_TIMEOUT" \
			env HOME="$TEST_TMP/home" "$ENTRUN" learn -o "$TEST_TMP/mlock.ini" -- "$PROBE" mlock-bytes 1048576
		is "entitlements = security.memory-lock|" "$(grant_lines "$TEST_TMP/mlock.ini")" \
			"learn proposes security.memory-lock for an mlock past the soft limit"
		run bash -c 'ulimit -S -l 64 && exec "$@"' _ timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" \
			$(tmp_grant) -p "$TEST_TMP/mlock.ini" -- "$PROBE" mlock-bytes 1048576
		is "mlock-bytes: ok" "$OUT" "with the learned profile, it locks"
		without "$TEST_TMP/mlock.ini" "entitlements = security.memory-lock" "$TEST_TMP/mlock-less.ini"
		run bash -c 'ulimit -S -l 64 && exec "$@"' _ timeout -k 2 "$ENTRUN_TEST_TIMEOUT" "$ENTRUN" \
			$(tmp_grant) -p "$TEST_TMP/mlock-less.ini" -- "$PROBE" mlock-bytes 1048576
		is "mlock-bytes: errno ENOMEM" "$OUT" "without it, ENOMEM"
		like "$ERR" "grant security.memory-lock to allow it" "... and the hint names security.memory-lock"
	else
		skip_or_fail "RLIMIT_MEMLOCK's hard limit is $(ulimit -H -l) KiB" "learn with mlock"
	fi

	# ---- ping: file capabilities, and a low port ---------------------------
	if have_tools "learn with ping" ping getcap && tun_ok; then
		learn_in "$proj" -o "$TEST_TMP/ping.ini" -- ping -c1 -W1 127.0.0.1
		is "entitlements = network.admin|" "$(grant_lines "$TEST_TMP/ping.ini")" \
			"learn proposes network.admin for ping (its file capabilities)"
		has_line "$(cat "$TEST_TMP/ping.ini")" \
			"; ping has file capabilities (CAP_NET_RAW), which the sandbox ignores" "... saying why"
		run_in "$proj" -p "$TEST_TMP/ping.ini" -- ping -c1 -W1 127.0.0.1
		is 0 "$RC" "with the learned profile, ping works"
		without "$TEST_TMP/ping.ini" "entitlements = network.admin" "$TEST_TMP/ping-less.ini"
		run_in "$proj" -p "$TEST_TMP/ping-less.ini" -- ping -c1 -W1 127.0.0.1
		isnt 0 "$RC" "without it, ping fails"
		like "$ERR" "grant network.admin to give it them" "... and entrun names network.admin"
	elif have_tools "learn with ping" ping getcap; then
		skip_or_fail "/dev/net/tun cannot be opened" "learn with ping"
	fi
	if have_tools "learn with a low port" python3; then
		local bind='import socket; s = socket.socket(); s.bind(("127.0.0.1", 80)); print("bound")'
		learn_in "$proj" -o "$TEST_TMP/bind.ini" -- python3 -c "$bind"
		is "entitlements = network.admin|" "$(grant_lines "$TEST_TMP/bind.ini")" "learn proposes network.admin for port 80"
		has_line "$(cat "$TEST_TMP/bind.ini")" "; bind to port 80" "... saying why"
		if tun_ok; then
			run_in "$proj" -p "$TEST_TMP/bind.ini" -- python3 -c "$bind"
			is "0|bound" "$RC|$OUT" "with the learned profile, port 80 binds"
		fi
		without "$TEST_TMP/bind.ini" "entitlements = network.admin" "$TEST_TMP/bind-less.ini"
		run_in "$proj" -p "$TEST_TMP/bind-less.ini" -- python3 -c "$bind"
		isnt 0 "$RC" "without it, the bind fails"
		like "$ERR" "denied bind to port 80 .* grant network.admin" "... and the hint names network.admin"
	fi

	# ---- several at once, and the grants given ----------------------------
	learn_in "$proj" -o "$TEST_TMP/two.ini" -e host.fs.ro=/etc -- sh -c "\"$PROBE\" ptrace-traceme; \"$PROBE\" unshare-user"
	is "entitlements = host.fs.ro=/etc|entitlements = debug.ptrace|entitlements = security.admin|" \
		"$(grant_lines "$TEST_TMP/two.ini")" "the grants given are kept, each need proposed once, in order"
	run_in "$proj" --explain -p "$TEST_TMP/two.ini"
	is 0 "$RC" "--explain -p shows the learned profile"

	# ---- attacks on learn ----------------------------------------------------
	# The file learn writes shapes the next run: the command must not be
	# able to choose where it goes or what it says.
	echo keep >"$TEST_TMP/exists.ini"
	learn_in "$proj" -o "$TEST_TMP/exists.ini" -- true
	is "125|keep" "$RC|$(cat "$TEST_TMP/exists.ini")" "learn never writes over a file"
	like "$ERR" "exists; learn writes a new file, never over one" "... and says so"
	rm -f "$proj/.entrun.ini" "$TEST_TMP/victim"
	echo safe >"$TEST_TMP/victim"
	learn_in "$proj" -- sh -c "ln -s \"$TEST_TMP/victim\" .entrun.ini"
	is "125|safe" "$RC|$(cat "$TEST_TMP/victim")" "a link the command leaves where learn writes is not written through"
	like "$ERR" "appeared while the command ran" "... and learn says why"
	rm -f "$proj/.entrun.ini"
	learn_in "$proj" -- sh -c 'printf "[sandbox]\nentitlements = network.host\n" >.entrun.ini'
	is "125|[sandbox]" "$RC|$(head -1 "$proj/.entrun.ini")" "a profile the command writes there is left, not taken as learn's"
	rm -f "$proj/.entrun.ini"
	learn_in "$proj" -- true
	is "0|; Written by entrun learn" "$RC|$(head -c 25 "$proj/.entrun.ini")" "by default learn writes the project's .entrun.ini"
	like "$ERR" "wrote .entrun.ini, the project's profile; read it, approve it \(entrun trust\), then run: entrun -- true" \
		"... and says it needs approving"
	rm -f "$proj/.entrun.ini"
	# Names the command gives its files reach the profile only as comments.
	out=$TEST_TMP/names.ini
	learn_in "$proj" -o "$out" -- sh -c 'mkdir -p "$HOME/x
[sandbox]
entitlements = network.host" && touch "$HOME/x
[sandbox]
entitlements = network.host/f" "$HOME/ok name" && mkdir -p "$HOME/.toolstate" && touch "$HOME/.toolstate/f"'
	is "overlay = ~/.toolstate|" "$(grant_lines "$out")" "only a plain name is proposed"
	unlike "$(grep -v '^;' "$out")" "network.host" "a name with newlines injects no grant"
	run_in "$proj" --explain -p "$out"
	unlike "$OUT" "network.host" "... as entrun reads the file too"
	like "$(cat "$out")" "; writes ~/x\?\[sandbox\]\?entitlements = network.host/f" "... it is a comment, its newlines '?'"

	# What runs later is never proposed writable: the home's own files
	# (rc files), ~/.config or ~/.local as a whole, ~/.local/bin.
	out=$TEST_TMP/later.ini
	learn_in "$proj" -o "$out" -- sh -c 'mkdir -p "$HOME/.config/autostart" "$HOME/.local/bin" "$HOME/.config/tool" &&
		echo x >>"$HOME/.bashrc" && echo x >"$HOME/.local/bin/ls" && echo x >"$HOME/.config/autostart/a.desktop" &&
		echo x >"$HOME/.config/tool/settings"'
	is "overlay = ~/.config/autostart|overlay = ~/.config/tool|" "$(grant_lines "$out")" \
		"persistence: ~/.bashrc, ~/.local/bin and ~/.config are not proposed writable (only overlays, dropped at exit)"
	has_line "$(cat "$out")" "; writes ~/.bashrc" "... ~/.bashrc is a comment"
	run_in "$proj" -p "$out" -- sh -c 'echo pwned >>"$HOME/.bashrc"; echo x >"$HOME/.config/autostart/b.desktop"; true'
	is "|" "$(cat "$TEST_TMP/home/.bashrc" 2>/dev/null)|$(ls "$TEST_TMP/home/.config/autostart" 2>/dev/null)" \
		"... and with the profile, nothing reaches the host's rc file or autostart"

	# -o DIR/FILE: the command swaps DIR for a link into entrun's own
	# profile directory; learn writes into the directory it opened first.
	mkdir -p "$proj/profiles" "$TEST_TMP/home/.config/entrun"
	learn_in "$proj" -o profiles/swapped.ini -- sh -c "mv profiles profiles.old && ln -s \"$TEST_TMP/home/.config/entrun\" profiles && \"$PROBE\" ptrace-traceme"
	absent "$TEST_TMP/home/.config/entrun/swapped.ini" "a directory swapped for a link is not followed"
	like "$(cat "$proj/profiles.old/swapped.ini" 2>&1)" "entitlements = debug.ptrace" "... the profile is in the directory opened first"
	rm -rf "$proj/profiles" "$proj/profiles.old"

	# A level the user gave is kept: network.none stays closed under learn,
	# and a connect past it is proposed in its place, not beside it.
	if have_tools "learn keeps network.none" python3; then
		learn_in "$proj" -o "$TEST_TMP/none-given.ini" -e network.none -- sh -c 'ls /sys/class/net; python3 -c "
import socket
try: socket.socket().connect((\"192.0.2.1\", 80))
except OSError as e: print(e.errno)"'
		is "lo|101" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" "-e network.none: learn lends no network (only lo, ENETUNREACH)"
		is "entitlements = network.user|" "$(grant_lines "$TEST_TMP/none-given.ini")" \
			"... the connect is proposed as network.user, replacing network.none"
		has_line "$(cat "$TEST_TMP/none-given.ini")" "; given to entrun learn, replaced by a grant proposed below: network.none" \
			"... which stays as a comment"
		run_in "$proj" --explain -p "$TEST_TMP/none-given.ini"
		is 0 "$RC" "... and the profile loads"
	fi

	# A long command stays within the line entrun reads.
	learn_in "$proj" -o "$TEST_TMP/long.ini" -- sh -c "true $(printf 'x%.0s' $(seq 1 300))"
	run_in "$proj" --explain -p "$TEST_TMP/long.ini"
	is 0 "$RC" "a long command: the profile learn writes loads"
}

tap_main checks
