"""ConfigMaps (core validation: ValidateConfigMap)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base import MAX_DATA, Report, as_dict, b64_size, config_key, data_size, subdomain
from ..registry import kind

__all__: list[str] = []


@kind("v1", "ConfigMap", name_rule=subdomain, upstream="ValidateConfigMap")
def _config_map(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    data = as_dict(doc.get("data"))
    binary = as_dict(doc.get("binaryData"))
    total = 0
    for key, value in data.items():
        if isinstance(key, str):
            r.add(config_key("data key", key))
        total += data_size(value)
    for key, value in binary.items():
        if isinstance(key, str):
            r.add(config_key("binaryData key", key))
            if key in data:
                r.add(f"binaryData key {key!r} is also a data key: a key can be in only one of them")
        size = 0 if value is None else b64_size(value)
        if size is None:
            r.add(f"binaryData[{key!r}] is not base64 text: encode it with base64, or move text to data")
        else:
            total += size
    if total > MAX_DATA:
        r.add(
            f"data and binaryData total {total} bytes, more than the 1048576 (1 MiB) a ConfigMap may hold: split it or mount a volume"
        )
