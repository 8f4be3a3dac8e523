"""Secrets and their types (core validation: ValidateSecret)."""

from __future__ import annotations

import binascii
import json
from collections.abc import Collection, Mapping
from typing import Any

from .._base import MAX_DATA, Report, as_dict, b64_size, b64_unwrapped, config_key, data_size, subdomain
from ..registry import kind

__all__ = ["REQUIRED_KEYS", "SECRET_FIELDS", "SERVICE_ACCOUNT_TOKEN", "is_secret", "unmet_required_keys"]

SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token"

#: fields of a v1 Secret whose values must never be echoed, not even when of the wrong type
SECRET_FIELDS = ("data", "stringData")


def is_secret(doc: Mapping[str, Any]) -> bool:
    """Whether ``doc`` is a v1 Secret (whose values no message may show)."""
    return doc.get("kind") == "Secret" and doc.get("apiVersion") == "v1"


#: the keys the API server requires of each Secret type: (keys, all of them?) ("any of" for
#: basic-auth); SecretEnv, SealedSecret and ExternalSecret check their keys with the same table
REQUIRED_KEYS: dict[str, tuple[tuple[str, ...], bool]] = {
    "kubernetes.io/basic-auth": (("username", "password"), False),
    "kubernetes.io/ssh-auth": (("ssh-privatekey",), True),
    "kubernetes.io/tls": (("tls.crt", "tls.key"), True),
    "kubernetes.io/dockerconfigjson": ((".dockerconfigjson",), True),
    "kubernetes.io/dockercfg": ((".dockercfg",), True),
}


def unmet_required_keys(secret_type: str, keys: Collection[str]) -> str | None:
    """The keys a ``secret_type`` Secret needs, as a phrase (``"tls.crt and tls.key"``,
    ``"username or password"``), when ``keys`` lack them; ``None`` when they are there or the
    type needs none."""
    required = REQUIRED_KEYS.get(secret_type)
    if required is None:
        return None
    needed, all_of = required
    present = [k for k in needed if k in keys]
    if (all_of and len(present) == len(needed)) or (not all_of and present):
        return None
    return " and ".join(needed) if all_of else " or ".join(needed)


@kind("v1", "Secret", name_rule=subdomain, upstream="ValidateSecret")
def _secret(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    # Never put a value of data/stringData in a message: keys, types and sizes only.
    data = as_dict(doc.get("data"))
    string_data = as_dict(doc.get("stringData"))
    sizes: dict[str, int] = {}
    for key, value in data.items():
        if isinstance(key, str):
            r.add(config_key("data key", key))
        size = 0 if value is None else b64_size(value)
        if size is None:
            r.add(f"data[{key!r}] is not base64 text (value not shown): encode it, or use stringData")
        else:
            sizes[str(key)] = size
    for key, value in string_data.items():
        if isinstance(key, str):
            r.add(config_key("stringData key", key))
        sizes[str(key)] = data_size(value)  # stringData replaces data of the same key
    total = sum(sizes.values())
    if total > MAX_DATA:
        r.add(
            f"data and stringData total {total} bytes, more than the 1048576 (1 MiB) a Secret may hold: split it"
        )

    secret_type = doc.get("type") or "Opaque"
    if secret_type == SERVICE_ACCOUNT_TOKEN:
        annotations = as_dict(as_dict(doc.get("metadata")).get("annotations"))
        if not annotations.get("kubernetes.io/service-account.name"):
            r.add(
                "metadata.annotations['kubernetes.io/service-account.name'] is missing: a "
                "kubernetes.io/service-account-token Secret must name its ServiceAccount"
            )
        return
    required = REQUIRED_KEYS.get(secret_type) if isinstance(secret_type, str) else None
    if required is None:
        return  # Opaque, or a type Kubernetes does not define: no keys to require
    keys, all_of = required
    if not all_of:  # basic-auth: either key, even empty
        if not any(k in sizes for k in keys):
            r.add(
                f"data has neither {' nor '.join(repr(k) for k in keys)}: a {secret_type} Secret "
                f"needs {_needed_keys(keys, all_of)} in data or stringData"
            )
        return
    for key in keys:
        if key not in sizes:
            r.add(
                f"data[{key!r}] is missing: a {secret_type} Secret needs {_needed_keys(keys, all_of)} "
                f"in data or stringData"
            )
        elif secret_type == "kubernetes.io/ssh-auth" and sizes[key] == 0:
            r.add(f"data[{key!r}] is empty: a {secret_type} Secret needs the private key in it")
    if secret_type in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson") and keys[0] in sizes:
        key = keys[0]
        text = _secret_text(string_data.get(key) if key in string_data else None, data.get(key))
        _docker_config(r, key, text)


def _needed_keys(keys: tuple[str, ...], all_of: bool) -> str:
    """The keys a Secret type needs, as a message says them: "the key '.dockercfg'", "the keys
    'tls.crt' and 'tls.key'", or (any one of them) "a 'username' or 'password' key"."""
    quoted = [repr(k) for k in keys]
    if not all_of:
        return f"a {' or '.join(quoted)} key"
    return f"the key {quoted[0]}" if len(quoted) == 1 else f"the keys {' and '.join(quoted)}"


def _secret_text(string_value: object, b64_value: object) -> str | None:
    if isinstance(string_value, str):
        return string_value
    if isinstance(b64_value, str):
        try:
            # Go's JSON decoder reads invalid UTF-8 in strings as U+FFFD
            raw = binascii.a2b_base64(b64_unwrapped(b64_value), strict_mode=True)
            return raw.decode(errors="replace")
        except (binascii.Error, ValueError):
            return None
    return None


def _no_constant(name: str) -> object:
    raise ValueError(name)  # NaN and Infinity are not JSON to Go


def _docker_config(r: Report, key: str, text: str | None) -> None:
    """``json.Unmarshal`` into a map: any JSON object (or null) is accepted."""
    try:
        parsed = json.loads(text, parse_constant=_no_constant) if text is not None else ()
    except (ValueError, RecursionError):
        parsed = ()
    if parsed is not None and not isinstance(parsed, dict):
        r.add(f"data[{key!r}] is not a JSON object (value not shown): write registry credentials as JSON")
