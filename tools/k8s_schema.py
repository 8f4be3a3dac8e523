"""Convert the Kubernetes schema shipped by ``kubernetes-validate`` into the
shape ``cdk8s import k8s`` expects.

``cdk8s import k8s@X`` downloads ``_definitions.json`` from a fixed GitHub URL.
The same definitions ship offline inside the ``kubernetes-validate`` package,
but in a JSON-Schema 2020 dialect that differs in three ways:

1. definitions live under ``$defs`` (cdk8s reads ``definitions``);
2. references point at ``#/$defs/...`` (cdk8s resolves ``#/definitions/...``);
3. optional fields are nullable (``"type": ["string", "null"]`` or a ``oneOf``
   with a ``{"type": "null"}`` branch); json2jsii turns those into TypeScript
   unions that do not compile, so the null alternatives are removed.

The conversion is a pure function of its input, written with sorted keys, so
regenerating ``imports/`` is reproducible byte for byte.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

DEFS_PREFIX = "#/$defs/"
CDK8S_PREFIX = "#/definitions/"


def schema_path(version: str, *, strict: bool = False) -> Path:
    """Path of ``_definitions.json`` for ``version`` inside kubernetes-validate
    (``strict``: the variant that forbids unknown fields)."""
    import kubernetes_validate  # local import: only needed when converting

    root = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    path = root / f"v{version}-local{'-strict' if strict else ''}" / "_definitions.json"
    if not path.is_file():
        available = sorted(p.name for p in root.iterdir() if p.is_dir())
        raise SystemExit(f"no schema for Kubernetes {version} in {root}; available: {available}")
    return path


def _drop_null(node: Any) -> Any:
    if isinstance(node, list):
        return [_drop_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith(DEFS_PREFIX):
            out[key] = CDK8S_PREFIX + value[len(DEFS_PREFIX) :]
        elif key == "type" and isinstance(value, list):
            kept = [t for t in value if t != "null"]
            out[key] = kept[0] if len(kept) == 1 else kept
        elif key in ("oneOf", "anyOf") and isinstance(value, list):
            branches = [_drop_null(b) for b in value if b != {"type": "null"}]
            if len(branches) == 1:
                # a "T or null" union is just an optional T
                out.update(branches[0])
            else:
                out[key] = branches
        else:
            out[key] = _drop_null(value)
    return out


def convert(source: dict[str, Any]) -> dict[str, Any]:
    """Return the cdk8s-shaped schema for a kubernetes-validate schema."""
    definitions = source.get("$defs", source.get("definitions"))
    if not isinstance(definitions, dict):
        raise ValueError("schema has neither '$defs' nor 'definitions'")
    return {"definitions": _drop_null(definitions)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="1.33.0")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    source = json.loads(schema_path(args.version).read_text(encoding="utf-8"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(convert(source), sort_keys=True, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
