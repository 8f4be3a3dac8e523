"""``PodDisruptionBudget``: how many of a workload's pods a voluntary disruption may take at once.

``kubectl drain``, node upgrades and the cluster autoscaler's scale-down evict pods through the
Eviction API, which honours budgets: with ``min_available=2`` a drain waits until evicting one
more pod would still leave two running. Build one from the workload, so the selector is the
workload's own and never retyped: ``web.disruption_budget(max_unavailable=1)``.

podkit refuses, at synth (replicas and autoscalers may change until then), the budgets that
**can never allow an eviction**: ``max_unavailable`` 0 or ``'0%'``, ``min_available`` at or
above the workload's replicas (a percentage is rounded up, as the disruption controller does:
50% of 1 replica is 1), or at or above an autoscaler's ``min_replicas`` (the autoscaler may
scale down to that). Such a budget blocks every ``kubectl drain`` of a node that runs one of its
pods, forever; pass ``allow_no_eviction=True`` if that is what you want (a singleton that
must never be moved without a human). A budget built from a raw ``selector`` must select the
pods of a workload of the app; one built from a ``target`` must be in the target's namespace
(the default). Where the budget or those pods have no namespace (kubectl's context or the GitOps
tool's destination decides it), they meet only if that is the other's namespace: a
``NamespaceReferenceWarning``, never an error.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from typing import Any

import constructs

from . import _checks
from ._app_objects import (
    DESTINATION_DECIDES,
    TARGET_NAMESPACE_FIX,
    app_objects,
    between,
    namespace_of,
    never_meet,
    objects_in_namespace,
    objects_met_by_destination,
    target_namespace,
    warn_namespace,
)
from ._resource import PodkitResource
from ._rules.meta import selector_matches
from ._workload import _Workload
from .errors import PodkitError, PodkitTypeError, Problem
from .scheduling import LabelSelector

__all__ = ["PodDisruptionBudget", "UnhealthyPodEvictionPolicy"]

_EVICTABLE = ("Deployment", "StatefulSet")


class UnhealthyPodEvictionPolicy(enum.Enum):
    """Whether pods that are running but not Ready may be evicted regardless of the budget."""

    #: only while the budget is met (Kubernetes' default): a broken rollout can block drains
    IF_HEALTHY_BUDGET = "IfHealthyBudget"
    #: always: not-Ready pods never block a drain (recommended by the Kubernetes docs)
    ALWAYS_ALLOW = "AlwaysAllow"


def _int_or_percent(path: str, what: str, value: object) -> int | str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PodkitTypeError(path, f"{what} must be an int or a percentage such as '50%', got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise PodkitError(
                path, f"{what} {value} is negative: use an int >= 0 or a percentage such as '50%'"
            )
        if value > _checks.INT32_MAX:
            raise PodkitError(
                path, f"{what} {value} is above {_checks.INT32_MAX}, the largest the API server reads"
            )
        return value
    if not _checks.PERCENT.match(value):
        hint = (
            f" (did you mean '{value.strip().rstrip('%').strip()}%'?)"
            if value.strip().rstrip("%").strip().isdigit()
            else ""
        )
        raise PodkitError(path, f"{what} {value!r} is not an int or a percentage such as '50%'{hint}")
    if int(value[:-1]) > 100:
        raise PodkitError(path, f"{what} {value!r} is above 100%: use at most '100%'")
    return value


class PodDisruptionBudget(PodkitResource):
    """A PodDisruptionBudget over a workload's pods.

    ``PodDisruptionBudget(chart, "web", target=web, max_unavailable=1)``, or
    ``web.disruption_budget(max_unavailable=1)``.

    :param target: the ``Deployment`` or ``StatefulSet`` whose pods it protects (its selector is
        the workload's). Give this or ``selector``.
    :param selector: a ``LabelSelector`` or labels, for pods podkit did not build; it must still
        select the pods of some workload of the app.
    :param min_available: pods that must stay available: an int or ``'N%'``.
    :param max_unavailable: pods that may be down at once: an int or ``'N%'``. Exactly one of
        the two (``max_unavailable`` keeps working when replicas change).
    :param unhealthy_pod_eviction_policy: default: not set (``IfHealthyBudget``).
    :param allow_no_eviction: accept a budget that can never allow an eviction. Default ``False``.
    :param name: Kubernetes name. Default: ``id``.
    :param namespace: default: the target's namespace, else the chart's. Another namespace than
        the target's fails at synth; one where the target has none (or none where it has one) warns.
    :param annotations: annotations of the PodDisruptionBudget. Default: none.
    """

    KIND = "PodDisruptionBudget"
    API_VERSION = "policy/v1"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        target: _Workload | None = None,
        selector: LabelSelector | Mapping[str, str] | None = None,
        min_available: int | str | None = None,
        max_unavailable: int | str | None = None,
        unhealthy_pod_eviction_policy: UnhealthyPodEvictionPolicy | None = None,
        allow_no_eviction: bool = False,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        namespace = target_namespace(namespace, target)
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        if (target is None) == (selector is None):
            raise PodkitError(
                self.path,
                "give exactly one of target= (the workload, whose selector the budget uses) and selector=",
            )
        if target is not None:
            if not isinstance(target, _Workload):
                raise PodkitTypeError(
                    self.path,
                    f"target must be a Deployment or StatefulSet (the object), got {type(target).__name__}",
                )
            if target.KIND not in _EVICTABLE:
                raise PodkitError(
                    self.path,
                    f"target {target.KIND} {target.path!r} is not protected by a budget: "
                    + (
                        "kubectl drain skips DaemonSet pods (--ignore-daemonsets) and they are recreated on the node"
                        if target.KIND == "DaemonSet"
                        else "a Job's pods run to completion; give the Job's pods a budget only if you must, with selector="
                    ),
                )
            self._in_my_chart(
                target,
                "target",
                "a budget selects pods of its own namespace",
                "create it in the chart of its target (or use target.disruption_budget(...))",
            )
        self.target = target
        if selector is not None and not isinstance(selector, LabelSelector):
            selector = LabelSelector(match_labels=_checks.labels(self.path, selector))
        self.selector = selector
        if (min_available is None) == (max_unavailable is None):
            raise PodkitError(
                self.path,
                "give exactly one of min_available= and max_unavailable= (an int or a percentage such as '50%'); "
                "max_unavailable=1 keeps working when the replicas change",
            )
        self.min_available = (
            _int_or_percent(self.path, "min_available", min_available) if min_available is not None else None
        )
        self.max_unavailable = (
            _int_or_percent(self.path, "max_unavailable", max_unavailable)
            if max_unavailable is not None
            else None
        )
        self.unhealthy_pod_eviction_policy = _checks.check_optional_enum(
            "unhealthy_pod_eviction_policy", unhealthy_pod_eviction_policy, UnhealthyPodEvictionPolicy
        )
        self.allow_no_eviction = _checks.check_bool(self.path, "allow_no_eviction", allow_no_eviction)
        if self.max_unavailable in (0, "0%") and not self.allow_no_eviction:
            raise PodkitError(
                self.path,
                self._blocks(f"max_unavailable={self.max_unavailable!r} allows no pod to be evicted"),
            )

    # -- what it protects ----------------------------------------------------------------
    def match_labels(self) -> dict[str, str]:
        """The labels the budget selects pods by."""
        if self.target is not None:
            return self.target.selector_labels
        assert self.selector is not None
        return self.selector.match_labels()

    def workloads(self) -> list[_Workload]:
        """The workloads of the app whose pods this budget selects."""
        if self.target is not None:
            return [self.target]
        assert self.selector is not None
        if self.selector.target is not None and isinstance(self.selector.target, _Workload):
            return [self.selector.target]
        selector = self.selector.render()
        return [
            w
            for w in objects_in_namespace(self, _Workload, namespace_of(self))
            if selector_matches(selector, w.pod_labels)
        ]

    def _who(self) -> str:
        names = [f"{w.KIND} {w.path!r}" for w in self.workloads()]
        return " and ".join(names) if names else f"the pods labelled {self.match_labels()}"

    def _blocks(self, why: str) -> str:
        return (
            f"{why}, so `kubectl drain` of any node running a pod of {self._who()} waits forever (node upgrades "
            f"and cluster-autoscaler scale-down are blocked too): use max_unavailable=1, lower min_available, or "
            f"pass allow_no_eviction=True if a human must move these pods"
        )

    def _check(self, problems: list[Problem]) -> None:
        # Two written namespaces that differ never meet. Where one side has none, kubectl's context
        # or the GitOps tool's destination decides it: the budget protects the pods if that is the
        # other side's namespace, so it is warned, at the line that created the budget, never refused.
        mine = namespace_of(self)
        target = self.target
        if target is not None:
            theirs = namespace_of(target)
            if never_meet(
                self,
                mine,
                theirs,
                **between("budget", f"target {target.KIND} {target.path!r}"),
                outcome="it protects the target's pods",
            ):
                problems.append(
                    self._problem(
                        f"the budget is in namespace {mine!r} and its target {target.KIND} "
                        f"{target.path!r} in {theirs!r}: a budget selects pods of its own "
                        f"namespace, so it protects nothing",
                        TARGET_NAMESPACE_FIX,
                    )
                )
                return
        workloads = self.workloads()
        if target is None and not workloads:
            self._check_selected_elsewhere(problems, mine)
        if self.allow_no_eviction or self.min_available is None:
            return
        from .autoscaling import HorizontalPodAutoscaler

        for w in workloads:
            replicas = getattr(w, "replicas", None)
            scalers = [h for h in app_objects(self, HorizontalPodAutoscaler) if h.target is w]
            if scalers:
                floor = min(h.effective_min_replicas for h in scalers)
                need = self._needed(floor)
                if need >= floor:
                    problems.append(
                        self._problem(
                            self._blocks(
                                f"min_available={self.min_available!r} is {need} pod(s), at or above the "
                                f"min_replicas {floor} of autoscaler {scalers[0].path!r}: when it scales {w.KIND} "
                                f"{w.path!r} down to {floor}, no pod may be evicted"
                            )
                        )
                    )
                continue
            count = replicas if replicas is not None else 1
            need = self._needed(count)
            if count > 0 and need >= count:
                shown = f"replicas={replicas}" if replicas is not None else "replicas not set (1)"
                problems.append(
                    self._problem(
                        self._blocks(
                            f"min_available={self.min_available!r} is {need} pod(s), and {w.KIND} {w.path!r} has "
                            f"{shown}: no pod may ever be evicted"
                        )
                    )
                )

    def _check_selected_elsewhere(self, problems: list[Problem], mine: str | None) -> None:
        """The selector matches no workload of the budget's namespace: warn if it matches some
        that meet the budget in the destination namespace (one side without a namespace), else
        refuse (the budget protects nothing)."""
        selector = self.selector.render() if self.selector is not None else {}
        meet = [
            w
            for w in objects_met_by_destination(self, _Workload, mine)
            if selector_matches(selector, w.pod_labels)
        ]
        if not meet:
            where = f" in namespace {mine!r}" if mine is not None else ""
            problems.append(
                self._problem(
                    f"selector {self.match_labels()} matches the pods of no workload of the app{where}: the "
                    f"budget protects nothing",
                    "build the budget from the workload (workload.disruption_budget(...)) or fix the labels",
                )
            )
            return
        labels = self.match_labels()
        if mine is not None:
            names = " and ".join(f"{w.KIND} {w.path!r}" for w in meet)
            warn_namespace(
                self,
                f"the budget is in namespace {mine!r} and its selector {labels} matches the pods of {names}, "
                f"without a namespace ({DESTINATION_DECIDES})",
                "it protects them",
                [mine],
            )
            return
        names = " and ".join(f"{w.KIND} {w.path!r} of namespace {namespace_of(w)!r}" for w in meet)
        warn_namespace(
            self,
            f"the budget has no namespace ({DESTINATION_DECIDES}) and its selector {labels} matches the pods of "
            f"{names}",
            "it protects them",
            sorted({n for w in meet if (n := namespace_of(w)) is not None}),
        )

    def _needed(self, replicas: int) -> int:
        value = self.min_available
        if isinstance(value, str):
            return math.ceil(
                replicas * int(value[:-1]) / 100
            )  # rounded up, as the disruption controller does
        return int(value or 0)

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        selector = (
            self.target._selector_spec() if self.target is not None else self.selector.render()  # type: ignore[union-attr]
        )
        return {
            "spec": {
                "selector": selector,
                "minAvailable": self.min_available,
                "maxUnavailable": self.max_unavailable,
                "unhealthyPodEvictionPolicy": self.unhealthy_pod_eviction_policy.value
                if self.unhealthy_pod_eviction_policy is not None
                else None,
            }
        }
