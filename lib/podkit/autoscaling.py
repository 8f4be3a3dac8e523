"""``HorizontalPodAutoscaler``: scale a Deployment or StatefulSet between a floor and a ceiling.

The autoscaler (``autoscaling/v2``) reads metrics every 15 s and sets the target's replicas.
podkit connects it to the workload **by object** and refuses, at the call, what makes an
autoscaler silently useless:

* a **utilization** target (``Metric.cpu_utilization(70)``) is a percentage *of the requests*:
  every container of the target needs a request for that resource, or the autoscaler reports
  ``FailedGetResourceMetric`` and never scales. The error names the container. (No metrics at
  all means Kubernetes' default, CPU at 80% utilization: the same rule applies.)
* a target with a fixed ``replicas`` fights the autoscaler: every ``kubectl apply`` of the
  manifest resets the count. It is refused unless you pass ``owns_replicas=True``: the autoscaler
  then owns the count, and **the target is written without ``replicas``** (its ``replicas`` is
  set to ``None`` here; setting it again later is a synth error).
* ``min_replicas`` <= ``max_replicas``, both >= 1 (scale to zero needs an alpha gate in 1.33).

And at synth, when the whole app is known: a second autoscaler of the same target (the
controller then scales neither: ``AmbiguousSelector``), an autoscaler in another namespace
than its target, and a ``Metric.object`` describing an object of another namespace (the
autoscaler looks it up in its own). Where one of the two has no namespace (kubectl's context or
the GitOps tool's destination decides it), they meet only if that is the other's: a
``NamespaceReferenceWarning``, never an error.

``behavior`` is typed: ``ScalingRules(policies=[ScalingPolicy.pods(4, per_seconds=60)],
stabilization_window_seconds=300)`` for ``scale_up``/``scale_down``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    target_namespace,
)
from ._resource import PodkitResource
from ._rules.autoscaling import MAX_PERIOD_SECONDS, MAX_STABILIZATION_WINDOW_SECONDS
from ._rules.quantity import quantity_value
from ._rules.registry import REGISTRY
from ._workload import _Workload
from .container import Container
from .errors import PodkitError, PodkitTypeError, Problem

__all__ = [
    "HorizontalPodAutoscaler",
    "Metric",
    "ScalingPolicy",
    "ScalingPolicyType",
    "ScalingRules",
    "SelectPolicy",
]

#: the controllers an autoscaler can scale (they have a ``scale`` subresource)
_SCALABLE = ("Deployment", "StatefulSet")


def _quantity(where: str, what: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PodkitTypeError(where, f"{what} must be a quantity such as '500m', 100 or '1k', got {value!r}")
    text = str(value)
    amount = quantity_value(text)
    if amount is None or amount <= 0:
        raise PodkitError(
            where, f"{what} {value!r} is not a positive quantity: use a value above 0 (e.g. '100m' or 10)"
        )
    return text


def _int(path: str, what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PodkitTypeError(path, f"{what} must be an int, got {type(value).__name__} {value!r}")
    if value > _checks.INT32_MAX:
        raise PodkitError(
            path, f"{what} {value} is above {_checks.INT32_MAX}, the largest the API server reads"
        )
    return value


def _percent(where: str, what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PodkitTypeError(
            where, f"{what} must be an int percentage (70 means 70% of the requests), got {value!r}"
        )
    if value < 1:
        raise PodkitError(where, f"{what} {value} is invalid: use a percentage of at least 1")
    return value


@dataclass(frozen=True)
class Metric:
    """One thing the autoscaler measures, and the value it keeps it at. Build with the factories:
    ``Metric.cpu_utilization(70)``, ``Metric.resource("memory", average_value="512Mi")``,
    ``Metric.container_resource(app, "cpu", utilization=60)``, ``Metric.pods(...)``,
    ``Metric.object(...)``, ``Metric.external(...)``.

    :param type: ``"Resource"``, ``"ContainerResource"``, ``"Pods"``, ``"Object"`` or
        ``"External"`` (the factories set it).
    :param name: the resource (``"cpu"``) or the custom metric's name.
    :param utilization: the target as a percent of the requests. Default: none.
    :param value: the target total value (a quantity). Default: none.
    :param average_value: the target value per pod (a quantity). Default: none. The factories
        take exactly one of ``utilization``, ``value`` and ``average_value``.
    :param container: the ``Container`` of a ``ContainerResource`` metric. Default: none.
    :param selector: labels narrowing a custom metric's series. Default: none.
    :param described: the podkit object an ``Object`` metric describes. Default: none.
    """

    type: str
    name: str
    utilization: int | None = None
    value: str | None = None
    average_value: str | None = None
    container: Container | None = None
    selector: Mapping[str, str] | None = None
    described: PodkitResource | None = None

    @staticmethod
    def cpu_utilization(percent: int) -> Metric:
        """Keep average CPU use at ``percent`` of the pods' CPU requests."""
        return Metric.resource("cpu", utilization=percent)

    @staticmethod
    def memory_utilization(percent: int) -> Metric:
        """Keep average memory use at ``percent`` of the pods' memory requests."""
        return Metric.resource("memory", utilization=percent)

    @staticmethod
    def resource(
        name: str, *, utilization: int | None = None, average_value: str | int | None = None
    ) -> Metric:
        """A resource of the whole pod (all containers summed): ``utilization`` (percent of the
        requests) or ``average_value`` (a quantity per pod), exactly one."""
        return Metric._resource("Resource", name, None, utilization, average_value)

    @staticmethod
    def container_resource(
        container: Container,
        name: str,
        *,
        utilization: int | None = None,
        average_value: str | int | None = None,
    ) -> Metric:
        """A resource of one container of the pods (the container object, not its name): scale on
        the app's CPU, not its sidecar's."""
        if not isinstance(container, Container):
            raise PodkitTypeError(
                "Metric.container_resource", f"container must be a Container, got {container!r}"
            )
        return Metric._resource("ContainerResource", name, container, utilization, average_value)

    @staticmethod
    def _resource(
        typ: str, name: str, container: Container | None, utilization: object, average_value: object
    ) -> Metric:
        where = f"Metric {name!r}"
        if name not in ("cpu", "memory", "ephemeral-storage"):
            raise PodkitError(where, f"resource {name!r} cannot be autoscaled on: use 'cpu' or 'memory'")
        if (utilization is None) == (average_value is None):
            raise PodkitError(
                where, "give exactly one of utilization= (percent of requests) and average_value="
            )
        return Metric(
            typ,
            name,
            utilization=_percent(where, "utilization", utilization) if utilization is not None else None,
            average_value=_quantity(where, "average_value", average_value)
            if average_value is not None
            else None,
            container=container,
        )

    @staticmethod
    def pods(name: str, *, average_value: str | int, selector: Mapping[str, str] | None = None) -> Metric:
        """A custom metric of each pod (``packets-per-second``), averaged over the pods."""
        where = f"Metric {name!r}"
        return Metric(
            "Pods",
            _metric_name(where, name),
            average_value=_quantity(where, "average_value", average_value),
            selector=_checks.labels(where, selector) if selector is not None else None,
        )

    @staticmethod
    def object(
        name: str,
        *,
        described: PodkitResource,
        value: str | int | None = None,
        average_value: str | int | None = None,
        selector: Mapping[str, str] | None = None,
    ) -> Metric:
        """A custom metric of one other object (``requests-per-second`` of an Ingress), by object:
        ``value`` (the total) or ``average_value`` (divided by the pods), exactly one."""
        where = f"Metric {name!r}"
        if not isinstance(described, PodkitResource):
            raise PodkitTypeError(
                where, f"described must be a podkit object (an Ingress, a Service ...), got {described!r}"
            )
        if (value is None) == (average_value is None):
            raise PodkitError(where, "give exactly one of value= and average_value=")
        return Metric(
            "Object",
            _metric_name(where, name),
            value=_quantity(where, "value", value) if value is not None else None,
            average_value=_quantity(where, "average_value", average_value)
            if average_value is not None
            else None,
            selector=_checks.labels(where, selector) if selector is not None else None,
            described=described,
        )

    @staticmethod
    def external(
        name: str,
        *,
        value: str | int | None = None,
        average_value: str | int | None = None,
        selector: Mapping[str, str] | None = None,
    ) -> Metric:
        """A metric from outside the cluster (a queue's length): ``value`` or ``average_value``."""
        where = f"Metric {name!r}"
        if (value is None) == (average_value is None):
            raise PodkitError(where, "give exactly one of value= and average_value= (per pod)")
        return Metric(
            "External",
            _metric_name(where, name),
            value=_quantity(where, "value", value) if value is not None else None,
            average_value=_quantity(where, "average_value", average_value)
            if average_value is not None
            else None,
            selector=_checks.labels(where, selector) if selector is not None else None,
        )

    def render(self) -> dict[str, Any]:
        target: dict[str, Any]
        if self.utilization is not None:
            target = {"type": "Utilization", "averageUtilization": self.utilization}
        elif self.value is not None:
            target = {"type": "Value", "value": self.value}
        else:
            target = {"type": "AverageValue", "averageValue": self.average_value}
        if self.type == "Resource":
            return {"type": "Resource", "resource": {"name": self.name, "target": target}}
        if self.type == "ContainerResource":
            assert self.container is not None
            return {
                "type": "ContainerResource",
                "containerResource": {"name": self.name, "container": self.container.name, "target": target},
            }
        metric = {
            "name": self.name,
            "selector": {"matchLabels": dict(self.selector)} if self.selector else None,
        }
        if self.type == "Object":
            assert self.described is not None
            ref = {
                "apiVersion": self.described.API_VERSION,
                "kind": self.described.KIND,
                "name": self.described.name,
            }
            return {"type": "Object", "object": {"describedObject": ref, "metric": metric, "target": target}}
        return {"type": self.type, self.type.lower(): {"metric": metric, "target": target}}


