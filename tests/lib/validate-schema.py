#!/usr/bin/python3
"""Validate JSON documents against an OCI runtime-spec JSON schema.

usage: validate-schema.py SCHEMA_DIR SCHEMA_FILE DOCUMENT...
  e.g. validate-schema.py .../runtime-spec/schema config-schema.json config.json

Uses Debian's python3-jsonschema (draft-04, as the schemas declare), with a
resolver so relative $refs (defs.json, config-linux.json ...) load from
SCHEMA_DIR.  Exit 0 when every document validates; 1 with one line per
problem otherwise; 2 on usage errors.
"""
import json
import os
import sys

import jsonschema


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    schema_dir = os.path.abspath(argv[1])
    with open(os.path.join(schema_dir, argv[2]), encoding="utf-8") as f:
        schema = json.load(f)
    base_uri = "file://" + schema_dir + "/"
    resolver = jsonschema.RefResolver(base_uri=base_uri, referrer=schema)
    validator = jsonschema.Draft4Validator(schema, resolver=resolver)
    bad = 0
    for path in argv[3:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in e.path) or "(top)"
            print("%s: %s: %s" % (path, where, e.message))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
