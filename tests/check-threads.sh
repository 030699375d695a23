#!/bin/sh
# libentitlement(3)'s THREADS section: tests/examples/threads (several
# threads, managers of their own over one shared catalogue) runs plain,
# then under valgrind's helgrind, which must report no data race (TAP).
: "${top_builddir:=.}"
prog="$top_builddir/tests/examples/threads"
echo "1..2"
if out=$("$prog" 4 20 2>&1); then
  echo "ok 1 - 4 threads x 20 rounds agree with one thread alone"
else
  echo "not ok 1 - threads: $(echo "$out" | grep -v '^ok' | tr '\n' ' ')"
fi
# A sanitizer build (.ci/run's second pass) cannot run under valgrind:
# ASan's shadow memory and valgrind's exclude each other.  The plain
# build's pass runs helgrind.
lib="$top_builddir/.libs/libentitlement.so"
if [ -f "$lib" ] && grep -q __asan_init "$lib"; then
  echo "ok 2 # SKIP helgrind: this is a sanitizer build (the plain build runs it)"
  exit 0
fi
if ! command -v valgrind >/dev/null 2>&1; then
  # .ci/run installs valgrind: there, its absence is a failure.
  if [ "${CI:-}" = true ]; then
    echo "not ok 2 - helgrind: valgrind is not installed"
  else
    echo "ok 2 # SKIP helgrind: valgrind is not installed"
  fi
  exit 0
fi
# libtool's wrapper script runs the real binary: --trace-children follows.
log=$(mktemp)
if valgrind --tool=helgrind --trace-children=yes -q --error-exitcode=9 --log-file="$log" \
  "$prog" 4 3 >/dev/null 2>&1 && ! grep -q "Possible data race\|lock order" "$log"; then
  echo "ok 2 - helgrind finds no data race among 4 threads"
else
  echo "not ok 2 - helgrind:"
  sed 's/^/# /' "$log" | head -40
fi
rm -f "$log"