def _namespaced(obj: PodkitResource) -> bool:
    """Whether ``obj``'s kind lives in a namespace (the rules' registry knows the built-in kinds)."""
    rules = REGISTRY.get((obj.API_VERSION, obj.KIND))
    return rules.namespaced if rules is not None else True


def _metric_name(where: str, name: object) -> str:
    if not isinstance(name, str) or not name:
        raise PodkitTypeError(where, f"metric name must be a non-empty str, got {name!r}")
    if name in (".", "..") or "/" in name or "%" in name:
        raise PodkitError(where, f"metric name {name!r} cannot be used in a URL path: remove '/' and '%'")
    return name


class ScalingPolicyType(enum.Enum):
    """How a ScalingPolicy counts: whole pods or a percentage of the current replicas."""

    PODS = "Pods"
    PERCENT = "Percent"


class SelectPolicy(enum.Enum):
    """Which policy wins when several apply."""

    #: the one allowing the largest change (Kubernetes' default)
    MAX = "Max"
    #: the one allowing the smallest change
    MIN = "Min"
    #: never scale in this direction
    DISABLED = "Disabled"


@dataclass(frozen=True)
class ScalingPolicy:
    """At most ``value`` pods (or percent) of change per ``period_seconds`` (1 to 1800).

    :param type: a ``ScalingPolicyType``: ``value`` counts pods or percent of the replicas.
    :param value: the most change per period, at least 1.
    :param period_seconds: the period, 1 to 1800. Default: 60.
    """

    type: ScalingPolicyType
    value: int
    period_seconds: int = 60

    def __post_init__(self) -> None:
        where = "ScalingPolicy"
        _checks.check_enum("type", self.type, ScalingPolicyType)
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 1:
            raise PodkitError(where, f"value {self.value!r} is invalid: use an int of at least 1")
        p = self.period_seconds
        if isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= MAX_PERIOD_SECONDS:
            raise PodkitError(
                where, f"period_seconds {p!r} is out of range: use 1 to {MAX_PERIOD_SECONDS} (30 minutes)"
            )

    @staticmethod
    def pods(count: int, *, per_seconds: int = 60) -> ScalingPolicy:
        """Change by at most ``count`` pods per ``per_seconds``."""
        return ScalingPolicy(ScalingPolicyType.PODS, count, per_seconds)

    @staticmethod
    def percent(percent: int, *, per_seconds: int = 60) -> ScalingPolicy:
        """Change by at most ``percent`` % of the current replicas per ``per_seconds``."""
        return ScalingPolicy(ScalingPolicyType.PERCENT, percent, per_seconds)

    def render(self) -> dict[str, Any]:
        return {"type": self.type.value, "value": self.value, "periodSeconds": self.period_seconds}


