"""Compute resources: typed requests and limits with validated quantities.

Kubernetes quantities (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/)
are a number with an optional suffix: binary ``Ki Mi Gi Ti Pi Ei`` (powers of 1024), decimal
``n u m k M G T P E`` (powers of 1000, ``m`` = 1/1000), or an exponent (``1e3``). ``Mi`` is
a mebibyte (2^20 bytes), ``M`` a megabyte (10^6); ``1000m`` CPU is one core. A container over
its CPU limit is throttled; over its memory limit it is OOM-killed.

Nothing is emitted unless you ask: podkit injects no default requests or limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import InvalidQuantityError, PodkitTypeError

_QUANTITY = re.compile(
    r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$"
)
_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
# Common spellings that are not Kubernetes suffixes, and what the author probably meant.
_MISTAKES = {
    "b": "",
    "kb": "k",
    "mb": "M",
    "gb": "G",
    "tb": "T",
    "kib": "Ki",
    "mib": "Mi",
    "gib": "Gi",
    "tib": "Ti",
}
SUFFIXES = "Ki Mi Gi Ti Pi Ei (binary), n u m k M G T P E (decimal), or an exponent such as 1e3"


def parse_quantity(path: str, what: str, value: object) -> tuple[str, Decimal]:
    """Validate a quantity; return its canonical text and its numeric value."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PodkitTypeError(path, f"{what} must be a quantity string like '250m' or '64Mi', got {value!r}")
    text = str(value) if not isinstance(value, float) else repr(value)
    m = _QUANTITY.match(text)
    if not m:
        raise InvalidQuantityError(path, f"{what} {value!r} is not a Kubernetes quantity; {_hint(text)}")
    number, suffix = m.group(1), m.group(2) or ""
    try:
        amount = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the regex admits only decimals
        raise InvalidQuantityError(path, f"{what} {value!r} is not a number") from None
    if amount < 0:
        raise InvalidQuantityError(path, f"{what} {value!r} is negative; use a positive amount")
    if suffix in _BINARY:
        amount *= Decimal(1024) ** _BINARY[suffix]
    elif suffix[:1] in ("e", "E"):
        amount = amount.scaleb(int(suffix[1:]))
    else:
        amount = amount.scaleb(_DECIMAL[suffix])
    return text, amount


def _hint(text: str) -> str:
    expected = f"expected a number with an optional suffix: {SUFFIXES}"
    m = re.match(r"^\s*([0-9.]+)\s*([A-Za-z]+)\s*$", text)
    if m:
        number, suffix = m.groups()
        fix = _MISTAKES.get(suffix.lower())
        if suffix.lower() in ("mb", "gb", "kb", "tb"):
            binary = suffix[0].upper() + "i" if suffix[0].lower() != "k" else "Ki"
            return f"{expected}. Did you mean {number + (fix or '')!r} or {number + binary!r}?"
        if fix is not None:
            return f"{expected}. Did you mean {number + fix!r}?"
        for good in list(_BINARY) + list(_DECIMAL):
            if good and suffix.lower() == good.lower():
                return f"{expected}. Suffixes are case-sensitive: did you mean {number + good!r}?"
    if text != text.strip():
        return f"{expected}. Remove the spaces: {text.strip()!r}"
    return expected + "."


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
    """

    cpu_request: str | int | float | None = None
    cpu_limit: str | int | float | None = None
    memory_request: str | None = None
    memory_limit: str | None = None
    ephemeral_storage_request: str | None = None
    ephemeral_storage_limit: str | None = None

    def render(self, path: str) -> dict[str, Any] | None:
        """The ``resources`` object; raises for bad quantities and requests above limits."""
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
                out[resource] = text
                parsed[kind] = (text, amount)
            if "request" in parsed and "limit" in parsed and parsed["request"][1] > parsed["limit"][1]:
                raise InvalidQuantityError(
                    path,
                    f"{resource} request {parsed['request'][0]!r} is above its limit {parsed['limit'][0]!r}; "
                    f"Kubernetes rejects this: lower the request or raise the limit",
                )
        if not requests and not limits:
            return None
        return {"requests": requests or None, "limits": limits or None}
