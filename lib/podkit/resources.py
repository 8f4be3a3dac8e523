"""Compute resources: typed requests and limits with validated quantities.

Kubernetes quantities (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/)
are a number with an optional suffix: binary ``Ki Mi Gi Ti Pi Ei`` (powers of 1024), decimal
``n u m k M G T P E`` (powers of 1000, ``m`` = 1/1000), or an exponent (``1e3``). ``Mi`` is
a mebibyte (2^20 bytes), ``M`` a megabyte (10^6); ``1000m`` CPU is one core. A container over
its CPU limit is throttled; over its memory limit it is OOM-killed.

Nothing is emitted unless you ask: podkit injects no default requests or limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import _checks
from ._rules.quantity import QUANTITY, quantity_hint, quantity_value
from .errors import InvalidQuantityError, PodkitTypeError

__all__ = ["Resources", "parse_quantity"]


def parse_quantity(path: str, what: str, value: object) -> tuple[str, Decimal]:
    """Validate a quantity; return its canonical text and its numeric value."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PodkitTypeError(path, f"{what} must be a quantity string like '250m' or '64Mi', got {value!r}")
    text = str(value) if not isinstance(value, float) else repr(value)
    amount = quantity_value(text)
    if amount is None:
        raise InvalidQuantityError(
            path, f"{what} {value!r} is not a Kubernetes quantity; {quantity_hint(text)}"
        )
    if amount < 0:
        raise InvalidQuantityError(path, f"{what} {value!r} is negative; use a positive amount")
    return text, amount


_BYTE_SUFFIXES = ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "M", "G", "T", "P", "E")
#: A bare CPU number above this many cores is almost surely millicores without the ``m``.
MAX_PLAIN_CPU = 64


def _plain(amount: Decimal) -> str:
    """A number as people write it: ``2000000000``, ``0.512`` (not ``2E+9``)."""
    return format(amount.normalize(), "f")


def _likely_mistake(
    path: str, resource: str, what: str, text: str, amount: Decimal, allow_large_cpu: bool
) -> None:
    """Quantities Kubernetes accepts but nobody means (``text`` is ``amount``): raise with the likely fix."""
    m = QUANTITY.match(text)
    if m is None:  # pragma: no cover - parse_quantity ran first
        return
    number, suffix = m.group(1), m.group(2) or ""
    if resource != "cpu" and suffix == "m":
        raise InvalidQuantityError(
            path,
            f"{what} {text!r} means {_plain(amount)} bytes ('m' is milli, one thousandth); "
            f"did you mean {number + 'Mi'!r} (mebibytes) or {number + 'M'!r} (megabytes)?",
        )
    if resource == "cpu" and suffix in _BYTE_SUFFIXES:
        raise InvalidQuantityError(
            path,
            f"{what} {text!r} is {_plain(amount)} cores: byte suffixes make no sense for "
            f"CPU; did you mean {number + 'm'!r} (millicores)?",
        )
    if (
        resource == "cpu"
        and not allow_large_cpu
        and suffix[:1] not in ("n", "u", "m")
        and amount > MAX_PLAIN_CPU
    ):
        raise InvalidQuantityError(
            path,
            f"{what} {text!r} is {_plain(amount)} whole cores, more than {MAX_PLAIN_CPU}; "
            f"did you mean {number + 'm'!r} (millicores)? If you really mean cores, pass "
            f"Resources(..., allow_large_cpu=True)",
        )


