"""Pods and pod templates (core validation: ValidatePodCreate, ValidatePodTemplateSpec,
ValidatePodSpec, ValidatePodSpecificAnnotations).

Read as the Kubernetes 1.33 API server reads a v1 object after defaulting: an unset or empty
``restartPolicy`` is Always, an unset ``terminationGracePeriodSeconds`` is 30 (a negative one is
only a warning: the pod is stopped after 1 second).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .._base import (
    EMPTY,
    RESTART_POLICIES,
    Report,
    as_dict,
    as_list,
    is_int,
    one_of,
    subdomain,
    upstream,
)
from ..meta import check_metadata
from ..names import INT32_MAX
from ..registry import kind
from .container import check_containers
from .scheduling import MIRROR_POD, TOLERATIONS_ANNOTATION, check_host_fields, check_scheduling
from .security import APPARMOR_CONTAINER, SECCOMP_CONTAINER, SECCOMP_POD, check_security
from .volume import check_volume

__all__ = ["OWN_FIELDS", "check_pod_annotations", "check_pod_spec", "check_template", "fit_meta", "fit_view"]

DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
# GetDeletionCostFromPodAnnotations: an int32 in canonical form (no '+', no leading zeros)
_DELETION_COST = re.compile(r"(?:-[0-9]+|0|[1-9][0-9]*)\Z")


@kind("v1", "Pod", name_rule=subdomain, upstream="ValidatePodCreate")
def _pod(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    meta = as_dict(doc.get("metadata"))
    check_pod_annotations(r, meta, spec, "metadata")
    check_pod_spec(r, spec, "spec", RESTART_POLICIES, meta=meta, is_pod=True)
    if as_list(spec.get("ephemeralContainers")):
        r.add(
            "spec.ephemeralContainers cannot be set when a pod is created: add debug containers to a "
            "running pod with 'kubectl debug'"
        )


@kind("v1", "PodTemplate", name_rule=subdomain, upstream="ValidatePodTemplate")
def _pod_template(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    template = doc.get("template")
    if isinstance(template, dict):
        _template_spec(r, template, "template", RESTART_POLICIES)


@upstream("ValidatePodTemplateSpec")
def check_template(
    r: Report,
    spec: Mapping[str, Any],
    where: str,
    restart: tuple[str, ...],
    claims: tuple[str, ...] = (),
) -> None:
    """The pod template of a workload (``spec.template`` under ``where``); the workload's own
    module checks its selector against it (``apps.check_workload_selector``)."""
    template = spec.get("template")
    if not isinstance(template, dict):
        r.add(f"{where}.template is missing: a workload needs a pod template")
        return
    _template_spec(r, template, f"{where}.template", restart, claims)


def _template_spec(
    r: Report, template: Mapping[str, Any], at: str, restart: tuple[str, ...], claims: tuple[str, ...] = ()
) -> None:
    """The pod template ``template`` at ``at`` (``spec.template``): its metadata and pod spec."""
    tmeta = as_dict(template.get("metadata"))
    tspec = as_dict(template.get("spec"))
    check_metadata(r, tmeta, f"{at}.metadata", None)
    check_pod_annotations(r, tmeta, tspec, f"{at}.metadata")
    check_pod_spec(r, tspec, f"{at}.spec", restart, claims, meta=tmeta)
    if as_list(tspec.get("ephemeralContainers")):
        r.add(
            f"{at}.spec.ephemeralContainers is not allowed in a pod template: remove it "
            f"(add debug containers to a running pod with 'kubectl debug')"
        )


@upstream("ValidatePodSpecificAnnotations")
def check_pod_annotations(r: Report, meta: Mapping[str, Any], spec: Mapping[str, Any], where: str) -> None:
    """The pod-deletion-cost annotation of a pod (or template) whose metadata is at ``where`` (the
    mirror-pod and tolerations annotations are the scheduling rules', seccomp and AppArmor the
    security rules')."""
    annotations = meta.get("annotations")
    if not isinstance(annotations, dict) or not annotations:
        return
    cost = annotations.get(DELETION_COST)
    if cost is not None and not (
        isinstance(cost, str) and _DELETION_COST.match(cost) and -(2**31) <= int(cost) <= INT32_MAX
    ):
        r.add(
            f"{where}.annotations['{DELETION_COST}'] {cost!r} is not a 32-bit integer: write it without "
            f"'+' or leading zeros, from -2147483648 to 2147483647 (e.g. '100')"
        )


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
    each_container: bool = True,
) -> None:
    """The pod spec ``spec`` at ``where``: of a bare Pod (``is_pod``) or of a template; ``meta``
    is the pod's (or template's) metadata, ``claims`` a StatefulSet's claim template names,
    ``restart`` the restartPolicy values the owner allows. ``each_container=False`` leaves out
    each container's own fields (see ``check_containers``): what a typed pod asks at the call.
    When that very ask passed at the call (``r.passed`` holds this spec, see
    :class:`~podkit._rules._base.PassedPodSpec`), only the volumes and each container's own
    fields are left (no other rule here reads them: the problems are the same either way)."""
    passed = _passed_at_call(r, spec, where, restart, meta)
    if not passed:
        policy = spec.get("restartPolicy")
        if policy is None or policy == "":  # defaulted to Always
            if "Always" not in restart:
                r.add(
                    f"{where}.restartPolicy is missing: use {one_of(restart)} (the default Always is not "
                    f"allowed here)"
                )
        elif policy not in restart:
            r.add(f"{where}.restartPolicy {policy!r} is not supported here: use {one_of(restart)}")

    # the volumes are asked on every object (a typed pod adds them without asking the rules)
    volumes: dict[str, Mapping[str, Any]] = {}
    raw_volumes = as_list(spec.get("volumes"))
    pod_name = meta.get("name")
    named: dict[str, Any] = {}
    if is_pod and isinstance(pod_name, str):
        # a bare Pod's ephemeral volumes create claims named <pod name>-<volume name>
        named = {"pod_name": pod_name, "siblings": raw_volumes}
    for i, volume in enumerate(raw_volumes):
        if isinstance(volume, dict):
            check_volume(r, volume, f"{where}.volumes[{i}]", volumes, **named)
    # a StatefulSet's volumeClaimTemplates are PersistentVolumeClaim volumes of its pods
    for claim in claims:
        volumes.setdefault(claim, {"name": claim, "persistentVolumeClaim": {"claimName": claim}})

    check_containers(r, spec, where, volumes, is_pod=is_pod, each=each_container, fit=not passed)
    if passed:
        return
    check_security(r, spec, meta, where)
    check_host_fields(r, spec, where)
    check_scheduling(r, spec, where, meta=meta, is_pod=is_pod)

    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and (not is_int(deadline) or not 1 <= deadline <= INT32_MAX):
        r.add(f"{where}.activeDeadlineSeconds {deadline!r} is invalid: use an int from 1 to {INT32_MAX}")
    grace = spec.get("terminationGracePeriodSeconds")
    if grace is not None and not is_int(grace):
        r.add(f"{where}.terminationGracePeriodSeconds {grace!r} is invalid: use a number of seconds")
    account = spec.get("serviceAccountName")
    if isinstance(account, str) and account:
        r.add(subdomain(f"{where}.serviceAccountName", account))


