"""The raising checks constructs call where a value arrives, and the Python-type checks.

The rule texts are the API server's (``podkit._rules.names``): a check here raises the text a
rule returns, and the final-object rules report the same text, so an early error and a
synth-time problem always say the same thing.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn, TypeGuard, TypeVar

from ._rules.names import (
    ENV_NAME,
    INT32_MAX,
    PERCENT,
    Rule,
    config_key_error,
    divisor_error,
    dns1035_label_error,
    dns_label_error,
    dns_subdomain_error,
    env_name_error,
    field_path_error,
    host_path_error,
    http_header_name_error,
    image_ref_error,
    label_value_error,
    mount_path_error,
    port_name_error,
    qualified_name_error,
    relative_path_error,
    resource_field_error,
    sub_path_error,
    sysctl_host_conflict,
)
from .errors import InvalidNameError, PodkitTypeError

__all__ = [
    "ENV_NAME",
    "INT32_MAX",
    "PERCENT",
    "divisor_error",
    "dns1035_label_error",
    "dns_label_error",
    "field_path_error",
    "label_value_error",
    "resource_field_error",
    "sysctl_host_conflict",
]


def is_list(value: object) -> TypeGuard[Iterable[Any]]:
    """Whether ``value`` can stand for a list argument: iterable, but not a str or bytes (read one
    character at a time) nor a mapping (read as its keys). Every list parameter asks this."""
    if type(value) is list or type(value) is tuple:
        return True  # the common case, without the ABC checks below (a hot path at build)
    return isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping)


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


def _raise_if(path: str, error: str | None) -> None:
    if error is not None:
        raise InvalidNameError(path, error)


def _valid(path: str, what: str, value: object, rule: Rule) -> str:
    """``value`` when it is a str that ``rule`` accepts; else raise with the rule's text."""
    if type(value) is str and (rule, value) in _ACCEPTED:
        return value  # apps repeat the same names, keys and images thousands of times
    text = check_str(path, what, value)
    _raise_if(path, rule(what, text))
    if len(_ACCEPTED) < 100_000:
        _ACCEPTED.add((rule, text))
    return text


#: (rule, value) pairs a rule accepted (rules depend on the value only; ``what`` names it in errors)
_ACCEPTED: set[tuple[Rule, str]] = set()


# Value checks that run before a construct path exists (the pod or construct that receives
# the value re-raises with its path): enum members, instances, sequences.
E = TypeVar("E", bound=enum.Enum)


def check_enum(what: str, value: object, enum_type: type[E]) -> E:
    """An enum member, or a type error that names the member to use when given its value."""
    if isinstance(value, enum_type):
        return value
    members = {m.value: m for m in enum_type}
    if isinstance(value, str):
        match = members.get(value) or next(
            (m for m in enum_type if m.value.lower() == value.lower() or m.name == value.upper()), None
        )
        if match is not None:
            raise PodkitTypeError(
                "",
                f"{what} must be a {enum_type.__name__}, got str {value!r}; use {enum_type.__name__}.{match.name}",
            )
    choices = ", ".join(f"{enum_type.__name__}.{m.name}" for m in enum_type)
    raise PodkitTypeError(
        "", f"{what} must be a {enum_type.__name__} ({choices}), got {type(value).__name__} {value!r}"
    )


def check_optional_enum(what: str, value: object, enum_type: type[E]) -> E | None:
    return None if value is None else check_enum(what, value, enum_type)


def check_instance(what: str, value: object, cls: type[Any], hint: str) -> Any:
    if value is not None and not isinstance(value, cls):
        raise PodkitTypeError(
            "", f"{what} must be a {cls.__name__} ({hint}), got {type(value).__name__} {value!r}"
        )
    return value


def check_sequence(what: str, value: object, example: str) -> tuple[Any, ...]:
    """A list or tuple; a bare str (read one character at a time) or a mapping (read as its
    keys) is refused."""
    if not is_list(value):
        raise PodkitTypeError(
            "", f"{what} must be a list or tuple, got {type(value).__name__} {value!r}; e.g. {example}"
        )
    return tuple(value)