@dataclass(frozen=True)
class Resources:
    """Requests and limits of one container. Leave a field out and it is not emitted.

    Quantities are strings (``"250m"``, ``"0.5"``, ``"64Mi"``); CPU also takes a number of
    cores (``0.5``, ``2``). Memory takes only strings: a bare ``128`` would mean 128 bytes,
    which is almost never what was meant.

    :param cpu_request: guaranteed CPU, e.g. ``"250m"`` (a quarter core).
    :param cpu_limit: CPU above which the container is throttled.
    :param memory_request: guaranteed memory, e.g. ``"64Mi"``.
    :param memory_limit: memory above which the container is OOM-killed.
    :param ephemeral_storage_request: local scratch space request.
    :param ephemeral_storage_limit: local scratch space limit.
    :param allow_large_cpu: accept a bare CPU number above 64 cores (``"500"``). Default: such a
        number raises, since it is almost always millicores without the ``m`` (``"500m"``).
    :param extended_limits: extended resources such as ``{"nvidia.com/gpu": 1}``: whole numbers,
        ``domain/name`` keys. Kubernetes cannot overcommit them, so each needs a limit, and a
        request (rarely useful: it defaults to the limit) must equal it. Default: none.
    :param extended_requests: requests of extended resources, each equal to its limit.
    :param hugepages_limits: pre-allocated huge pages by page size, ``{"2Mi": "100Mi"}`` renders
        ``hugepages-2Mi: 100Mi``; a multiple of the page size, and the container must also have a
        cpu or memory request or limit (API server rule). Default: none.
    :param hugepages_requests: huge page requests, each equal to its limit.

    Quantities Kubernetes accepts but that are almost surely mistakes raise with the likely
    fix: memory or ephemeral storage with a lower-case ``m`` (``"512m"`` is 0.512 bytes: did
    you mean ``"512Mi"``?) and CPU with a byte suffix (``"512Mi"``: did you mean ``"512m"``?).
    """

    cpu_request: str | int | float | None = None
    cpu_limit: str | int | float | None = None
    memory_request: str | None = None
    memory_limit: str | None = None
    ephemeral_storage_request: str | None = None
    ephemeral_storage_limit: str | None = None
    allow_large_cpu: bool = False
    extended_limits: Mapping[str, int | str] | None = None
    extended_requests: Mapping[str, int | str] | None = None
    hugepages_limits: Mapping[str, str] | None = None
    hugepages_requests: Mapping[str, str] | None = None

    def render(self, path: str) -> dict[str, Any] | None:
        """The ``resources`` object; raises for bad quantities and requests above limits."""
        _checks.check_bool(path, "allow_large_cpu", self.allow_large_cpu)
        requests: dict[str, str] = {}
        limits: dict[str, str] = {}
        for resource, req, lim, numbers_ok in (
            ("cpu", self.cpu_request, self.cpu_limit, True),
            ("memory", self.memory_request, self.memory_limit, False),
            ("ephemeral-storage", self.ephemeral_storage_request, self.ephemeral_storage_limit, False),
        ):
            parsed = {}
            for kind, value, out in (("request", req, requests), ("limit", lim, limits)):
                if value is None:
                    continue
                what = f"{resource} {kind}"
                if not numbers_ok and not isinstance(value, str):
                    raise PodkitTypeError(
                        path,
                        f"{what} must be a string with a unit, got {value!r}; did you mean '{value}Mi'?",
                    )
                text, amount = parse_quantity(path, what, value)
                _likely_mistake(path, resource, what, text, amount, self.allow_large_cpu)
                out[resource] = text
                parsed[kind] = (text, amount)
            if "request" in parsed and "limit" in parsed and parsed["request"][1] > parsed["limit"][1]:
                raise InvalidQuantityError(
                    path,
                    f"{resource} request {parsed['request'][0]!r} is above its limit {parsed['limit'][0]!r}; "
                    f"Kubernetes rejects this: lower the request or raise the limit",
                )
        if (
            self.extended_limits is not None
            or self.extended_requests is not None
            or self.hugepages_limits is not None
            or self.hugepages_requests is not None
        ):
            self._not_overcommitted(path, requests, limits)
        if not requests and not limits:
            return None
        return {"requests": requests or None, "limits": limits or None}

    def _not_overcommitted(self, path: str, requests: dict[str, str], limits: dict[str, str]) -> None:
        """Extended resources and huge pages: whole units / page multiples, limit required,
        request equal to the limit (``ValidateResourceRequirements`` for non-overcommitable resources)."""
        parsed: dict[str, dict[str, Decimal]] = {"request": {}, "limit": {}}
        for kind, values, out in (
            ("limit", self.extended_limits, limits),
            ("request", self.extended_requests, requests),
        ):
            for name, value in _mapping(path, f"extended_{kind}s", values).items():
                _extended_name(path, name)
                if isinstance(value, bool) or not isinstance(value, int | str):
                    raise PodkitTypeError(
                        path,
                        f"{name} {kind} must be a whole number such as 1, got {type(value).__name__} {value!r}",
                    )
                text, amount = parse_quantity(path, f"{name} {kind}", value)
                if amount != amount.to_integral_value():
                    raise InvalidQuantityError(
                        path,
                        f"{name} {kind} {value!r} is not a whole number; extended resources are counted in "
                        f"units: use e.g. 1",
                    )
                out[name] = text
                parsed[kind][name] = amount
        for kind, values, out in (
            ("limit", self.hugepages_limits, limits),
            ("request", self.hugepages_requests, requests),
        ):
            for size, value in _mapping(path, f"hugepages_{kind}s", values).items():
                name = f"hugepages-{size}"
                page = quantity_value(size) if isinstance(size, str) else None
                if page is None or page <= 0:
                    raise InvalidQuantityError(
                        path,
                        f"hugepages page size {size!r} is not a quantity; use the node's page size, "
                        f"e.g. '2Mi' or '1Gi' (without the 'hugepages-' prefix)",
                    )
                if not isinstance(value, str):
                    raise PodkitTypeError(
                        path, f"{name} {kind} must be a string such as '100Mi', got {value!r}"
                    )
                text, amount = parse_quantity(path, f"{name} {kind}", value)
                if amount % page:
                    raise InvalidQuantityError(
                        path, f"{name} {kind} {value!r} is not a multiple of the page size {size}; round it"
                    )
                out[name] = text
                parsed[kind][name] = amount
        for name, amount in parsed["request"].items():
            if name not in parsed["limit"]:
                raise InvalidQuantityError(
                    path,
                    f"{name} has a request {requests[name]!r} but no limit; Kubernetes cannot overcommit it and "
                    f"requires a limit: set the limit (the request then defaults to it)",
                )
            if amount != parsed["limit"][name]:
                raise InvalidQuantityError(
                    path,
                    f"{name} request {requests[name]!r} differs from its limit {limits[name]!r}; Kubernetes "
                    f"requires them equal: drop the request or make them equal",
                )
        hugepages = any(n.startswith("hugepages-") for n in (*parsed["limit"], *parsed["request"]))
        if hugepages and not any(n in ("cpu", "memory") for n in (*requests, *limits)):
            raise InvalidQuantityError(
                path,
                "hugepages need a cpu or memory request or limit as well (API server rule); add one, "
                "e.g. memory_limit='256Mi'",
            )


def _mapping(path: str, what: str, value: object) -> Mapping[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PodkitTypeError(
            path, f"{what} must be a mapping such as {{'nvidia.com/gpu': 1}}, got {value!r}"
        )
    return value


def _extended_name(path: str, name: object) -> str:
    if not isinstance(name, str) or "/" not in name:
        raise InvalidQuantityError(
            path,
            f"extended resource {name!r} needs a domain: use 'domain/name', e.g. 'nvidia.com/gpu' "
            f"(cpu, memory and ephemeral-storage have their own fields, hugepages hugepages_limits)",
        )
    domain = name.split("/", 1)[0]
    if domain == "kubernetes.io" or domain.endswith(".kubernetes.io"):
        raise InvalidQuantityError(
            path,
            f"extended resource {name!r} is in the kubernetes.io domain, reserved for Kubernetes: use your own",
        )
    return _checks.label_key(path, name, what="extended resource name")
