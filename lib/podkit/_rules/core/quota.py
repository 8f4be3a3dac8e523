"""ResourceQuota and LimitRange (core validation: ValidateResourceQuota, ValidateLimitRange;
Kubernetes 1.33).

ResourceQuota: each ``spec.hard`` name is a qualified name; one without a domain must be a
standard resource (``validateResourceName``) and a standard quota resource
(``IsStandardQuotaResourceName``: pods, services, cpu, requests.memory, hugepages, ...; a
``count/<resource>.<group>`` or ``requests.<domain>/<name>`` has a domain and passes); each
amount is >= 0, and a whole number for counted resources and extended resources. ``scopes``
are standard, fit the resources (a BestEffort quota can only count pods), and do not conflict
(BestEffort with NotBestEffort, Terminating with NotTerminating); ``scopeSelector`` expressions
use a standard scope, an operator that fits it (Exists for the scopes without values), and
fit the resources and each other as ``scopes`` do. The ``VolumeAttributesClass`` scope needs a
feature gate that is off in 1.33.

LimitRange: each type is Pod, Container or PersistentVolumeClaim (or domain-qualified), at most
once; a Pod limit has no default/defaultRequest; a PVC limit has a storage min or max; for every
resource min <= defaultRequest <= default <= max, min <= max, maxLimitRequestRatio >= 1 and at
most max/min, and default == defaultRequest for resources that cannot be overcommitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .._base import Report, as_dict, as_list, qualified, subdomain, upstream
from ..quantity import quantity_hint, quantity_of
from ..registry import kind

__all__ = ["QUOTA_SCOPES", "STANDARD_QUOTA_RESOURCES"]

STANDARD_QUOTA_RESOURCES = frozenset(
    {
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.storage",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "persistentvolumeclaims",
        "configmaps",
        "services.nodeports",
        "services.loadbalancers",
    }
)
_STANDARD_RESOURCES = STANDARD_QUOTA_RESOURCES | {"storage"}
_INTEGER_RESOURCES = frozenset(
    {
        "pods",
        "services",
        "replicationcontrollers",
        "resourcequotas",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "services.nodeports",
        "services.loadbalancers",
    }
)
QUOTA_SCOPES = (
    "BestEffort",
    "CrossNamespacePodAffinity",
    "NotBestEffort",
    "NotTerminating",
    "PriorityClass",
    "Terminating",
)
_POD_COMPUTE = frozenset({"cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu", "requests.memory"})
_EXISTS_ONLY = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "CrossNamespacePodAffinity")
_LIMIT_TYPES = ("Container", "PersistentVolumeClaim", "Pod")


_HUGEPAGES = ("hugepages-", "requests.hugepages-")


def _is_hugepages(name: str) -> bool:
    return name.startswith(_HUGEPAGES)


def _is_extended(name: str) -> bool:
    return "/" in name and "kubernetes.io/" not in name


def _resource_name(r: Report, name: str, where: str, *, quota: bool) -> bool:
    error = qualified(where, name)
    if error is not None:
        r.add(error)
        return False
    if "/" in name:
        return True
    if name not in _STANDARD_RESOURCES and not _is_hugepages(name):
        r.add(
            f"{where} {name!r} is not a standard resource: use a standard name (cpu, memory, pods, ...) or a fully qualified 'domain/name'"
        )
        return False
    if quota and name not in STANDARD_QUOTA_RESOURCES and not _is_hugepages(name):
        r.add(
            f"{where} {name!r} is not a standard resource for quota: use requests.storage, or count objects with 'count/<resource>'"
        )
        return False
    return True


def _amount(r: Report, value: object, where: str) -> Decimal | None:
    """The quantity at ``where``; a string that is none is reported (the schema takes any
    int-or-string, the API server cannot decode it); other types are the schema's to name."""
    amount = quantity_of(value)
    if amount is None and isinstance(value, str):
        r.add(f"{where} {value!r} is not a Kubernetes quantity; {quantity_hint(value)}")
    return amount


