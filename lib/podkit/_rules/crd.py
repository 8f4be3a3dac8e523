"""Custom resources: the rules of kinds a CustomResourceDefinition describes, registered at run time.

The API server validates a custom resource against its CRD: the structural OpenAPI schema of the
served version (types, required, enums, formats, patterns, bounds, unknown fields), then the CEL
rules (``x-kubernetes-validations``) of every node, after applying the schema's defaults
(``apiextensions-apiserver/pkg/registry/customresource/validator.go``). podkit registers those
checks here, keyed by ``(apiVersion, kind)`` like every built-in kind, when a CRD is registered
(importing a module that ``podkit import crd`` generated does it). The checks themselves are
compiled outside this package (``podkit._crd_validate``: the schema, the CEL library) and handed
in as a :data:`~.registry.KindCheck`, so that the rules still import nothing of podkit.

What stays as it was: a group/version/kind that no registered CRD serves gets the metadata rules
only, never a built-in kind's (a Knative ``serving.knative.dev/v1`` ``Service`` is not a
``v1`` ``Service``), and a CRD cannot take over a built-in kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import PodkitError
from ._base import subdomain
from .registry import REGISTRY, KindCheck, KindRules

__all__ = ["CrdKind", "crd_kind", "crd_kinds", "register_crd_kind", "unregister_crd_kind"]

#: the upstream function whose checks a CRD kind's rules port, named in problems
UPSTREAM = "CustomResourceValidator"


@dataclass(frozen=True)
class CrdKind:
    """One served version of one CRD kind, as registered.

    :param api_version: ``<group>/<version>``.
    :param kind: the CRD's ``spec.names.kind``.
    :param namespaced: ``False`` for ``scope: Cluster`` (no namespace is written on its objects).
    :param source: where the CRD comes from, for messages (``cert-manager.io CRD (...@1.2.3)``).
    :param deprecated: the version's ``deprecationWarning`` (or a default text), ``None`` when not deprecated.
    """

    api_version: str
    kind: str
    namespaced: bool
    source: str
    deprecated: str | None = None


_CRD_KINDS: dict[tuple[str, str], CrdKind] = {}


def register_crd_kind(info: CrdKind, check: KindCheck) -> None:
    """Check every object of ``info``'s apiVersion/kind with ``check`` (the CRD's schema and CEL
    rules). Registering the same kind again replaces it (a regenerated module, re-imported);
    a built-in kind cannot be replaced."""
    key = (info.api_version, info.kind)
    if key in REGISTRY and key not in _CRD_KINDS:
        raise PodkitError(
            "",
            f"{info.api_version} {info.kind} is a built-in Kubernetes kind; a CRD cannot redefine it "
            f"(its group must be a domain of its own, e.g. serving.knative.dev)",
        )
    if "/" not in info.api_version:
        raise PodkitError("", f"{info.api_version!r} has no group: a CRD's apiVersion is '<group>/<version>'")
    _CRD_KINDS[key] = info
    REGISTRY[key] = KindRules(subdomain, check, UPSTREAM, info.namespaced)


def unregister_crd_kind(api_version: str, kind: str) -> None:
    """Forget a registered CRD kind (tests); its objects get the metadata rules only again."""
    if _CRD_KINDS.pop((api_version, kind), None) is not None:
        REGISTRY.pop((api_version, kind), None)


def crd_kind(api_version: object, kind: object) -> CrdKind | None:
    """The registered CRD kind of an object's apiVersion/kind, or ``None``."""
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None
    return _CRD_KINDS.get((api_version, kind))


def crd_kinds() -> list[CrdKind]:
    """Every registered CRD kind, sorted by apiVersion and kind."""
    return [_CRD_KINDS[k] for k in sorted(_CRD_KINDS)]
