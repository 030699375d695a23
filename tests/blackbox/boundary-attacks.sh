#!/bin/bash
# The default boundary, attacked from inside the way a hostile command would
# (THREATS.md, classes 1 and 4), through the holes a security review found
# in it.  Each check names its finding:
#  G1  a linked worktree's .git file (gitdir: ...) rewritten to a git
#      directory of the payload's, whose core.fsmonitor the host's next
#      `git status` runs;
#  G4  the same through a submodule's .git file;
#  G14 a .git that is a symbolic link in the writable working directory:
#      entrun refuses (unless the directory is read-only);
#  G10 repositories one and two levels below the working directory;
#  G9, G11, G8, G15  core.hooksPath on the section-header line, in
#      .git/config.worktree, relative in the user's global config, and
#      naming a directory that does not exist yet (entrun refuses);
#  C-TMPFS  a credential store under a bind grant that sits on a private
#      tmpfs covering the home;
#  P6, P5, P4  a profile that is the caller's own symbolic link, one reached
#      through a symlink into (or sitting in) a 0777 directory, one owned by
#      `nobody`;
#  B2  entrun run from PROJECT/tools/bin: its ancestor renamed aside;
#  T8, T1, T7, T5  unix sockets bound through /proc/self/fd/N, by a relative
#      name alone in their directory, in the working directory (moved aside
#      by a first run for a second), behind a host bind mount;
#  /dev  not writable, /dev/shm bounded;
#  ENV  secret variables the name patterns missed (and harmless ones kept);
#  CRED  credential stores of more tools, $XDG_CONFIG_HOME, a symlinked one.
# Checks marked "variant" try the same attack another way than the review
# did: a submodule three levels down, a .git symlink or a missing
# core.hooksPath in a repository below the working directory, a relative
# core.hooksPath from an [include]d global file, a store under a symlinked
# ~/.config granted by its resolved path on a private home, a socket whose
# listener closed its /proc/self/fd directory fd or left the directory it
# bound a relative name in.
#
# As in safe-defaults.sh, the pass's tree lives under /var/tmp (visible,
# read-only, inside), every run gets HOME and XDG_RUNTIME_DIR inside that
# tree, and the working directory of a run is a directory of that tree.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Checks of the default boundary itself: no blanket grant of $TEST_TMP.
export SBX_BARE=1

V='' H='' R='' W='' P='' MK=''
GHOME=''


# The pass ends: writable again what a check made read-only (the user
# pass cannot remove a 0555 directory's entries otherwise).
eval "lib_$(declare -f cleanup_pass)"
cleanup_pass() {
	[ -n "$TEST_TMP" ] && [ -d "$TEST_TMP" ] && chmod -R u+w "$TEST_TMP" 2>/dev/null
	lib_cleanup_pass
}

# The environment of a run without sbx (a copied entrun, unshare first).
run_env() { printf '%s\n' -u XDG_CONFIG_HOME "HOME=$H" "XDG_RUNTIME_DIR=$R"; }

# failed_line KEY DESC: the probe's report for KEY is an errno (the write,
# the rename, ... did not happen).
failed_line() {
	local l
	l=$(line_for "$1")
	if [[ $l =~ ^[a-z-]+:\ errno\ E[A-Z]+$ ]]; then ok "$2"; else
		not_ok "$2" "$1: expected the probe to fail (errno), got: '$l'"
	fi
}

# refused_run DESC SUBSTRING ESBX-ARGS... -- ENTRUN-ARGS...: entrun exits 125
# with one stderr line "entrun: ...SUBSTRING...", and the payload (the
# command given) printed nothing.  Three checks.
refused_run() {
	local desc=$1 sub=$2
	shift 2
	esbx "$@"
	is 125 "$RC" "$desc: exit status 125"
	one_line_error "entrun: " "$sub" "$desc: one stderr line 'entrun: ...$sub...'"
	is "" "$OUT" "$desc: the payload did not run"
}

setup_tree() {
	V=$TEST_TMP H=$V/home R=$V/run W=$V/proj MK=$V/markers
	mkdir -p "$H" "$R" "$W" "$MK"
	chmod 700 "$R"
	echo project >"$W/README"
	cp "$PROBE" "$V/probe"
	P=$V/probe
}

# ---- git ------------------------------------------------------------------------

# git as the host user runs it: $GHOME (else the pass's home) as HOME, no
# system config.
hgit() {
	env "HOME=${GHOME:-$H}" GIT_CONFIG_NOSYSTEM=1 git -c user.name=t -c user.email=t@example.invalid \
		-c init.defaultBranch=main -c protocol.file.allow=always "$@"
}

# host_status_runs_nothing DIR MARKER DESC: a `git status` on the host in
# DIR (what shell prompts and editors run by themselves) runs nothing.
host_status_runs_nothing() {
	hgit -C "$1" status </dev/null >/dev/null 2>&1
	absent "$2" "$3"
}

# hook_control REPO HOOKDIR NAME: on the host, a pre-commit hook in
# REPO/HOOKDIR runs on a commit (git uses that directory for hooks); the
# hook and its marker are removed again.  One check.
hook_control() {
	local repo=$1 hd=$2 name=$3 m=$MK/control-$3
	hook_text "$m" >"$repo/$hd/pre-commit" && chmod +x "$repo/$hd/pre-commit"
	hgit -C "$repo" commit -q --allow-empty -m control </dev/null >/dev/null 2>&1
	if [ -e "$m" ]; then ok "control ($name): on the host, a hook in $hd runs on commit"; else
		not_ok "control ($name): on the host, a hook in $hd runs on commit" "$(hgit -C "$repo" config -l 2>&1)"
	fi
	rm -f "$m" "$repo/$hd/pre-commit"
}

