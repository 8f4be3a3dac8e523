"""policy/v1: PodDisruptionBudget (pkg/apis/policy/validation, Kubernetes 1.33).

``ValidatePodDisruptionBudgetSpec``: at most one of ``minAvailable``/``maxUnavailable``, each an
int >= 0 or a percentage of at most 100%; a valid label selector; ``unhealthyPodEvictionPolicy``
IfHealthyBudget or AlwaysAllow. The name is only checked as a URL path segment (the generic
registry's rule: the PDB strategy adds none). Neither field set is accepted by the server
(the budget then allows every eviction); a budget that can never allow one is the API
server's business only at eviction time: podkit's construct refuses it at synth instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import Report
from .apps import at_most_100, int_or_percent
from .meta import any_name, check_label_selector
from .registry import kind

__all__ = ["UNHEALTHY_POD_EVICTION_POLICIES"]

UNHEALTHY_POD_EVICTION_POLICIES = ("AlwaysAllow", "IfHealthyBudget")


@kind("policy/v1", "PodDisruptionBudget", name_rule=any_name, upstream="ValidatePodDisruptionBudget")
def _pdb(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    low, high = spec.get("minAvailable"), spec.get("maxUnavailable")
    if low is not None and high is not None:
        r.add(
            "spec minAvailable and maxUnavailable are both set: a budget takes one of them, remove the other",
            field="spec",
        )
    for key, value in (("minAvailable", low), ("maxUnavailable", high)):
        where = f"spec.{key}"
        int_or_percent(r, value, where)
        at_most_100(r, value, where)
    if spec.get("selector") is not None:
        check_label_selector(r, spec.get("selector"), "spec.selector")
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in UNHEALTHY_POD_EVICTION_POLICIES:
        r.add(
            f"spec.unhealthyPodEvictionPolicy {policy!r} is not supported: use one of "
            f"{', '.join(UNHEALTHY_POD_EVICTION_POLICIES)}"
        )
