#!/bin/bash
# The safe defaults, attacked from inside the way a hostile command would
# (THREATS.md, class 1 and 4): with no grant at all,
#  - the host's / is read-only but for the working directory (and not even
#    that when it is /, ~ or an ancestor of ~: for ~ and above one stderr
#    line says how to grant it; from /, nothing), nor when it is a
#    credential store; /tmp and $XDG_RUNTIME_DIR are private tmpfs;
#  - credential stores are hidden, also against a bind of a parent spelled
#    another way (a symlinked ancestor, /var/run for /run, "dir/../x");
#  - secret-looking variables are removed (--env NAME keeps one);
#  - no unix socket bound on the host can be reached, wherever it lives
#    (tmux, ssh-agent, a listener in ~, in the runtime dir, in the working
#    directory, in a directory granted by host.fs.rw/ro), whatever its name
#    (link()ed or renamed into place, bound by a relative name, reached
#    through a host bind mount), unless granted by its own name;
#  - nothing that runs later outside can be planted: git hooks and config
#    (also through .git/commondir or a submodule), project and entrun
#    profiles, entrun's own binary and its ancestors; a profile others can
#    write is refused.
#
# The pass's tree lives under /var/tmp, not /tmp: the sandbox's /tmp is
# private now, so the host's /tmp is where a test puts what must NOT be
# seen.  Every run gets HOME and XDG_RUNTIME_DIR inside that tree.  The
# symlinked-spelling checks use /var/lock -> /run/lock and /var/run -> /run,
# root-owned symlinks Debian ships, with a directory of the pass's own in
# the world-writable /run/lock.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Checks of the default boundary itself: no blanket grant of $TEST_TMP.
export SBX_BARE=1

V='' H='' R='' W='' P='' MK=''
TMUX_SOCKS=()
EXTRA_DIRS=()


# Credential stores: directories (a file "secret" inside) and files.
CRED_DIRS=(.ssh .gnupg .aws .azure .config/gcloud .kube .docker .config/gh
	.local/share/keyrings .password-store .mozilla .config/google-chrome
	.config/chromium .config/Code/User/globalStorage)
CRED_FILES=(.netrc .git-credentials .config/git/credentials .npmrc .pypirc
	.cargo/credentials .cargo/credentials.toml .bash_history .zsh_history)

# The pass ends: our tmux servers and directories outside $TEST_TMP go too.
eval "lib_$(declare -f cleanup_pass)"
cleanup_pass() {
	local s d
	for s in "${TMUX_SOCKS[@]}"; do tmux -S "$s" kill-server >/dev/null 2>&1; done
	TMUX_SOCKS=()
	for d in "${EXTRA_DIRS[@]}"; do rm -rf "$d"; done
	EXTRA_DIRS=()
	lib_cleanup_pass
}

# hint_line DESC: the last run printed exactly one stderr line, naming
# host.fs.rw=, and the command ran (it printed something).
hint_line() {
	if [[ -n $OUT && -n $ERR && $ERR != *$'\n'* && $ERR == *host.fs.rw=* ]]; then ok "$1"; else
		not_ok "$1" "expected one stderr line containing 'host.fs.rw=' (and the command's output)" \
			"stdout: $OUT" "stderr: $ERR"
	fi
}

# connects SOCKET DESC: the report line for SOCKET is a connect that worked.
connects() { is "unix-connect: ok" "$(line_for "$1")" "$2"; }

# The fake stores in $H, as they were before any attack: an attack that
# worked (on a build without these defaults) must not turn the next checks
# into vacuous passes.
reset_creds() {
	local d f
	rm -rf "${CRED_DIRS[@]/#/$H/}" "${CRED_FILES[@]/#/$H/}" "$H/.ssh.moved" "$H/.config.moved" \
		"$H/.config/gh.moved" "$H/.config/entrun.old"
	mkdir -p "${CRED_DIRS[@]/#/$H/}" "$H/.config/git" "$H/.cargo"
	for d in "${CRED_DIRS[@]}"; do echo "secret-$d" >"$H/$d/secret"; done
	for f in "${CRED_FILES[@]}"; do echo "secret-$f" >"$H/$f"; done
}

setup_tree() {
	V=$TEST_TMP H=$V/home R=$V/run W=$V/proj MK=$V/markers
	mkdir -p "$H" "$R" "$W/sub" "$MK"
	chmod 700 "$R"
	reset_creds
	echo 'echo bashrc' >"$H/.bashrc"
	echo project >"$W/README"
	echo runtime >"$R/runfile"
	cp "$PROBE" "$V/probe"
	P=$V/probe
}

# ---- 1. the filesystem -------------------------------------------------------

