#!/bin/bash
# The safe defaults must not get in the way of real work: a real autoconf
# project built with the README's commands as written, the built-in
# profiles (dev, offline, untrusted) from a project under /tmp, under ~ and
# elsewhere, git inside a project, and npm and pip installing from the
# user's offline caches, whose host copies stay untouched (the home is
# copy-on-write under dev and offline).  Nothing here reaches the network:
# npm and pip run offline, and their caches are filled from packages the
# test makes.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Under `make check`, the outer make's variables (TESTS among them) would
# reach the project's own make through the environment.
unset MAKEFLAGS MFLAGS MAKELEVEL

# The defaults themselves: no blanket grant of $TEST_TMP.
export SBX_BARE=1
export npm_config_offline=true npm_config_update_notifier=false npm_config_audit=false \
	npm_config_fund=false npm_config_loglevel=error PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1

V='' H='' EXTRA=()

eval "lib_$(declare -f cleanup_pass)"
cleanup_pass() {
	local d
	for d in "${EXTRA[@]}"; do rm -rf "$d"; done
	EXTRA=()
	lib_cleanup_pass
}

# usbx ENTRUN-ARGS...: entrun with the pass's HOME, no XDG_CONFIG_HOME.
usbx() { sbx_env -u XDG_CONFIG_HOME -u XDG_RUNTIME_DIR "HOME=$H" -- "$@"; }

# slow ENTRUN-ARGS...: usbx for builds (120 s).
slow() { ENTRUN_TEST_TIMEOUT=120 usbx "$@"; }

# joined: $OUT with its lines joined by '|'.
joined() { tr '\n' '|' <<<"$OUT" | sed 's/|$//'; }

# A listing of DIR (relative names, sizes, mtimes) to compare before/after.
snapshot() { (cd "$1" 2>/dev/null && find . -printf '%p %s %T@\n' | sort); }

setup_home() {
	V=$TEST_TMP H=$V/home
	mkdir -p "$H/.ssh" "$H/.cache/pip"
	echo profile >"$H/.profile"
	echo secret >"$H/.ssh/secret"
	echo marker >"$H/.cache/pip/marker"
}

# ---- a real autoconf project, the README's commands ----------------------------

write_autoconf_project() {
	mkdir -p "$1"
	cat >"$1/configure.ac" <<'EOF'
AC_INIT([hello], [1.0])
AM_INIT_AUTOMAKE([foreign])
AC_CANONICAL_HOST
AC_PROG_CC
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
EOF
	printf 'bin_PROGRAMS = hello\nhello_SOURCES = hello.c\nTESTS = hello\n' >"$1/Makefile.am"
	printf '#include <stdio.h>\nint main (void) { puts ("hello"); return 0; }\n' >"$1/hello.c"
}

autoconf_checks() {
	local ap=$V/hello au=$V/hello-untrusted
	have_tools "a real autoconf project builds inside" autoreconf autoconf automake make cc || return
	write_autoconf_project "$ap"
	# shellcheck disable=SC2016 # expanded by the inner sh
	run env "HOME=$H" sh -c 'cd "$1" && timeout 120 autoreconf -fi' _ "$ap"
	if [ "$RC" -ne 0 ] || [ ! -x "$ap/configure" ]; then
		not_ok "control: autoreconf -fi on the host makes ./configure"
		return
	fi
	ok "control: autoreconf -fi on the host makes ./configure"
	cp -a "$ap" "$au"
	cd "$ap" || return
	slow -e security.fs-read-only -e host.fs.rw=. -- ./configure
	is 0 "$RC" "README: entrun -e security.fs-read-only -e host.fs.rw=. -- ./configure exits 0"
	if [ -f "$ap/Makefile" ] && [ -f "$ap/config.status" ]; then
		ok "... Makefile and config.status appear on the host"
	else
		not_ok "... Makefile and config.status appear on the host"
	fi
	slow -- make
	is 0 "$RC" "README: entrun -- make exits 0"
	is hello "$("$ap/hello" 2>&1)" "... the program it built runs on the host"
	if tun_ok; then
		touch "$V/stamp"
		slow -p dev -- ./configure
		is 0 "$RC" "README: entrun -p dev -- ./configure exits 0"
		if [ "$ap/config.status" -nt "$V/stamp" ]; then ok "... config.status is rewritten on the host"; else
			not_ok "... config.status is rewritten on the host"
		fi
	else
		skip_or_fail "this user cannot open /dev/net/tun (network.user)" "README: entrun -p dev -- ./configure"
	fi
	slow -p offline -- make check
	is 0 "$RC" "README: entrun -p offline -- make check exits 0"
	if [ -f "$ap/test-suite.log" ] && [ -f "$ap/hello.log" ]; then ok "... its logs appear on the host"; else
		not_ok "... its logs appear on the host"
	fi
	cd "$au" || return
	slow -p untrusted -- ./configure
	is 0 "$RC" "entrun -p untrusted -- ./configure in a project exits 0 (the project is writable)"
	if [ -f "$au/config.status" ]; then ok "... config.status appears on the host"; else
		not_ok "... config.status appears on the host"
	fi
	# shellcheck disable=SC2016 # expanded by the inner sh
	usbx -p untrusted -- sh -c 'ls -A "$HOME" | wc -l; echo x >"$HOME/from-untrusted" && echo wrote'
	is "0|wrote" "$(joined)" "-p untrusted: the home is private and empty, and writable"
	absent "$H/from-untrusted" "-p untrusted: what it wrote in ~ is not in the host's home"
	cd "$V" || return
}

