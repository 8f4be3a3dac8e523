"""PersistentVolumeClaims and claim templates (core validation: ValidatePersistentVolumeClaim,
ValidatePersistentVolumeClaimSpec, ValidatePersistentVolumeClaimTemplate).

The claim spec rules are written once, in :func:`check_claim_spec`, and used for PVC objects,
a pod's ephemeral volume claim templates and a StatefulSet's ``volumeClaimTemplates``.

A PVC object is first prepared as the API server's strategy does on create (Kubernetes 1.33,
default feature gates): ``volumeAttributesClassName`` is dropped (VolumeAttributesClass is off),
a ``dataSourceRef`` with a ``namespace`` is dropped (CrossNamespaceVolumeDataSource is off), and a
``dataSource`` that is neither a PersistentVolumeClaim nor a snapshot.storage.k8s.io
VolumeSnapshot is dropped when no ``dataSourceRef`` is set (KEP 1495's backwards compatibility).
Templates are validated as written: the server prepares the claim only when it creates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base import Report, as_dict, label, one_of, subdomain, upstream
from ..meta import check_label_selector, check_metadata
from ..quantity import quantity_hint, quantity_value
from ..registry import kind

__all__ = ["ACCESS_MODES", "check_claim_spec", "check_claim_template"]

ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
VOLUME_MODES = ("Filesystem", "Block")
#: ObjectMeta fields a claim template may set (ValidateTemplateObjectMeta's allow list)
_TEMPLATE_META = frozenset(("labels", "annotations"))


@kind("v1", "PersistentVolumeClaim", name_rule=subdomain, upstream="ValidatePersistentVolumeClaim")
def _pvc(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    check_claim_spec(r, _prepared(spec), "spec")


def _prepared(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """``spec`` as the PVC strategy's PrepareForCreate leaves it (DropDisabledFields,
    EnforceDataSourceBackwardsCompatibility; NormalizeDataSources only copies one reference into
    the other, which adds no problem of its own)."""
    ref, source = spec.get("dataSourceRef"), spec.get("dataSource")
    if ref is None and source is None:
        return spec
    out = dict(spec)
    if isinstance(ref, dict) and ref.get("namespace"):
        out.pop("dataSourceRef")  # CrossNamespaceVolumeDataSource is off by default
        ref = None
    if ref is None and source is not None and not _pvc_or_snapshot(source):
        out.pop("dataSource")  # silently ignored, as before Kubernetes 1.22
    return out


def _pvc_or_snapshot(source: object) -> bool:
    if not isinstance(source, dict):
        return True  # a wrong type: the schema check names it
    group = source.get("apiGroup") or ""
    kind_name = source.get("kind")
    return (kind_name == "PersistentVolumeClaim" and group == "") or (
        kind_name == "VolumeSnapshot" and group == "snapshot.storage.k8s.io"
    )


@upstream("ValidatePersistentVolumeClaimTemplate")
def check_claim_template(r: Report, template: Mapping[str, Any], where: str) -> None:
    """A claim template (an ephemeral volume's ``volumeClaimTemplate``) at ``where``: only labels
    and annotations may be set in its metadata, and its spec is a claim spec."""
    meta = template.get("metadata")
    if isinstance(meta, dict) and meta:
        check_metadata(r, {k: meta[k] for k in _TEMPLATE_META if k in meta}, f"{where}.metadata", None)
        for key, value in meta.items():
            if key not in _TEMPLATE_META and value not in (None, "", 0, [], {}, False):
                r.add(
                    f"{where}.metadata.{key} cannot be set in a claim template: only labels and "
                    f"annotations are copied to the PersistentVolumeClaim; remove it"
                )
    check_claim_spec(r, as_dict(template.get("spec")), f"{where}.spec")


@upstream("ValidatePersistentVolumeClaimSpec")
def check_claim_spec(r: Report, spec: Mapping[str, Any], where: str) -> None:
    """A PersistentVolumeClaim spec at ``where`` (``spec``,
    ``spec.volumes[0].ephemeral.volumeClaimTemplate.spec``, ``spec.volumeClaimTemplates[0].spec``)."""
    modes = spec.get("accessModes")
    if not isinstance(modes, list) or not modes:
        if modes is None or isinstance(modes, list):
            r.add(f"{where}.accessModes is empty: use at least one of {', '.join(ACCESS_MODES)}")
    else:
        rwop = other = False
        for i, mode in enumerate(modes):
            if mode == "ReadWriteOncePod":
                rwop = True
            elif mode in ACCESS_MODES:
                other = True
            else:
                r.add(f"{where}.accessModes[{i}] {mode!r} is not supported: use {one_of(ACCESS_MODES)}")
        if rwop and other:
            r.add(
                f"{where}.accessModes {modes!r} combines ReadWriteOncePod with other access modes: "
                f"use ReadWriteOncePod alone"
            )

    selector = spec.get("selector")
    if isinstance(selector, dict):
        check_label_selector(r, selector, f"{where}.selector")

    storage = as_dict(as_dict(spec.get("resources")).get("requests")).get("storage")
    at = f"{where}.resources.requests['storage']"
    if storage is None:
        r.add(f"{at} is missing: request a size such as '10Gi'")
    elif isinstance(storage, str | int | float) and not isinstance(storage, bool):
        value = quantity_value(str(storage))
        if value is None or value <= 0:
            if value is None:
                r.add(f"{at} {storage!r} is not a Kubernetes quantity; {quantity_hint(str(storage))}")
            else:
                r.add(f"{at} {storage!r} is not a positive quantity: request a size such as '10Gi'")

    storage_class = spec.get("storageClassName")
    if isinstance(storage_class, str) and storage_class:
        r.add(subdomain(f"{where}.storageClassName", storage_class))
    mode = spec.get("volumeMode")
    if mode is not None and mode not in VOLUME_MODES:
        r.add(
            f"{where}.volumeMode {mode!r} is not supported: use Filesystem or Block "
            f"(or leave it out for Filesystem)"
        )

    source, ref = spec.get("dataSource"), spec.get("dataSourceRef")
    if isinstance(source, dict):
        _data_source(r, source, f"{where}.dataSource")
    if isinstance(ref, dict):
        _data_source(r, ref, f"{where}.dataSourceRef")
        namespace = ref.get("namespace")
        if isinstance(namespace, str) and namespace:
            r.add(label(f"{where}.dataSourceRef.namespace", namespace))
            if source is not None:
                r.add(
                    f"{where}.dataSource cannot be set with {where}.dataSourceRef.namespace: "
                    f"remove dataSource"
                )
        elif isinstance(source, dict) and not _same_source(source, ref):
            r.add(
                f"{where}.dataSource {_ref(source)} does not match {where}.dataSourceRef {_ref(ref)}: "
                f"set only dataSourceRef (Kubernetes copies it into dataSource), or make both the same"
            )
    # volumeAttributesClassName: VolumeAttributesClass is off by default in 1.33, so the API
    # server neither checks it nor keeps it (nothing to report)


def _data_source(r: Report, ref: Mapping[str, Any], where: str) -> None:
    """validateDataSource / validateDataSourceRef (the namespace is the caller's)."""
    if not ref.get("name"):
        r.add(f"{where}.name is missing: name the object to copy the data from")
    kind_name = ref.get("kind")
    if not kind_name:
        r.add(
            f"{where}.kind is missing: set the kind to copy from, e.g. PersistentVolumeClaim or VolumeSnapshot"
        )
    group = ref.get("apiGroup")
    if not group:
        if kind_name != "PersistentVolumeClaim":
            r.add(
                f"{where} kind {kind_name!r} needs an apiGroup: only PersistentVolumeClaim is in the "
                f"core group (for a VolumeSnapshot set apiGroup 'snapshot.storage.k8s.io')"
            )
    elif isinstance(group, str):
        r.add(subdomain(f"{where}.apiGroup", group))


def _same_source(source: Mapping[str, Any], ref: Mapping[str, Any]) -> bool:
    # isDataSourceEqualDataSourceRef: an unset apiGroup differs from an empty one
    return (
        source.get("apiGroup") == ref.get("apiGroup")
        and ("apiGroup" in source) == ("apiGroup" in ref)
        and source.get("kind") == ref.get("kind")
        and source.get("name") == ref.get("name")
    )


def _ref(ref: Mapping[str, Any]) -> str:
    group = ref.get("apiGroup")
    return f"{group + '/' if group else ''}{ref.get('kind')} {ref.get('name')!r}"
