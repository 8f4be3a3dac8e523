"""Registering the kinds of a CRD with the rules engine, and the CRDs podkit itself ships.

Kept apart from ``_crd.py`` (the ``CustomResource`` construct base) so that the final-object
checks (``_validate``) can register podkit's own shipped CRDs (Gateway API v1) the first time an
object of them is checked, whether or not the app imported ``podkit.gateway``: the same object is
judged the same way in every app. Imports nothing above the rules.

The Gateway API v1 schemas (shipped, or vendored by ``podkit import crd``) come from an npm package
that keeps only the CEL rules written in field descriptions, and no defaults; upstream's CRDs
carry many more rules, and the defaults the API server fills in before it runs them
(``_gateway_api_rules.json``, made by ``tools/gateway_api_rules.py``). Both are added to a v1
kind's schema when its validator is built, so a raw or patched object meets the rules the API
server applies, read as the API server reads them.
"""

from __future__ import annotations

import copy
import json
import re
import sys
import weakref
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from ._rules import crd as _rules_crd
from ._rules._base import Report
from .errors import UserFrame, user_frame, warn_at

__all__ = [
    "GATEWAY_API_VERSION",
    "DeprecatedVersionWarning",
    "ensure_shipped",
    "make_check",
    "register_kinds",
    "schema_node",
    "warn_deprecated",
    "warned_at_creation",
    "with_upstream_rules",
]


class DeprecatedVersionWarning(UserWarning):
    """An object of a CRD version marked ``deprecated: true`` was used: once per object, when
    the construct ``podkit import crd`` generated is created, or, for any other object of that
    version (a raw ``cdk8s.ApiObject``, a kind of ``podkit.register_crd``), when it is checked."""


def warn_deprecated(path: str, text: str, where: UserFrame | None) -> None:
    """Warn ``[path] text`` at the user's line ``where``: the user's file and line, however
    deep in podkit, jsii and generated modules the warning is made (a fixed stacklevel would
    name a library frame). Without a user's line (podkit called by a library only), at the caller's."""
    warn_at(f"[{path}] {text}" if path else text, DeprecatedVersionWarning, where)


# The documents rendered by constructs that warned when they were created, by id(): their
# kind's check does not warn again (one warning per use). Each construct is held weakly and
# keeps its last document (``_podkit_announced``), so an id reused by another object never matches.
_ANNOUNCED: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()


def warned_at_creation(doc: Mapping[str, Any], owner: Any) -> None:
    """``doc`` is what ``owner``, a construct that warned at its creation, renders."""
    previous = getattr(owner, "_podkit_announced", None)
    if previous is not None:
        _ANNOUNCED.pop(id(previous), None)
    owner._podkit_announced = doc
    _ANNOUNCED[id(doc)] = owner


def _announced(doc: Mapping[str, Any]) -> bool:
    owner = _ANNOUNCED.get(id(doc))
    return owner is not None and getattr(owner, "_podkit_announced", None) is doc


