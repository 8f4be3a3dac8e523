"""Pods and pod templates (core validation: ValidatePodSpec, ValidatePodTemplateSpec)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base import EMPTY, RESTART_POLICIES, Report, as_dict, label, one_of, subdomain, upstream
from ..meta import check_labels, check_metadata, check_selector
from ..registry import kind
from .container import check_container
from .scheduling import check_scheduling
from .security import check_security
from .volume import check_volume

__all__ = ["check_pod_spec", "check_template"]


@kind("v1", "Pod", name_rule=subdomain, upstream="ValidatePodCreate")
def _pod(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    check_pod_spec(r, spec, "spec", RESTART_POLICIES, meta=as_dict(doc.get("metadata")), is_pod=True)


@upstream("ValidatePodTemplateSpec")
def check_template(
    r: Report,
    spec: Mapping[str, Any],
    where: str,
    restart: tuple[str, ...],
    selector: bool,
    claims: tuple[str, ...] = (),
) -> None:
    """A pod template of a workload; with ``selector``, the workload's selector must match it."""
    template = spec.get("template")
    if not isinstance(template, dict):
        r.add(f"{where}.template is missing: a workload needs a pod template")
        return
    tmeta = as_dict(template.get("metadata"))
    check_metadata(r, tmeta, f"{where}.template.metadata", None)
    check_pod_spec(r, as_dict(template.get("spec")), f"{where}.template.spec", restart, claims, meta=tmeta)
    if selector:
        check_selector(r, spec.get("selector"), f"{where}.selector", tmeta.get("labels"), f"{where}.template")


@upstream("ValidatePodSpec")
def check_pod_spec(
    r: Report,
    spec: Mapping[str, Any],
    where: str,
    restart: tuple[str, ...],
    claims: tuple[str, ...] = (),
    *,
    meta: Mapping[str, Any] = EMPTY,
    is_pod: bool = False,
) -> None:
    """The pod spec ``spec`` at ``where``: of a bare Pod (``is_pod``) or of a template; ``meta``
    is the pod's (or template's) metadata, ``claims`` a StatefulSet's claim template names."""
    policy = spec.get("restartPolicy")
    if policy is None:
        if "Always" not in restart:
            r.add(
                f"{where}.restartPolicy is missing: use {one_of(restart)} (the default Always is not allowed here)"
            )
    elif policy not in restart:
        r.add(f"{where}.restartPolicy {policy!r} is not supported here: use {one_of(restart)}")

    volumes: dict[str, Mapping[str, Any]] = {}
    raw_volumes = spec.get("volumes")
    for i, volume in enumerate(raw_volumes if isinstance(raw_volumes, list) else []):
        if isinstance(volume, dict):
            check_volume(r, volume, f"{where}.volumes[{i}]", volumes)
    # a StatefulSet's volumeClaimTemplates are volumes of its pods (mounted by name)
    for claim in claims:
        volumes.setdefault(claim, {})

    containers = spec.get("containers")
    containers = containers if isinstance(containers, list) else []
    inits = spec.get("initContainers")
    inits = inits if isinstance(inits, list) else []
    if not containers:
        r.add(f"{where}.containers is empty: a pod needs at least one container")
    seen_names: set[str] = set()
    host_ports: dict[tuple[int, str], str] = {}
    for field, items, init in (("initContainers", inits, True), ("containers", containers, False)):
        for i, container in enumerate(items):
            if isinstance(container, dict):
                check_container(r, container, f"{where}.{field}[{i}]", init, volumes, seen_names, host_ports)

    check_security(r, spec, meta, where)
    check_scheduling(r, spec, where)

    r.at_least(f"{where}.terminationGracePeriodSeconds", spec.get("terminationGracePeriodSeconds"), 0)
    r.at_least(f"{where}.activeDeadlineSeconds", spec.get("activeDeadlineSeconds"), 1)
    for field, rule in (
        ("serviceAccountName", subdomain),
        ("hostname", label),
        ("subdomain", label),
        ("nodeName", subdomain),
    ):
        value = spec.get(field)
        if isinstance(value, str) and value:
            r.add(rule(f"{where}.{field}", value))
    r.enum(
        f"{where}.dnsPolicy",
        spec.get("dnsPolicy"),
        ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"),
    )
    check_labels(r, spec.get("nodeSelector"), f"{where}.nodeSelector")
