"""autoscaling/v2: HorizontalPodAutoscaler (pkg/apis/autoscaling/validation, Kubernetes 1.33).

The API server applies the autoscaling/v2 defaults before it validates, so the rules read the
object as defaulted: ``minReplicas`` 1; no ``metrics`` means CPU at 80% utilization; a
``behavior`` direction left out, or a direction's ``policies``/``selectPolicy``/
``stabilizationWindowSeconds`` left out, takes the default rules (an explicitly *empty*
``policies`` list stays empty and is refused). ``HPAScaleToZero`` is alpha (off) in 1.33, so
``minReplicas`` must be at least 1; ``HPAContainerMetrics`` is GA.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import Report, as_dict, as_list, is_int, label, qualified, subdomain, upstream
from .meta import any_name, check_label_selector
from .quantity import quantity_of
from .registry import kind

__all__ = ["MAX_PERIOD_SECONDS", "MAX_STABILIZATION_WINDOW_SECONDS", "METRIC_TYPES"]

METRIC_TYPES = ("ContainerResource", "External", "Object", "Pods", "Resource")
_FIELD = {
    "Object": "object",
    "Pods": "pods",
    "Resource": "resource",
    "External": "external",
    "ContainerResource": "containerResource",
}
_TARGET_TYPES = ("Utilization", "Value", "AverageValue")
_SELECT_POLICIES = ("Disabled", "Max", "Min")
_POLICY_TYPES = ("Percent", "Pods")
MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600


@kind(
    "autoscaling/v2",
    "HorizontalPodAutoscaler",
    name_rule=subdomain,
    upstream="ValidateHorizontalPodAutoscaler",
)
def _hpa(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    minimum = spec.get("minReplicas", 1)  # v2 default
    maximum = spec.get("maxReplicas")
    if is_int(minimum) and minimum < 1:
        r.add(
            f"spec.minReplicas {minimum!r} is invalid: use an int of at least 1 (scaling to zero needs the "
            f"HPAScaleToZero feature gate, alpha and off in 1.33)"
        )
    if is_int(maximum):
        if maximum < 1:  # type: ignore[operator]
            r.add(f"spec.maxReplicas {maximum!r} is invalid: use an int of at least 1")
        elif is_int(minimum) and maximum < minimum:
            r.add(
                f"spec.maxReplicas {maximum!r} is below minReplicas {minimum!r}: maxReplicas must be "
                f"greater than or equal to minReplicas"
            )
    elif maximum is None:
        r.add("spec.maxReplicas is missing: set the most replicas the autoscaler may run")
    _reference(r, spec.get("scaleTargetRef"), "spec.scaleTargetRef")
    for i, metric in enumerate(as_list(spec.get("metrics"))):
        if isinstance(metric, dict):
            _metric(r, metric, f"spec.metrics[{i}]")
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        for direction in ("scaleUp", "scaleDown"):
            rules = behavior.get(direction)
            if isinstance(rules, dict):
                _scaling_rules(r, rules, f"spec.behavior.{direction}")


@upstream("ValidateCrossVersionObjectReference")
def _reference(r: Report, ref: object, where: str) -> None:
    ref = as_dict(ref)
    for key in ("kind", "name"):
        value = ref.get(key)
        if not isinstance(value, str) or not value:
            r.add(f"{where}.{key} is missing: name the {'kind' if key == 'kind' else 'object'} to scale")
        else:
            r.add(any_name(f"{where}.{key}", value))


@upstream("validateMetricSpec")
def _metric(r: Report, metric: Mapping[str, Any], where: str) -> None:
    typ = metric.get("type")
    present = [key for key in _FIELD.values() if metric.get(key) is not None]
    if typ is None or typ == "":
        r.add(f"{where}.type is missing: use one of {', '.join(METRIC_TYPES)}")
    elif typ not in _FIELD:
        r.add(f"{where}.type {typ!r} is not supported: use one of {', '.join(METRIC_TYPES)}")
    expected = _FIELD.get(typ) if isinstance(typ, str) else None
    if expected is not None and metric.get(expected) is None:
        r.add(f"{where}.{expected} is missing: a metric of type {typ} must populate {expected}")
    for key in present:
        if expected is not None and key != expected:
            r.add(
                f"{where}.{key} is set, but the metric's type is {typ}: remove {key} (one source per metric)"
            )
    # the source that is checked: the first present one, as upstream does
    if not present:
        return
    first = present[0]
    source = as_dict(metric.get(first))
    at = f"{where}.{first}"
    if first in ("object", "pods", "external"):
        _identifier(r, source.get("metric"), f"{at}.metric")
    if first == "object":
        _reference(r, source.get("describedObject"), f"{at}.describedObject")
    target = as_dict(source.get("target"))
    _target(r, source.get("target"), f"{at}.target")
    value, average, utilization = (
        target.get("value"),
        target.get("averageValue"),
        target.get("averageUtilization"),
    )
    if first == "object" and value is None and average is None:
        r.add(f"{at}.target.averageValue is missing: an object metric needs a target value or averageValue")
    elif first == "external":
        if value is None and average is None:
            r.add(
                f"{at}.target.averageValue is missing: an external metric needs a target value or a per-pod averageValue"
            )
        elif value is not None and average is not None:
            r.add(
                f"{at}.target.value is set with averageValue: set a target value or a per-pod averageValue, not both"
            )
    elif first == "pods" and average is None:
        r.add(f"{at}.target.averageValue is missing: a pods metric needs a positive per-pod averageValue")
    elif first in ("resource", "containerResource"):
        name = source.get("name")
        if not isinstance(name, str) or not name:
            r.add(f"{at}.name is missing: name the resource (cpu or memory)")
        elif first == "containerResource":
            r.add(_container_resource_name(f"{at}.name", name))
        if first == "containerResource":
            container = source.get("container")
            if not isinstance(container, str) or not container:
                r.add(f"{at}.container is missing: name the container whose usage is measured")
            else:
                r.add(label(f"{at}.container", container))
        if utilization is None and average is None:
            r.add(
                f"{at}.target.averageUtilization is missing: set a target averageUtilization or averageValue"
            )
        elif utilization is not None and average is not None:
            r.add(f"{at}.target.averageValue is set with averageUtilization: set one of them, not both")
    if first == "external" and source.get("metric") is not None:
        selector = as_dict(source.get("metric")).get("selector")
        if selector is not None:
            check_label_selector(r, selector, f"{at}.metric.selector")


def _container_resource_name(where: str, name: str) -> str | None:
    """``ValidateContainerResourceName``: a qualified name; without a domain, a container
    resource (cpu, memory, ephemeral-storage, hugepages-<size>)."""
    error = qualified(where, name)
    if error is not None or "/" in name:
        return error
    if name in ("cpu", "memory", "ephemeral-storage") or name.startswith("hugepages-"):
        return None
    return f"{where} {name!r} is not a container resource: use cpu, memory, or a 'domain/name' resource"


def _identifier(r: Report, identifier: object, where: str) -> None:
    name = as_dict(identifier).get("name")
    if not isinstance(name, str) or not name:
        r.add(f"{where}.name is missing: name the metric")
    else:
        r.add(any_name(f"{where}.name", name))


@upstream("validateMetricTarget")
def _target(r: Report, target: object, where: str) -> None:
    target = as_dict(target)
    typ = target.get("type")
    if typ is None or typ == "":
        r.add(f"{where}.type is missing: use one of {', '.join(_TARGET_TYPES)}")
    elif typ not in _TARGET_TYPES:
        r.add(f"{where}.type {typ!r} is not supported: use one of {', '.join(_TARGET_TYPES)}")
    for key in ("value", "averageValue"):
        raw = target.get(key)
        if raw is None:
            continue
        amount = quantity_of(raw)
        if amount is None or amount <= 0:
            r.add(
                f"{where}.{key} {raw!r} is not a positive quantity: use a value above 0 (e.g. '100m' or 10)"
            )
    utilization = target.get("averageUtilization")
    if is_int(utilization) and utilization < 1:  # type: ignore[operator]
        r.add(f"{where}.averageUtilization {utilization!r} is invalid: use a percentage of at least 1")


@upstream("validateScalingRules")
def _scaling_rules(r: Report, rules: Mapping[str, Any], where: str) -> None:
    window = rules.get("stabilizationWindowSeconds")
    if is_int(window) and not 0 <= window <= MAX_STABILIZATION_WINDOW_SECONDS:  # type: ignore[operator]
        r.add(
            f"{where}.stabilizationWindowSeconds {window!r} is out of range: use 0 to "
            f"{MAX_STABILIZATION_WINDOW_SECONDS} (one hour)"
        )
    select = rules.get("selectPolicy")
    if select is not None and select not in _SELECT_POLICIES:
        r.add(f"{where}.selectPolicy {select!r} is not supported: use one of {', '.join(_SELECT_POLICIES)}")
    policies = rules.get("policies")
    if isinstance(policies, list) and not policies:
        r.add(f"{where}.policies is empty: give at least one policy, or leave policies out for the defaults")
    for i, policy in enumerate(as_list(policies)):
        policy = as_dict(policy)
        at = f"{where}.policies[{i}]"
        typ = policy.get("type")
        if typ not in _POLICY_TYPES:
            r.add(f"{at}.type {typ!r} is not supported: use one of {', '.join(_POLICY_TYPES)}")
        value = policy.get("value")
        if is_int(value) and value <= 0:  # type: ignore[operator]
            r.add(f"{at}.value {value!r} is invalid: use an int of at least 1")
        period = policy.get("periodSeconds")
        if is_int(period) and not 0 < period <= MAX_PERIOD_SECONDS:  # type: ignore[operator]
            r.add(
                f"{at}.periodSeconds {period!r} is out of range: use 1 to {MAX_PERIOD_SECONDS} (30 minutes)"
            )