@kind("v1", "ResourceQuota", name_rule=subdomain, upstream="ValidateResourceQuota")
def _resource_quota(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    hard = as_dict(spec.get("hard"))
    for name, value in hard.items():
        where = f"spec.hard[{name!r}]"
        if not isinstance(name, str) or not _resource_name(r, name, where, quota=True):
            continue
        amount = _amount(r, value, where)
        if amount is None:
            continue
        if amount < 0:
            r.add(f"{where} {value!r} is negative: a quota is >= 0")
        elif (
            name in _INTEGER_RESOURCES or name.startswith("count/") or _is_extended(name)
        ) and amount != amount.to_integral_value():
            r.add(f"{where} {value!r} is not a whole number: {name} is counted")
    names = [k for k in hard if isinstance(k, str)]
    _scopes(r, spec, names)
    _scope_selector(r, spec.get("scopeSelector"), names)


def _scope_fits(r: Report, scope: str, hard: list[str], where: str) -> None:
    """``IsResourceQuotaScopeValidForResource`` for every standard quota resource (hugepages
    included) of ``hard``."""
    allowed = {"pods"} if scope == "BestEffort" else {"pods"} | _POD_COMPUTE
    for name in hard:
        standard = name in STANDARD_QUOTA_RESOURCES or name.startswith(_HUGEPAGES)
        if standard and name not in allowed:
            r.add(
                f"{where} {scope!r} does not apply to resource {name!r}: a {scope} quota can only limit "
                f"{', '.join(sorted(allowed))}"
            )


def _no_conflict(r: Report, scopes: list[str], where: str) -> None:
    for pair in (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating")):
        if all(p in scopes for p in pair):
            r.add(f"{where} {scopes!r} has conflicting scopes {pair[0]} and {pair[1]}: keep one", field=where)


@upstream("validateResourceQuotaScopes")
def _scopes(r: Report, spec: Mapping[str, Any], hard: list[str]) -> None:
    scopes = [s for s in as_list(spec.get("scopes")) if isinstance(s, str)]
    for i, scope in enumerate(scopes):
        where = f"spec.scopes[{i}]"
        if scope not in QUOTA_SCOPES:
            r.add(f"{where} {scope!r} is not a supported scope: use one of {', '.join(QUOTA_SCOPES)}")
            continue
        _scope_fits(r, scope, hard, where)
    _no_conflict(r, scopes, "spec.scopes")


@upstream("validateScopedResourceSelectorRequirement")
def _scope_selector(r: Report, selector: object, hard: list[str]) -> None:
    scopes = []
    for i, expr in enumerate(as_list(as_dict(selector).get("matchExpressions"))):
        expr = as_dict(expr)
        at = f"spec.scopeSelector.matchExpressions[{i}]"
        scope, op, values = expr.get("scopeName"), expr.get("operator"), as_list(expr.get("values"))
        if scope not in QUOTA_SCOPES:
            r.add(f"{at}.scopeName {scope!r} is not a supported scope: use one of {', '.join(QUOTA_SCOPES)}")
        else:
            _scope_fits(r, scope, hard, f"{at}.scopeName")
            scopes.append(scope)
        if scope in _EXISTS_ONLY and op != "Exists":
            r.add(f"{at}.operator {op!r} does not fit scope {scope}: use Exists")
        if op in ("In", "NotIn"):
            if not values:
                r.add(f"{at}.values is empty: operator {op} needs at least one value")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                r.add(f"{at}.values must be empty for operator {op}: remove them")
        else:
            r.add(f"{at}.operator {op!r} is not supported: use In, NotIn, Exists or DoesNotExist")
    _no_conflict(r, scopes, "spec.scopeSelector.matchExpressions")


@kind("v1", "LimitRange", name_rule=subdomain, upstream="ValidateLimitRange")
def _limit_range(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    seen: set[str] = set()
    for i, limit in enumerate(as_list(spec.get("limits"))):
        limit = as_dict(limit)
        at = f"spec.limits[{i}]"
        typ = limit.get("type")
        if isinstance(typ, str):
            error = qualified(f"{at}.type", typ)
            if error is not None:
                r.add(error)
            elif "/" not in typ and typ not in _LIMIT_TYPES:
                r.add(f"{at}.type {typ!r} is not a standard limit type: use one of {', '.join(_LIMIT_TYPES)}")
            if typ in seen:
                r.add(f"{at}.type {typ!r} is listed twice: merge the two limits")
            seen.add(typ)
        values: dict[str, dict[str, Decimal]] = {}
        raw: dict[str, Mapping[str, Any]] = {}
        for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
            raw[key] = as_dict(limit.get(key))
            if typ == "Pod" and key in ("default", "defaultRequest"):
                if raw[key]:
                    r.add(
                        f"{at}.{key} may not be set for type Pod: defaults apply per container, use type Container"
                    )
                raw[key] = {}
            values[key] = {}
            for name, value in raw[key].items():
                if not isinstance(name, str) or not _resource_name(
                    r, name, f"{at}.{key}[{name!r}]", quota=False
                ):
                    continue
                amount = _amount(r, value, f"{at}.{key}[{name!r}]")
                if amount is not None:
                    values[key][name] = amount
        if typ == "PersistentVolumeClaim" and "storage" not in raw["min"] and "storage" not in raw["max"]:
            r.add(
                f"{at}.limits is missing a storage min or max: a PersistentVolumeClaim limit needs one",
                field=f"{at}.limits",
            )
        names = {n for v in values.values() for n in v}
        for name in sorted(names):
            low, high = values["min"].get(name), values["max"].get(name)
            default, request = values["default"].get(name), values["defaultRequest"].get(name)
            ratio = values["maxLimitRequestRatio"].get(name)

            def show(key: str) -> str:
                return repr(raw[key][name])  # noqa: B023 - used at once

            if low is not None and high is not None and low > high:
                r.add(f"{at}.min[{name!r}] {show('min')} is greater than max {show('max')}")
            if request is not None and low is not None and low > request:
                r.add(f"{at}.defaultRequest[{name!r}] {show('defaultRequest')} is below min {show('min')}")
            if request is not None and high is not None and request > high:
                r.add(
                    f"{at}.defaultRequest[{name!r}] {show('defaultRequest')} is greater than max {show('max')}"
                )
            if request is not None and default is not None and request > default:
                r.add(
                    f"{at}.defaultRequest[{name!r}] {show('defaultRequest')} is greater than the default limit {show('default')}"
                )
            if default is not None and low is not None and low > default:
                r.add(f"{at}.default[{name!r}] {show('default')} is below min {show('min')}")
            if default is not None and high is not None and default > high:
                r.add(f"{at}.default[{name!r}] {show('default')} is greater than max {show('max')}")
            if ratio is not None and ratio < 1:
                r.add(f"{at}.maxLimitRequestRatio[{name!r}] {show('maxLimitRequestRatio')} is less than 1")
            if ratio is not None and low is not None and high is not None and low > 0 and ratio > high / low:
                r.add(
                    f"{at}.maxLimitRequestRatio[{name!r}] {show('maxLimitRequestRatio')} is greater than "
                    f"max/min = {float(high / low):f}"
                )
            overcommit = ("/" not in name or "kubernetes.io/" in name) and not name.startswith("hugepages-")
            if not overcommit and default is not None and request is not None and default != request:
                r.add(
                    f"{at}.defaultRequest[{name!r}] {show('defaultRequest')} must equal the default "
                    f"{show('default')}: {name} cannot be overcommitted"
                )
