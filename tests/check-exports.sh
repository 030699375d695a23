#!/bin/sh
# The shared libentitlement exports only ent_-prefixed symbols (TAP).
lib="$top_builddir/.libs/libentitlement.so"
echo "1..2"
if [ ! -e "$lib" ]; then
  echo "not ok 1 - $lib exists"; echo "not ok 2 - # nothing to inspect"; exit 1
fi
echo "ok 1 - $lib exists"
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^ent_' | grep -v '^$')
count=$(nm -D --defined-only "$lib" | awk '$3 ~ /^ent_/' | wc -l)
if [ -z "$bad" ] && [ "$count" -gt 50 ]; then
  echo "ok 2 - $count exported symbols, all ent_-prefixed"
else
  echo "not ok 2 - exported symbols without ent_ prefix: $bad (ent_ count $count)"
fi
