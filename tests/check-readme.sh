#!/bin/sh
# README's install command and .ci/run install the same Debian packages,
# so the README's two commands keep working on a fresh machine (TAP).
: "${top_srcdir:=$(dirname "$0")/..}"
readme="$top_srcdir/README.md" ci="$top_srcdir/.ci/run"
echo "1..1"
a=$(grep -o 'apt-get install -y [^&]*' "$readme" | head -1 | sed 's/apt-get install -y //' |
  tr ' ' '\n' | grep -v '^$' | sort -u)
b=$(sed -n '/^PACKAGES=(/,/)/p' "$ci" | tr -d '()' | sed 's/PACKAGES=//' | tr ' ' '\n' |
  grep -v '^$' | sort -u)
if [ -n "$a" ] && [ "$a" = "$b" ]; then
  echo "ok 1 - README and .ci/run install the same $(echo "$a" | wc -l) packages"
else
  echo "not ok 1 - README and .ci/run install different packages"
  printf '%s\n' "$a" >/tmp/check-readme.$$.a; printf '%s\n' "$b" >/tmp/check-readme.$$.b
  diff /tmp/check-readme.$$.a /tmp/check-readme.$$.b | sed 's/^/# /'
  rm -f /tmp/check-readme.$$.a /tmp/check-readme.$$.b
fi
