"""The vocabulary every rule module shares: a report that collects problems, and small helpers.

A rule is a plain function of the rendered object (a dict, exactly as it will be written) and
the field path it sits at; it reports what the API server would reject through a
:class:`Report` and never raises. Patched or foreign objects may hold anything where the schema
expects an object or a list, so rules read through :func:`as_dict` / :func:`as_list` and skip
values of the wrong type (the schema check names those).

Every message begins with the JSON path of the field it is about
(``spec.containers[0].ports[1].hostPort 99999 is out of range: ...``); :meth:`Report.add` takes
the field from there unless it is given.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import CodeType
from typing import Any, TypeVar

from ..errors import Problem
from . import names as n

__all__ = [
    "BASE64",
    "DEFAULT_SETTINGS",
    "EMPTY",
    "MAX_DATA",
    "PROTOCOLS",
    "RESTART_POLICIES",
    "ClusterSettings",
    "PassedPodSpec",
    "Report",
    "as_dict",
    "as_list",
    "b64_size",
    "b64_unwrapped",
    "config_key",
    "data_size",
    "dns1035",
    "env_name",
    "field_of",
    "header_name",
    "image",
    "is_int",
    "label",
    "label_value",
    "one_of",
    "port_name",
    "port_ok",
    "qualified",
    "subdomain",
    "upstream",
]

# Apps repeat the same labels, keys and names: each rule remembers the values it accepted.
label = n.remember_valid(n.dns_label_error)
subdomain = n.remember_valid(n.dns_subdomain_error)
dns1035 = n.remember_valid(n.dns1035_label_error)
env_name = n.remember_valid(n.env_name_error)
config_key = n.remember_valid(n.config_key_error)
qualified = n.remember_valid(n.qualified_name_error)
label_value = n.remember_valid(n.label_value_error)
port_name = n.remember_valid(n.port_name_error)
header_name = n.remember_valid(n.http_header_name_error)
image = n.image_ref_error  # already remembers valid images

EMPTY: Mapping[str, Any] = {}

MAX_DATA = 1024 * 1024  # MaxSecretSize / the ConfigMap total size limit
PROTOCOLS = ("TCP", "UDP", "SCTP")
RESTART_POLICIES = ("Always", "OnFailure", "Never")


def as_dict(value: object) -> Mapping[str, Any]:
    """``value`` if it is an object, else an empty one: patched objects may hold anything."""
    return value if isinstance(value, dict) else EMPTY


def as_list(value: object) -> list[Any]:
    """``value`` if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def port_ok(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


def one_of(allowed: tuple[str, ...]) -> str:
    return allowed[0] if len(allowed) == 1 else f"one of {', '.join(allowed)}"


def field_of(message: str) -> str:
    """The field path a message begins with: up to the first space outside ``[...]``."""
    depth = 0
    quote = ""
    for i, ch in enumerate(message):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"" and depth:
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch in " :" and not depth:
            return message[:i]
    return message


def data_size(value: object) -> int:
    if not isinstance(value, str):
        return 0
    return len(value) if value.isascii() else len(value.encode())


BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}\Z")


def b64_unwrapped(value: str) -> str:
    """Base64 text as Go decodes it: line breaks (``base64`` wraps at 76 columns) are skipped."""
    if "\n" in value or "\r" in value:
        return value.replace("\n", "").replace("\r", "")
    return value


def b64_size(value: object) -> int | None:
    """Decoded size of base64 text without decoding it (line breaks skipped, as Go does); None
    when it is not base64."""
    if not isinstance(value, str):
        return None
    value = b64_unwrapped(value)
    n = len(value)
    if n % 4 or not BASE64.match(value):
        return None
    return n // 4 * 3 - (2 if value.endswith("==") else 1 if value.endswith("=") else 0)


@dataclass(frozen=True)
class ClusterSettings:
    """What a cluster configures that some rules depend on (the API server's flags).

    :param node_port_range: ``--service-node-port-range`` (default 30000-32767), inclusive.
    """

    node_port_range: tuple[int, int] = (30000, 32767)


DEFAULT_SETTINGS = ClusterSettings()


