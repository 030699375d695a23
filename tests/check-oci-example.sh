#!/bin/sh
# libentitlement(3)'s OCI example, copied out of the page and built against
# the library (Makefile.am), run on what `runc spec --rootless` writes: the
# config comes back with a network namespace added and CAP_KILL gone from
# every set, and nothing else changed (TAP).
: "${top_builddir:=.}" "${srcdir:=.}"
fixture="$srcdir/tests/data/runc-spec-rootless.json"
echo "1..2"
out=$("$top_builddir/tests/examples/oci-example" "$fixture" 2>&1)
status=$?
if [ "$status" -eq 0 ]; then
  echo "ok 1 - the example builds and runs"
else
  echo "not ok 1 - the example exited $status: $out"
fi
# shellcheck disable=SC2016 # a python program
if printf '%s' "$out" | python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(sys.stdin)
ns = b["linux"]["namespaces"]
ok = {"type": "network"} in ns and {"type": "network"} not in a["linux"]["namespaces"]
ns.remove({"type": "network"})
for s, caps in b["process"]["capabilities"].items():
    ok = ok and "CAP_KILL" not in caps
    a["process"]["capabilities"][s] = [c for c in a["process"]["capabilities"].get(s, []) if c != "CAP_KILL"]
sys.exit(0 if ok and a == b else 1)' "$fixture"; then
  echo "ok 2 - it adds a network namespace, drops CAP_KILL and changes nothing else"
else
  echo "not ok 2 - the written config is not what the example promises: $out"
fi
