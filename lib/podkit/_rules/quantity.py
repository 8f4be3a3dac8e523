"""Kubernetes quantities (apimachinery's resource.Quantity), parsed without raising."""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = [
    "BINARY_SUFFIXES",
    "DECIMAL_SUFFIXES",
    "QUANTITY",
    "SUFFIXES",
    "quantity_hint",
    "quantity_of",
    "quantity_value",
]

# Matched in full (``\\Z``): ``$`` would accept "1Gi\\n".
QUANTITY = re.compile(
    r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?\Z"
)
BINARY_SUFFIXES = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}


def _scale(amount: Decimal, suffix: str) -> Decimal:
    if suffix in BINARY_SUFFIXES:
        return amount * Decimal(1024) ** BINARY_SUFFIXES[suffix]
    if suffix in DECIMAL_SUFFIXES:  # before the exponent test: "E" alone is exa
        return amount.scaleb(DECIMAL_SUFFIXES[suffix])
    return amount.scaleb(int(suffix[1:]))


_QUANTITY_CACHE: dict[str, Decimal | None] = {}


def quantity_value(text: str) -> Decimal | None:
    """The value of a quantity string, or ``None`` when Kubernetes would not parse it.

    Non-raising and cached: the final-object rules call it on every quantity of every object, and real apps repeat the same few quantities.
    """
    cached = _QUANTITY_CACHE.get(text, False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    m = QUANTITY.match(text)
    result = None if m is None else _scale(Decimal(m.group(1)), m.group(2) or "")
    if len(_QUANTITY_CACHE) < 10_000:
        _QUANTITY_CACHE[text] = result
    return result


def quantity_of(value: object) -> Decimal | None:
    """The value of a quantity field as written in an object (a string or a number), or ``None``."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return quantity_value(str(value))


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


def quantity_hint(text: str) -> str:
    """What a quantity looks like, and the likely fix for ``text`` (``'10GB'``: ``'10G'`` or ``'10Gi'``)."""
    expected = f"expected a number with an optional suffix: {SUFFIXES}"
    if text != text.strip() and QUANTITY.match(text.strip()):
        return f"{expected}. Remove the surrounding whitespace: {text.strip()!r}"
    m = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]+)\s*", text)
    if m:
        number, suffix = m.groups()
        fix = _MISTAKES.get(suffix.lower())
        if suffix.lower() in ("mb", "gb", "kb", "tb"):
            binary = suffix[0].upper() + "i" if suffix[0].lower() != "k" else "Ki"
            return f"{expected}. Did you mean {number + (fix or '')!r} or {number + binary!r}?"
        if fix is not None:
            return f"{expected}. Did you mean {number + fix!r}?"
        for good in list(BINARY_SUFFIXES) + list(DECIMAL_SUFFIXES):
            if good and suffix.lower() == good.lower():
                return f"{expected}. Suffixes are case-sensitive: did you mean {number + good!r}?"
    if text != text.strip():
        return f"{expected}. Remove the spaces: {text.strip()!r}"
    return expected + "."