fs_checks() {
	local host_tmp mi d
	cd "$W" || return
	ssbx -- "$P" write "$V/outside"
	is "write: errno EROFS" "$OUT" "default: a file under / outside the working directory is not writable (EROFS)"
	absent "$V/outside" "default: ... and nothing was written on the host"
	is "" "$ERR" "default: from a project directory, entrun prints nothing on stderr"
	ssbx -- "$P" write "$H/.bashrc"
	is "write: errno EROFS" "$OUT" "default: ~/.bashrc (outside the working directory) is not writable (EROFS)"
	host_same "$H/.bashrc" "echo bashrc" "default: the host's ~/.bashrc is unchanged"
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c '"$1" write "$2/sub/deep"; "$1" mkdir "$2/newdir"' _ "$P" "$W"
	is "write: ok|mkdir: ok" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" \
		"default: the working directory is writable, recursively"
	is "x|dir" "$(cat "$W/sub/deep" 2>&1)|$([ -d "$W/newdir" ] && echo dir)" \
		"default: the host sees what was written in the working directory"
	ssbx -e security.fs-read-only -- "$P" write "$W/ro-file"
	is "write: errno EROFS" "$OUT" "security.fs-read-only: the working directory is read-only too (EROFS)"

	# /tmp: private, empty, writable, bounded, 1777.
	host_tmp=$(mktemp /tmp/entrun-sd-host.XXXXXX)
	EXTRA_DIRS+=("$host_tmp")
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'if [ -e "$1" ]; then echo visible; else echo absent; fi; ls -A /tmp | wc -l' _ "$host_tmp"
	is "absent|0" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" \
		"default: /tmp inside is empty: the host's /tmp (holding $(basename "$host_tmp")) is not visible"
	MARKER=$(unique_marker)
	ssbx -- "$P" write "/tmp/entrun-sd-$MARKER"
	is "write: ok" "$OUT" "default: /tmp is writable inside"
	absent "/tmp/entrun-sd-$MARKER" "default: a file written to /tmp does not appear in the host's /tmp"
	rm -f "/tmp/entrun-sd-$MARKER"
	# The mount on /tmp (the last one, the top of the stack): type and options.
	# shellcheck disable=SC2016 # expanded by awk
	mi='awk '\''$5 == "/tmp" { for (i = 7; $i != "-"; i++) ; t = $(i + 1) " " $(i + 3) } END { print t }'\'' /proc/self/mountinfo; stat -c %a /tmp'
	ssbx -- sh -c "$mi"
	like "$OUT" '^tmpfs ' "default: /tmp inside is a tmpfs"
	like "$OUT" '^tmpfs [^ ]*size=[0-9]' "default: /tmp's tmpfs has an explicit size= (bounded)"
	like "$OUT" $'\n1777$' "default: /tmp inside has mode 1777"
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -e host.fs.rw=/tmp -- sh -c 'test -e "$1" && echo visible' _ "$host_tmp"
	is visible "$OUT" "host.fs.rw=/tmp gives the host's /tmp back"

	# $XDG_RUNTIME_DIR: an empty private tmpfs.
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'ls -A "$1" | wc -l; echo planted >"$1/planted" 2>/dev/null; echo done' _ "$R"
	is "0|done" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" \
		"default: \$XDG_RUNTIME_DIR is empty inside (the host's runfile is not visible)"
	absent "$R/planted" "default: a file written in \$XDG_RUNTIME_DIR does not reach the host"
	# shellcheck disable=SC2016 # expanded by awk
	ssbx -- awk -v d="$R" '$5 == d { for (i = 7; $i != "-"; i++) ; t = $(i + 1) } END { print t }' /proc/self/mountinfo
	is tmpfs "$OUT" "default: \$XDG_RUNTIME_DIR is covered by a tmpfs"
	esbx "XDG_RUNTIME_DIR=$V/no-such-dir" -- -- sh -c 'echo ran'
	is "0|ran" "$RC|$OUT" "\$XDG_RUNTIME_DIR naming no directory: the command runs"
	esbx XDG_RUNTIME_DIR=relative/run -- -- sh -c 'echo ran'
	is "0|ran" "$RC|$OUT" "a relative \$XDG_RUNTIME_DIR: the command runs"

	# The working directory is /, ~ or an ancestor of ~: read-only, one line.
	local i=0
	for d in "$H" "$V" /; do
		i=$((i + 1))
		cd "$d" || return
		ssbx -- "$P" write "$V/from-cwd-$i"
		is "write: errno EROFS" "$OUT" "working directory $d (/, ~ or an ancestor of ~): it stays read-only (EROFS)"
		# From / (where nobody expects to write) entrun says nothing.
		if [ "$d" = / ]; then
			is "" "$ERR" "working directory /: the command runs, and nothing is printed on stderr"
		else
			hint_line "working directory $d: the command runs, and one stderr line says host.fs.rw=..."
		fi
		absent "$V/from-cwd-$i" "working directory $d: nothing was written on the host"
	done
	cd "$H" || return
	ssbx -e host.fs.rw=. -- "$P" write "$H/granted"
	is "write: ok|" "$OUT|$ERR" "working directory ~ with host.fs.rw=. (as the line says): writable, no line"
	cd "$W" || return
}

# ---- 2. credential stores -------------------------------------------------------

# The file to read in each store: DIR/secret, or the FILE itself.
cred_targets() {
	local d f
	for d in "${CRED_DIRS[@]}"; do printf '%s\n' "$d/secret"; done
	for f in "${CRED_FILES[@]}"; do printf '%s\n' "$f"; done
}

# shellcheck disable=SC2016 # expanded by the inner sh
READ_REPORT='h=$1; shift; for t; do c=; read -r c 2>/dev/null <"$h/$t"; printf "%s read=%s\n" "$t" "$c"; done'
# Each target appended to, each store given a new file, each store renamed.
# shellcheck disable=SC2016 # expanded by the inner sh
WRITE_ATTACK='h=$1; shift; for t; do
	f=$h/$t
	echo pwned 2>/dev/null >>"$f"
	echo pwned 2>/dev/null >"${f%/*}/planted-by-sandbox"
	done; echo done'

# cred_read_checks HOMEDIR WHAT ESBX-ARGS...: no store's secret is read.
cred_read_checks() {
	local hd=$1 what=$2 t missing=''
	local -a targets
	shift 2
	[ "$hd" = "$H" ] && reset_creds
	mapfile -t targets < <(cred_targets)
	esbx "$@" -- sh -c "$READ_REPORT" _ "$hd" "${targets[@]}"
	for t in "${targets[@]}"; do
		[ "$(line_for "$t")" = "read=" ] || missing="$missing ~/$t"
	done
	if [ -n "$OUT" ] && [ -z "$missing" ]; then ok "$what: no credential store is readable"; else
		not_ok "$what: no credential store is readable" "readable (or the run failed):$missing"
	fi
}

cred_checks() {
	local t hc
	local -a targets
	mapfile -t targets < <(cred_targets)
	ssbx -- sh -c "$READ_REPORT" _ "$H" "${targets[@]}"
	for t in "${targets[@]}"; do
		is "read=" "$(line_for "$t")" "default: ~/$t is not readable (hidden)"
	done
	reset_creds
	ssbx -- sh -c "$WRITE_ATTACK" _ "$H" "${targets[@]}"
	is "done" "$OUT" "default: the write attack on the stores ran to its end"
	for t in "${targets[@]}"; do
		hc=$(cat "$H/$t" 2>&1)
		if [ "$hc" = "secret-${t%/secret}" ] && [ ! -e "$(dirname "$H/$t")/planted-by-sandbox" ]; then
			ok "default: ~/$t cannot be written from inside (host copy unchanged, nothing added)"
		else
			not_ok "default: ~/$t cannot be written from inside (host copy unchanged, nothing added)" \
				"host: $hc" "$(ls -A "$(dirname "$H/$t")")"
		fi
	done
	reset_creds
	ssbx -- "$P" write "$H/.ssh/authorized_keys"
	is "write: errno EROFS" "$OUT" "default: a new ~/.ssh/authorized_keys cannot be created (EROFS)"
	reset_creds

	# A grant of exactly the path shows it, read-only; the others stay hidden.
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -e 'host.fs.ro=~/.aws' -- sh -c 'cat "$HOME/.aws/secret"; "$1" write "$HOME/.aws/secret"; cat "$HOME/.ssh/secret" 2>/dev/null; echo end' _ "$P"
	is "secret-.aws|write: errno EROFS|end" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" \
		"host.fs.ro=~/.aws: ~/.aws is readable, read-only, and ~/.ssh stays hidden"
	host_same "$H/.aws/secret" "secret-.aws" "host.fs.ro=~/.aws: the host's file is unchanged"

	# A writable home keeps them hidden, and a store cannot be moved aside.
	cred_read_checks "$H" "host.fs.rw=~" -- -e 'host.fs.rw=~'
	reset_creds
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -e 'host.fs.rw=~' -- sh -c '
		mv "$HOME/.ssh" "$HOME/.ssh.moved" 2>/dev/null; mkdir -p "$HOME/.ssh" 2>/dev/null
		echo pwned 2>/dev/null >"$HOME/.ssh/authorized_keys"
		rm -f "$HOME/.netrc" 2>/dev/null; echo pwned 2>/dev/null >"$HOME/.netrc"
		"$1" write "$HOME/control"; echo done' _ "$P"
	is "write: ok|done" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" "host.fs.rw=~: the home is writable (control)"
	is "secret-.ssh|absent|absent|secret-.netrc" \
		"$(cat "$H/.ssh/secret" 2>&1)|$([ -e "$H/.ssh/authorized_keys" ] && echo planted || echo absent)|$([ -e "$H/.ssh.moved" ] && echo moved || echo absent)|$(cat "$H/.netrc" 2>&1)" \
		"host.fs.rw=~: ~/.ssh cannot be moved aside or written, ~/.netrc not replaced"
	cred_read_checks "$H" "security.fs-read-only + host.fs.rw=~" -- -e security.fs-read-only -e 'host.fs.rw=~'

	# A working directory that is an ancestor of stores (a bind of the parent).
	cd "$H/.config" || return
	cred_read_checks "$H" "working directory ~/.config (writable)" --
	reset_creds
	ssbx -- sh -c 'mv gh gh.moved 2>/dev/null; mkdir -p gh 2>/dev/null; echo pwned 2>/dev/null >gh/hosts.yml; echo done'
	is "done|absent|absent" "$OUT|$([ -e "$H/.config/gh.moved" ] && echo moved || echo absent)|$([ -e "$H/.config/gh/hosts.yml" ] && echo planted || echo absent)" \
		"working directory ~/.config: ~/.config/gh cannot be moved aside or written"
	cd "$H/.local/share" || return
	cred_read_checks "$H" "working directory ~/.local/share (writable)" --
	# The working directory is a store itself: like ~, it is not granted
	# (or entrun refuses, in one line); never readable, never writable.
	reset_creds
	cd "$H/.ssh" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'c=; read -r c <secret 2>/dev/null; echo "read=$c"; echo pwned 2>/dev/null >authorized_keys; echo done'
	if [ "$RC" -eq 125 ]; then
		one_line_error "entrun: " "$H/.ssh" "working directory ~/.ssh (a credential store): refused in one line naming it"
	else
		is "read=|done" "$(joined)" "working directory ~/.ssh (a credential store): the keys stay hidden"
	fi
	absent "$H/.ssh/authorized_keys" "working directory ~/.ssh: nothing is planted in it (authorized_keys)"
	cd "$W" || return

	# entrun itself, or the profile, under ~: their ancestors are protected
	# (bound onto themselves), which must not bind the stores back in.
	reset_creds
	mkdir -p "$H/.local/bin"
	cp "$ENTRUN" "$H/.local/bin/entrun"
	mapfile -t targets < <(cred_targets)
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" env -u XDG_CONFIG_HOME "HOME=$H" "XDG_RUNTIME_DIR=$R" \
		"$H/.local/bin/entrun" -- sh -c "$READ_REPORT" _ "$H" "${targets[@]}"
	local missing=''
	for t in "${targets[@]}"; do [ "$(line_for "$t")" = "read=" ] || missing="$missing ~/$t"; done
	if [ -n "$OUT" ] && [ -z "$missing" ]; then ok "entrun run from ~/.local/bin: no credential store is readable"; else
		not_ok "entrun run from ~/.local/bin: no credential store is readable" "readable (or the run failed):$missing"
	fi
	rm -f "$H/.local/bin/entrun"
	printf '[sandbox]\nhostname = inhome\n' >"$H/.config/proj.ini"
	chmod 644 "$H/.config/proj.ini"
	cred_read_checks "$H" "-p ~/.config/proj.ini" -- -p "$H/.config/proj.ini"

	# --explain names the hidden stores (that exist).
	ssbx --explain
	missing=''
	for t in "${CRED_DIRS[@]}" "${CRED_FILES[@]}"; do
		[[ $OUT == *"$H/$t"* || $OUT == *"~/$t"* ]] || missing="$missing ~/$t"
	done
	if [ -z "$missing" ]; then ok "--explain lists every hidden credential store"; else
		not_ok "--explain lists every hidden credential store" "not listed:$missing" "output: $OUT"
	fi
}

# ---- 3. the environment --------------------------------------------------------

SECRET_VARS=(GITHUB_TOKEN NPM_TOKEN AWS_SECRET_ACCESS_KEY AWS_ACCESS_KEY_ID OPENAI_API_KEY
	MY_PASSWORD KRB5CCNAME TMUX STY TMUX_PANE KITTY_LISTEN_ON WEZTERM_UNIX_SOCKET NVIM
	NVIM_LISTEN_ADDRESS VSCODE_IPC_HOOK_CLI VSCODE_GIT_IPC_HANDLE gitlab_token DB_PASSWD
	GPG_PASSPHRASE GIT_CREDENTIAL_STORE CLIENT_SECRET STRIPE_APIKEY Anthropic_Api_Key
	DEPLOY_KEY npm_config__auth SSH_AUTH_SOCK DBUS_SESSION_BUS_ADDRESS DOCKER_HOST)
# The last three are API sockets' variables, listed by --explain elsewhere.
EXPLAIN_VARS=("${SECRET_VARS[@]:0:${#SECRET_VARS[@]}-3}")
ENV_MARK=''

# The value of secret variable NAME.
secret_value() { printf 'sv-%s-%s' "$1" "$ENV_MARK"; }

secret_env() {
	local v
	for v in "${SECRET_VARS[@]}"; do printf '%s=%s\n' "$v" "$(secret_value "$v")"; done
	printf '%s\n' FOO=bar EDITOR=vi
}

env_checks() {
	local v missing leaked
	local -a envv
	ENV_MARK=$(unique_marker)
	mapfile -t envv < <(secret_env)
	esbx "${envv[@]}" -- -- env
	for v in "${SECRET_VARS[@]}"; do
		if grep -q "^$v=" <<<"$OUT"; then
			not_ok "default: \$$v is removed" "inside: $(grep "^$v=" <<<"$OUT")"
		else
			ok "default: \$$v is removed"
		fi
	done
	unlike "$OUT" "sv-[A-Za-z_]*-$ENV_MARK" "default: no secret value is anywhere in the environment"
	has_line "$OUT" "FOO=bar" "default: a harmless variable (FOO=bar) is kept"
	has_line "$OUT" "EDITOR=vi" "default: EDITOR is kept"
	like "$OUT" $'(^|\n)PATH=' "default: PATH is kept"
	esbx "${envv[@]}" -- --env GITHUB_TOKEN -- env
	has_line "$OUT" "GITHUB_TOKEN=$(secret_value GITHUB_TOKEN)" "--env GITHUB_TOKEN (no =) keeps that one variable"
	if grep -q '^NPM_TOKEN=' <<<"$OUT"; then not_ok "--env GITHUB_TOKEN: NPM_TOKEN is still removed"; else
		ok "--env GITHUB_TOKEN: NPM_TOKEN is still removed"
	fi
	printf '[environment]\nkeep = NPM_TOKEN\n' >"$V/keep.ini"
	chmod 644 "$V/keep.ini"
	esbx "${envv[@]}" -- -p "$V/keep.ini" -- env
	has_line "$OUT" "NPM_TOKEN=$(secret_value NPM_TOKEN)" "[environment] keep = NPM_TOKEN keeps it"
	if grep -q '^GITHUB_TOKEN=' <<<"$OUT"; then not_ok "[environment] keep = NPM_TOKEN: GITHUB_TOKEN is still removed"; else
		ok "[environment] keep = NPM_TOKEN: GITHUB_TOKEN is still removed"
	fi
	esbx "${envv[@]}" -- --explain
	missing=''
	for v in "${EXPLAIN_VARS[@]}"; do [[ $OUT == *"$v"* ]] || missing="$missing $v"; done
	if [ -n "$OUT" ] && [ -z "$missing" ]; then ok "--explain lists the removed variables' names"; else
		not_ok "--explain lists the removed variables' names" "not listed:$missing" "output: $OUT"
	fi
	leaked=$(grep -o "sv-[A-Za-z_]*-$ENV_MARK" <<<"$OUT" | head -3 | tr '\n' ' ')
	is "" "$leaked" "--explain shows no secret value"
	esbx "${envv[@]}" -- --explain --json
	leaked=$(grep -o "sv-[A-Za-z_]*-$ENV_MARK" <<<"$OUT" | head -3 | tr '\n' ' ')
	is "" "$leaked" "--explain --json shows no secret value"
}

# ---- 4. host unix sockets -------------------------------------------------------

# A listener on a unix socket, by python: MODE plain binds PATH; link binds
# PATH.tmp, then links PATH to it and removes PATH.tmp (OpenSSH's
# ControlMaster does this); rename binds PATH.tmp and renames it to PATH
# (/proc/net/unix then names PATH.tmp, not PATH); relative binds the
# relative name "NAME" from PATH's directory and stays there (/proc/net/unix
# names "NAME"; one that has left the directory since is SECURITY.md's).
PYLISTEN='import os, socket, sys
path, mode = sys.argv[1], sys.argv[2]
tmp = path if mode == "plain" else path + ".tmp"
s = socket.socket(socket.AF_UNIX)
if mode == "relative":
    os.chdir(os.path.dirname(path))
    s.bind(os.path.basename(path))
else:
    s.bind(tmp)
s.listen(8)
if mode == "link":
    os.link(tmp, path); os.unlink(tmp)
elif mode == "rename":
    os.rename(tmp, path)
while True:
    c, _ = s.accept()
    try:
        c.sendall(b"hello\n")
    except OSError:
        pass
    c.close()'

# py_start PATH MODE: start one; py_listen PATH MODE: ... and wait until it
# answers.
py_start() {
	mkdir -p "$(dirname "$1")"
	rm -f "$1" "$1.tmp"
	python3 -c "$PYLISTEN" "$1" "$2" </dev/null >/dev/null 2>&1 &
	track_bg $!
}
py_listen() {
	py_start "$1" "$2"
	retry 30 "$PROBE" unix-connect "$1"
}

socket_checks() {
	local S_HOME=$H/.cache/app/app.sock S_RUN=$R/app.sock S_CWD=$W/.app.sock
	local S_DIR=$V/sockdir/app.sock S_LINK=$H/.cache/cm/control S_REN=$H/.cache/cm/renamed
	local S_REL=$H/.cache/rel/rel.sock S_ALIAS=$V/bsrc/alias.sock
	local S_TMP S_TMPLINK s tdir
	tdir=$(mktemp -d /tmp/entrun-sd-sock.XXXXXX)
	EXTRA_DIRS+=("$tdir")
	S_TMP=$tdir/app.sock S_TMPLINK=$tdir/cm-link
	have_tools "python3 unix listeners" python3 || return
	local ok_all=1
	for s in "$S_HOME" "$S_RUN" "$S_CWD" "$S_DIR" "$S_TMP"; do py_start "$s" plain; done
	py_start "$S_LINK" link
	py_start "$S_TMPLINK" link
	py_start "$S_REN" rename
	py_start "$S_REL" relative
	py_start "$S_ALIAS" plain
	for s in "$S_HOME" "$S_RUN" "$S_CWD" "$S_DIR" "$S_TMP" "$S_LINK" "$S_TMPLINK" "$S_REN" "$S_REL" "$S_ALIAS"; do
		retry 30 "$PROBE" unix-connect "$s" || ok_all=0
	done
	if [ "$ok_all" = 1 ]; then ok "control: the host's test sockets answer on the host"; else
		not_ok "control: the host's test sockets answer on the host"
		return
	fi
	local all=("$S_HOME" "$S_RUN" "$S_CWD" "$S_DIR" "$S_LINK" "$S_REN" "$S_REL")
	sock_report -- ::: "${all[@]}"
	refused "$S_HOME" "default: a socket in ~ cannot be connected to"
	refused "$S_RUN" "default: a socket in \$XDG_RUNTIME_DIR cannot be connected to"
	refused "$S_CWD" "default: a socket in the working directory cannot be connected to"
	refused "$S_DIR" "default: a socket in another host directory cannot be connected to"
	refused "$S_LINK" "default: a socket link()ed into place after bind (ssh ControlMaster) cannot be connected to"
	refused "$S_REN" "default: a socket renamed into place after bind cannot be connected to"
	refused "$S_REL" "default: a socket bound by a relative name (listed as 'rel.sock') cannot be connected to"
	# The same directory bound at a second place on the host (a bind mount,
	# made here in a mount namespace of our own): the socket has two names.
	mkdir -p "$V/bdst"
	# shellcheck disable=SC2016 # expanded by the inner sh
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" unshare -Urm sh -c 'mount --bind "$1" "$2" || exit 99; shift 2; exec "$@"' \
		_ "$V/bsrc" "$V/bdst" env -u XDG_CONFIG_HOME "HOME=$H" "XDG_RUNTIME_DIR=$R" "$ENTRUN" -- \
		sh -c 'p=$1; shift; for s; do printf "%s " "$s"; "$p" unix-connect "$s"; done' _ "$P" "$S_ALIAS" "$V/bdst/alias.sock"
	if [ "$RC" -eq 99 ]; then
		skip_or_fail "cannot bind-mount in a namespace of our own: $ERR" "a socket reached through a host bind mount"
	else
		refused "$S_ALIAS" "a socket in a directory also bind-mounted elsewhere on the host: refused under its name"
		refused "$V/bdst/alias.sock" "... and under the bind mount's name"
	fi
	sock_report -- -e security.fs-read-only ::: "${all[@]}"
	for s in "${all[@]}"; do refused "$s" "security.fs-read-only: $s cannot be connected to"; done
	sock_report -u XDG_RUNTIME_DIR -- ::: "$S_RUN"
	refused "$S_RUN" "XDG_RUNTIME_DIR unset (the directory not covered): its socket still cannot be connected to"
	sock_report -- -e 'host.fs.rw=~' ::: "$S_HOME" "$S_LINK" "$S_REN"
	refused "$S_HOME" "host.fs.rw=~: a socket in ~ still cannot be connected to"
	refused "$S_LINK" "host.fs.rw=~: ... nor one link()ed into place"
	refused "$S_REN" "host.fs.rw=~: ... nor one renamed into place"
	sock_report -- -e "host.fs.rw=$V/sockdir" ::: "$S_DIR"
	refused "$S_DIR" "host.fs.rw=DIR: a socket in DIR still cannot be connected to"
	sock_report -- -e "host.fs.ro=$V/sockdir" ::: "$S_DIR"
	refused "$S_DIR" "host.fs.ro=DIR: a socket in DIR still cannot be connected to"
	sock_report -- -e "host.fs.rw=$R" ::: "$S_RUN"
	refused "$S_RUN" "host.fs.rw=\$XDG_RUNTIME_DIR: its socket still cannot be connected to"
	sock_report -- -e host.fs.rw=/tmp ::: "$S_TMP" "$S_TMPLINK"
	refused "$S_TMP" "host.fs.rw=/tmp: a socket in the host's /tmp still cannot be connected to"
	refused "$S_TMPLINK" "host.fs.rw=/tmp: ... nor one link()ed into place there (ControlPath /tmp/ssh-%r@%h:%p)"
	sock_report -- -e "host.fs.ro=$tdir" ::: "$S_TMP"
	refused "$S_TMP" "host.fs.ro=/tmp/DIR: a socket there still cannot be connected to"
	sock_report -- -p offline ::: "${all[@]}"
	for s in "${all[@]}"; do refused "$s" "-p offline: $s cannot be connected to"; done
	# Granted by its own name: reachable (positive controls).
	sock_report -- -e "host.fs.ro=$S_HOME" ::: "$S_HOME" "$S_RUN"
	connects "$S_HOME" "host.fs.ro=SOCKET (in ~): that socket can be connected to"
	refused "$S_RUN" "host.fs.ro=SOCKET: another socket stays unreachable"
	sock_report -- -e "host.fs.ro=$S_RUN" ::: "$S_RUN"
	connects "$S_RUN" "host.fs.ro=SOCKET (in \$XDG_RUNTIME_DIR, under its tmpfs): that socket can be connected to"
	sock_report -- -e "host.fs.rw=$S_CWD" ::: "$S_CWD"
	connects "$S_CWD" "host.fs.rw=SOCKET (in the working directory): that socket can be connected to"
	sock_report -- -e "host.fs.ro=$S_TMP" ::: "$S_TMP"
	connects "$S_TMP" "host.fs.ro=SOCKET (in the host's /tmp): that socket can be connected to"
	# Data goes through the granted one.
	if have_tools "host.fs.ro=SOCKET: the listener's greeting comes through" socat; then
		esbx -- -e "host.fs.ro=$S_HOME" -- socat -t 2 - "UNIX-CONNECT:$S_HOME"
		is hello "$OUT" "host.fs.ro=SOCKET: the listener's greeting comes through"
	fi
	# An abstract socket: another network namespace.
	if have_tools "abstract sockets unreachable" socat; then
		start_abstract_echo
		ssbx -- "$P" unix-abstract "$SOCKNAME"
		is "unix-abstract: errno ECONNREFUSED" "$OUT" "default: a host abstract socket cannot be connected to"
	fi
}

# tmux: a server with a shell window, its socket under /tmp (as tmux puts
# it) and one under $XDG_RUNTIME_DIR.  new-window and send-keys through it
# run commands as the user, outside: a full escape.
# shellcheck disable=SC2016 # expanded by the inner sh
TMUX_ATTACK='tmux -S "$1" new-window -d "touch $2"; echo "new-window=$?"
tmux -S "$1" send-keys -t sd:0 "touch $3" Enter; echo "send-keys=$?"'

tmux_start() {
	mkdir -p "$(dirname "$1")"
	chmod 700 "$(dirname "$1")"
	env -u TMUX SHELL=/bin/sh tmux -f "$V/tmux.conf" -S "$1" new-session -d -s sd /bin/sh \
		</dev/null >/dev/null 2>&1 || return 1
	TMUX_SOCKS+=("$1")
	local pid
	pid=$(tmux -S "$1" display-message -p '#{pid}' 2>/dev/null) && track_bg "$pid"
	# Control: the attack works from the host.
	tmux -S "$1" new-window -d "touch $MK/control-nw-$2" </dev/null >/dev/null 2>&1 &&
		tmux -S "$1" send-keys -t sd:0 "touch $MK/control-sk-$2" Enter </dev/null >/dev/null 2>&1 &&
		retry 30 test -e "$MK/control-nw-$2" && retry 30 test -e "$MK/control-sk-$2"
}

# tmux_attack NAME SOCKET ESBX-ARGS...: the attack from inside; markers
# MK/NAME-nw and MK/NAME-sk must never appear (checked at the end).  NAME
# is part of a file name: no slash.
TMUX_MARKS=()
tmux_attack() {
	local name=$1 sock=$2
	shift 2
	esbx "$@" -- sh -c "$TMUX_ATTACK" _ "$sock" "$MK/$name-nw" "$MK/$name-sk"
	like "$OUT" $'^new-window=[1-9][0-9]*\nsend-keys=[1-9]' "tmux ($name): new-window and send-keys from inside fail"
	TMUX_MARKS+=("$name")
}

tmux_checks() {
	local t1 t2 m
	have_tools "tmux sockets unreachable" tmux || return
	printf 'set -g default-shell /bin/sh\nset -g exit-empty off\n' >"$V/tmux.conf"
	t1=$(mktemp -d "/tmp/tmux-$(id -u)-sd.XXXXXX")
	EXTRA_DIRS+=("$t1")
	t1=$t1/default
	t2=$R/tmux-$(id -u)/default
	if tmux_start "$t1" tmp && tmux_start "$t2" run; then
		ok "control: on the host, tmux new-window and send-keys through either socket run commands"
	else
		not_ok "control: on the host, tmux new-window and send-keys through either socket run commands"
		return
	fi
	tmux_attack tmp-default "$t1" --
	tmux_attack tmp-rw-tmp "$t1" -- -e host.fs.rw=/tmp
	tmux_attack tmp-ro-dir "$t1" -- -e "host.fs.ro=$(dirname "$t1")"
	tmux_attack tmp-fs-read-only "$t1" -- -e security.fs-read-only -e host.fs.rw=/tmp
	cd /tmp || return
	tmux_attack tmp-cwd-tmp "$t1" --
	cd "$(dirname "$t1")" || return
	tmux_attack tmp-cwd-socket-dir "$t1" --
	cd "$W" || return
	tmux_attack run-default "$t2" --
	tmux_attack run-unset-XDG_RUNTIME_DIR "$t2" -u XDG_RUNTIME_DIR --
	tmux_attack run-fs-read-only "$t2" -u XDG_RUNTIME_DIR -- -e security.fs-read-only
	tmux_attack run-offline "$t2" -u XDG_RUNTIME_DIR -- -p offline
	sleep 1
	for m in "${TMUX_MARKS[@]}"; do
		if [ -e "$MK/$m-nw" ] || [ -e "$MK/$m-sk" ]; then
			not_ok "tmux ($m): no command ran on the host" "$(ls "$MK")"
		else
			ok "tmux ($m): no command ran on the host"
		fi
	done
}

# ssh-agent: a second agent, its socket in /tmp/ssh-XXXX/agent.N.
ssh_agent_checks() {
	local d sock
	have_tools "ssh-agent socket unreachable" ssh-agent ssh-add || return
	d=$(mktemp -d /tmp/ssh-XXXXXXXXXX)
	EXTRA_DIRS+=("$d")
	sock=$d/agent.$$
	ssh-agent -D -a "$sock" </dev/null >/dev/null 2>&1 &
	track_bg $!
	retry 30 "$PROBE" unix-connect "$sock"
	run env "SSH_AUTH_SOCK=$sock" ssh-add -l
	is 1 "$RC" "control: on the host, ssh-add -l reaches the agent (status 1: no identities)"
	# shellcheck disable=SC2016 # expanded by the inner sh
	local q='SSH_AUTH_SOCK=$1 ssh-add -l >/dev/null 2>&1; echo "ssh-add=$?"'
	ssbx -- sh -c "$q" _ "$sock"
	is "ssh-add=2" "$OUT" "default: ssh-add -l cannot connect to the agent (status 2)"
	ssbx -e host.fs.rw=/tmp -- sh -c "$q" _ "$sock"
	is "ssh-add=2" "$OUT" "host.fs.rw=/tmp: ssh-add -l still cannot connect to the agent"
	esbx "SSH_AUTH_SOCK=$sock" -- -e host.fs.rw=/tmp -e security.fs-read-only -- sh -c "$q" _ "$sock"
	is "ssh-add=2" "$OUT" "security.fs-read-only + host.fs.rw=/tmp + \$SSH_AUTH_SOCK set: still no agent"
	ssbx -e "host.fs.ro=$sock" -- sh -c "$q" _ "$sock"
	is "ssh-add=1" "$OUT" "host.fs.ro=SOCKET: ssh-add -l reaches the agent (positive control)"
	# shellcheck disable=SC2016 # expanded by the inner sh
	esbx "SSH_AUTH_SOCK=$sock" -- -e api.access=ssh-agent:allow -- sh -c 'ssh-add -l >/dev/null 2>&1; echo "ssh-add=$?"'
	is "ssh-add=1" "$OUT" "api.access=ssh-agent:allow: ssh-add -l reaches \$SSH_AUTH_SOCK (positive control)"
}

# ---- 5. persistence --------------------------------------------------------------

hgit() {
	env "HOME=$H" GIT_CONFIG_NOSYSTEM=1 git -c user.name=t -c user.email=t@example.invalid \
		-c init.defaultBranch=main -c protocol.file.allow=always "$@"
}

git_checks() {
	local g
	have_tools "git hooks and config protected" git || return
	g=$V/git-plain
	new_repo "$g" || { not_ok "control: a git repository is made"; return; }
	cd "$g" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c '"$1" write .git/hooks/pre-commit; "$1" write .git/config; "$1" write src.c; "$1" write .git/index.probe' _ "$P"
	is "write: errno EROFS" "$(sed -n 1p <<<"$OUT")" "git work tree as cwd: .git/hooks/pre-commit cannot be written (EROFS)"
	is "write: errno EROFS" "$(sed -n 2p <<<"$OUT")" "git work tree as cwd: .git/config cannot be written (EROFS)"
	is "write: ok" "$(sed -n 3p <<<"$OUT")" "git work tree as cwd: the project's own files are writable"
	is "$(printf '[core]\n')" "$(head -1 .git/config)" "... and the host's .git/config is unchanged"

	# Each attack in a fresh repository; then a commit on the host.
	g=$V/git-hook
	new_repo "$g" && cd "$g" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'printf "%s\n" "$1" >.git/hooks/pre-commit 2>/dev/null; chmod +x .git/hooks/pre-commit 2>/dev/null; echo done' \
		_ "$(hook_text "$MK/git-hook")"
	host_commit_runs_nothing "$g" "$MK/git-hook" "git: a planted .git/hooks/pre-commit does not run on the host's next commit"
	g=$V/git-config
	new_repo "$g" && cd "$g" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'mkdir -p evil && printf "%s\n" "$1" >evil/pre-commit && chmod +x evil/pre-commit
		git config core.hooksPath "$PWD/evil" 2>/dev/null; echo done' _ "$(hook_text "$MK/git-config")"
	host_commit_runs_nothing "$g" "$MK/git-config" "git: core.hooksPath cannot be set in .git/config from inside"
	g=$V/git-rename
	new_repo "$g" && cd "$g" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'mv .git .git.old 2>/dev/null && mkdir .git && cp -a .git.old/. .git/ 2>/dev/null
		rm -rf .git/hooks 2>/dev/null; mkdir -p .git/hooks 2>/dev/null
		printf "%s\n" "$1" >.git/hooks/pre-commit 2>/dev/null; chmod +x .git/hooks/pre-commit 2>/dev/null; echo done' \
		_ "$(hook_text "$MK/git-rename")"
	host_commit_runs_nothing "$g" "$MK/git-rename" "git: moving .git aside and making a new one with a hook does not work"
	absent "$g/.git.old" "git: .git could not be renamed"
	# .git/commondir points git at another directory for config and hooks.
	g=$V/git-commondir
	new_repo "$g" && cd "$g" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'mkdir -p evil/hooks && cp .git/config evil/config && ln -s "$PWD/.git/objects" evil/objects &&
		cp -r .git/refs evil/refs && printf "%s\n" "$1" >evil/hooks/pre-commit && chmod +x evil/hooks/pre-commit &&
		echo "$PWD/evil" >.git/commondir 2>/dev/null; echo done' _ "$(hook_text "$MK/git-commondir")"
	host_commit_runs_nothing "$g" "$MK/git-commondir" "git: writing .git/commondir (config and hooks elsewhere) does not work"
	# A submodule's git directory has hooks of its own.
	g=$V/git-sub
	if ! { new_repo "$V/git-subsrc" && new_repo "$g" &&
		hgit -C "$g" submodule add -q "$V/git-subsrc" sub >/dev/null 2>&1 && hgit -C "$g" commit -q -m sub; }; then
		not_ok "control: a repository with a submodule is made"
		return
	fi
	cd "$g" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'printf "%s\n" "$1" >.git/modules/sub/hooks/pre-commit 2>/dev/null; chmod +x .git/modules/sub/hooks/pre-commit 2>/dev/null; echo done' \
		_ "$(hook_text "$MK/git-sub")"
	host_commit_runs_nothing "$g/sub" "$MK/git-sub" "git: a hook planted in .git/modules/SUB/hooks does not run on the host"
	# (A repository the command creates where there was none, whose
	# core.fsmonitor the host's next `git status` there would run, is the
	# writable project's own risk, like its Makefile: SECURITY.md.)
	# Control: the same attack on the host would have worked.
	g=$V/git-control
	new_repo "$g" || return
	hook_text "$MK/git-control" >"$g/.git/hooks/pre-commit" && chmod +x "$g/.git/hooks/pre-commit"
	hgit -C "$g" commit -q --allow-empty -m x </dev/null >/dev/null 2>&1
	if [ -e "$MK/git-control" ]; then ok "control: a hook in .git/hooks runs on the host's commit"; else
		not_ok "control: a hook in .git/hooks runs on the host's commit"
	fi
	cd "$W" || return
}

profile_checks() {
	local x=$V/xdg f n
	cd "$W" || return
	printf '[sandbox]\nhostname = proj\n' >"$W/.entrun.ini"
	chmod 644 "$W/.entrun.ini"
	# shellcheck disable=SC2016 # expanded by the inner sh
	# --no-project: the -p rule itself (tests/blackbox/trust.sh has the
	# project profile's own).
	ssbx --no-project -p ./.entrun.ini -- sh -c '"$1" write .entrun.ini
		mv .entrun.ini .entrun.ini.old 2>/dev/null; rm -f .entrun.ini 2>/dev/null
		printf "[sandbox]\nentitlements = network.host\n" 2>/dev/null >.entrun.ini; echo done' _ "$P"
	is "write: errno EROFS" "$(sed -n 1p <<<"$OUT")" "-p ./.entrun.ini: the profile is read-only inside (EROFS)"
	host_same "$W/.entrun.ini" "$(printf '[sandbox]\nhostname = proj')" \
		"-p ./.entrun.ini: it cannot be moved aside or replaced (host copy unchanged)"
	# A run without -p plants the profile the next `entrun -p ./.entrun.ini` loads.
	ssbx --no-project -- sh -c 'printf "[sandbox]\nentitlements = network.host\n" 2>/dev/null >>.entrun.ini; echo done'
	host_same "$W/.entrun.ini" "$(printf '[sandbox]\nhostname = proj')" \
		"./.entrun.ini (the README's project profile) cannot be changed by a run that did not load it"
	rm -f "$W/.entrun.ini"

	mkdir -p "$H/.config/entrun" "$x/entrun"
	ssbx -e 'host.fs.rw=~' -- "$P" write "$H/.config/entrun/dev.ini"
	is "write: errno EROFS" "$OUT" "host.fs.rw=~: ~/.config/entrun/dev.ini cannot be planted (EROFS)"
	esbx "XDG_CONFIG_HOME=$x" -- -e 'host.fs.rw=~' -- "$P" write "$H/.config/entrun/dev.ini"
	is "write: errno EROFS" "$OUT" "host.fs.rw=~ with \$XDG_CONFIG_HOME elsewhere: ~/.config/entrun is still read-only"
	esbx "XDG_CONFIG_HOME=$x" -- -e "host.fs.rw=$x" -- "$P" write "$x/entrun/dev.ini"
	is "write: errno EROFS" "$OUT" "host.fs.rw=\$XDG_CONFIG_HOME: \$XDG_CONFIG_HOME/entrun/dev.ini cannot be planted"
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -e 'host.fs.rw=~' -- sh -c 'mv "$HOME/.config" "$HOME/.config.moved" 2>/dev/null
		mkdir -p "$HOME/.config/entrun" 2>/dev/null
		echo "[sandbox]" 2>/dev/null >"$HOME/.config/entrun/dev.ini"; echo done'
	is "done|absent|absent" "$OUT|$([ -e "$H/.config/entrun/dev.ini" ] && echo planted || echo absent)|$([ -e "$H/.config.moved" ] && echo moved || echo absent)" \
		"host.fs.rw=~: moving ~/.config aside does not plant ~/.config/entrun/dev.ini"
	absent "$x/entrun/dev.ini" "no profile was planted in \$XDG_CONFIG_HOME/entrun"
	cd "$H/.config" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c '"$1" write entrun/dev.ini; mv entrun entrun.old 2>/dev/null; mkdir -p entrun 2>/dev/null
		echo "[sandbox]" 2>/dev/null >entrun/dev.ini; echo done' _ "$P"
	is "write: errno EROFS|done" "$(joined)" "working directory ~/.config (writable): ~/.config/entrun stays read-only (EROFS)"
	is "absent|absent" "$([ -e "$H/.config/entrun/dev.ini" ] && echo planted || echo absent)|$([ -e "$H/.config/entrun.old" ] && echo moved || echo absent)" \
		"working directory ~/.config: ~/.config/entrun cannot be moved aside, no dev.ini planted"
	cd "$W" || return

	# Profiles others can write, or owned by another user, are refused.
	f=$V/gw.ini
	printf '[sandbox]\nhostname = gw\n' >"$f"
	chmod 644 "$f"
	expect ran "control: a profile of the caller's, mode 644, is used" -p "$f" -- sh -c 'echo ran'
	chmod 664 "$f"
	expect_error "a group-writable profile (-p FILE)" "entrun: " "$f" -p "$f"
	chmod 646 "$f"
	expect_error "an other-writable profile (-p FILE)" "entrun: " "$f" -p "$f"
	printf '[sandbox]\nhostname = gw\n' >"$x/entrun/gwname.ini"
	chmod 664 "$x/entrun/gwname.ini"
	esbx "XDG_CONFIG_HOME=$x" -- -p gwname -- sh -c 'echo ran'
	is "125|" "$RC|$OUT" "-p NAME found group-writable in \$XDG_CONFIG_HOME/entrun: 125, nothing ran"
	one_line_error "entrun: " "$x/entrun/gwname.ini" "-p NAME group-writable: one line naming the file"
	if [ "$(id -u)" -eq 0 ]; then
		ensure_test_user || return
		n=$V/other.ini
		printf '[sandbox]\nhostname = other\n' >"$n"
		chmod 644 "$n"
		chown "$ENTRUN_TEST_USER" "$n"
		expect_error "a profile owned by another user (not root)" "entrun: " "$n" -p "$n"
	fi
}

# The binary, run from a project's bin/, and its ancestors cannot be replaced.
binary_checks() {
	local b=$V/binproj
	mkdir -p "$b/bin"
	cp "$ENTRUN" "$b/bin/entrun"
	cd "$b" || return
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" env -u XDG_CONFIG_HOME "HOME=$H" "XDG_RUNTIME_DIR=$R" "$b/bin/entrun" -- \
		sh -c 'mv bin bin.old 2>/dev/null; mkdir bin 2>/dev/null; cp /bin/true bin/entrun 2>/dev/null; echo done'
	is "done" "$OUT" "PROJECT/bin/entrun run from PROJECT: the attack ran"
	if cmp -s "$ENTRUN" "$b/bin/entrun" && [ ! -e "$b/bin.old" ]; then
		ok "PROJECT/bin/entrun: bin/ cannot be renamed and replaced from inside"
	else
		not_ok "PROJECT/bin/entrun: bin/ cannot be renamed and replaced from inside" "$(ls -la "$b" "$b/bin" 2>&1)"
	fi
	rm -rf "$b/bin.old"
	[ -e "$b/bin/entrun" ] || { mkdir -p "$b/bin"; cp "$ENTRUN" "$b/bin/entrun"; }
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" env -u XDG_CONFIG_HOME "HOME=$H" "XDG_RUNTIME_DIR=$R" "$b/bin/entrun" -- \
		sh -c 'cat /bin/true 2>/dev/null >bin/entrun; cp /bin/true bin/new 2>/dev/null && mv -f bin/new bin/entrun 2>/dev/null
		rm -f bin/entrun 2>/dev/null; cp /bin/true bin/entrun 2>/dev/null; echo done'
	if [ "$OUT" = "done" ] && cmp -s "$ENTRUN" "$b/bin/entrun"; then
		ok "PROJECT/bin/entrun: the binary cannot be overwritten, renamed over or removed"
	else
		not_ok "PROJECT/bin/entrun: the binary cannot be overwritten, renamed over or removed" "$(ls -la "$b/bin" 2>&1)"
	fi
	cd "$W" || return
}

# ---- 6. hides win over a bind spelled another way ---------------------------------

spelling_checks() {
	local rl name real link u s v
	# Other spellings without symlinks.
	cred_read_checks "$H" "host.fs.rw=~/ (trailing slash)" -- -e "host.fs.rw=$H/"
	cred_read_checks "$H" "host.fs.rw=DIR/./home" -- -e "host.fs.rw=$V/./home"
	cred_read_checks "$H" "host.fs.rw=PROJECT/../home" -- -e "host.fs.rw=$W/../home"
	cred_read_checks "$H" "host.fs.rw=DIR//home" -- -e "host.fs.rw=$V//home"
	mkdir -p "$H/private" && echo secret-priv >"$H/private/secret"
	# shellcheck disable=SC2016 # expanded by the inner sh
	v='cat "$1" 2>/dev/null; echo end'
	ssbx -e "host.fs.hide=$H/private" -e "host.fs.rw=$W/../home" -- sh -c "$v" _ "$H/private/secret"
	is end "$OUT" "host.fs.hide=~/private, then host.fs.rw=PROJECT/../home: private stays hidden"

	# Symlinked spellings: /var/lock -> /run/lock, /var/run -> /run (root's).
	if [ "$(readlink -f /var/lock 2>/dev/null)" != /run/lock ] || [ ! -w /run/lock ] || [ ! -L /var/run ] ||
		[ "$(stat -c %u /var/lock /var/run 2>/dev/null | sort -u)" != 0 ]; then
		skip_or_fail "/var/lock -> /run/lock (writable) and /var/run -> /run, root-owned, are needed" \
			"hides win over binds spelled through a symlink"
		return
	fi
	rl=$(mktemp -d /run/lock/entrun-sd.XXXXXX) || { not_ok "a directory in /run/lock is made"; return; }
	EXTRA_DIRS+=("$rl")
	chmod 755 "$rl"
	name=${rl#/run/lock/}
	real=$rl link=/var/lock/$name
	u=$real/u
	mkdir -p "$u/.ssh" "$u/.aws" "$u/private"
	echo secret-ssh >"$u/.ssh/secret"
	echo secret-aws >"$u/.aws/secret"
	echo secret-netrc >"$u/.netrc"
	echo secret-priv >"$u/private/secret"
	# shellcheck disable=SC2016 # expanded by the inner sh
	v='for f; do c=; read -r c 2>/dev/null <"$f"; printf "%s=%s\n" "$f" "$c"; done'
	local files=("$link/u/.ssh/secret" "$real/u/.ssh/secret" "$link/u/.aws/secret" "$real/u/.aws/secret"
		"$link/u/.netrc" "$real/u/.netrc")
	local want="$link/u/.ssh/secret=|$real/u/.ssh/secret=|$link/u/.aws/secret=|$real/u/.aws/secret=|$link/u/.netrc=|$real/u/.netrc="
	esbx "HOME=$link/u" -- -- sh -c "$v" _ "${files[@]}"
	is "$want" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" "HOME=/var/lock/D/u (symlinked): the stores are hidden under both spellings"
	esbx "HOME=$link/u" -- -e "host.fs.rw=$real/u" -- sh -c "$v" _ "${files[@]}"
	is "$want" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" "HOME=/var/lock/D/u, host.fs.rw=/run/lock/D/u: the stores stay hidden"
	esbx "HOME=$link/u" -- -e "host.fs.ro=$real/u" -- sh -c "$v" _ "${files[@]}"
	is "$want" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" "HOME=/var/lock/D/u, host.fs.ro=/run/lock/D/u: the stores stay hidden"
	esbx "HOME=$real/u" -- -e "host.fs.rw=$link/u" -- sh -c "$v" _ "${files[@]}"
	is "$want" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" "HOME=/run/lock/D/u, host.fs.rw=/var/lock/D/u: the stores stay hidden"
	esbx "HOME=$real/u" -- -e "host.fs.rw=/var/run/lock/$name/u" -- sh -c "$v" _ "${files[@]}"
	is "$want" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" "HOME=/run/lock/D/u, host.fs.rw=/var/run/lock/D/u: the stores stay hidden"
	ssbx -e "host.fs.hide=$link/u/private" -e "host.fs.rw=$real/u" -- sh -c "$v" _ "$real/u/private/secret" "$link/u/private/secret"
	is "$real/u/private/secret=|$link/u/private/secret=" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" \
		"host.fs.hide=/var/lock/D/u/private, host.fs.rw=/run/lock/D/u: private stays hidden"
	ssbx -e "host.fs.hide=$real/u/private" -e "host.fs.ro=$link/u" -- sh -c "$v" _ "$real/u/private/secret" "$link/u/private/secret"
	is "$real/u/private/secret=|$link/u/private/secret=" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')" \
		"host.fs.hide=/run/lock/D/u/private, host.fs.ro=/var/lock/D/u: private stays hidden"
	# A socket in /run/...: a grant of its directory as /var/run/... .
	if have_tools "sockets under /run reached as /var/run" python3; then
		s=$real/rt/app.sock
		if py_listen "$s" plain; then
			sock_report -- -e "host.fs.ro=/var/run/lock/$name/rt" ::: "$s" "/var/run/lock/$name/rt/app.sock"
			refused "$s" "host.fs.ro=/var/run/lock/D/rt: the socket in /run/lock/D/rt stays unreachable"
			refused "/var/run/lock/$name/rt/app.sock" "host.fs.ro=/var/run/lock/D/rt: ... also as /var/run/lock/D/rt/app.sock"
			sock_report -- -e "host.fs.rw=/var/lock/$name/rt" ::: "$s" "/var/lock/$name/rt/app.sock"
			refused "$s" "host.fs.rw=/var/lock/D/rt: the socket in /run/lock/D/rt stays unreachable"
			refused "/var/lock/$name/rt/app.sock" "host.fs.rw=/var/lock/D/rt: ... also as /var/lock/D/rt/app.sock"
			sock_report "XDG_RUNTIME_DIR=/var/run/lock/$name/rt" -- -e "host.fs.ro=$real/rt" ::: "$s"
			refused "$s" "XDG_RUNTIME_DIR=/var/run/lock/D/rt, host.fs.ro=/run/lock/D/rt: the socket stays unreachable"
		else
			not_ok "control: a listener in /run/lock answers"
		fi
	fi
}

checks() {
	setup_tree
	cd "$W" || return
	fs_checks
	cred_checks
	env_checks
	socket_checks
	tmux_checks
	ssh_agent_checks
	git_checks
	profile_checks
	binary_checks
	spelling_checks
	cd / || return
}

tap_main checks