# ---- profiles from a project under /tmp, ~ and elsewhere -----------------------

location_checks() {
	local loc dir p
	local -a args
	for loc in /tmp '~' /var/tmp; do
		case $loc in
		/tmp) dir=$(mktemp -d /tmp/entrun-usability.XXXXXX) && EXTRA+=("$dir") ;;
		'~') dir=$H/src/project ;;
		*) dir=$V/project ;;
		esac
		mkdir -p "$dir"
		echo readme >"$dir/README"
		cd "$dir" || return
		for p in default dev offline untrusted; do
			args=()
			[ "$p" = default ] || args=(-p "$p")
			if [ "$p" = dev ] && ! tun_ok; then
				skip_or_fail "this user cannot open /dev/net/tun (network.user)" "-p dev, project under $loc"
				continue
			fi
			# shellcheck disable=SC2016 # expanded by the inner sh
			usbx "${args[@]}" -- sh -c 'cat README && echo "by $1" >"out-$1" && pwd' _ "$p"
			is "0|readme|$dir" "$RC|$(joined)" "$p, project under $loc: runs there and reads the project (exit 0)"
			unlike "$ERR" '[Cc]onflict' "$p, project under $loc: no conflicting grants"
			is "by $p" "$(cat "$dir/out-$p" 2>&1)" "$p, project under $loc: what it wrote is in the host's project"
		done
	done
	cd "$V" || return
}

# dev and offline: ~ is readable and writable, and the writes are thrown
# away; credentials stay hidden.
home_overlay_checks() {
	local p
	mkdir -p "$V/overlay-proj"
	cd "$V/overlay-proj" || return
	for p in offline dev; do
		if [ "$p" = dev ] && ! tun_ok; then
			skip_or_fail "this user cannot open /dev/net/tun (network.user)" "-p dev: copy-on-write home"
			continue
		fi
		# shellcheck disable=SC2016 # expanded by the inner sh
		usbx -p "$p" -- sh -c 'cat "$HOME/.profile"
			echo changed >>"$HOME/.profile" && echo appended
			mkdir -p "$HOME/.cache/new" && echo new >"$HOME/.cache/new/file" && echo created
			ls -A "$HOME/.ssh" | wc -l'
		is "profile|appended|created|0" "$(joined)" \
			"-p $p: ~ is readable and writable inside, ~/.ssh is hidden"
		if [ "$(cat "$H/.profile")" = profile ] && [ ! -e "$H/.cache/new" ]; then
			ok "-p $p: the writes to ~ are gone at exit (the host's home is unchanged)"
		else
			not_ok "-p $p: the writes to ~ are gone at exit (the host's home is unchanged)" \
				".profile: $(cat "$H/.profile")" "$(ls -la "$H/.cache")"
			echo profile >"$H/.profile"
			rm -rf "$H/.cache/new"
		fi
	done
	cd "$V" || return
}

# ---- git inside a project -----------------------------------------------------------

