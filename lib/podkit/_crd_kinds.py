"""Registering the kinds of a CRD with the rules engine, and the CRDs podkit itself ships.

Kept apart from ``_crd.py`` (the ``CustomResource`` construct base) so that the final-object
checks (``_validate``) can register podkit's own shipped CRDs (Gateway API v1) the first time an
object of them is checked, whether or not the app imported ``podkit.gateway``: the same object is
judged the same way in every app. Imports nothing above the rules.
"""

from __future__ import annotations

import json
import sys
import warnings
import weakref
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from ._rules import crd as _rules_crd
from ._rules._base import Report
from .errors import UserFrame, user_frame

__all__ = [
    "GATEWAY_API_VERSION",
    "DeprecatedVersionWarning",
    "ensure_shipped",
    "make_check",
    "register_kinds",
    "warn_deprecated",
    "warned_at_creation",
]


class DeprecatedVersionWarning(UserWarning):
    """An object of a CRD version marked ``deprecated: true`` was used: once per object, when
    the construct ``podkit import crd`` generated is created, or, for any other object of that
    version (a raw ``cdk8s.ApiObject``, a kind of ``podkit.register_crd``), when it is checked."""


def warn_deprecated(path: str, text: str, where: UserFrame | None) -> None:
    """Warn ``[path] text`` at the user's line ``where``: the user's file and line, however
    deep in podkit, jsii and generated modules the warning is made (a fixed stacklevel would
    name a library frame). Without a user's line (podkit called by a library only), at the caller's."""
    message = f"[{path}] {text}" if path else text
    if where is None:
        warnings.warn(message, DeprecatedVersionWarning, stacklevel=3)
    else:
        warnings.warn_explicit(message, DeprecatedVersionWarning, where.file, where.line)


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

            return CrdValidator(_read_crds(path)[key])

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


def ensure_shipped(api_version: object) -> None:
    """Register the CRDs podkit ships (Gateway API v1) before an object of ``api_version`` is
    checked; a no-op for every other apiVersion (a string comparison on the hot path)."""
    if api_version == GATEWAY_API_VERSION:
        _register_gateway_api()