def make_check(kind: str, api_version: str, load: Any, deprecated: str | None) -> Any:
    """The rules entry of one CRD kind: ``load()`` gives its validator, compiled on first use.
    A ``deprecated`` version warns for each object checked, unless its construct already did."""

    def check(report: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
        if deprecated is not None and not _announced(doc):
            # no line created a raw object that podkit knows of: the user's line that synthesized it
            warn_deprecated(report.path, deprecated, user_frame(sys._getframe(1)))
        for field, message, fix in load().validate(doc):
            report.add(message, field=field, fix=fix)

    check.__qualname__ = f"check_{kind}_{api_version.replace('/', '_').replace('.', '_')}"
    return check


@cache
def _read_crds(path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def register_kinds(
    crd_file: str | Path, kinds: Sequence[tuple[str, str, bool, str | None]], *, source: str
) -> None:
    """Register generated kinds: ``(apiVersion, kind, namespaced, deprecation warning or None)``,
    their schemas read from ``crd_file`` (``{"<apiVersion> <kind>": openAPIV3Schema}``) on the
    first check. Called by each module ``podkit import crd`` generates, when it is imported."""
    path = str(crd_file)
    for api_version, kind, namespaced, deprecated in kinds:
        key = f"{api_version} {kind}"

        @cache
        def load(key: str = key) -> Any:
            from ._crd_validate import CrdValidator  # on the first check, not at import

            return CrdValidator(with_upstream_rules(key, _read_crds(path)[key]))

        info = _rules_crd.CrdKind(api_version, kind, namespaced, source, deprecated)
        _rules_crd.register_crd_kind(info, make_check(kind, api_version, load, deprecated))


GATEWAY_GROUP = "gateway.networking.k8s.io"
GATEWAY_API_VERSION = f"{GATEWAY_GROUP}/v1"
_GATEWAY_KINDS = ("GRPCRoute", "Gateway", "HTTPRoute")


@cache
def _register_gateway_api() -> None:
    # the v1 kinds, checked against the vendored CRDs' schemas and CEL rules from now on
    register_kinds(
        Path(__file__).with_name("_gateway_api_crds.json"),
        [(GATEWAY_API_VERSION, kind, True, None) for kind in _GATEWAY_KINDS],
        source="@kubernetes-models/gateway-api@2.0.0",
    )


# the kinds whose schemas lack rules of upstream's CRD YAML (the npm package keeps only some)
_SUPPLEMENTED = frozenset(f"{GATEWAY_API_VERSION} {kind}" for kind in _GATEWAY_KINDS)
_AT_PART = re.compile(r"([^.\[\]{}]+)((?:\[\]|\{\})*)")


@cache
def _upstream() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(
        Path(__file__).with_name("_gateway_api_rules.json").read_text(encoding="utf-8")
    )
    return data


def schema_node(schema: Mapping[str, Any], at: str) -> Any:
    """The node of ``schema`` at ``at`` (``spec.listeners[].tls``: ``[]`` an item, ``{}`` a map
    value), or None when the schema has no such field."""
    node: Any = schema
    for part in at.split(".") if at else ():
        m = _AT_PART.fullmatch(part)
        if m is None or not isinstance(node, Mapping):
            return None
        node = (node.get("properties") or {}).get(m.group(1))
        for step in re.findall(r"\[\]|\{\}", m.group(2)):
            if not isinstance(node, Mapping):
                return None
            node = node.get("items" if step == "[]" else "additionalProperties")
    return node if isinstance(node, Mapping) else None


def with_upstream_rules(key: str, schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """``schema`` (of ``"<apiVersion> <kind>"``) with what upstream's CRD has and it lacks, each at
    its place: the CEL rules (a rule whose text is already there is not added twice) and the
    ``spec`` defaults, which the API server applies before it runs the rules (some rules read a
    defaulted field through ``has()``, and would refuse what the API server accepts without it).
    A copy: the schema read from the file stays as it is. Other kinds' schemas come back unchanged."""
    if key not in _SUPPLEMENTED:
        return schema
    out = copy.deepcopy(dict(schema))
    for entry in _upstream()["rules"].get(key, ()):
        node = schema_node(out, entry["at"])
        if node is None:
            continue  # a field this schema does not have: no object of it can carry the field
        rules = node.setdefault("x-kubernetes-validations", [])
        if all(r.get("rule") != entry["rule"] for r in rules):
            rules.append({k: v for k, v in entry.items() if k != "at"})
    for entry in _upstream()["defaults"].get(key, ()):
        node = schema_node(out, entry["at"])
        if node is not None:
            node.setdefault("default", copy.deepcopy(entry["default"]))
    return out


def ensure_shipped(api_version: object) -> None:
    """Register the CRDs podkit ships (Gateway API v1) before an object of ``api_version`` is
    checked; a no-op for every other apiVersion (a string comparison on the hot path)."""
    if api_version == GATEWAY_API_VERSION:
        _register_gateway_api()