# The payload that points a .git file at a git directory of its own, whose
# core.fsmonitor touches $1, in directory $2; then it tries to rewrite,
# replace and move the .git file.  It prints "done", after the name of each
# attempt that worked.
# shellcheck disable=SC2016 # expanded by the inner sh
GITFILE_ATTACK='m=$1; cd "$2" || exit 1
mkdir -p .evil/objects .evil/refs && echo "ref: refs/heads/main" >.evil/HEAD &&
	printf "[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tfsmonitor = \"touch %s; true\"\n" "$m" >.evil/config ||
	echo "setup-failed"
printf "gitdir: %s/.evil\n" "$PWD" 2>/dev/null >.git && echo rewrote
rm -f .git 2>/dev/null && printf "gitdir: %s/.evil\n" "$PWD" 2>/dev/null >.git && echo replaced
mv .git .git.old 2>/dev/null && printf "gitdir: %s/.evil\n" "$PWD" 2>/dev/null >.git && echo moved
echo done'

# G1: a linked worktree as the working directory.
worktree_checks() {
	local main=$V/g1-main wt=$V/g1-wt ctl=$V/g1-ctl-wt before
	if ! { new_repo "$main" && hgit -C "$main" worktree add -q ../g1-wt >/dev/null 2>&1 &&
		hgit -C "$main" worktree add -q ../g1-ctl-wt >/dev/null 2>&1; }; then
		not_ok "control (G1): a repository with two linked worktrees is made"
		return
	fi
	# Control: the attack, made on the host, works.
	run sh -c "$GITFILE_ATTACK" _ "$MK/g1-control" "$ctl"
	hgit -C "$ctl" status </dev/null >/dev/null 2>&1
	if [ -e "$MK/g1-control" ]; then ok "control (G1): a worktree's .git file pointed elsewhere runs core.fsmonitor on the host's git status"; else
		not_ok "control (G1): a worktree's .git file pointed elsewhere runs core.fsmonitor on the host's git status"
	fi
	before=$(cat "$wt/.git")
	cd "$wt" || return
	ssbx -- sh -c "$GITFILE_ATTACK" _ "$MK/g1" "$wt"
	is "done" "$OUT" "G1 linked worktree as cwd: wt/.git cannot be rewritten, replaced or moved aside from inside"
	host_same "$wt/.git" "$before" "G1: the host's wt/.git still names the worktree's git directory"
	host_status_runs_nothing "$wt" "$MK/g1" "G1: the host's git status in the worktree runs no core.fsmonitor planted from inside"
	cd "$W" || return
}

# G4: a submodule's .git file.
submodule_checks() {
	local sup=$V/g4-super ctl=$V/g4-ctl d before
	for d in "$sup" "$ctl"; do
		if ! { new_repo "$d" && new_repo "$d/subrepo" &&
			hgit -C "$d" submodule add -q ./subrepo sub >/dev/null 2>&1 &&
			hgit -C "$d" commit -q -m sub; }; then
			not_ok "control (G4): a superproject with a submodule is made"
			return
		fi
	done
	run sh -c "$GITFILE_ATTACK" _ "$MK/g4-control" "$ctl/sub"
	hgit -C "$ctl" status </dev/null >/dev/null 2>&1
	if [ -e "$MK/g4-control" ]; then ok "control (G4): sub/.git pointed elsewhere runs core.fsmonitor on the host's git status in the superproject"; else
		not_ok "control (G4): sub/.git pointed elsewhere runs core.fsmonitor on the host's git status in the superproject"
	fi
	before=$(cat "$sup/sub/.git")
	cd "$sup" || return
	ssbx -- sh -c "$GITFILE_ATTACK" _ "$MK/g4" "$sup/sub"
	is "done" "$OUT" "G4 superproject as cwd: sub/.git cannot be rewritten, replaced or moved aside from inside"
	host_same "$sup/sub/.git" "$before" "G4: the host's sub/.git still names .git/modules/sub"
	host_status_runs_nothing "$sup" "$MK/g4" "G4: the host's git status in the superproject runs nothing planted"
	host_status_runs_nothing "$sup/sub" "$MK/g4" "G4: ... nor a git status in the submodule"
	# Variant: the submodule three levels down (third_party/libs/x is common).
	sup=$V/g4-deep
	if ! { new_repo "$sup" && new_repo "$sup/subrepo" &&
		hgit -C "$sup" submodule add -q ./subrepo libs/deep/sub >/dev/null 2>&1 &&
		hgit -C "$sup" commit -q -m sub; }; then
		not_ok "control (G4 variant): a superproject with a submodule at libs/deep/sub is made"
		return
	fi
	before=$(cat "$sup/libs/deep/sub/.git")
	cd "$sup" || return
	ssbx -- sh -c "$GITFILE_ATTACK" _ "$MK/g4-deep" "$sup/libs/deep/sub"
	is "done" "$OUT" "G4 variant, submodule at libs/deep/sub: its .git cannot be rewritten, replaced or moved aside"
	host_same "$sup/libs/deep/sub/.git" "$before" "G4 variant: the host's libs/deep/sub/.git is unchanged"
	host_status_runs_nothing "$sup" "$MK/g4-deep" "G4 variant: the host's git status in the superproject runs nothing planted"
	cd "$W" || return
}