# The git directory is protected (read-only) inside; what a build asks of
# git still works: status, log, diff, describe.
git_checks() {
	local g=$V/gitproj p
	have_tools "git works inside a project" git || return
	mkdir -p "$g"
	# shellcheck disable=SC2016 # expanded by the inner sh
	env "HOME=$H" GIT_CONFIG_NOSYSTEM=1 sh -c 'cd "$1" && git init -q && echo a >a && git add a &&
		git -c user.name=t -c user.email=t@example.invalid commit -q -m init && git tag v1.0' _ "$g" >/dev/null 2>&1
	cd "$g" || return
	for p in default offline; do
		local -a args=()
		[ "$p" = default ] || args=(-p "$p")
		env "HOME=$H" git -C "$g" checkout -q -- a
		# shellcheck disable=SC2016 # expanded by the inner sh
		usbx "${args[@]}" -- sh -c 'echo "$1" >>a && git status --porcelain && git log --format=%s &&
			git diff --stat | tail -1 && git describe --tags --dirty'  _ "$p"
		is " M a|init| 1 file changed, 1 insertion(+)|v1.0-dirty" "$(joined)" \
			"$p: git status, log, diff and describe work in the project"
	done
	cd "$V" || return
}

# ---- a credential store that is a symbolic link ---------------------------------------

# Dotfile managers (stow, chezmoi, home-manager) make ~/.aws or ~/.config a
# symbolic link of the user's: entrun still runs, and the store is hidden
# under both spellings.
symlinked_store_checks() {
	local real=$V/dotfiles
	mkdir -p "$real/aws" "$real/config/gh" "$V/link-proj"
	echo secret-aws >"$real/aws/credentials"
	echo secret-gh >"$real/config/gh/hosts.yml"
	rm -rf "$H/.aws" "$H/.config"
	ln -s "$real/aws" "$H/.aws"
	ln -s "$real/config" "$H/.config"
	cd "$V/link-proj" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	usbx -- sh -c 'for f; do c=; read -r c <"$f" 2>/dev/null; echo "$f=$c"; done' _ \
		"$H/.aws/credentials" "$real/aws/credentials" "$H/.config/gh/hosts.yml" "$real/config/gh/hosts.yml"
	is "0|$H/.aws/credentials=|$real/aws/credentials=|$H/.config/gh/hosts.yml=|$real/config/gh/hosts.yml=" \
		"$RC|$(joined)" "\$HOME/.aws and \$HOME/.config symbolic links of the user's: entrun runs, the stores are hidden both ways"
	rm -f "$H/.aws" "$H/.config"
	cd "$V" || return
}

# ---- npm and pip from the user's offline caches ------------------------------------