class PassedPodSpec:
    """A pod spec in which the rules asked at the call (``check_pod_spec`` with
    ``each_container=False``: how the containers fit the pod, and the pod's own fields) found
    nothing, as they read it: ``spec`` (each container without its own fields, see
    ``core.pod.fit_view``) and ``meta`` (the name, labels and annotations beside it), at
    ``where`` with the restartPolicy values ``restart``. A synth-time check of an object holding
    that very spec at that path need not ask those rules again (``core.pod.check_pod_spec``).
    (A plain class: a dataclass costs ~0.4 ms at import, and nothing compares these.)"""

    __slots__ = ("meta", "restart", "spec", "where")

    def __init__(
        self, where: str, restart: tuple[str, ...], spec: Mapping[str, Any], meta: Mapping[str, Any]
    ) -> None:
        self.where = where
        self.restart = restart
        self.spec = spec
        self.meta = meta


class Report:
    """One object's problems: where to report them (the construct path), which rule is running,
    the cluster's settings the rules read, and (``passed``) what the rules found nothing in
    at the call already."""

    __slots__ = ("passed", "path", "problems", "rule", "settings")

    def __init__(
        self,
        path: str,
        rule: str = "apiserver",
        settings: ClusterSettings = DEFAULT_SETTINGS,
        passed: PassedPodSpec | None = None,
    ) -> None:
        self.path = path
        self.rule = rule
        self.settings = settings
        self.passed = passed
        self.problems: list[Problem] = []

    def add(self, message: str | None, *, field: str | None = None, fix: str = "") -> None:
        """Report ``message`` (nothing when ``None``) under the rule that found it: the innermost
        ``@upstream`` function on the stack, else the running rule (the kind's)."""
        if message is not None:
            where = field_of(message) if field is None else field
            self.problems.append(Problem(self.path, message, fix, self._rule_here(), where))

    def _rule_here(self) -> str:
        # Asked only when there is a problem to report, so the valid path pays nothing for rule
        # names: ``@upstream`` records its function's code object and this walks up to it.
        frame = sys._getframe(2)
        for _ in range(_MAX_DEPTH):
            if frame is None:
                break
            rule = _UPSTREAM.get(frame.f_code)
            if rule is not None:
                return rule
            frame = frame.f_back  # type: ignore[assignment]
        return self.rule

    def required(self, where: str, value: object, rule: n.Rule, fix: str) -> str | None:
        """``value`` when it is a non-empty str, after reporting what ``rule`` finds wrong with
        it; else ``None``, after reporting ``where`` as missing (``fix`` says what to set)."""
        if not isinstance(value, str) or not value:
            self.add(f"{where} is missing: {fix}")
            return None
        self.add(rule(where, value))
        return value

    def enum(self, where: str, value: object, allowed: tuple[str, ...]) -> None:
        if value is not None and value not in allowed:
            self.add(f"{where} {value!r} is not supported: use {one_of(allowed)}")

    def at_least(self, where: str, value: object, minimum: int, maximum: int | None = None) -> None:
        if value is None:
            return
        if not is_int(value) or value < minimum or (maximum is not None and value > maximum):  # type: ignore[operator]
            what = "a non-negative int" if minimum == 0 else f"an int of at least {minimum}"
            if maximum is not None:
                what = f"an int from {minimum} to {maximum}"
            self.add(f"{where} {value!r} is invalid: use {what}")


F = TypeVar("F", bound=Callable[..., Any])

#: the upstream check of each ``@upstream`` rule function, by its code object
_UPSTREAM: dict[CodeType, str] = {}
#: how far up the stack a problem looks for the rule function that found it
_MAX_DEPTH = 12


def upstream(name: str) -> Callable[[F], F]:
    """Mark a rule function as the port of the upstream check ``name`` (``ValidateService``): the
    problems reported while it runs carry ``rule="apiserver:<name>"``. The function itself is
    returned unchanged (no wrapper: rules run on every object of every synth)."""

    def mark(fn: F) -> F:
        _UPSTREAM[fn.__code__] = f"apiserver:{name}"
        return fn

    return mark