@dataclass(frozen=True)
class ScalingRules:
    """How fast one direction scales.

    :param policies: the limits on change, at least one. Default: not written, so Kubernetes
        fills in its own (up: 100% or 4 pods per 15 s; down: 100% per 15 s), also for a
        ``SelectPolicy.DISABLED`` direction.
    :param select_policy: which policy wins. Default: not set (``Max``).
    :param stabilization_window_seconds: look back this long (0 to 3600) and use the most
        conservative recommendation, so a spike does not flap. Default: not set (up 0, down 300).
    """

    policies: Sequence[ScalingPolicy] | None = None
    select_policy: SelectPolicy | None = None
    stabilization_window_seconds: int | None = None

    def __post_init__(self) -> None:
        where = "ScalingRules"
        if self.policies is not None:
            if isinstance(self.policies, ScalingPolicy) or not _checks.is_list(self.policies):
                raise PodkitTypeError(where, f"policies takes a list of ScalingPolicy, got {self.policies!r}")
            for p in self.policies:
                if not isinstance(p, ScalingPolicy):
                    raise PodkitTypeError(where, f"policies takes ScalingPolicy objects, got {p!r}")
            # The API server fills in its policies only when the list is absent (v2
            # SetDefaults_HorizontalPodAutoscalerBehavior copies non-nil fields), then
            # validateScalingRules refuses an empty one, whatever the selectPolicy.
            if not self.policies:
                raise PodkitError(
                    where,
                    "policies is empty, and the API server refuses a direction without a policy: leave "
                    "policies out for Kubernetes' defaults, or give at least one ScalingPolicy (such as "
                    "ScalingPolicy.pods(4, per_seconds=60))",
                )
            object.__setattr__(self, "policies", tuple(self.policies))
        if self.select_policy is not None:
            _checks.check_enum("select_policy", self.select_policy, SelectPolicy)
        w = self.stabilization_window_seconds
        if w is not None and (
            isinstance(w, bool) or not isinstance(w, int) or not 0 <= w <= MAX_STABILIZATION_WINDOW_SECONDS
        ):
            raise PodkitError(
                where,
                f"stabilization_window_seconds {w!r} is out of range: use 0 to {MAX_STABILIZATION_WINDOW_SECONDS} (one hour)",
            )

    def render(self) -> dict[str, Any]:
        return {
            "policies": [p.render() for p in self.policies] if self.policies is not None else None,
            "selectPolicy": self.select_policy.value if self.select_policy is not None else None,
            "stabilizationWindowSeconds": self.stabilization_window_seconds,
        }


