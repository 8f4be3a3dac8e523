"""PersistentVolumeClaims (core validation: ValidatePersistentVolumeClaim)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base import Report, subdomain
from ..quantity import quantity_value
from ..registry import kind

__all__: list[str] = []


@kind("v1", "PersistentVolumeClaim", name_rule=subdomain, upstream="ValidatePersistentVolumeClaim")
def _pvc(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    modes = spec.get("accessModes")
    if not isinstance(modes, list) or not modes:
        r.add(
            "spec.accessModes is empty: use at least one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod"
        )
    else:
        for i, mode in enumerate(modes):
            r.enum(
                f"spec.accessModes[{i}]",
                mode,
                ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"),
            )
    r.enum("spec.volumeMode", spec.get("volumeMode"), ("Filesystem", "Block"))
    resources = spec.get("resources")
    requests = resources.get("requests") if isinstance(resources, dict) else None
    storage = requests.get("storage") if isinstance(requests, dict) else None
    if storage is None:
        r.add("spec.resources.requests['storage'] is missing: request a size such as '10Gi'")
    else:
        value = quantity_value(str(storage))
        if value is None or value <= 0:
            r.add(
                f"spec.resources.requests['storage'] {storage!r} is not a positive quantity: use e.g. '10Gi'"
            )