#: each container's own fields: what the rules asked at the call (``check_pod_spec`` with
#: ``each_container=False``) read nowhere but in the volumes' and ``validateContainerCommon``'s
#: rules, which run on every object
OWN_FIELDS = frozenset(
    (
        "image",
        "command",
        "args",
        "workingDir",
        "imagePullPolicy",
        "env",
        "envFrom",
        "resources",
        "volumeMounts",
    )
)
#: the metadata the pod-spec rules read beside the spec
_FIT_META = ("name", "labels", "annotations")


def fit_view(spec: Mapping[str, Any]) -> dict[str, Any]:
    """What ``check_pod_spec(..., each_container=False)`` reads of the pod spec ``spec`` beside
    its volumes: all of it but the volumes and each container's :data:`OWN_FIELDS`
    (``tests/test_upstream.py`` checks that leaving them out changes no verdict)."""
    view = {k: v for k, v in spec.items() if k != "volumes"}
    for field in ("containers", "initContainers"):
        containers = spec.get(field)
        if isinstance(containers, list):
            view[field] = [
                {k: v for k, v in c.items() if k not in OWN_FIELDS} if isinstance(c, dict) else c
                for c in containers
            ]
    return view


def fit_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """What the pod-spec rules read of the metadata beside the spec: the name, the labels, and of
    the annotations only those they read (:func:`_read_by_pod_spec_rules`; every annotation is
    checked by the metadata rules, which run on every object). So an annotation a controller adds
    when it renders (``podkit.dev/config-hash``), or one added after the call, does not make a
    final spec whose rules passed at the call look changed."""
    view = {k: meta[k] for k in _FIT_META if k in meta}
    annotations = view.get("annotations")
    if isinstance(annotations, dict):
        read = {k: v for k, v in annotations.items() if _read_by_pod_spec_rules(k)}
        if read:
            view["annotations"] = read
        else:
            del view["annotations"]  # as none: the rules read an empty mapping as no annotations
    return view


def _read_by_pod_spec_rules(key: object) -> bool:
    """The annotation keys ``check_pod_spec`` reads (``check_security``: seccomp and AppArmor;
    ``check_scheduling``: the mirror-pod mark and the tolerations annotation)."""
    return not isinstance(key, str) or (
        key in (SECCOMP_POD, MIRROR_POD, TOLERATIONS_ANNOTATION)
        or key.startswith((SECCOMP_CONTAINER, APPARMOR_CONTAINER))
    )


def _passed_at_call(
    r: Report, spec: Mapping[str, Any], where: str, restart: tuple[str, ...], meta: Mapping[str, Any]
) -> bool:
    """Whether ``spec`` (at ``where``, with ``meta``) is one the rules asked at the call passed
    (``r.passed``): the same path and restart policies, and, compared whole, the same fields."""
    passed = r.passed
    return (
        passed is not None
        and passed.where == where
        and passed.restart == restart
        and passed.meta == fit_meta(meta)  # (the cheaper test first)
        and passed.spec == fit_view(spec)
    )
