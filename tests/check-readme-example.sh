#!/bin/sh
# README's libentitlement example, copied out of README.md and built against
# the library (Makefile.am), runs and grants what it says (TAP).
: "${top_builddir:=.}"
echo "1..1"
out=$("$top_builddir/tests/examples/readme-example" 2>&1)
# CAP_SYS_ADMIN is capability 21: the effective set is that bit alone.
if [ "$out" = "effective caps: 0x200000" ]; then
  echo "ok 1 - README's example builds, runs and adds CAP_SYS_ADMIN alone"
else
  echo "not ok 1 - README's example printed: $out"
fi
