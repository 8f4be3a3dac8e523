"""Where a pod may run: affinity, tolerations, topology spread, DNS and host aliases, readiness and
scheduling gates (core validation: validateAffinity, ValidateTolerations,
validateTopologySpreadConstraints, validatePodDNSConfig, ValidateHostAliases,
validateReadinessGates, validateSchedulingGates)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base import Report, upstream

__all__ = ["check_scheduling"]


@upstream("ValidatePodSpec")
def check_scheduling(r: Report, spec: Mapping[str, Any], where: str) -> None:
    """The scheduling fields of the pod spec ``spec`` at ``where`` (``spec``, ``spec.template.spec``)."""
