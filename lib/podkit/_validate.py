"""The checks every final object passes before anything is written.

Final means as written: rendered, escape-hatch JSON patches applied. This is the one place
that runs them, on podkit's objects and on any other cdk8s construct's alike:

* the strict Kubernetes 1.33 schema (``_rules.schema``; unknown fields are errors), unless the
  chart turned it off with ``validate_schema=False``;
* the API server's own validation rules that the schema cannot express (``_rules``, picked by
  apiVersion and kind: name regexes in full, size limits, path rules, cross-field rules);
* the chart's Pod Security Standards level, if it set one (``_rules.pod_security``).

This module adds what the rules leave to their caller: a Secret's values are scrubbed from
every message, wherever a patch copied one.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import _rules
from ._rules.core import secret as _secret_rules
from .errors import Problem

if TYPE_CHECKING:
    import cdk8s


# the Secret's shape is the rules' (schema_problems, scrubbing and _diff share it)
SECRET_FIELDS = _secret_rules.SECRET_FIELDS
is_secret = _secret_rules.is_secret
schema_problems = _rules.schema_problems


def check_final(doc: Any, path: str, *, chart: cdk8s.Chart | None) -> list[Problem]:
    """Every problem of one final object; ``path`` names it in messages.

    A Secret's values never appear in them, wherever a patch may have copied one to (an
    annotation, a wrong-typed field): the messages are scrubbed of every value it holds.
    """
    if not isinstance(doc, dict):
        return [Problem(path, f"expected an object, got {type(doc).__name__}", rule="schema")]
    problems = _problems(doc, path, chart)
    if problems and is_secret(doc):
        problems = _scrubbed(problems, secret_values(doc))
    return problems


def secret_values(doc: Mapping[str, Any]) -> list[str]:
    """Every value a Secret holds, as written (``stringData``, base64 ``data``) and decoded."""
    out: list[str] = []
    for field in SECRET_FIELDS:
        values = doc.get(field)
        for value in values.values() if isinstance(values, dict) else ():
            if not isinstance(value, str) or not value:
                continue
            out.append(value)
            if field == "data":
                with contextlib.suppress(binascii.Error, UnicodeDecodeError):
                    out.append(base64.b64decode(value, validate=True).decode("utf-8"))
    # longest first, so that a value containing another is hidden whole
    return sorted({v for v in out if v}, key=len, reverse=True)


_HIDDEN = "<Secret value not shown>"
_MIN_BARE = 8


def _scrubbed(problems: list[Problem], values: list[str]) -> list[Problem]:
    def scrub(text: str) -> str:
        for value in values:
            # messages quote values (repr); a bare occurrence is scrubbed too unless the value is
            # so short that it would garble ordinary words and numbers ("1" in "1.33.0")
            text = text.replace(repr(value), _HIDDEN)
            if len(value) >= _MIN_BARE:
                text = text.replace(value, _HIDDEN)
        return text

    return [dataclasses.replace(p, message=scrub(p.message), fix=scrub(p.fix)) for p in problems]


def _problems(doc: dict[str, Any], path: str, chart: cdk8s.Chart | None) -> list[Problem]:
    return _rules.check(
        doc,
        path,
        schema=_rules.schema_problems if getattr(chart, "validate_schema", True) else None,
        pod_security=getattr(chart, "pod_security", None),
    )