def check_bool(path: str, what: str, value: object) -> bool:
    """A flag: True or False (a str such as "false" would be truthy)."""
    if not isinstance(value, bool):
        raise PodkitTypeError(path, f"{what} must be a bool, got {type(value).__name__} {value!r}")
    return value


def optional_bool(path: str, what: str, value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        fail_type(path, what, value, "True, False or None")
    return value


def dns_label(path: str, what: str, value: object) -> str:
    """RFC 1123 label: container, volume and port-less names (max 63)."""
    return _valid(path, what, value, dns_label_error)


def dns_subdomain(path: str, what: str, value: object) -> str:
    """RFC 1123 subdomain: object names (max 253)."""
    return _valid(path, what, value, dns_subdomain_error)


def env_name(path: str, value: object, *, what: str = "env var name") -> str:
    return _valid(path, what, value, env_name_error)


def config_key(path: str, value: object, *, what: str = "key") -> str:
    return _valid(path, what, value, config_key_error)


def label_key(path: str, value: object, *, what: str = "label key") -> str:
    return _valid(path, what, value, qualified_name_error)


def label_value(path: str, key: str, value: object) -> str:
    if not isinstance(value, str):
        fail_type(path, f"label {key!r}", value, f"a str (quote it: {str(value)!r})")
    _raise_if(path, label_value_error(f"label {key!r}", value))
    return value


def labels(path: str, value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        fail_type(path, "labels", value, "a mapping of str to str")
    return {label_key(path, k): label_value(path, k, v) for k, v in value.items()}


def port_name(path: str, value: object, *, what: str = "port name") -> str:
    return _valid(path, what, value, port_name_error)


def port_number(path: str, what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        fail_type(path, what, value, "an int between 1 and 65535")
    if not 1 <= value <= 65535:
        raise InvalidNameError(path, f"{what} {value} is out of range: use a port between 1 and 65535")
    return value


def image_ref(path: str, value: object, *, what: str = "image") -> str:
    """An image reference a container runtime can pull (``nginx:1.27``, ``ghcr.io/org/app@sha256:...``)."""
    return _valid(path, what, value, image_ref_error)


def http_header_name(path: str, value: object, *, what: str = "probe header name") -> str:
    return _valid(path, what, value, http_header_name_error)


def relative_path(path: str, what: str, value: object, *, reserved: bool = False) -> str:
    """A file path inside a volume (item paths): relative, without a '..' element."""
    text = check_str(path, what, value)
    _raise_if(path, relative_path_error(what, text, reserved=reserved))
    return text


def sub_path(path: str, value: object, *, what: str = "sub_path") -> str:
    """A mount's ``subPath``: relative, without a '..' element."""
    return _valid(path, what, value, sub_path_error)


def mount_path(path: str, value: object, *, what: str = "mount path") -> str:
    """A mount's ``mountPath``: absolute and not empty."""
    return _valid(path, what, value, mount_path_error)


def host_path(path: str, value: object, *, what: str = "host path") -> str:
    return _valid(path, what, value, host_path_error)


def jsonable(value: Any) -> Any:
    """Drop ``None`` values and sort mapping keys recursively, as cdk8s does for ApiObjects.

    One pass over the tree; scalars (most of it) are copied without a call (issue #16)."""
    if type(value) is dict:
        return {
            k: jsonable(v) if type(v) is dict or type(v) is list else v
            for k in sorted(value)
            if (v := value[k]) is not None
        }
    if type(value) is list:
        return [jsonable(v) if type(v) is dict or type(v) is list else v for v in value]
    if isinstance(value, dict | list):  # subclasses: the general (slower) path
        return jsonable(dict(value) if isinstance(value, dict) else list(value))
    return value


def enum_arg(path: str, what: str, value: object, cls: type[E]) -> E:
    """``value`` as a member of ``cls``; a str that names a member's value says which member."""
    if isinstance(value, cls):
        return value
    member = next((m for m in cls if isinstance(value, str) and value.lower() == str(m.value).lower()), None)
    hint = f": use {cls.__name__}.{member.name}" if member else ""
    members = ", ".join(f"{cls.__name__}.{m.name}" for m in cls)
    raise PodkitTypeError(path, f"{what} must be a {cls.__name__} ({members}), got {value!r}{hint}")