# G14: .git is a symbolic link to a directory inside the project.
gitlink_checks() {
	local p=$V/g14
	if ! { new_repo "$p" && mv "$p/.git" "$p/.gitdir-real" && ln -s .gitdir-real "$p/.git"; }; then
		not_ok "control (G14): a work tree whose .git is a symlink is made"
		return
	fi
	is true "$(hgit -C "$p" rev-parse --is-inside-work-tree 2>&1)" "control (G14): host git uses a .git symlink"
	cd "$p" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	refused_run "G14 .git a symlink in the writable cwd" ".git" -- -- sh -c \
		'printf "%s\n" "$1" >.git/hooks/pre-commit 2>/dev/null; chmod +x .git/hooks/pre-commit 2>/dev/null; echo ran' \
		_ "$(hook_text "$MK/g14")"
	host_commit_runs_nothing "$p" "$MK/g14" "G14: the host's next commit runs no hook planted through the .git symlink"
	# entrun finds the symlink once pid 1 exists (it scans while pid 1
	# starts): with the host's PID namespace shared, nothing of that pid 1
	# may outlive the refusal (pid 1 is a fork of entrun: its command line
	# carries the marker).
	local mark=g14-left-$$-$RANDOM left
	refused_run "G14 with host.processes.view" ".git" -- -e host.processes.view -- \
		sh -c 'echo ran' "$mark"
	left=$(pgrep -f -- "$mark" || true)
	is "" "$left" "G14 with host.processes.view: no process of the refused run is left"
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -e security.fs-read-only -- sh -c '"$1" write .git/hooks/pre-commit; echo ran' _ "$P"
	is "0|write: errno EROFS|ran" "$RC|$(joined)" "G14 with security.fs-read-only: entrun runs (and .git is read-only)"
	cd "$W" || return
}

# G10: repositories below the working directory.
nested_checks() {
	local ws=$V/g10 r
	if ! { new_repo "$ws/repoA" && new_repo "$ws/group/repoB"; }; then
		not_ok "control (G10): two nested repositories are made"
		return
	fi
	hook_control "$ws/group/repoB" .git/hooks G10
	cd "$ws" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'p=$1 m=$2; shift 2
		for r; do
			printf "%s " "$r"; "$p" write "$r/.git/hooks/pre-commit"
			printf "%s-config " "$r"; "$p" write "$r/.git/config"
			printf "#!/bin/sh\ntouch %s-%s\n" "$m" "${r##*/}" 2>/dev/null >"$r/.git/hooks/pre-commit"
			chmod +x "$r/.git/hooks/pre-commit" 2>/dev/null
			printf "%s-rename " "$r"; "$p" rename "$r/.git" "$r/.git.old"
			# (put back, so that a hook planted above stays in use)
			[ -e "$r/.git.old" ] && mv "$r/.git.old" "$r/.git"
		done; echo done' _ "$P" "$MK/g10" repoA group/repoB
	like "$OUT" $'\ndone$' "G10: the payload ran to its end"
	for r in repoA group/repoB; do
		failed_line "$r" "G10 $r below cwd: $r/.git/hooks/pre-commit cannot be written"
		failed_line "$r-config" "G10 $r below cwd: $r/.git/config cannot be written"
		failed_line "$r-rename" "G10 $r below cwd: $r/.git cannot be renamed aside"
		host_commit_runs_nothing "$ws/$r" "$MK/g10-${r##*/}" "G10 $r: the host's next commit runs nothing planted"
	done
	# Variants below the working directory (one workspace each): a linked
	# worktree (G1), a .git symlink (G14), a core.hooksPath naming a missing
	# directory (G15).
	local vw=$V/g10w vl=$V/g10l vm=$V/g10m before
	if ! { new_repo "$vw/main" && hgit -C "$vw/main" worktree add -q ../wt >/dev/null 2>&1 &&
		new_repo "$vl/linked" && mv "$vl/linked/.git" "$vl/linked/.gd" && ln -s .gd "$vl/linked/.git" &&
		new_repo "$vm/group/nohooks" && hgit -C "$vm/group/nohooks" config core.hooksPath missing-hooks; }; then
		not_ok "control (G10 variants): the repositories are made"
		return
	fi
	before=$(cat "$vw/wt/.git")
	cd "$vw" || return
	ssbx -- sh -c "$GITFILE_ATTACK" _ "$MK/g10-wt" "$vw/wt"
	is "done" "$OUT" "G1 variant, a linked worktree below cwd: wt/.git cannot be rewritten, replaced or moved aside"
	host_same "$vw/wt/.git" "$before" "G1 variant: the host's wt/.git is unchanged"
	host_status_runs_nothing "$vw/wt" "$MK/g10-wt" "G1 variant: the host's git status in wt runs nothing planted"
	cd "$vl" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'printf "link "; "$1" write linked/.git/hooks/pre-commit
		printf "%s\n" "$2" 2>/dev/null >linked/.git/hooks/pre-commit; chmod +x linked/.git/hooks/pre-commit 2>/dev/null
		echo done' _ "$P" "$(hook_text "$MK/g10-link")"
	if [ "$RC" = 125 ] && [ -z "$OUT" ]; then
		one_line_error "entrun: " ".git" "G14 variant, a repository below cwd whose .git is a symlink: entrun refuses, in one line"
	else
		failed_line link "G14 variant, a repository below cwd whose .git is a symlink: no hook can be written through it (or entrun refuses)"
	fi
	host_commit_runs_nothing "$vl/linked" "$MK/g10-link" "G14 variant: the host's next commit there runs nothing planted"
	cd "$vm" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'd=group/nohooks/missing-hooks; mkdir -p "$d" 2>/dev/null; printf "missing "; "$1" write "$d/pre-commit"
		printf "%s\n" "$2" 2>/dev/null >"$d/pre-commit"; chmod +x "$d/pre-commit" 2>/dev/null; echo done' \
		_ "$P" "$(hook_text "$MK/g10-missing")"
	if [ "$RC" = 125 ] && [ -z "$OUT" ]; then
		one_line_error "entrun: " "core.hooksPath" "G15 variant, a repository below cwd whose core.hooksPath names a missing directory: entrun refuses, in one line"
	else
		failed_line missing "G15 variant, a repository below cwd whose core.hooksPath names a missing directory: no hook can be planted there (or entrun refuses)"
	fi
	host_commit_runs_nothing "$vm/group/nohooks" "$MK/g10-missing" "G15 variant: the host's next commit there runs nothing planted"
	cd "$W" || return
}

