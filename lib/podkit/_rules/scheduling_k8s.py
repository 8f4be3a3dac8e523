"""scheduling.k8s.io/v1: PriorityClass (pkg/apis/scheduling/validation, Kubernetes 1.33).

``ValidatePriorityClass``: a cluster-scoped object named as a DNS subdomain; names beginning
``system-`` are reserved for the two built-in classes (``system-node-critical`` 2000001000 and
``system-cluster-critical`` 2000000000, not global defaults); any other class may have a value
of at most 1000000000 (``HighestUserDefinablePriority``); ``preemptionPolicy`` (v1 default
PreemptLowerPriority) is PreemptLowerPriority or Never. (Pods' ``priorityClassName`` is
checked with the pod spec in ``core/scheduling``.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import Report, as_dict, is_int, subdomain
from .registry import kind

__all__ = ["HIGHEST_USER_PRIORITY", "SYSTEM_PRIORITY_CLASSES"]

HIGHEST_USER_PRIORITY = 1_000_000_000
SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2_000_001_000, "system-cluster-critical": 2_000_000_000}
_PREEMPTION = ("Never", "PreemptLowerPriority")


@kind(
    "scheduling.k8s.io/v1",
    "PriorityClass",
    name_rule=subdomain,
    upstream="ValidatePriorityClass",
    namespaced=False,
)
def _priority_class(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    name = as_dict(doc.get("metadata")).get("name")
    value = doc.get("value")
    if isinstance(name, str) and name.startswith("system-"):
        expected = SYSTEM_PRIORITY_CLASSES.get(name)
        if expected is None:
            r.add(
                f"metadata.name {name!r} starts with 'system-', which is reserved for the built-in classes "
                f"({', '.join(SYSTEM_PRIORITY_CLASSES)}): pick another name"
            )
        elif value != expected or doc.get("globalDefault") is True:
            r.add(
                f"metadata.name {name!r} is a built-in class: it must have value {expected} and not be the "
                f"global default; pick another name for your own class"
            )
    elif is_int(value) and value > HIGHEST_USER_PRIORITY:  # type: ignore[operator]
        r.add(
            f"value {value!r} is above {HIGHEST_USER_PRIORITY}, the highest priority a user-defined class may "
            f"have (higher ones are the system classes'): lower it"
        )
    policy = doc.get("preemptionPolicy")
    if policy is not None and policy not in _PREEMPTION:
        r.add(f"preemptionPolicy {policy!r} is not supported: use one of {', '.join(_PREEMPTION)}")
