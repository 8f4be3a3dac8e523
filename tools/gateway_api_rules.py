"""Generate lib/podkit/_gateway_api_rules.json: the CEL rules and the ``spec`` defaults of the
Gateway API v1 CRDs (Gateway, HTTPRoute, GRPCRoute) as upstream's CRD YAMLs carry them.

Why: the schemas podkit ships (``_gateway_api_crds.json``, and the copy ``podkit import crd``
vendored in ``imports/gateway_networking_k8s_io``) are rebuilt from the npm package
``@kubernetes-models/gateway-api``, generated from the Go types: it keeps only the CEL rules
written in field descriptions (``<gateway:experimental:validation:XValidation>``), not the
``+kubebuilder:validation:XValidation`` markers, which only the real CRD YAMLs carry, and none of
the ``default`` s. podkit adds both to the v1 schemas when it builds a kind's validator
(``podkit._crd_kinds``). The defaults come along because the API server applies them before it
runs the rules, and some rules read a defaulted field through ``has()``: without the default
(``tls.mode: Terminate``, a match's ``path``) such a rule would refuse objects the API server
accepts. Only ``spec`` 's: the API server resets ``status`` when it creates an object.

Input (``--from PATH``): upstream's CRD YAMLs, as a folder (every ``*.yaml``/``*.yml`` in it,
e.g. a checkout's ``config/crd/experimental``) or one multi-document file (a release's
``experimental-install.yaml``); other documents are skipped. No network.

Output: for each kind, where its CRD came from (``source``: repository, path, the CRD's
``bundle-version`` and ``channel`` annotations, and the ``--commit``/``--copy`` given), and
every ``x-kubernetes-validations`` entry of its ``v1`` schema, in a fixed order (pre-order:
a node's own rules in the CRD's order, then its properties by name, then its items, then its
map values), each with ``at``: the schema location, ``spec.listeners`` for the list and
``spec.listeners[]`` for one of its items, ``{}`` for a map's values. Only the keys a rule
has are written (``rule``, ``message``, ``messageExpression``, ``fieldPath``, ``reason``,
``optionalOldSelf``). The same input always gives the same bytes (keys in a fixed order,
two-space indent, UTF-8, a final newline), so ``git diff`` shows what a new release changed.
``defaults`` lists each ``default`` under ``spec`` the same way (``at``, ``default``).

Run::

    .venv/bin/python tools/gateway_api_rules.py --from DIR_OR_FILE [--commit SHA] [--copy TEXT]

The committed file was made from the v1.5.1 release's experimental channel (the release the
vendored package's schemas correspond to: v1 ListenerSet and TLSRoute, CORS in the filter enum,
``rules`` with ``minItems: 1``, but 8 infrastructure annotations and ``idleTimeout`` still
there), read from a copy of its ``experimental-install.yaml`` that another project keeps
(re-indented, same content; no upstream commit of that version was at hand, so ``commit`` is
null)::

    .venv/bin/python tools/gateway_api_rules.py --from 00-experimental-v1.5.1.yml \\
        --copy 'traefik/traefik@9df8b81cc4c531e2f5af70ffe7047cbafd04312a:integration/fixtures/k8s/00-experimental-v1.5.1.yml'

``tests/test_gateway_rules.py`` checks that the committed rules and defaults are what
:func:`extract` and :func:`defaults` take from schemas that carry them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

TARGET = Path(__file__).resolve().parent.parent / "lib" / "podkit" / "_gateway_api_rules.json"
GROUP = "gateway.networking.k8s.io"
VERSION = "v1"
KINDS = ("GRPCRoute", "Gateway", "HTTPRoute")
REPOSITORY = "kubernetes-sigs/gateway-api"
# the keys of one x-kubernetes-validations entry, in the order they are written
RULE_KEYS = ("rule", "message", "messageExpression", "fieldPath", "reason", "optionalOldSelf")


def read_crds(path: Path) -> dict[str, Mapping[str, Any]]:
    """The CRDs of ``KINDS`` in a file or a folder of files, by kind (a kind found twice is an error)."""
    files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")) if path.is_dir() else [path]
    found: dict[str, Mapping[str, Any]] = {}
    for file in files:
        for doc in yaml.safe_load_all(file.read_text(encoding="utf-8")):
            if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc.get("spec") or {}
            kind = (spec.get("names") or {}).get("kind")
            if spec.get("group") != GROUP or kind not in KINDS:
                continue
            if kind in found:
                raise SystemExit(f"{file}: a second CRD of {kind}")
            found[kind] = doc
    missing = [k for k in KINDS if k not in found]
    if missing:
        raise SystemExit(f"{path}: no CRD of {', '.join(missing)} in group {GROUP}")
    return found


def v1_schema(crd: Mapping[str, Any]) -> Mapping[str, Any]:
    for version in crd["spec"]["versions"]:
        if version["name"] == VERSION:
            schema: Mapping[str, Any] = version["schema"]["openAPIV3Schema"]
            return schema
    raise SystemExit(f"{crd['spec']['names']['kind']}: no {VERSION} version")


def _nodes(schema: Mapping[str, Any], at: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every schema node with its location, pre-order, properties by name."""
    yield at, schema
    for name in sorted(schema.get("properties") or {}):
        yield from _nodes(schema["properties"][name], f"{at}.{name}" if at else name)
    if isinstance(schema.get("items"), dict):
        yield from _nodes(schema["items"], f"{at}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _nodes(schema["additionalProperties"], f"{at}{{}}")


def extract(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every ``x-kubernetes-validations`` entry of ``schema``, with its location as ``at``."""
    return [
        {"at": at, **{k: rule[k] for k in RULE_KEYS if k in rule}}
        for at, node in _nodes(schema)
        for rule in node.get("x-kubernetes-validations") or []
    ]


def defaults(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every ``default`` under ``spec`` of ``schema``, with its location as ``at``."""
    return [
        {"at": at, "default": node["default"]}
        for at, node in _nodes(schema)
        if "default" in node and (at == "spec" or at.startswith(("spec.", "spec[")))
    ]


def source(crd: Mapping[str, Any], *, commit: str | None, copy: str | None) -> dict[str, Any]:
    annotations = crd["metadata"].get("annotations") or {}
    channel = annotations.get(f"{GROUP}/channel")
    return {
        "repository": REPOSITORY,
        "path": f"config/crd/{channel}/{GROUP}_{crd['spec']['names']['plural']}.yaml",
        "bundle-version": annotations.get(f"{GROUP}/bundle-version"),
        "channel": channel,
        "commit": commit,
        "copy": copy,
    }


def build(
    crds: Mapping[str, Mapping[str, Any]], *, commit: str | None = None, copy: str | None = None
) -> dict[str, Any]:
    key = {kind: f"{GROUP}/{VERSION} {kind}" for kind in KINDS}
    return {
        "source": {key[k]: source(crds[k], commit=commit, copy=copy) for k in KINDS},
        "rules": {key[k]: extract(v1_schema(crds[k])) for k in KINDS},
        "defaults": {key[k]: defaults(v1_schema(crds[k])) for k in KINDS},
    }


def render(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--from", dest="source", type=Path, required=True, help="a CRD YAML file or folder")
    parser.add_argument("--commit", help="the upstream commit the YAMLs are from, when known")
    parser.add_argument("--copy", help="where the YAMLs were read, when not from upstream's repository")
    parser.add_argument("--output", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    text = render(build(read_crds(args.source), commit=args.commit, copy=args.copy))
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
