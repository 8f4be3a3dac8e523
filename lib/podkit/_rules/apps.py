"""apps/v1: Deployment, StatefulSet, DaemonSet, ReplicaSet (pkg/apis/apps/validation).

The API server applies the apps/v1 defaults before it validates, so the rules read a field
as defaulted: a Deployment's ``strategy`` is RollingUpdate with ``maxUnavailable``/``maxSurge``
25% where unset and its ``progressDeadlineSeconds`` 600; a DaemonSet's ``updateStrategy`` is
RollingUpdate with ``maxUnavailable`` 1 and ``maxSurge`` 0; a StatefulSet's
``podManagementPolicy`` is OrderedReady, its ``updateStrategy`` RollingUpdate, its
``persistentVolumeClaimRetentionPolicy`` Retain/Retain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import Report, as_dict, as_list, is_int, label, subdomain, upstream
from .core.pod import check_template
from .core.pvc import check_claim_spec
from .meta import check_label_selector, selector_matches
from .names import PERCENT  # validation.IsValidPercent
from .registry import kind

__all__ = ["at_most_100", "check_workload_selector", "int_or_percent"]


# -- label selectors of workloads --------------------------------------------------------------
def _is_empty(selector: Mapping[str, Any]) -> bool:
    return not as_dict(selector.get("matchLabels")) and not as_list(selector.get("matchExpressions"))


def check_workload_selector(
    r: Report, spec: Mapping[str, Any], where: str, kind_name: str, *, required: bool = True
) -> None:
    """``spec.selector`` of a workload: set (``required``), valid, not empty, and matching the pod
    template's labels (reported on the template's labels, as the API server does)."""
    selector = spec.get("selector")
    if selector is None:
        if required:
            r.add(
                f"{where}.selector is missing: a {kind_name} needs a selector of its pod template's labels "
                f"(e.g. matchLabels: {{app: web}})"
            )
        return
    if not isinstance(selector, dict):
        return  # a wrong type: the schema check reports it
    ok = check_label_selector(r, selector, f"{where}.selector")
    if _is_empty(selector):
        r.add(f"{where}.selector is empty: select the pod template's labels (e.g. matchLabels: {{app: web}})")
        return
    template = spec.get("template")
    if not ok or not isinstance(template, dict):
        return
    labels = as_dict(as_dict(template.get("metadata")).get("labels"))
    if not selector_matches(selector, labels):
        r.add(
            f"{where}.template.metadata.labels {dict(labels)!r} do not match {where}.selector: "
            f"the {kind_name} would never find its pods; add the selected labels to the template"
        )


def _no_deadline(r: Report, spec: Mapping[str, Any], where: str, kind_name: str) -> None:
    template = as_dict(as_dict(spec.get("template")).get("spec"))
    deadline = template.get("activeDeadlineSeconds")
    if deadline is not None:
        r.add(
            f"{where}.template.spec.activeDeadlineSeconds {deadline!r} is not allowed in a {kind_name}: "
            f"remove it (its pods run until replaced; only Jobs and bare Pods take a deadline)"
        )


def _pod_template(r: Report, spec: Mapping[str, Any], kind_name: str, claims: tuple[str, ...] = ()) -> None:
    """The pod template of an apps kind: a pod spec with restartPolicy Always and no deadline,
    selected by ``spec.selector``."""
    check_template(r, spec, "spec", ("Always",), claims=claims)
    check_workload_selector(r, spec, "spec", kind_name)
    _no_deadline(r, spec, "spec", kind_name)


# -- int-or-percent fields ---------------------------------------------------------------------
def int_or_percent(r: Report, value: object, where: str) -> int | None:
    """``ValidatePositiveIntOrPercent``: ``value`` (an int >= 0 or 'N%') as its number (the int,
    or N for a percentage), after reporting it when it is neither; ``None`` when unusable."""
    if value is None:
        return None
    if is_int(value):
        if value < 0:  # type: ignore[operator]
            r.add(f"{where} {value!r} is negative: use an int >= 0 or a percentage such as '25%'")
            return None
        return value  # type: ignore[return-value]
    if isinstance(value, str) and PERCENT.match(value):
        return int(value[:-1])
    r.add(f"{where} {value!r} is invalid: use an int >= 0 or a percentage such as '25%'")
    return None


def at_most_100(r: Report, value: object, where: str) -> None:
    """``IsNotMoreThan100Percent``: a percentage may not be above 100%."""
    if isinstance(value, str) and PERCENT.match(value) and int(value[:-1]) > 100:
        r.add(f"{where} {value!r} is above 100%: use at most '100%'")


# -- Deployment ----------------------------------------------------------------------------------
@kind("apps/v1", "Deployment", name_rule=subdomain, upstream="ValidateDeployment")
def _deployment(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    r.at_least("spec.replicas", spec.get("replicas"), 0)
    _pod_template(r, spec, "Deployment")
    _deployment_strategy(r, spec.get("strategy"), "spec.strategy")
    minimum = spec.get("minReadySeconds")
    r.at_least("spec.minReadySeconds", minimum, 0)
    r.at_least("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"), 0)
    deadline = spec.get("progressDeadlineSeconds")
    r.at_least("spec.progressDeadlineSeconds", deadline, 0)
    ready = minimum if isinstance(minimum, int) and not isinstance(minimum, bool) else 0
    if deadline is None:  # defaulted to 600
        if ready >= 600:
            r.add(
                f"spec.progressDeadlineSeconds (default 600) must be greater than spec.minReadySeconds "
                f"{ready}: set progressDeadlineSeconds above {ready} or lower minReadySeconds"
            )
    elif isinstance(deadline, int) and not isinstance(deadline, bool) and 0 <= deadline <= ready:
        r.add(
            f"spec.progressDeadlineSeconds {deadline} must be greater than spec.minReadySeconds "
            f"{ready}: raise progressDeadlineSeconds or lower minReadySeconds"
        )


@upstream("ValidateDeploymentStrategy")
def _deployment_strategy(r: Report, strategy: object, where: str) -> None:
    if strategy is None:
        strategy = {}
    if not isinstance(strategy, dict):
        return
    kind_name = strategy.get("type") or "RollingUpdate"  # defaulted
    rolling = strategy.get("rollingUpdate")
    if kind_name == "Recreate":
        if rolling is not None:
            r.add(f"{where}.rollingUpdate is not allowed with type Recreate: remove it")
        return
    if kind_name != "RollingUpdate":
        r.add(f"{where}.type {kind_name!r} is not supported: use one of RollingUpdate, Recreate")
        return
    rolling = as_dict(rolling)
    at = f"{where}.rollingUpdate"
    # apps/v1 defaults an unset maxUnavailable and maxSurge to 25% each
    unavailable = rolling.get("maxUnavailable", "25%")
    surge = rolling.get("maxSurge", "25%")
    unavailable_n = int_or_percent(r, unavailable, f"{at}.maxUnavailable")
    surge_n = int_or_percent(r, surge, f"{at}.maxSurge")
    if unavailable_n == 0 and surge_n == 0:
        r.add(
            f"{at}.maxUnavailable {unavailable!r} may not be 0 when maxSurge is 0: a rollout could never "
            f"progress; raise one of them"
        )
    at_most_100(r, unavailable, f"{at}.maxUnavailable")  # maxSurge may be above 100% on a Deployment


# -- ReplicaSet ----------------------------------------------------------------------------------
@kind("apps/v1", "ReplicaSet", name_rule=subdomain, upstream="ValidateReplicaSet")
def _replica_set(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    r.at_least("spec.replicas", spec.get("replicas"), 0)
    r.at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    _pod_template(r, spec, "ReplicaSet")


# -- DaemonSet -----------------------------------------------------------------------------------
@kind("apps/v1", "DaemonSet", name_rule=subdomain, upstream="ValidateDaemonSet")
def _daemon_set(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    _pod_template(r, spec, "DaemonSet")
    r.at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    _daemon_set_strategy(r, spec.get("updateStrategy"), "spec.updateStrategy")
    r.at_least("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"), 0)


@upstream("ValidateDaemonSetUpdateStrategy")
def _daemon_set_strategy(r: Report, strategy: object, where: str) -> None:
    if strategy is None:
        strategy = {}
    if not isinstance(strategy, dict):
        return
    kind_name = strategy.get("type") or "RollingUpdate"  # defaulted
    if kind_name == "OnDelete":
        return  # the API server ignores a rollingUpdate written beside OnDelete
    if kind_name != "RollingUpdate":
        r.add(f"{where}.type {kind_name!r} is not supported: use one of RollingUpdate, OnDelete")
        return
    rolling = strategy.get("rollingUpdate")
    if rolling is not None and not isinstance(rolling, dict):
        return
    rolling = as_dict(rolling)
    at = f"{where}.rollingUpdate"
    # apps/v1 defaults an unset maxUnavailable to 1 and an unset maxSurge to 0
    unavailable = rolling.get("maxUnavailable", 1)
    surge = rolling.get("maxSurge", 0)
    unavailable_n = int_or_percent(r, unavailable, f"{at}.maxUnavailable")
    surge_n = int_or_percent(r, surge, f"{at}.maxSurge")
    at_most_100(r, unavailable, f"{at}.maxUnavailable")
    at_most_100(r, surge, f"{at}.maxSurge")
    if unavailable_n is None or surge_n is None:
        return
    if unavailable_n and surge_n:
        default = ", the default" if "maxUnavailable" not in rolling else ""
        r.add(
            f"{at}.maxSurge {surge!r} may not be set when maxUnavailable is non-zero "
            f"({unavailable!r}{default}): a DaemonSet rolls out by surging or by taking nodes down, "
            f"not both; set maxUnavailable to 0 or remove maxSurge"
        )
    elif not unavailable_n and not surge_n:
        r.add(
            f"{at}.maxUnavailable {unavailable!r} cannot be 0 when maxSurge is 0: a rollout could never "
            f"progress; raise one of them"
        )


# -- StatefulSet ---------------------------------------------------------------------------------
_RETENTION = ("Retain", "Delete")


@kind("apps/v1", "StatefulSet", name_rule=label, upstream="ValidateStatefulSet")
def _stateful_set(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    policy = spec.get("podManagementPolicy")
    if policy not in (None, "", "OrderedReady", "Parallel"):
        r.add(f"spec.podManagementPolicy {policy!r} is not supported: use one of OrderedReady, Parallel")
    _stateful_set_strategy(r, spec.get("updateStrategy"), "spec.updateStrategy")
    retention = spec.get("persistentVolumeClaimRetentionPolicy")
    if isinstance(retention, dict):
        for field in ("whenDeleted", "whenScaled"):
            value = retention.get(field)
            if value not in (None, "", *_RETENTION):  # "" is defaulted to Retain
                r.add(
                    f"spec.persistentVolumeClaimRetentionPolicy.{field} {value!r} is not supported: "
                    f"use one of Retain, Delete"
                )
    r.at_least("spec.replicas", spec.get("replicas"), 0)
    r.at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    ordinals = spec.get("ordinals")
    if isinstance(ordinals, dict):
        r.at_least("spec.ordinals.start", ordinals.get("start"), 0)
    # The StatefulSet's own validation checks only the template's metadata, but the controller's
    # pods are validated when it creates them: podkit checks the template as a pod spec, so that
    # a StatefulSet that could create no pod is refused here.
    claims = _claim_templates(r, spec.get("volumeClaimTemplates"))
    _pod_template(r, spec, "StatefulSet", claims)
    service = spec.get("serviceName")
    if isinstance(service, str) and service:
        # each pod's spec.subdomain is the serviceName: the pods need it to be a DNS label
        r.add(label("spec.serviceName", service))


@upstream("ValidateStatefulSetSpec")
def _stateful_set_strategy(r: Report, strategy: object, where: str) -> None:
    if not isinstance(strategy, dict):
        return
    kind_name = strategy.get("type") or "RollingUpdate"  # defaulted
    rolling = strategy.get("rollingUpdate")
    if kind_name == "OnDelete":
        if rolling is not None:
            r.add(
                f"{where}.rollingUpdate is only allowed with type RollingUpdate: remove it (type is OnDelete)"
            )
    elif kind_name == "RollingUpdate":
        if isinstance(rolling, dict):
            r.at_least(f"{where}.rollingUpdate.partition", rolling.get("partition"), 0)
            # maxUnavailable: the MaxUnavailableStatefulSet gate is off in 1.33, so the API server
            # drops the field before validating it
    else:
        r.add(f"{where}.type {kind_name!r} is not supported: use one of RollingUpdate, OnDelete")


def _claim_templates(r: Report, templates: object) -> tuple[str, ...]:
    """The names of a StatefulSet's volumeClaimTemplates (volumes of its pods, mounted by name),
    after checking each claim's spec: the controller creates them as PersistentVolumeClaims."""
    names: list[str] = []
    for i, template in enumerate(as_list(templates)):
        if not isinstance(template, dict):
            continue
        name = as_dict(template.get("metadata")).get("name")
        if isinstance(name, str):
            names.append(name)
        claim = template.get("spec")
        if isinstance(claim, dict):
            check_claim_spec(r, claim, f"spec.volumeClaimTemplates[{i}].spec")
    return tuple(names)