# hookspath_attack NAME REPO HOOKDIR DESC: from REPO, write REPO/HOOKDIR/
# pre-commit; it must fail, and the host's next commit must run nothing.
hookspath_attack() {
	local name=$1 repo=$2 hd=$3 desc=$4
	cd "$repo" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c '"$1" write "$2/pre-commit"
		printf "%s\n" "$3" 2>/dev/null >"$2/pre-commit"; chmod +x "$2/pre-commit" 2>/dev/null
		rm -rf "$2" 2>/dev/null; mkdir -p "$2" 2>/dev/null; printf "%s\n" "$3" 2>/dev/null >"$2/pre-commit"
		chmod +x "$2/pre-commit" 2>/dev/null; echo done' _ "$P" "$hd" "$(hook_text "$MK/$name")"
	like "$(joined)" '^write: errno E[A-Z]+\|done$' "$desc: $hd/pre-commit cannot be written from inside"
	host_commit_runs_nothing "$repo" "$MK/$name" "$desc: the host's next commit runs nothing planted in $hd"
	cd "$W" || return
}

hookspath_checks() {
	local g
	# G9: "[core] hooksPath = hk" on the section-header line.
	g=$V/g9
	new_repo "$g" && mkdir -p "$g/hk" && printf '[core] hooksPath = hk\n' >>"$g/.git/config"
	is hk "$(hgit -C "$g" config core.hooksPath 2>&1)" "control (G9): git reads '[core] hooksPath = hk' as core.hooksPath"
	hook_control "$g" hk G9
	hookspath_attack g9 "$g" hk "G9 '[core] hooksPath = hk' on the header line"

	# G11: core.hooksPath in .git/config.worktree.
	g=$V/g11
	new_repo "$g" && mkdir -p "$g/hk2" && hgit -C "$g" config extensions.worktreeConfig true &&
		hgit -C "$g" config --worktree core.hooksPath hk2
	is "hk2|yes" "$(hgit -C "$g" config core.hooksPath 2>&1)|$(grep -qs hooksPath "$g/.git/config.worktree" && echo yes)" \
		"control (G11): core.hooksPath = hk2 comes from .git/config.worktree"
	hook_control "$g" hk2 G11
	hookspath_attack g11 "$g" hk2 "G11 core.hooksPath in .git/config.worktree"

	# G8: a relative core.hooksPath in the user's global config.
	local GHOME=$V/home-g8
	mkdir -p "$GHOME"
	printf '[core]\n\thooksPath = .githooks\n' >"$GHOME/.gitconfig"
	g=$V/g8
	new_repo "$g" && mkdir -p "$g/.githooks"
	is .githooks "$(hgit -C "$g" config core.hooksPath 2>&1)" "control (G8): core.hooksPath = .githooks comes from ~/.gitconfig"
	hook_control "$g" .githooks G8
	local H_SAVED=$H
	H=$GHOME
	hookspath_attack g8 "$g" .githooks "G8 relative core.hooksPath in \$HOME/.gitconfig"
	# Variant: the relative core.hooksPath comes from a file ~/.gitconfig
	# includes (the dotfiles habit: [include] path = ~/.gitconfig.local).
	GHOME=$V/home-g8i
	mkdir -p "$GHOME"
	printf '[include]\n\tpath = ~/.gitconfig.local\n' >"$GHOME/.gitconfig"
	printf '[core]\n\thooksPath = .githooks\n' >"$GHOME/.gitconfig.local"
	g=$V/g8i
	new_repo "$g" && mkdir -p "$g/.githooks"
	is .githooks "$(hgit -C "$g" config core.hooksPath 2>&1)" "control (G8 variant): core.hooksPath = .githooks comes from ~/.gitconfig's [include]"
	H=$GHOME
	hookspath_attack g8i "$g" .githooks "G8 variant, relative core.hooksPath from an [include]d file"
	H=$H_SAVED
	GHOME=''

	# G15: core.hooksPath names a directory that does not exist (yet).
	g=$V/g15
	new_repo "$g" && hgit -C "$g" config core.hooksPath missing-hooks
	cd "$g" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	refused_run "G15 core.hooksPath naming a missing directory" core.hooksPath -- -- sh -c \
		'mkdir -p missing-hooks && printf "%s\n" "$1" >missing-hooks/pre-commit && chmod +x missing-hooks/pre-commit; echo ran' \
		_ "$(hook_text "$MK/g15")"
	absent "$g/missing-hooks" "G15: the missing hooks directory was not created"
	host_commit_runs_nothing "$g" "$MK/g15" "G15: the host's next commit runs nothing"
	cd "$W" || return
}

git_checks() {
	have_tools "git attacks" git || return
	worktree_checks
	submodule_checks
	gitlink_checks
	nested_checks
	hookspath_checks
}

# ---- C-TMPFS: a bind grant on a private home ------------------------------------

# shellcheck disable=SC2016 # expanded by the inner sh
READ_REPORT='for f; do c=; read -r c 2>/dev/null <"$f"; printf "%s read=%s\n" "$f" "$c"; done'

