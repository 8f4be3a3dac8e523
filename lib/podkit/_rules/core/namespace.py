"""Namespaces and ServiceAccounts (core validation: ValidateNamespace, ValidateServiceAccount).

A ServiceAccount's rules are its metadata's only: the API server does not check the names in
``secrets`` or ``imagePullSecrets``, so neither does podkit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base import Report, as_list, label, qualified, subdomain
from ..meta import STANDARD_FINALIZERS
from ..registry import kind

__all__: list[str] = []


@kind("v1", "Namespace", name_rule=label, upstream="ValidateNamespace", namespaced=False)
def _namespace(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    """A Namespace's rules are its metadata's (its name is a DNS label) and its spec.finalizers'
    names (validateFinalizerName: qualified, and domain-qualified unless standard)."""
    for i, name in enumerate(as_list(spec.get("finalizers"))):
        if not isinstance(name, str):
            continue
        where = f"spec.finalizers[{i}]"
        error = qualified(where, name)
        if error is not None:
            r.add(error)
        elif "/" not in name and name not in STANDARD_FINALIZERS:
            r.add(
                f"{where} {name!r} is neither a standard finalizer ({', '.join(STANDARD_FINALIZERS)}) "
                f"nor domain-qualified: write it as 'example.com/{name}'"
            )


@kind("v1", "ServiceAccount", name_rule=subdomain, upstream="ValidateServiceAccount")
def _service_account(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    """A ServiceAccount's rules are its metadata's and its references' names."""
