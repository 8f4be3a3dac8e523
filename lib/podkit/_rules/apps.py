"""apps/v1: Deployment, StatefulSet, DaemonSet, ReplicaSet (pkg/apis/apps/validation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import names as n
from ._base import Report, as_dict, is_int, label, subdomain
from .core.pod import check_template
from .registry import kind

__all__: list[str] = []


def _int_or_percent(r: Report, value: object, where: str) -> bool:
    """Whether ``value`` is zero; reports it when it is neither an int >= 0 nor 'N%'."""
    if value is None:
        return False
    if is_int(value):
        if value < 0:  # type: ignore[operator]
            r.add(f"{where} {value!r} is negative: use an int >= 0 or a percentage such as '25%'")
        return value == 0
    if isinstance(value, str) and n.PERCENT.match(value):
        if int(value[:-1]) > 100:
            r.add(f"{where} {value!r} is above 100%")
        return int(value[:-1]) == 0
    r.add(f"{where} {value!r} is invalid: use an int >= 0 or a percentage such as '25%'")
    return False


def _rolling(r: Report, rolling: object, where: str, surge: bool) -> None:
    if not isinstance(rolling, dict):
        return
    unavailable_zero = _int_or_percent(r, rolling.get("maxUnavailable"), f"{where}.maxUnavailable")
    if surge:
        surge_zero = _int_or_percent(r, rolling.get("maxSurge"), f"{where}.maxSurge")
        if unavailable_zero and surge_zero:
            r.add(
                f"{where}.maxUnavailable and maxSurge are both 0: a rollout could never progress; raise one of them"
            )


@kind("apps/v1", "Deployment", name_rule=subdomain, upstream="ValidateDeployment")
def _deployment(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    r.at_least("spec.replicas", spec.get("replicas"), 0)
    r.at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    r.at_least("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"), 0)
    check_template(r, spec, "spec", ("Always",), selector=True)
    _strategy(r, spec.get("strategy"), "spec.strategy", "Recreate", surge=True)


@kind("apps/v1", "StatefulSet", name_rule=subdomain, upstream="ValidateStatefulSet")
def _stateful_set(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    r.at_least("spec.replicas", spec.get("replicas"), 0)
    r.at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    r.at_least("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"), 0)
    service = spec.get("serviceName")
    if isinstance(service, str) and service:
        r.add(label("spec.serviceName", service))
    r.enum("spec.podManagementPolicy", spec.get("podManagementPolicy"), ("OrderedReady", "Parallel"))
    templates = spec.get("volumeClaimTemplates")
    claims = tuple(
        str(as_dict(t.get("metadata")).get("name"))
        for t in (templates if isinstance(templates, list) else [])
        if isinstance(t, dict)
    )
    check_template(r, spec, "spec", ("Always",), selector=True, claims=claims)
    _strategy(r, spec.get("updateStrategy"), "spec.updateStrategy", "OnDelete", surge=False)
    rolling = as_dict(spec.get("updateStrategy")).get("rollingUpdate")
    if isinstance(rolling, dict):
        r.at_least("spec.updateStrategy.rollingUpdate.partition", rolling.get("partition"), 0)


def _strategy(r: Report, strategy: object, where: str, other: str, surge: bool) -> None:
    """A Deployment's ``strategy`` or a StatefulSet's/DaemonSet's ``updateStrategy``: type
    RollingUpdate or ``other`` (Recreate, OnDelete), and rollingUpdate only with RollingUpdate."""
    if not isinstance(strategy, dict):
        return
    kind = strategy.get("type")
    r.enum(f"{where}.type", kind, ("RollingUpdate", other))
    if kind == other and strategy.get("rollingUpdate") is not None:
        r.add(f"{where}.rollingUpdate is not allowed with type {other}: remove it")
    _rolling(r, strategy.get("rollingUpdate"), f"{where}.rollingUpdate", surge=surge)


@kind("apps/v1", "DaemonSet", name_rule=subdomain, upstream="ValidateDaemonSet")
def _daemon_set(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    r.at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    r.at_least("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"), 0)
    check_template(r, spec, "spec", ("Always",), selector=True)
    _strategy(r, spec.get("updateStrategy"), "spec.updateStrategy", "OnDelete", surge=True)


@kind("apps/v1", "ReplicaSet", name_rule=subdomain, upstream="ValidateReplicaSet")
def _replica_set(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    r.at_least("spec.replicas", spec.get("replicas"), 0)
    r.at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    check_template(r, spec, "spec", ("Always",), selector=True)