tmpfs_checks() {
	mkdir -p "$H/.config/gh" "$H/.config/app" "$H/.local/share/keyrings" "$H/.local/share/app"
	echo secret-gh >"$H/.config/gh/hosts.yml"
	echo visible >"$H/.config/app/settings"
	echo secret-keyring >"$H/.local/share/keyrings/login.keyring"
	echo visible >"$H/.local/share/app/data"
	esbx -- -p untrusted -e "host.fs.ro=$H/.config" -- sh -c "$READ_REPORT" _ \
		"$H/.config/app/settings" "$H/.config/gh/hosts.yml"
	is "read=visible" "$(line_for "$H/.config/app/settings")" \
		"control (C-TMPFS): -p untrusted -e host.fs.ro=~/.config shows ~/.config/app/settings"
	is "read=" "$(line_for "$H/.config/gh/hosts.yml")" \
		"C-TMPFS: -p untrusted -e host.fs.ro=~/.config does not show ~/.config/gh/hosts.yml"
	esbx -- -e "host.fs.tmpfs=$H" -e "host.fs.ro=$H/.local/share" -- sh -c "$READ_REPORT" _ \
		"$H/.local/share/app/data" "$H/.local/share/keyrings/login.keyring"
	is "read=visible" "$(line_for "$H/.local/share/app/data")" \
		"control (C-TMPFS): host.fs.tmpfs=~ host.fs.ro=~/.local/share shows ~/.local/share/app/data"
	is "read=" "$(line_for "$H/.local/share/keyrings/login.keyring")" \
		"C-TMPFS: host.fs.tmpfs=~ host.fs.ro=~/.local/share does not show ~/.local/share/keyrings/login.keyring"
	# Variant: ~/.config is the user's symlink to ~/dotfiles/config, so the
	# grant names the resolved path (entrun refuses a symlink there).
	local hd=$V/home-dot
	mkdir -p "$hd/dotfiles/config/gh" "$hd/dotfiles/config/app"
	echo secret-gh >"$hd/dotfiles/config/gh/hosts.yml"
	echo visible >"$hd/dotfiles/config/app/settings"
	ln -s "$hd/dotfiles/config" "$hd/.config"
	esbx "HOME=$hd" -- -p untrusted -e "host.fs.ro=$hd/dotfiles/config" -- sh -c "$READ_REPORT" _ \
		"$hd/dotfiles/config/app/settings" "$hd/dotfiles/config/gh/hosts.yml" "$hd/.config/gh/hosts.yml"
	is "read=visible" "$(line_for "$hd/dotfiles/config/app/settings")" \
		"control (C-TMPFS variant): ~/.config -> ~/dotfiles/config, -p untrusted -e host.fs.ro=~/dotfiles/config shows app/settings"
	is "read=|read=" "$(line_for "$hd/dotfiles/config/gh/hosts.yml")|$(line_for "$hd/.config/gh/hosts.yml")" \
		"C-TMPFS variant: ... and does not show gh/hosts.yml (as ~/dotfiles/config/gh/hosts.yml or ~/.config/gh/hosts.yml)"
}

# ---- profiles -------------------------------------------------------------------------

profile_checks() {
	local d=$V/p6proj f
	mkdir -p "$d"
	printf '[sandbox]\nhostname = p6\n' >"$d/real.ini"
	chmod 644 "$d/real.ini"
	ln -s real.ini "$d/.entrun.ini"
	cd "$d" || return
	ssbx --no-project -p ./real.ini -- sh -c 'echo ran'
	is "0|ran" "$RC|$OUT" "control (P6): -p ./real.ini (a regular file of the caller's, 644) is used"
	if [ "$(id -u)" -ne 0 ]; then
		refused_run "P6 -p ./.entrun.ini, a symlink owned by the caller" "" -- --no-project -p ./.entrun.ini -- sh -c 'echo ran'
	else
		ok "P6 -p ./.entrun.ini, a symlink owned by the caller: root follows its own symlinks by design (checked in the user pass)"
	fi

	# P5: a 0777 directory without the sticky bit on the way: where the
	# symlink's target sits, or where the symlink itself sits (anyone could
	# swap it for one to a profile of theirs).
	mkdir -p "$V/p5ww" "$V/p5ok" "$V/p5wwl"
	chmod 0777 "$V/p5ww" "$V/p5wwl"
	chmod 0755 "$V/p5ok"
	for f in "$V/p5ww/p.ini" "$V/p5ok/p.ini"; do
		printf '[sandbox]\nhostname = p5\n' >"$f"
		chmod 644 "$f"
	done
	ln -s "$V/p5ww/p.ini" "$V/p5link.ini"
	ln -s "$V/p5ww" "$V/p5dirlink"
	ln -s "$V/p5ok/p.ini" "$V/p5oklink.ini"
	ln -s "$V/p5ok/p.ini" "$V/p5wwl/p.ini"
	ln -s "$V/p5ok" "$V/p5wwl/d"
	cd "$W" || return
	ssbx -p "$V/p5ok/p.ini" -- sh -c 'echo ran'
	is "0|ran" "$RC|$OUT" "control (P5): a profile in a 0755 directory is used"
	ssbx -p "$V/p5ww/p.ini" -- sh -c 'echo ran'
	is "125|" "$RC|$OUT" "control (P5): a profile in a 0777 non-sticky directory, named directly, is refused"
	if [ "$(id -u)" -eq 0 ]; then
		ssbx -p "$V/p5oklink.ini" -- sh -c 'echo ran'
		is "0|ran" "$RC|$OUT" "control (P5, root): a profile reached through root's symlink into a 0755 directory is used"
	fi
	refused_run "P5 -p SYMLINK to a profile in a 0777 non-sticky directory" "" -- -p "$V/p5link.ini" -- sh -c 'echo ran'
	refused_run "P5 -p DIRSYMLINK/p.ini, DIRSYMLINK -> a 0777 non-sticky directory" "" -- -p "$V/p5dirlink/p.ini" -- sh -c 'echo ran'
	refused_run "P5 -p WW/SYMLINK, the symlink in a 0777 non-sticky directory (target in a 0755 one)" "" \
		-- -p "$V/p5wwl/p.ini" -- sh -c 'echo ran'
	refused_run "P5 -p WW/DIRSYMLINK/p.ini, DIRSYMLINK in a 0777 non-sticky directory (-> a 0755 one)" "" \
		-- -p "$V/p5wwl/d/p.ini" -- sh -c 'echo ran'

	# P4: a profile owned by nobody (root pass: only root can chown).
	if [ "$(id -u)" -eq 0 ]; then
		f=$V/p4.ini
		printf '[sandbox]\nhostname = p4\n' >"$f"
		chmod 644 "$f"
		if chown nobody "$f"; then
			refused_run "P4 a profile owned by nobody" "" -- -p "$f" -- sh -c 'echo ran'
		else
			not_ok "control (P4): a file is given to nobody"
		fi
	fi
}

