"""Which rules check an object: a registry keyed by ``(apiVersion, kind)``, as the API server is.

A kind is registered by the module of its API group with :func:`kind`; an object whose group,
version and kind nobody registered (a custom resource, even one named ``Service``) gets the
metadata rules only (and its CRD's schema, where podkit knows it), never a core kind's rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._base import Report
from .names import Rule

__all__ = ["REGISTRY", "KindCheck", "KindRules", "kind", "rules_for"]

#: ``check(report, doc, spec)``: the kind's rules on the whole object (``spec`` pre-read)
KindCheck = Callable[[Report, Mapping[str, Any], Mapping[str, Any]], None]


@dataclass(frozen=True)
class KindRules:
    """The rules of one kind: its name format, its checks, and where they come from.

    :param name_rule: the format ``metadata.name`` must have (``ValidateObjectMeta``'s nameFn).
    :param check: the kind's own checks.
    :param upstream: the upstream function ported (``ValidateDeployment``), named in problems.
    :param namespaced: ``False`` for cluster-scoped kinds: the API server ignores (clears) a
        ``metadata.namespace`` there, so podkit does not write one.
    """

    name_rule: Rule
    check: KindCheck
    upstream: str
    namespaced: bool = True
    #: the problems' rule, ``apiserver:<upstream>`` (made once here, not on every object)
    rule: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rule", f"apiserver:{self.upstream}")


REGISTRY: dict[tuple[str, str], KindRules] = {}


def kind(
    api_version: str, kind_name: str, *, name_rule: Rule, upstream: str, namespaced: bool = True
) -> Callable[[KindCheck], KindCheck]:
    """Register ``check`` as the rules of ``api_version``/``kind_name``."""

    def register(check: KindCheck) -> KindCheck:
        key = (api_version, kind_name)
        if key in REGISTRY:
            raise RuntimeError(f"{api_version} {kind_name} has two rule sets")  # a podkit bug
        REGISTRY[key] = KindRules(name_rule, check, upstream, namespaced)
        return check

    return register


def rules_for(api_version: object, kind_name: object) -> KindRules | None:
    """The rules of an object's kind, or ``None`` for a kind podkit has no rules for."""
    if not isinstance(api_version, str) or not isinstance(kind_name, str):
        return None
    return REGISTRY.get((api_version, kind_name))
