"""Check case files: shape, unique ids, and each `valid` object against the strict 1.33 schema.

.venv/bin/python tests/upstream/schema_check.py tests/upstream/cases/core_part1.yaml ...
"""

from __future__ import annotations

import sys
from pathlib import Path

import kubernetes_validate
import yaml


def main(paths: list[str]) -> int:
    bad = 0
    for path in paths:
        cases = yaml.safe_load(Path(path).read_text()) or []
        ids: set[str] = set()
        for case in cases:
            cid = case.get("id")
            if not cid or cid in ids or case.get("expect") not in ("valid", "invalid"):
                print(f"{path}: bad or duplicate case header: {cid!r}")
                bad += 1
            ids.add(cid)
            obj = case.get("object")
            if not isinstance(obj, dict):
                print(f"{path}: {cid}: no object")
                bad += 1
                continue
            if case["expect"] == "valid":
                try:
                    kubernetes_validate.validate(obj, "1.33.0", strict=True)
                except Exception as error:
                    print(f"{path}: {cid}: valid case fails the schema: {str(error)[:300]}")
                    bad += 1
        print(f"{path}: {len(cases)} cases")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