# ---- B2: entrun in PROJECT/tools/bin ------------------------------------------------

binary_checks() {
	local b=$V/b2proj
	local -a envv
	mapfile -t envv < <(run_env)
	mkdir -p "$b/tools/bin" "$b/other/bin"
	cp "$ENTRUN" "$b/tools/bin/entrun"
	cp "$ENTRUN" "$b/other/bin/entrun"
	chmod 555 "$b/tools/bin/entrun" "$b/tools/bin" "$b/other/bin/entrun" "$b/other/bin"
	cd "$b" || return
	run timeout -k 2 5 tools/bin/entrun --version
	like "$OUT" '^entrun ' "control (B2): tools/bin/entrun --version on the host is entrun (before the attack)"
	# shellcheck disable=SC2016 # expanded by the inner sh
	run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" env "${envv[@]}" tools/bin/entrun -- sh -c '
		printf "other "; "$1" rename other other.old
		printf "tools "; "$1" rename tools tools.old
		mv tools tools.x 2>/dev/null
		mkdir -p tools/bin 2>/dev/null && printf "#!/bin/sh\necho pwned\n" 2>/dev/null >tools/bin/entrun
		chmod +x tools/bin/entrun 2>/dev/null; echo done' _ "$P"
	is "rename: ok" "$(line_for other)" "control (B2): inside, a sibling directory (other/, same layout) can be renamed"
	like "$(line_for tools)" '^rename: errno (EBUSY|EROFS)$' "B2 tools/bin/entrun run from PROJECT: renaming tools fails (EBUSY or EROFS)"
	run timeout -k 2 5 tools/bin/entrun --version
	like "$OUT" '^entrun ' "B2: tools/bin/entrun --version on the host afterwards is still entrun"
	if [ -e "$b/tools.old" ] || [ -e "$b/tools.x" ]; then
		not_ok "B2: the host's tools/ was not moved aside" "$(ls -la "$b")"
	else
		ok "B2: the host's tools/ was not moved aside"
	fi
	chmod -R u+w "$b"
	cd "$W" || return
}

# ---- sockets -------------------------------------------------------------------------

# A listener on a unix socket PATH, by python, MODE: plain binds PATH;
# fdpath binds /proc/self/fd/N/NAME, N an O_PATH fd of PATH's directory;
# fdclose does the same, then closes N; relstay binds the relative NAME
# from PATH's directory and stays there; relaway does the same, then moves
# to / (as a daemon does).
PYLISTEN='import os, socket, sys
path, mode = sys.argv[1], sys.argv[2]
d, name = os.path.split(path)
s = socket.socket(socket.AF_UNIX)
if mode in ("fdpath", "fdclose"):
    fd = os.open(d, os.O_PATH | os.O_DIRECTORY)
    s.bind("/proc/self/fd/%d/%s" % (fd, name))
    if mode == "fdclose":
        os.close(fd)
elif mode == "dup":
    # Two sockets listed under one path: bound, unlinked, bound again.
    s0 = socket.socket(socket.AF_UNIX)
    s0.bind(path)
    os.unlink(path)
    s.bind(path)
elif mode in ("relstay", "relaway"):
    os.chdir(d)
    s.bind(name)
    if mode == "relaway":
        os.chdir("/")
else:
    s.bind(path)
s.listen(8)
while True:
    c, _ = s.accept()
    try:
        c.sendall(b"hello\n")
    except OSError:
        pass
    c.close()'

py_start() {
	mkdir -p "$(dirname "$1")"
	rm -f "$1"
	python3 -c "$PYLISTEN" "$1" "$2" </dev/null >/dev/null 2>&1 &
	track_bg $!
}