class HorizontalPodAutoscaler(PodkitResource):
    """Scale ``target`` between ``min_replicas`` and ``max_replicas`` on ``metrics``.

    ``HorizontalPodAutoscaler(chart, "web", target=web, max_replicas=10, metrics=[Metric.cpu_utilization(70)])``

    :param target: the ``Deployment`` or ``StatefulSet`` to scale (the object).
    :param max_replicas: the ceiling (>= 1, >= ``min_replicas``).
    :param min_replicas: the floor (>= 1). Default: not set (1).
    :param metrics: what to measure. Default: none written (Kubernetes' default: CPU at 80%
        utilization, which needs CPU requests on every container of the target).
    :param scale_up: ``ScalingRules`` for scaling up. Default: Kubernetes'.
    :param scale_down: ``ScalingRules`` for scaling down. Default: Kubernetes'.
    :param owns_replicas: let the autoscaler own a target that was given ``replicas``: the
        target is then written without ``replicas``. Default: ``False`` (such a target is refused).
    :param name: Kubernetes name. Default: ``id``.
    :param namespace: default: the target's namespace, else the chart's. Another namespace than
        the target's fails at synth; one where the target has none (or none where it has one) warns.
    :param labels: labels of the HorizontalPodAutoscaler, added to the chart's (these win). Default: none.
    :param annotations: annotations of the HorizontalPodAutoscaler. Default: none.
    """

    KIND = "HorizontalPodAutoscaler"
    API_VERSION = "autoscaling/v2"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        target: _Workload,
        max_replicas: int,
        min_replicas: int | None = None,
        metrics: Sequence[Metric] = (),
        scale_up: ScalingRules | None = None,
        scale_down: ScalingRules | None = None,
        owns_replicas: bool = False,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        namespace = target_namespace(namespace, target)
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        if not isinstance(target, _Workload) or target.KIND not in _SCALABLE:
            raise PodkitTypeError(
                self.path,
                f"target must be a Deployment or StatefulSet (the object), got {type(target).__name__}; "
                f"DaemonSets run one pod per node and Jobs run to completion: neither is scaled",
            )
        self._in_my_chart(
            target,
            "target",
            "an autoscaler scales objects of its own namespace",
            "create it in the chart of its target",
        )
        self.target = target
        self.max_replicas = _int(self.path, "max_replicas", max_replicas)
        self.min_replicas = (
            _int(self.path, "min_replicas", min_replicas) if min_replicas is not None else None
        )
        low = self.effective_min_replicas
        if low < 1:
            raise PodkitError(
                self.path,
                f"min_replicas {low} is invalid: use at least 1 (scaling to zero needs the HPAScaleToZero "
                f"feature gate, alpha and off in Kubernetes 1.33)",
            )
        if self.max_replicas < low:
            raise PodkitError(
                self.path,
                f"max_replicas {self.max_replicas} is below min_replicas {low}: raise max_replicas or lower min_replicas",
            )
        self.owns_replicas = _checks.check_bool(self.path, "owns_replicas", owns_replicas)
        replicas = getattr(target, "replicas", None)
        if replicas is not None:
            if not self.owns_replicas:
                raise PodkitError(
                    self.path,
                    f"target {target.KIND} {target.path!r} has replicas={replicas}, which the autoscaler would "
                    f"fight (every apply resets the count to {replicas}): remove replicas= from the "
                    f"{target.KIND}, or pass owns_replicas=True and podkit writes it without replicas",
                )
            #: what the target had before the autoscaler took its count over
            self.replaced_replicas: int | None = replicas
            target.replicas = None  # type: ignore[attr-defined]
        else:
            self.replaced_replicas = None
        for what, rules in (("scale_up", scale_up), ("scale_down", scale_down)):
            if rules is not None and not isinstance(rules, ScalingRules):
                raise PodkitTypeError(self.path, f"{what} must be ScalingRules(...), got {rules!r}")
        self.scale_up = scale_up
        self.scale_down = scale_down
        self._metrics: list[Metric] = []
        if isinstance(metrics, Metric) or not _checks.is_list(metrics):
            raise PodkitTypeError(
                self.path, f"metrics takes a list of Metric, got {metrics!r}: write [metric]"
            )
        for m in metrics:
            self.add_metric(m)

    @property
    def metrics(self) -> list[Metric]:
        return list(self._metrics)

    def add_metric(self, metric: Metric) -> Metric:
        """Scale on one more metric (the autoscaler follows the one asking for most replicas)."""
        if not isinstance(metric, Metric):
            raise PodkitTypeError(
                self.path, f"metrics must be Metric objects (Metric.cpu_utilization(70)), got {metric!r}"
            )
        if metric.container is not None and all(metric.container is not c for c in self._containers()):
            raise PodkitError(
                self.path,
                f"metric {metric.name!r} measures container {metric.container.name!r}, which is not a container "
                f"of {self.target.KIND} {self.target.path!r}: pass one of its containers",
            )
        self._raise_first(self._missing_requests(metric))
        self._metrics.append(metric)
        return metric

    def _raise_first(self, problems: list[str]) -> None:
        if problems:
            raise PodkitError(self.path, problems[0])

    def _containers(self) -> list[Container]:
        # what the autoscaler sums: regular containers and native sidecars, not run-once init containers
        t = self.target
        run_once = [c for c in t.init_containers if all(c is not n for n in t.native_sidecars)]
        return [c for c in t.containers if all(c is not r for r in run_once)]

    def _missing_requests(self, metric: Metric, *, default: bool = False) -> list[str]:
        """A utilization target is a percentage of requests: every measured container needs one."""
        if metric.utilization is None:
            return []
        measured = [metric.container] if metric.container is not None else self._containers()
        found = []
        for c in measured:
            assert c is not None
            rendered = c.resources.render(self.path) if c.resources is not None else None
            if metric.name not in ((rendered or {}).get("requests") or {}):
                what = (
                    "the default metric (CPU at 80% utilization, used when metrics= is empty)"
                    if default
                    else (f"metric {metric.name} at {metric.utilization}% utilization")
                )
                found.append(
                    f"{what} is a percentage of the {metric.name} request, and container {c.name!r} of "
                    f"{self.target.KIND} {self.target.path!r} has none, so the autoscaler cannot compute it: "
                    f"give it resources=Resources({metric.name.replace('-', '_')}_request=...), or use "
                    f"average_value="
                )
        return found

    def _check(self, problems: list[Problem]) -> None:
        # containers are values that may have changed since the autoscaler was built
        metrics = self._metrics or [Metric.cpu_utilization(80)]
        for metric in metrics:
            for message in self._missing_requests(metric, default=not self._metrics):
                problems.append(self._problem(message))
        replicas = getattr(self.target, "replicas", None)
        if replicas is not None:
            problems.append(
                self._problem(
                    f"target {self.target.KIND} {self.target.path!r} has replicas={replicas} again, but "
                    f"autoscaler {self.name!r} owns its count: leave the target's replicas unset",
                )
            )
        elif self.target._patches:
            # the escape hatch may write replicas back: read the target as it will be written
            patched = (self.target.render()[0].get("spec") or {}).get("replicas")
            if patched is not None:
                problems.append(
                    self._problem(
                        f"target {self.target.KIND} {self.target.path!r} is written with replicas={patched!r} by a "
                        f"patch, which autoscaler {self.name!r} would fight (every apply resets the count)",
                        "remove the patch of /spec/replicas: the autoscaler owns the count",
                    )
                )
        # two autoscalers of one target: the controller refuses both (AmbiguousSelector)
        others = [
            h for h in app_objects(self, HorizontalPodAutoscaler) if h.target is self.target and h is not self
        ]
        if others:
            problems.append(
                self._problem(
                    f"{self.target.KIND} {self.target.path!r} is the target of autoscaler {others[0].path!r} too: "
                    f"the autoscaler controller refuses to scale a target of two autoscalers (AmbiguousSelector), "
                    f"so neither scales it",
                    "give each workload one autoscaler, with all its metrics",
                )
            )
        # Two written namespaces that differ never meet. Where one side has none, kubectl's context
        # or the GitOps tool's destination decides it: the pair works if that is the other side's
        # namespace, so it is warned, at the line that created the autoscaler, and never refused.
        mine = namespace_of(self)
        for metric in self._metrics:
            described = metric.described
            if described is not None and _namespaced(described):
                self._check_described(problems, mine, metric.name, described)
        target = self.target
        theirs = namespace_of(target)
        if never_meet(
            self,
            mine,
            theirs,
            **between("autoscaler", f"target {target.KIND} {target.path!r}"),
            outcome="it scales the target",
        ):
            problems.append(
                self._problem(
                    f"the autoscaler is in namespace {mine!r} and its target in "
                    f"{theirs!r}: an autoscaler scales objects of its own namespace",
                    TARGET_NAMESPACE_FIX,
                )
            )

    def _check_described(
        self, problems: list[Problem], mine: str | None, metric: str, described: PodkitResource
    ) -> None:
        """An Object metric's object is looked up in the autoscaler's namespace."""
        theirs = namespace_of(described)
        if never_meet(
            self,
            mine,
            theirs,
            only_mine=lambda ns: (
                f"metric {metric!r} describes {described.KIND} {described.path!r}, which has no namespace "
                f"({DESTINATION_DECIDES}), and the autoscaler looks it up in its own namespace {ns!r}"
            ),
            only_theirs=lambda ns: (
                f"the autoscaler has no namespace ({DESTINATION_DECIDES}) and its metric {metric!r} "
                f"describes {described.KIND} {described.path!r} of namespace {ns!r}"
            ),
            outcome="it finds the object",
        ):
            problems.append(
                self._problem(
                    f"metric {metric!r} describes {described.KIND} {described.path!r} of namespace "
                    f"{theirs!r}, but the autoscaler looks the object up in its own "
                    f"namespace {mine!r}, where it is not",
                    "describe an object of the autoscaler's namespace",
                )
            )

    @property
    def effective_min_replicas(self) -> int:
        """``min_replicas``, or Kubernetes' default 1."""
        return self.min_replicas if self.min_replicas is not None else 1

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        behavior = {
            "scaleUp": self.scale_up.render() if self.scale_up is not None else None,
            "scaleDown": self.scale_down.render() if self.scale_down is not None else None,
        }
        return {
            "spec": {
                "scaleTargetRef": {
                    "apiVersion": self.target.API_VERSION,
                    "kind": self.target.KIND,
                    "name": self.target.name,
                },
                "minReplicas": self.min_replicas,
                "maxReplicas": self.max_replicas,
                "metrics": [m.render() for m in self._metrics] or None,
                "behavior": behavior if any(v is not None for v in behavior.values()) else None,
            }
        }
