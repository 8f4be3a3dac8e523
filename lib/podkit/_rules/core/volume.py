"""Volumes and their sources (core validation: ValidateVolumes)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from .. import names as n
from .._base import Report, config_key, is_int, label, upstream
from ..quantity import quantity_value
from .container import check_field_ref, check_resource_ref

__all__ = ["check_volume"]


@upstream("ValidateVolumes")
def check_volume(
    r: Report, volume: Mapping[str, Any], at: str, volumes: dict[str, Mapping[str, Any]]
) -> None:
    name = r.required(f"{at}.name", volume.get("name"), label, "every volume needs a name")
    if name is not None:
        if name in volumes:
            r.add(f"{at}.name {name!r} is used by another volume of this pod: give each volume its own name")
        volumes[name] = volume
    sources = [k for k in volume if k != "name" and volume[k] is not None]
    if len(sources) != 1:
        r.add(f"{at} must have exactly one volume source (found: {', '.join(sorted(sources)) or 'none'})")
    for source in sources:
        body = volume[source]
        if not isinstance(body, dict):
            continue
        where = f"{at}.{source}"
        if source == "hostPath":
            r.required(f"{where}.path", body.get("path"), n.host_path_error, "set the node's path")
        elif source in ("configMap", "secret"):
            ref = "name" if source == "configMap" else "secretName"
            if not body.get(ref):
                r.add(f"{where}.{ref} is missing: name the {source} to mount")
            _key_items(r, body, where)
        elif source == "downwardAPI":
            _downward_items(r, body, where)
        elif source == "projected":
            _mode(r, body.get("defaultMode"), f"{where}.defaultMode")
            projections = body.get("sources")
            for j, projection in enumerate(projections if isinstance(projections, list) else []):
                if not isinstance(projection, dict):
                    continue
                for kind, inner in projection.items():
                    if isinstance(inner, dict) and kind in ("configMap", "secret"):
                        if not inner.get("name"):
                            r.add(f"{where}.sources[{j}].{kind}.name is missing: name the {kind} to project")
                        _key_items(r, inner, f"{where}.sources[{j}].{kind}")
                    elif isinstance(inner, dict) and kind == "downwardAPI":
                        _downward_items(r, inner, f"{where}.sources[{j}].{kind}")
        elif source == "emptyDir":
            size = body.get("sizeLimit")
            if size is not None and quantity_value(str(size)) is None:
                r.add(f"{where}.sizeLimit {size!r} is not a Kubernetes quantity: use e.g. '1Gi'")
        elif source == "persistentVolumeClaim" and not body.get("claimName"):
            r.add(f"{where}.claimName is missing: name the PersistentVolumeClaim to mount")


def _mode(r: Report, mode: object, where: str) -> None:
    if mode is not None and (not is_int(mode) or not 0 <= mode <= 0o777):  # type: ignore[operator]
        r.add(f"{where} {mode!r} is not a file mode: use a value from 0 to 0777 (511), e.g. 0644 (420)")


def _key_items(r: Report, body: Mapping[str, Any], where: str) -> None:
    _mode(r, body.get("defaultMode"), f"{where}.defaultMode")
    items = body.get("items")
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        at = f"{where}.items[{i}]"
        r.required(f"{at}.key", item.get("key"), config_key, "name the key to write")
        _item_path(r, item.get("path"), f"{at}.path")
        _mode(r, item.get("mode"), f"{at}.mode")


#: an item's path in a configMap/secret/downwardAPI volume may not start with '..' either
_item_path_error = partial(n.relative_path_error, reserved=True)


def _item_path(r: Report, value: object, where: str) -> None:
    r.required(where, value, _item_path_error, "set a relative file path such as 'config.yaml'")


def _downward_items(r: Report, body: Mapping[str, Any], where: str) -> None:
    _mode(r, body.get("defaultMode"), f"{where}.defaultMode")
    items = body.get("items")
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        at = f"{where}.items[{i}]"
        _item_path(r, item.get("path"), f"{at}.path")
        _mode(r, item.get("mode"), f"{at}.mode")
        field, resource = item.get("fieldRef"), item.get("resourceFieldRef")
        if (field is None) == (resource is None):
            r.add(f"{at} must have exactly one of fieldRef, resourceFieldRef")
        elif isinstance(field, dict):
            check_field_ref(r, field.get("fieldPath"), f"{at}.fieldRef.fieldPath", volume=True)
        elif isinstance(resource, dict):
            check_resource_ref(r, resource, f"{at}.resourceFieldRef", need_container=True)