socket_checks() {
	local S8=$V/t8/x.sock S1A=$V/t1a/rel.sock S7=$W/run/app.sock SD=$V/tdup/dup.sock
	local S5=$V/t5a/alias.sock s ok_all=1
	have_tools "socket attacks" python3 || return
	py_start "$S8" fdpath
	py_start "$S1A" relstay
	py_start "$SD" dup
	py_start "$S7" plain
	py_start "$S5" plain
	for s in "$S8" "$S1A" "$S7" "$S5" "$SD"; do
		retry 30 "$PROBE" unix-connect "$s" || ok_all=0
	done
	if [ "$ok_all" = 1 ]; then ok "control (T*): the host's test sockets answer on the host by their paths"; else
		not_ok "control (T*): the host's test sockets answer on the host by their paths"
		return
	fi
	cd "$W" || return
	# (Once the listener has closed fd N, or left the directory it bound a
	# relative name in, nothing on the host says where the socket is:
	# SECURITY.md, known weaker spots.)
	sock_report -- ::: "$S8" "$S1A" "$SD"
	refused "$SD" "two sockets listed under one path (bound, unlinked, bound again): entrun runs, the socket is refused"
	refused "$S8" "T8: a socket bound as /proc/self/fd/N/x.sock cannot be connected to (as DIR/x.sock)"
	refused "$S1A" "T1: a socket bound by a relative name, alone in its directory (listener's cwd there), cannot be connected to"

	# T7: the socket's directory in the working directory, moved aside by a
	# first run for the next.
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'printf "rename-dir "; "$1" rename run run2
		printf "rename-sock "; "$1" rename run/app.sock run/moved.sock
		ln run/app.sock hl.sock 2>/dev/null; ln run2/app.sock hl2.sock 2>/dev/null; echo done' _ "$P"
	like "$(line_for rename-dir)" '^rename: errno (EBUSY|EROFS)$' "T7: inside, 'mv run run2' (run/ holds a host socket) fails (EBUSY)"
	failed_line rename-sock "T7: inside, the socket itself cannot be renamed"
	if [ -d "$W/run" ] && [ ! -e "$W/run2" ]; then ok "T7: the host's run/ is where it was"; else
		not_ok "T7: the host's run/ is where it was" "$(ls -la "$W")"
	fi
	sock_report -- ::: "$S7" "$W/run2/app.sock" "$W/run/moved.sock" "$W/hl.sock" "$W/hl2.sock" run/app.sock run2/app.sock
	for s in "$S7" "$W/run2/app.sock" "$W/run/moved.sock" "$W/hl.sock" "$W/hl2.sock" run/app.sock run2/app.sock; do
		refused "$s" "T7: a second run cannot connect to the socket as $s"
	done

	# T5 (root: mount): the directory bind-mounted at a second place, in a
	# mount namespace of the host's root.
	if [ "$(id -u)" -eq 0 ]; then
		local -a envv
		mapfile -t envv < <(run_env)
		mkdir -p "$V/t5b"
		# shellcheck disable=SC2016 # expanded by the inner sh
		run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" unshare -m --propagation private sh -c \
			'mount --bind "$1" "$2" || exit 99; shift 2; exec "$@"' _ "$V/t5a" "$V/t5b" "$PROBE" unix-connect "$V/t5b/alias.sock"
		is "unix-connect: ok" "$OUT" "control (T5): on the host, the socket answers through the bind mount's name"
		# shellcheck disable=SC2016 # expanded by the inner sh
		run timeout -k 2 "$ENTRUN_TEST_TIMEOUT" unshare -m --propagation private sh -c \
			'mount --bind "$1" "$2" || exit 99; shift 2; exec "$@"' _ "$V/t5a" "$V/t5b" \
			env "${envv[@]}" "$ENTRUN" -- sh -c 'p=$1; shift; for s; do printf "%s " "$s"; "$p" unix-connect "$s"; done' \
			_ "$P" "$S5" "$V/t5b/alias.sock"
		refused "$S5" "T5: a socket whose directory is also bind-mounted elsewhere: refused under its own name"
		refused "$V/t5b/alias.sock" "T5: ... and under the bind mount's name"
	fi
}

# ---- /dev -----------------------------------------------------------------------------

dev_checks() {
	local mem half size pg
	mem=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
	# 50% (the tmpfs pool /dev/shm shares with /tmp), rounded up to a
	# whole page as tmpfs does with size=.
	pg=$(($(getconf PAGESIZE) / 1024))
	half=$(((mem / 2 + pg - 1) / pg * pg))
	# shellcheck disable=SC2016 # expanded by the inner sh
	ssbx -- sh -c 'printf "devx "; "$1" write /dev/x
		printf "devdir "; "$1" mkdir /dev/newdir
		printf "devnull "; "$1" write /dev/null
		printf "shm "; "$1" write /dev/shm/probe
		printf "df "; df -k /dev/shm | awk "NR == 2 { print \$2 }"' _ "$P"
	is "write: ok|write: ok" "$(line_for devnull)|$(line_for shm)" "control (/dev): /dev/null and /dev/shm are writable inside"
	like "$(line_for devx)" '^write: errno (EROFS|EACCES)$' "/dev: a new file /dev/x cannot be created (EROFS or EACCES)"
	like "$(line_for devdir)" '^mkdir: errno (EROFS|EACCES)$' "/dev: a directory /dev/newdir cannot be made (EROFS or EACCES)"
	size=$(line_for df)
	if [[ $size =~ ^[0-9]+$ ]] && [ "$size" -le "$half" ]; then
		ok "/dev/shm: df reports ${size} KiB, at most 50% of MemTotal ($half KiB, rounded up to a page)"
	else
		not_ok "/dev/shm: df reports at most 50% of MemTotal ($half KiB, rounded up to a page)" "df size: '$size' KiB"
	fi
}

# ---- the environment -----------------------------------------------------------------

ENV_SECRET=(BW_SESSION OP_SESSION_myacct GITHUB_PAT CI_JOB_JWT DB_PASS SMTP_PASS MYSQL_PWD
	SENTRY_DSN SLACK_WEBHOOK_URL AZURE_STORAGE_CONNECTION_STRING COOKIE PRIVATE_KEY_PEM
	JWT_SIGNING_KEYS)

env_checks() {
	local v mark
	local -a envv=()
	mark=$(unique_marker)
	for v in "${ENV_SECRET[@]}"; do envv+=("$v=sv-$v-$mark"); done
	envv+=("DATABASE_URL=postgres://u:pw@127.0.0.1/db" "HTTPS_PROXY=http://u:pw@127.0.0.1:3128"
		EDITOR=vi XDG_SESSION_TYPE=wayland "PWD=$W" "OLDPWD=$V")
	cd "$W" || return
	esbx "${envv[@]}" -- -- env
	for v in "${ENV_SECRET[@]}" DATABASE_URL HTTPS_PROXY; do
		if grep -q "^$v=" <<<"$OUT"; then
			not_ok "ENV: \$$v is removed" "inside: $(grep "^$v=" <<<"$OUT")"
		else
			ok "ENV: \$$v is removed"
		fi
	done
	unlike "$OUT" "sv-[A-Za-z_]*-$mark|u:pw@" "ENV: no secret value is anywhere in the environment"
	has_line "$OUT" "EDITOR=vi" "ENV: EDITOR is kept"
	has_line "$OUT" "XDG_SESSION_TYPE=wayland" "ENV: XDG_SESSION_TYPE is kept"
	has_line "$OUT" "PWD=$W" "ENV: PWD is kept (the working directory)"
	has_line "$OUT" "OLDPWD=$V" "ENV: OLDPWD is kept"
	esbx REDIS_URL=redis://:pw@127.0.0.1:6379/0 PIP_INDEX_URL=https://u:tok@pypi.example.invalid/simple -- -- env
	is "|" "$(grep '^REDIS_URL=' <<<"$OUT")|$(grep '^PIP_INDEX_URL=' <<<"$OUT")" \
		"ENV variant: REDIS_URL=redis://:pw@... and PIP_INDEX_URL=https://u:tok@... are removed"
	esbx DATABASE_URL=postgres://127.0.0.1/db -- -- env
	has_line "$OUT" "DATABASE_URL=postgres://127.0.0.1/db" "ENV: DATABASE_URL without a password is kept"
	esbx "${envv[@]}" -- --env DATABASE_URL -- env
	has_line "$OUT" "DATABASE_URL=postgres://u:pw@127.0.0.1/db" "ENV: --env DATABASE_URL keeps the one with a password"
}

