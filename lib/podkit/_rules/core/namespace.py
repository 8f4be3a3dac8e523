"""Namespaces and ServiceAccounts: their rules are their metadata's (core validation:
ValidateNamespace, ValidateServiceAccount)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base import Report, label, subdomain
from ..registry import kind

__all__: list[str] = []


@kind("v1", "Namespace", name_rule=label, upstream="ValidateNamespace", namespaced=False)
def _namespace(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    """A Namespace's rules are its metadata's (its name is a DNS label)."""


@kind("v1", "ServiceAccount", name_rule=subdomain, upstream="ValidateServiceAccount")
def _service_account(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    """A ServiceAccount's rules are its metadata's and its references' names."""
