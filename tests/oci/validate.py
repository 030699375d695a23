#!/usr/bin/env python3
"""validate.py SCHEMA_DIR CONFIG: check CONFIG against the OCI runtime-spec
config schema in SCHEMA_DIR (config-schema.json and the files it refers to,
as Debian's golang-github-opencontainers-specs-dev ships them).  Prints the
first error and exits 1 when CONFIG does not validate."""
import json
import pathlib
import sys
import warnings

import jsonschema

# RefResolver is deprecated in newer jsonschema, and the only way in the
# one Debian 12 ships.
warnings.filterwarnings("ignore", category=DeprecationWarning)

schema_dir = pathlib.Path(sys.argv[1]).resolve()
with open(schema_dir / "config-schema.json", encoding="utf-8") as f:
    schema = json.load(f)
with open(sys.argv[2], encoding="utf-8") as f:
    config = json.load(f)
resolver = jsonschema.RefResolver(base_uri=schema_dir.as_uri() + "/", referrer=schema)
validator = jsonschema.Draft4Validator(schema, resolver=resolver)
errors = sorted(validator.iter_errors(config), key=lambda e: list(e.path))
for e in errors[:1]:
    where = ".".join(str(p) for p in e.path) or "(top)"
    print(f"{sys.argv[2]}: {where}: {e.message}")
sys.exit(1 if errors else 0)