# ---- credential stores ------------------------------------------------------------------

CRED_FILES=(.pgpass .my.cnf .authinfo .cache/huggingface/token .yarnrc.yml .config/pypoetry/auth.toml
	.pulumi/credentials.json .terraformrc .histfile .s3cfg)
CRED_DIRS=(.thunderbird .subversion/auth .local/share/python_keyring ".config/Bitwarden CLI"
	snap/firefox/common/.mozilla .var/app/org.mozilla.firefox .claude .codex .config/rclone)

# For each TARGET under $1: "R TARGET read=FIRST-LINE" (a file; for a
# directory, its file "secret") and, for a directory, "L TARGET n=ENTRIES".
# shellcheck disable=SC2016 # expanded by the inner sh
CRED_REPORT='h=$1; shift; for t; do
	if [ -d "$h/$t" ] || [ "${t#dir:}" != "$t" ]; then
		t=${t#dir:}; c=; read -r c 2>/dev/null <"$h/$t/secret"; printf "R %s read=%s\n" "$t" "$c"
		printf "L %s n=%s\n" "$t" "$(ls -A "$h/$t" 2>/dev/null | wc -l)"
	else
		c=; read -r c 2>/dev/null <"$h/$t"; printf "R %s read=%s\n" "$t" "$c"
	fi
	done'

cred_checks() {
	local t hl=$V/home-ln x=$H/xdg
	local -a args=()
	for t in "${CRED_FILES[@]}"; do mkdir -p "$(dirname "$H/$t")"; echo "secret-$t" >"$H/$t"; done
	for t in "${CRED_DIRS[@]}"; do mkdir -p "$H/$t"; echo "secret-$t" >"$H/$t/secret"; done
	mkdir -p "$H/.config/app"
	echo visible >"$H/.config/app/settings"
	for t in "${CRED_DIRS[@]}"; do args+=("dir:$t"); done
	cd "$W" || return
	ssbx -- sh -c "$CRED_REPORT" _ "$H" .config/app/settings "${CRED_FILES[@]}" "${args[@]}"
	is "read=visible" "$(line_for "R .config/app/settings")" "control (CRED): a file in ~ that is no store is readable inside"
	for t in "${CRED_FILES[@]}"; do
		is "read=" "$(line_for "R $t")" "CRED: ~/$t is hidden"
	done
	for t in "${CRED_DIRS[@]}"; do
		is "read=|n=0" "$(line_for "R $t")|$(line_for "L $t")" "CRED: ~/$t is hidden (empty, its secret unreadable)"
	done

	# $XDG_CONFIG_HOME elsewhere.
	mkdir -p "$x/gh" "$x/app"
	echo secret-xdg-gh >"$x/gh/hosts.yml"
	echo visible >"$x/app/settings"
	esbx "XDG_CONFIG_HOME=$x" -- -- sh -c "$READ_REPORT" _ "$x/app/settings" "$x/gh/hosts.yml"
	is "read=visible" "$(line_for "$x/app/settings")" "control (CRED): \$XDG_CONFIG_HOME/app/settings is readable inside"
	is "read=" "$(line_for "$x/gh/hosts.yml")" "CRED: \$XDG_CONFIG_HOME/gh/hosts.yml (XDG_CONFIG_HOME=~/xdg) is hidden"

	# ~/.aws -> ~/dotfiles/aws, the user's own symlink.
	mkdir -p "$hl/dotfiles/aws" "$hl/dotfiles/vim"
	echo secret-aws >"$hl/dotfiles/aws/credentials"
	echo visible >"$hl/dotfiles/vim/vimrc"
	ln -s "$hl/dotfiles/aws" "$hl/.aws"
	esbx "HOME=$hl" -- -- sh -c "$READ_REPORT; echo ran" _ "$hl/.aws/credentials" "$hl/dotfiles/aws/credentials" \
		"$hl/dotfiles/vim/vimrc"
	is "0|" "$RC|$ERR" "CRED ~/.aws -> ~/dotfiles/aws (a symlink of the user's): entrun runs, nothing on stderr"
	is "read=visible" "$(line_for "$hl/dotfiles/vim/vimrc")" "control (CRED): ~/dotfiles/vim/vimrc is readable inside"
	is "read=" "$(line_for "$hl/.aws/credentials")" "CRED ~/.aws a symlink: ~/.aws/credentials is hidden"
	is "read=" "$(line_for "$hl/dotfiles/aws/credentials")" "CRED ~/.aws a symlink: ... also as ~/dotfiles/aws/credentials"
}

checks() {
	setup_tree
	cd "$W" || return
	git_checks
	tmpfs_checks
	profile_checks
	binary_checks
	socket_checks
	dev_checks
	env_checks
	cred_checks
	cd / || return
}

tap_main checks
