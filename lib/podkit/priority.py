"""``PriorityClass``: how important a pod is to the scheduler, cluster-wide.

A pod names its class with ``priority_class_name=``; when a node is full, the scheduler may
evict pods of lower priority to place it (``preemption_policy=NEVER`` waits instead). Classes
are cluster-scoped, so no namespace is written. User classes may have a value of at most one
billion, and ``system-`` names are reserved (the API server's rules, checked at the call); at
most one class of the app is the global default (the Priority admission plugin's rule, at synth).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import constructs

from . import _checks
from ._app_objects import app_objects, raise_rule_problem
from ._resource import PodkitResource
from ._rules import scheduling_k8s as _rules
from .errors import PodkitError, PodkitTypeError, Problem

__all__ = ["PreemptionPolicy", "PriorityClass"]


class PreemptionPolicy(enum.Enum):
    """Whether pods of the class may evict lower-priority pods to be scheduled."""

    PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority"
    NEVER = "Never"


class PriorityClass(PodkitResource):
    """A priority class.

    ``PriorityClass(chart, "critical-web", value=100000, description="customer-facing")``

    :param value: the priority (higher is more important), up to 1000000000.
    :param global_default: pods that name no class get this one. Default ``False``.
    :param description: for people.
    :param preemption_policy: default: not set (``PREEMPT_LOWER_PRIORITY``).
    :param labels: labels of the PriorityClass, added to the chart's (these win). Default: none.
    :param annotations: annotations of the PriorityClass. Default: none.
    """

    KIND = "PriorityClass"
    API_VERSION = "scheduling.k8s.io/v1"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        value: int,
        global_default: bool = False,
        description: str | None = None,
        preemption_policy: PreemptionPolicy | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations)
        if isinstance(value, bool) or not isinstance(value, int):
            raise PodkitTypeError(self.path, f"value must be an int, got {value!r}")
        if not -_checks.INT32_MAX - 1 <= value <= _checks.INT32_MAX:
            raise PodkitError(self.path, f"value {value} does not fit an int32")
        self.value = value
        self.global_default = _checks.check_bool(self.path, "global_default", global_default)
        self.description = (
            _checks.check_str(self.path, "description", description) if description is not None else None
        )
        self.preemption_policy = _checks.check_optional_enum(
            "preemption_policy", preemption_policy, PreemptionPolicy
        )
        doc = {"metadata": {"name": self.name}, **self._render_body([])}
        raise_rule_problem(self.path, _rules._priority_class, doc, {})

    def _check(self, problems: list[Problem]) -> None:
        # the Priority admission plugin refuses a second global default (the first one created wins)
        if not self.global_default:
            return
        defaults = [p for p in app_objects(self, PriorityClass) if p.global_default]
        earlier = defaults[: next(i for i, p in enumerate(defaults) if p is self)]
        if earlier:
            problems.append(
                self._problem(
                    f"PriorityClass {self.name!r} is the global default, and so is {earlier[0].path!r}: the API "
                    f"server admits one global default, and refuses the other",
                    "pass global_default=True to one class only",
                )
            )

    def _metadata(self) -> dict[str, Any]:
        return {**super()._metadata(), "namespace": None}  # cluster-scoped

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {
            "value": self.value,
            "globalDefault": self.global_default or None,
            "description": self.description,
            "preemptionPolicy": self.preemption_policy.value if self.preemption_policy is not None else None,
        }
