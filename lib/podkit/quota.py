"""``ResourceQuota`` and ``LimitRange``: a namespace's budget, and its per-container bounds.

A quota caps what a namespace may use in total (``requests.cpu: 4``, ``pods: 20``); a limit
range bounds each container (max/min) and fills in requests and limits a container leaves out
(``default``, ``default_request``). Both are enforced by admission when pods are *created*, so
a mistake shows only as a ReplicaSet that never gets pods. podkit checks them at synth against
the pods of their namespace in the same app (every podkit pod and workload written to that
namespace):

* a quota on ``requests.*``/``limits.*`` (or ``cpu``/``memory``) makes every container state
  that resource, unless a LimitRange of the namespace gives a default (its ``default``, or its
  ``max``/``min``, which the API server turns into defaults): a container without it is named
  (quota admission would refuse its pods: ``must specify limits.cpu``). Quotas with ``scopes``
  only count some pods and are not checked this way.
* a container whose request or limit is above a LimitRange ``max`` or below its ``min`` is
  named (LimitRange admission would refuse its pods).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import constructs

from . import _checks
from ._app_objects import namespace_of, objects_in_namespace, raise_rule_problem
from ._pod import AbstractPod
from ._resource import PodkitResource, mapping_arg
from ._rules.core import quota as _rules
from ._rules.quantity import quantity_of
from .container import Container
from .errors import PodkitError, PodkitTypeError, Problem

__all__ = ["LimitRange", "LimitRangeItem", "LimitType", "QuotaScope", "ResourceQuota"]


class QuotaScope(enum.Enum):
    """Which pods a quota counts."""

    TERMINATING = "Terminating"
    NOT_TERMINATING = "NotTerminating"
    BEST_EFFORT = "BestEffort"
    NOT_BEST_EFFORT = "NotBestEffort"
    PRIORITY_CLASS = "PriorityClass"
    CROSS_NAMESPACE_POD_AFFINITY = "CrossNamespacePodAffinity"


def _amounts(path: str, what: str, value: object) -> dict[str, str]:
    out = {}
    for k, v in mapping_arg(path, what, value).items():
        if not isinstance(k, str):
            raise PodkitTypeError(path, f"{what} keys must be resource names (str), got {k!r}")
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise PodkitTypeError(path, f"{what}[{k!r}] must be a quantity such as '4' or '8Gi', got {v!r}")
        if quantity_of(v) is None:
            raise PodkitError(
                path, f"{what}[{k!r}] {v!r} is not a Kubernetes quantity (such as '500m', '8Gi' or 20)"
            )
        out[k] = str(v)
    return out


def _containers(pod: AbstractPod) -> Iterator[Container]:
    yield from pod.containers  # init containers included: admission checks them too


def _resources(c: Container, path: str) -> dict[str, dict[str, str]]:
    rendered = c.resources.render(path) if c.resources is not None else None
    return {k: dict((rendered or {}).get(k) or {}) for k in ("requests", "limits")}


def _where(obj: PodkitResource) -> str:
    namespace = namespace_of(obj)
    return f"namespace {namespace!r}" if namespace else "its namespace (the kubectl context's)"


class ResourceQuota(PodkitResource):
    """Caps on what one namespace may use in total.

    ``ResourceQuota(chart, "quota", hard={"requests.cpu": "4", "limits.memory": "16Gi", "pods": 20})``

    :param hard: resource -> cap: compute (``requests.cpu``, ``limits.memory``, ``cpu`` =
        ``requests.cpu``), storage (``requests.storage``, ``persistentvolumeclaims``), object
        counts (``pods``, ``services``, ``count/deployments.apps``). Checked with the API
        server's rules at the call.
    :param scopes: count only the pods of these ``QuotaScope`` s. Default: every pod.
    :param namespace: default: the chart's.
    :param labels: labels of the ResourceQuota, added to the chart's (these win). Default: none.
    :param annotations: annotations of the ResourceQuota. Default: none.
    :param name: Kubernetes name. Default: ``id``.
    """

    KIND = "ResourceQuota"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        hard: Mapping[str, str | int],
        scopes: Sequence[QuotaScope] = (),
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        self.hard = _amounts(self.path, "hard", hard)
        if not self.hard:
            raise PodkitError(
                self.path, "hard is empty: a quota caps at least one resource, such as {'pods': 20}"
            )
        if isinstance(scopes, QuotaScope) or not _checks.is_list(scopes):
            raise PodkitTypeError(self.path, f"scopes takes a list of QuotaScope, got {scopes!r}")
        self.scopes = tuple(_checks.check_enum("scope", s, QuotaScope) for s in scopes)
        spec = self._spec()
        raise_rule_problem(self.path, _rules._resource_quota, {"spec": spec}, spec)

    def _spec(self) -> dict[str, Any]:
        return {"hard": dict(self.hard), "scopes": [s.value for s in self.scopes] or None}

    def _check(self, problems: list[Problem]) -> None:
        if self.scopes:
            return
        tracked = []
        for key in self.hard:
            kind, _, resource = (
                key.rpartition(".") if key.startswith(("requests.", "limits.")) else ("requests", "", key)
            )
            if resource in ("cpu", "memory", "ephemeral-storage"):
                tracked.append((key, kind, resource))
        if not tracked:
            return
        defaults = _limit_defaults(self)
        for pod in objects_in_namespace(self, AbstractPod, namespace_of(self)):
            for c in _containers(pod):
                res = _resources(c, pod.path)
                for key, kind, resource in tracked:
                    has = resource in res[kind] or (kind == "requests" and resource in res["limits"])
                    if not has and resource not in defaults[kind]:
                        problems.append(
                            self._problem(
                                f"quota {self.name!r} caps {key}, so every container in {_where(self)} must state its {resource} {kind[:-1]}; container "
                                f"{c.name!r} of {pod.KIND} {pod.path!r} does not, and its pods would be refused "
                                f"(must specify {key})",
                                f"give it resources=Resources({resource.replace('-', '_')}_{kind[:-1]}=...), or add a "
                                f"LimitRange with a default for the namespace",
                            )
                        )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {"spec": self._spec()}


class LimitType(enum.Enum):
    """What a LimitRange item bounds."""

    CONTAINER = "Container"
    POD = "Pod"
    PERSISTENT_VOLUME_CLAIM = "PersistentVolumeClaim"


@dataclass(frozen=True)
class LimitRangeItem:
    """Bounds of one kind of thing; build with :meth:`container`, :meth:`pod` or :meth:`claim`.
    Maps are resource -> quantity (``{"cpu": "2", "memory": "4Gi"}``).

    :param type: what the bounds apply to, a ``LimitType`` (the factories set it).
    :param max: the most one may use or ask for. Default: no bound.
    :param min: the least one must ask for. Default: no bound.
    :param default: the limit a container that states none gets (containers only). Default:
        none (Kubernetes then uses ``max``).
    :param default_request: the request a container that states none gets (containers only).
        Default: none (Kubernetes then uses ``default``, else ``max``).
    :param max_limit_request_ratio: the highest limit / request ratio. Default: no bound.
    """

    type: LimitType
    max: Mapping[str, str] = field(default_factory=dict)
    min: Mapping[str, str] = field(default_factory=dict)
    default: Mapping[str, str] = field(default_factory=dict)
    default_request: Mapping[str, str] = field(default_factory=dict)
    max_limit_request_ratio: Mapping[str, str] = field(default_factory=dict)

    @staticmethod
    def container(
        *,
        max: Mapping[str, str | int] | None = None,
        min: Mapping[str, str | int] | None = None,
        default: Mapping[str, str | int] | None = None,
        default_request: Mapping[str, str | int] | None = None,
        max_limit_request_ratio: Mapping[str, str | int] | None = None,
    ) -> LimitRangeItem:
        """Per container: bounds, and the ``default`` limit / ``default_request`` a container
        that states none gets."""
        w = "LimitRangeItem.container"
        return LimitRangeItem(
            LimitType.CONTAINER,
            _amounts(w, "max", max),
            _amounts(w, "min", min),
            _amounts(w, "default", default),
            _amounts(w, "default_request", default_request),
            _amounts(w, "max_limit_request_ratio", max_limit_request_ratio),
        )

    @staticmethod
    def pod(
        *,
        max: Mapping[str, str | int] | None = None,
        min: Mapping[str, str | int] | None = None,
        max_limit_request_ratio: Mapping[str, str | int] | None = None,
    ) -> LimitRangeItem:
        """Per pod (all containers summed): bounds only."""
        w = "LimitRangeItem.pod"
        return LimitRangeItem(
            LimitType.POD,
            _amounts(w, "max", max),
            _amounts(w, "min", min),
            max_limit_request_ratio=_amounts(w, "max_limit_request_ratio", max_limit_request_ratio),
        )

    @staticmethod
    def claim(*, max: str | None = None, min: str | None = None) -> LimitRangeItem:
        """Per PersistentVolumeClaim: the storage it may request (at least one bound)."""
        w = "LimitRangeItem.claim"
        if max is None and min is None:
            raise PodkitError(w, "give max= or min= (the storage a claim may request, such as '100Gi')")
        return LimitRangeItem(
            LimitType.PERSISTENT_VOLUME_CLAIM,
            _amounts(w, "max", {"storage": max} if max is not None else None),
            _amounts(w, "min", {"storage": min} if min is not None else None),
        )

    def render(self) -> dict[str, Any]:
        return {
            "type": self.type.value,
            "max": dict(self.max) or None,
            "min": dict(self.min) or None,
            "default": dict(self.default) or None,
            "defaultRequest": dict(self.default_request) or None,
            "maxLimitRequestRatio": dict(self.max_limit_request_ratio) or None,
        }


class LimitRange(PodkitResource):
    """Per-container (and per-pod, per-claim) bounds and defaults of one namespace.

    ``LimitRange(chart, "limits", limits=[LimitRangeItem.container(max={"cpu": "2"}, default={"cpu": "500m"})])``

    :param limits: one ``LimitRangeItem`` per type. Checked with the API server's rules at the call.
    :param namespace: default: the chart's.
    :param labels: labels of the LimitRange, added to the chart's (these win). Default: none.
    :param annotations: annotations of the LimitRange. Default: none.
    :param name: Kubernetes name. Default: ``id``.
    """

    KIND = "LimitRange"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        limits: Sequence[LimitRangeItem],
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        if isinstance(limits, LimitRangeItem) or not _checks.is_list(limits):
            raise PodkitTypeError(
                self.path, f"limits takes a list of LimitRangeItem, got {limits!r}: write [item]"
            )
        self.limits = tuple(limits)
        for item in self.limits:
            if not isinstance(item, LimitRangeItem):
                raise PodkitTypeError(self.path, f"limits takes LimitRangeItem objects, got {item!r}")
        if not self.limits:
            raise PodkitError(self.path, "limits is empty: give at least one LimitRangeItem")
        spec = self._spec()
        raise_rule_problem(self.path, _rules._limit_range, {"spec": spec}, spec)

    def _spec(self) -> dict[str, Any]:
        return {"limits": [_checks.jsonable(i.render()) for i in self.limits]}

    def _check(self, problems: list[Problem]) -> None:
        items = [i for i in self.limits if i.type is LimitType.CONTAINER]
        for pod in objects_in_namespace(self, AbstractPod, namespace_of(self)):
            for c in _containers(pod):
                res = _resources(c, pod.path)
                for item in items:
                    for kind, amounts in res.items():
                        for resource, text in amounts.items():
                            problems.extend(self._bounds(item, pod, c, kind, resource, text))

    def _bounds(
        self, item: LimitRangeItem, pod: AbstractPod, c: Container, kind: str, resource: str, text: str
    ) -> list[Problem]:
        value = quantity_of(text)
        found = []
        for bound, limit in (("max", item.max.get(resource)), ("min", item.min.get(resource))):
            if limit is None or value is None:
                continue
            other = quantity_of(limit) or Decimal(0)
            if (bound == "max" and value > other) or (bound == "min" and value < other):
                above = "above" if bound == "max" else "below"
                found.append(
                    self._problem(
                        f"container {c.name!r} of {pod.KIND} {pod.path!r} has {resource} {kind[:-1]} {text!r}, "
                        f"{above} the {bound} {limit!r} of LimitRange {self.name!r} in {_where(self)}: its pods would be refused",
                        f"{'lower' if bound == 'max' else 'raise'} the {kind[:-1]}, or change the LimitRange",
                    )
                )
        return found

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {"spec": self._spec()}


def _limit_defaults(quota: ResourceQuota) -> dict[str, set[str]]:
    """The resources a LimitRange of the quota's namespace fills in, as the API server defaults
    a Container item (``SetDefaults_LimitRangeItem``): the default limit is ``default``, else
    ``max``; the default request is ``default_request``, else the default limit, else ``min``."""
    out: dict[str, set[str]] = {"requests": set(), "limits": set()}
    for lr in objects_in_namespace(quota, LimitRange, namespace_of(quota)):
        for item in lr.limits:
            if item.type is LimitType.CONTAINER:
                out["limits"].update(item.default, item.max)
                out["requests"].update(item.default_request, item.default, item.max, item.min)
    return out
