"""The checks every final object passes before anything is written.

Final means as written: rendered, escape-hatch JSON patches applied. This is the one place
that runs them, on podkit's objects and on any other cdk8s construct's alike:

* the strict Kubernetes 1.33 schema (``_schema.py``; unknown fields are errors), unless the
  chart turned it off with ``validate_schema=False``;
* the API server's own validation rules that the schema cannot express (``_apiserver.py``:
  name regexes in full, size limits, path rules, cross-field rules);
* the chart's Pod Security Standards level, if it set one (``pod_security.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _apiserver, _schema
from .errors import Problem

if TYPE_CHECKING:
    import cdk8s


#: fields of a v1 Secret whose values must never be echoed, not even when of the wrong type
_SECRET_FIELDS = ("data", "stringData")


def _schema_messages(doc: dict[str, Any]) -> list[str]:
    """Schema problems of ``doc``; a Secret's values are checked without being shown."""
    if doc.get("kind") != "Secret" or doc.get("apiVersion") != "v1":
        return _schema.validate_object(doc)
    hidden = {f: doc[f] for f in _SECRET_FIELDS if f in doc}
    messages = _schema.validate_object({k: v for k, v in doc.items() if k not in hidden})
    for field, values in hidden.items():
        if values is None:
            continue
        if not isinstance(values, dict):
            messages.append(f"{field}: expected object, got {type(values).__name__} (value not shown)")
            continue
        # the schema says map of string to string; check that, naming the key, never the value
        messages.extend(
            f"{field}.{key}: expected string, got {type(value).__name__} (value not shown)"
            for key, value in values.items()
            if value is not None and not isinstance(value, str)
        )
    return messages


def schema_problems(doc: dict[str, Any], path: str) -> list[Problem]:
    """Strict schema problems of one object (Kubernetes 1.33, or the CRD's for custom kinds)."""
    meta = doc.get("metadata") or {}
    what = f"{doc.get('kind')} {meta.get('name')!r} does not match the {_schema.schema_label(doc)} schema"
    return [Problem(path, f"{what}: {message}", rule="schema") for message in _schema_messages(doc)]


def check_final(doc: Any, path: str, *, chart: cdk8s.Chart | None) -> list[Problem]:
    """Every problem of one final object; ``path`` names it in messages."""
    if not isinstance(doc, dict):
        return [Problem(path, f"expected an object, got {type(doc).__name__}", rule="schema")]
    problems: list[Problem] = []
    if getattr(chart, "validate_schema", True):
        problems.extend(schema_problems(doc, path))
    if problems:
        # the API server's rules assume the schema's shape; a wrong type would only echo
        return problems
    problems.extend(_apiserver.check_object(doc, path))
    level = getattr(chart, "pod_security", None)
    if level is not None:
        from .pod_security import check_pod_security

        problems.extend(check_pod_security(doc, level, path))
    return problems
