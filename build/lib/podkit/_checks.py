"""Validation of names and simple values, shared by every construct.

The rules are Kubernetes' own (k8s.io/apimachinery/pkg/util/validation); each check
raises the podkit error that names the construct path, the value, the rule and a fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NoReturn

from .errors import InvalidNameError, PodkitTypeError

# https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Env var names as kubectl checks them (validation.IsEnvVarName): a C identifier that may
# also contain '-' and '.'. Kubernetes >= 1.32 relaxes this behind a feature gate; podkit
# keeps the portable rule so manifests work on every cluster.
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
# ConfigMap/Secret keys (validation.IsConfigMapKey).
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
# Label/annotation name part (validation.IsQualifiedName) and label values.
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
# IANA service names, used for container port names.
_PORT_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def fail_type(path: str, what: str, value: object, expected: str) -> NoReturn:
    raise PodkitTypeError(path, f"{what} must be {expected}, got {type(value).__name__} {value!r}")


def check_str(path: str, what: str, value: object) -> str:
    if not isinstance(value, str):
        fail_type(path, what, value, "a str")
    return value


def check_str_map(path: str, what: str, value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        fail_type(path, what, value, "a mapping of str to str")
    out: dict[str, str] = {}
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise PodkitTypeError(
                path,
                f"{what} must map str to str; entry {k!r}: {v!r} has a {type(v).__name__} value "
                f"(quote it: {k!r}: {str(v)!r})",
            )
        out[k] = v
    return out


def dns_label(path: str, what: str, value: object) -> str:
    """RFC 1123 label: container, volume and port-less names (max 63)."""
    name = check_str(path, what, value)
    if len(name) > 63 or not _DNS1123_LABEL.match(name):
        raise InvalidNameError(
            path,
            f"{what} {name!r} is not a valid DNS-1123 label: use at most 63 lower-case letters, digits "
            f"and '-', starting and ending with a letter or digit (e.g. {_suggest_label(name)!r})",
        )
    return name


def dns_subdomain(path: str, what: str, value: object) -> str:
    """RFC 1123 subdomain: object names (max 253)."""
    name = check_str(path, what, value)
    if len(name) > 253 or not _DNS1123_SUBDOMAIN.match(name):
        raise InvalidNameError(
            path,
            f"{what} {name!r} is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, "
            f"digits, '-' and '.', starting and ending with a letter or digit "
            f"(e.g. {_suggest_label(name)!r})",
        )
    return name


def env_name(path: str, value: object) -> str:
    name = check_str(path, "env var name", value)
    if not _ENV_NAME.match(name):
        raise InvalidNameError(
            path,
            f"env var name {name!r} is invalid: use letters, digits, '_', '-' and '.', not starting "
            f"with a digit (e.g. {re.sub(r'[^-._a-zA-Z0-9]', '_', name).lstrip('0123456789') or 'NAME'!r})",
        )
    return name


def config_key(path: str, value: object, *, what: str = "key") -> str:
    key = check_str(path, what, value)
    if len(key) > 253 or not _CONFIG_KEY.match(key) or key in (".", ".."):
        raise InvalidNameError(
            path,
            f"{what} {key!r} is not a valid ConfigMap/Secret key: use at most 253 letters, digits, "
            f"'-', '_' and '.' (and not '.' or '..')",
        )
    return key


def label_key(path: str, value: object, *, what: str = "label key") -> str:
    key = check_str(path, what, value)
    prefix, _, name = key.rpartition("/")
    ok = bool(name) and len(name) <= 63 and bool(_QUALIFIED_NAME.match(name))
    if prefix:
        ok = ok and len(prefix) <= 253 and bool(_DNS1123_SUBDOMAIN.match(prefix))
    if not ok:
        raise InvalidNameError(
            path,
            f"{what} {key!r} is invalid: use an optional DNS subdomain prefix and '/', then at most 63 "
            f"letters, digits, '-', '_' and '.', starting and ending with a letter or digit "
            f"(e.g. 'app.kubernetes.io/name')",
        )
    return key


def label_value(path: str, key: str, value: object) -> str:
    if not isinstance(value, str):
        fail_type(path, f"label {key!r}", value, f"a str (quote it: {str(value)!r})")
    if len(value) > 63 or not _LABEL_VALUE.match(value):
        raise InvalidNameError(
            path,
            f"label {key!r} has invalid value {value!r}: use at most 63 letters, digits, '-', '_' and "
            f"'.', starting and ending with a letter or digit, or an empty string",
        )
    return value


def labels(path: str, value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        fail_type(path, "labels", value, "a mapping of str to str")
    return {label_key(path, k): label_value(path, k, v) for k, v in value.items()}


def port_name(path: str, value: object) -> str:
    name = check_str(path, "port name", value)
    if len(name) > 15 or not _PORT_NAME.match(name) or not re.search(r"[a-z]", name) or "--" in name:
        raise InvalidNameError(
            path,
            f"port name {name!r} is not a valid IANA service name: use at most 15 lower-case letters, "
            f"digits and '-', with at least one letter (e.g. 'http')",
        )
    return name


def port_number(path: str, what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        fail_type(path, what, value, "an int between 1 and 65535")
    if not 1 <= value <= 65535:
        raise InvalidNameError(path, f"{what} {value} is out of range: use a port between 1 and 65535")
    return value


def _suggest_label(name: str) -> str:
    s = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return s[:63].strip("-") or "my-name"


def jsonable(value: Any) -> Any:
    """Drop ``None`` values and sort mapping keys recursively, as cdk8s does for ApiObjects."""
    if isinstance(value, dict):
        return {k: jsonable(value[k]) for k in sorted(value) if value[k] is not None}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value