npm_checks() {
	local np=$V/npm integ before after
	have_tools "npm install from the offline cache" node npm || return
	mkdir -p "$np/pkg" "$np/proj"
	printf '{"name":"local-pkg","version":"1.0.0","main":"index.js"}\n' >"$np/pkg/package.json"
	echo 'module.exports = 42;' >"$np/pkg/index.js"
	# shellcheck disable=SC2016 # expanded by the inner sh
	run env "HOME=$H" sh -c 'cd "$1/pkg" && npm pack --silent && npm cache add "$1/pkg/local-pkg-1.0.0.tgz"' _ "$np"
	if [ "$RC" -ne 0 ]; then
		not_ok "control: npm pack and npm cache add on the host"
		return
	fi
	ok "control: npm pack and npm cache add on the host"
	integ=$(node -e 'const c = require("crypto"), f = require("fs");
		console.log("sha512-" + c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' \
		"$np/pkg/local-pkg-1.0.0.tgz")
	rm -f "$np/pkg/local-pkg-1.0.0.tgz"
	printf '{"name":"proj","version":"1.0.0","dependencies":{"local-pkg":"1.0.0"}}\n' >"$np/proj/package.json"
	cat >"$np/proj/package-lock.json" <<EOF
{"name":"proj","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{
"":{"name":"proj","version":"1.0.0","dependencies":{"local-pkg":"1.0.0"}},
"node_modules/local-pkg":{"version":"1.0.0","resolved":"https://registry.npmjs.org/local-pkg/-/local-pkg-1.0.0.tgz","integrity":"$integ"}}}
EOF
	before=$(snapshot "$H/.npm")
	cd "$np/proj" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ENTRUN_TEST_TIMEOUT=60 usbx -p offline -- sh -c 'npm install --offline >/dev/null || exit 1
		echo poison >"$HOME/.npm/_cacache/planted-by-sandbox" && echo wrote-cache'
	is "0|wrote-cache" "$RC|$OUT" "-p offline: npm install --offline installs from ~/.npm, which is writable inside"
	is 42 "$(cd "$np/proj" && node -e 'console.log(require("local-pkg"))' 2>&1)" \
		"-p offline: node_modules/local-pkg is in the host's project"
	after=$(snapshot "$H/.npm")
	if [ -n "$before" ] && [ "$before" = "$after" ]; then
		ok "-p offline: the host's ~/.npm is unchanged (npm's logs and the planted file stayed inside)"
	else
		not_ok "-p offline: the host's ~/.npm is unchanged (npm's logs and the planted file stayed inside)" \
			"$(diff <(echo "$before") <(echo "$after") | head -20)"
	fi
	cd "$V" || return
}

# A wheel made by hand (no build tool), and a setuptools sdist that pip
# builds and then caches under ~/.cache/pip/wheels.
MAKE_DISTS='import base64, hashlib, os, sys, tarfile, zipfile, io
d = sys.argv[1]
name, ver = "localpkg", "1.0"
files = {name + "/__init__.py": "VALUE = 42\n",
         name + "-" + ver + ".dist-info/METADATA": "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + ver + "\n",
         name + "-" + ver + ".dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: entrun-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
rec = []
for p, c in files.items():
    h = base64.urlsafe_b64encode(hashlib.sha256(c.encode()).digest()).rstrip(b"=").decode()
    rec.append("%s,sha256=%s,%d" % (p, h, len(c.encode())))
rec.append(name + "-" + ver + ".dist-info/RECORD,,")
files[name + "-" + ver + ".dist-info/RECORD"] = "\n".join(rec) + "\n"
with zipfile.ZipFile(os.path.join(d, name + "-" + ver + "-py3-none-any.whl"), "w") as z:
    for p, c in files.items():
        z.writestr(p, c)
src = {"localsrc-1.0/setup.py": "from setuptools import setup\nsetup(name=\"localsrc\", version=\"1.0\", packages=[\"localsrc\"])\n",
       "localsrc-1.0/localsrc/__init__.py": "VALUE = 7\n"}
with tarfile.open(os.path.join(d, "localsrc-1.0.tar.gz"), "w:gz") as t:
    for p, c in src.items():
        b = c.encode()
        i = tarfile.TarInfo(p)
        i.size = len(b)
        t.addfile(i, io.BytesIO(b))'

# A python3 with pip and setuptools: the system's first.
pick_python() {
	local py
	for py in /usr/bin/python3 "$(command -v python3)"; do
		[ -x "$py" ] && "$py" -m pip --version >/dev/null 2>&1 &&
			"$py" -c 'import setuptools, wheel' >/dev/null 2>&1 && { echo "$py"; return 0; }
	done
	return 1
}

pip_checks() {
	local py d=$V/dists pp=$V/pyproj before after
	if ! py=$(pick_python); then
		skip_or_fail "no python3 with pip, setuptools and wheel (python3-pip)" "pip install from local packages under -p offline"
		return
	fi
	mkdir -p "$d" "$pp"
	"$py" -c "$MAKE_DISTS" "$d"
	before=$(snapshot "$H/.cache/pip")
	cd "$pp" || return
	# shellcheck disable=SC2016 # expanded by the inner sh
	ENTRUN_TEST_TIMEOUT=60 usbx -p offline -- sh -c '"$1" -m pip install --no-build-isolation --no-index \
		--find-links "$2" --target ./lib localpkg localsrc >/dev/null 2>&1; echo "pip=$?"
		find "$HOME/.cache/pip/wheels" -name "localsrc-*.whl" | wc -l' _ "$py" "$d"
	is "pip=0|1" "$(joined)" "-p offline: pip installs a wheel and builds an sdist, caching it in ~/.cache/pip inside"
	is "42 7" "$(cd "$pp" && PYTHONPATH=lib "$py" -c 'import localpkg, localsrc; print(localpkg.VALUE, localsrc.VALUE)' 2>&1)" \
		"-p offline: the packages are in the host's project (./lib)"
	after=$(snapshot "$H/.cache/pip")
	if [ -n "$before" ] && [ "$before" = "$after" ]; then
		ok "-p offline: the host's ~/.cache/pip is unchanged (the built wheel stayed inside)"
	else
		not_ok "-p offline: the host's ~/.cache/pip is unchanged (the built wheel stayed inside)" \
			"$(diff <(echo "$before") <(echo "$after") | head -20)"
	fi
	cd "$V" || return
}

checks() {
	setup_home
	cd "$V" || return
	autoconf_checks
	location_checks
	home_overlay_checks
	git_checks
	symlinked_store_checks
	npm_checks
	pip_checks
	cd / || return
}

tap_main checks
