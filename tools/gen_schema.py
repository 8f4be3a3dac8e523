"""Generate lib/podkit/_k8s_schema.json: the compact schema podkit checks objects against.

Input: the strict Kubernetes 1.33 definitions shipped by kubernetes-validate (converted the
same way as for ``make imports``; strict: ``additionalProperties: false`` on every object). Output keeps only what validation needs (types, properties,
required, enums, refs, group-version-kind) so podkit needs no kubernetes-validate at run
time and loads it in milliseconds. ``tests/test_schema.py`` checks the file is current.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from k8s_schema import convert, schema_path

KEEP = {
    "$ref",
    "type",
    "properties",
    "additionalProperties",
    "items",
    "required",
    "enum",
    "oneOf",
    "anyOf",
    "x-kubernetes-group-version-kind",
}
TARGET = Path(__file__).resolve().parent.parent / "lib" / "podkit" / "_k8s_schema.json"


def _strip(node: Any) -> Any:
    if isinstance(node, list):
        return [_strip(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k not in KEEP:
            continue
        if k in ("properties",):
            out[k] = {name: _strip(sub) for name, sub in v.items()}
        elif k in ("enum", "required", "x-kubernetes-group-version-kind"):
            out[k] = v
        else:
            out[k] = _strip(v)
    return out


def render(version: str = "1.33.0") -> str:
    source = json.loads(schema_path(version, strict=True).read_text(encoding="utf-8"))
    compact = {"definitions": {k: _strip(v) for k, v in convert(source)["definitions"].items()}}
    return json.dumps(compact, sort_keys=True, separators=(",", ":")) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")
