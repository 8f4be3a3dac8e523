"""The checks every final object passes before anything is written.

Final means as written: rendered, escape-hatch JSON patches applied. This is the one place
that runs them, on podkit's objects and on any other cdk8s construct's alike:

* the strict Kubernetes 1.33 schema (``_rules.schema``; unknown fields are errors), unless the
  chart turned it off with ``validate_schema=False``;
* the API server's own validation rules that the schema cannot express (``_rules``, picked by
  apiVersion and kind: name regexes in full, size limits, path rules, cross-field rules);
* the chart's Pod Security Standards level, if it set one (``_rules.pod_security``).

This module adds what the rules leave to their caller:

* **Secret values, nowhere.** Every value any Secret of the app holds (as rendered before
  escape-hatch patches and after, plain and base64, podkit's Secrets and foreign ones) is
  scrubbed from every message (:func:`scrub`), wherever a patch moved or copied it: a label, an
  annotation, a wrong-typed field, another object. ``podkit.App`` scrubs with the values of the
  whole app; a ``podkit.Chart`` in a plain ``cdk8s.App`` with those of its chart.
* **A ConfigMap that repeats a Secret's value** (one built from the same env file as a Secret)
  gets a :class:`SecretValueWarning` naming both objects and the keys, never the value.
* **The cluster's settings** (the NodePort range, ``App(node_port_range=...)``) reach the rules
  for every object of the app (:func:`settings_of`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import _crd_kinds, _rules
from ._rules import names
from ._rules._base import b64_unwrapped
from ._rules.core import secret as _secret_rules
from .errors import Problem, UserSite, warn_at

if TYPE_CHECKING:
    import cdk8s


# the Secret's shape is the rules' (schema_problems, scrubbing and _diff share it)
SECRET_FIELDS = _secret_rules.SECRET_FIELDS
is_secret = _secret_rules.is_secret
schema_problems = _rules.schema_problems
_DEFAULT_SETTINGS = _rules.ClusterSettings()


__all__ = [
    "SecretValueWarning",
    "app_secret_values",
    "check_final",
    "scrub",
    "secret_values",
    "settings_of",
    "unpatched_secrets",
    "warn_secret_values_in_config_maps",
]


class SecretValueWarning(UserWarning):
    """A ConfigMap holds a value that is also a Secret's (e.g. both built from one env file):
    the value is then readable by anyone who may read ConfigMaps, and sits in ``dist/``."""


def check_final(
    doc: Any,
    path: str,
    *,
    chart: cdk8s.Chart | None,
    settings: _rules.ClusterSettings | None = None,
    passed: _rules.PassedPodSpec | None = None,
) -> list[Problem]:
    """Every problem of one final object; ``path`` names it in messages.

    A Secret's values never appear in them, wherever a patch may have copied one to (an
    annotation, a wrong-typed field): the messages are scrubbed of every value it holds. (The
    app's other Secrets' values are scrubbed by the chart and the app: :func:`scrub`.)

    :param settings: the cluster's settings. Default: the app's (:func:`settings_of` the chart).
    :param passed: what the rules asked at a call already passed in this object (its construct's
        ``_passed_at_call``): not asked again if it is unchanged.
    """
    if not isinstance(doc, dict):
        return [Problem(path, f"expected an object, got {type(doc).__name__}", rule="schema")]
    problems = _problems(doc, path, chart, settings if settings is not None else settings_of(chart), passed)
    if problems and is_secret(doc):
        problems = _scrubbed(problems, secret_values(doc))
    return problems


def settings_of(chart: object) -> _rules.ClusterSettings:
    """The cluster settings of the app ``chart`` is in (``App(node_port_range=...)``); the
    defaults for a chart of a plain ``cdk8s.App`` or none."""
    if chart is None:
        return _DEFAULT_SETTINGS
    cached = getattr(chart, "_podkit_settings", None)
    if isinstance(cached, _rules.ClusterSettings):
        return cached
    try:
        root = chart.node.root  # type: ignore[attr-defined]
    except AttributeError:
        return _DEFAULT_SETTINGS
    settings = getattr(root, "cluster_settings", None)
    if not isinstance(settings, _rules.ClusterSettings):
        settings = _DEFAULT_SETTINGS
    with contextlib.suppress(AttributeError, TypeError):
        chart._podkit_settings = settings  # type: ignore[attr-defined]
    return settings


def secret_values(doc: Mapping[str, Any]) -> list[str]:
    """Every value a Secret holds: as written (``stringData``, base64 ``data``), decoded, and
    ``stringData`` base64-encoded (the form it takes in ``data``)."""
    out: list[str] = []
    for field in SECRET_FIELDS:
        values = doc.get(field)
        for value in values.values() if isinstance(values, dict) else ():
            if not isinstance(value, str) or not value:
                continue
            out.append(value)
            if field == "data":
                plain = _decoded(value)
                if plain is not None:
                    out.append(plain)
            else:
                out.append(base64.b64encode(value.encode("utf-8")).decode("ascii"))
    # longest first, so that a value containing another is hidden whole; with the forms a rule
    # may suggest for it ("e.g. 'zebra-s3cret'" for a name that was the value), also the value
    return sorted(_with_suggested_forms(v for v in out if v), key=len, reverse=True)


def unpatched_secrets(objects: Iterable[Any]) -> list[dict[str, Any]]:
    """The Secrets of ``objects`` (a chart's podkit objects) as rendered *before* their
    escape-hatch patches, for those that have patches: a patch may have moved a value out of
    ``data``, and it must be scrubbed all the same. Knows no construct: it renders any object
    with patches without them and keeps what is a Secret."""
    out = []
    for obj in objects:
        patches = getattr(obj, "_patches", None)
        if not patches:
            continue
        obj._patches = []
        try:
            doc, _ = obj.render()
        except Exception:  # the real render reports it
            continue
        finally:
            obj._patches = patches
        if is_secret(doc):
            out.append(doc)
    return out


def app_secret_values(final: Iterable[tuple[str, Any]], extra: Iterable[Any] = ()) -> list[str]:
    """Every value of every Secret in ``final`` (``(path, object)`` pairs) and ``extra``."""
    found: set[str] = set()
    for doc in [*(d for _, d in final), *extra]:
        if isinstance(doc, dict) and is_secret(doc):
            found.update(secret_values(doc))
    return sorted(found, key=len, reverse=True)


def _with_suggested_forms(values: Iterable[str]) -> set[str]:
    """``values`` and the reshaped forms a rule's message may suggest for them ("e.g. 'abc-1'"),
    those long enough to be told from ordinary words (see :data:`_MIN_BARE`)."""
    out = set(values)
    for value in list(out):
        out.update(f for f in names.suggested_forms(value) if len(f) >= _MIN_BARE)
    return out


def scrub(problems: Sequence[Problem], values: Sequence[str]) -> list[Problem]:
    """``problems`` with every one of ``values`` (Secret values) hidden in message and fix."""
    return _scrubbed(list(problems), list(values)) if values else list(problems)


def scrub_text(text: str, values: Sequence[str]) -> str:
    """``text`` with every one of ``values`` hidden (as in :func:`scrub`)."""
    return _scrub_one(text, values)


#: a ConfigMap value repeats a Secret's value under another key only when at least this long
#: (short values such as "true" or "5432" repeat by chance); under the same key, always
_MIN_REPEATED = 8


def warn_secret_values_in_config_maps(
    final: Sequence[tuple[str, Any]],
    extra: Iterable[Any] = (),
    *,
    sites: Mapping[str, UserSite | None] | None = None,
) -> None:
    """Warn (:class:`SecretValueWarning`) for every ConfigMap of ``final`` holding a value that
    a Secret of ``final`` (or ``extra``) also holds, naming both objects and the keys.

    Each warning is shown at the line that created the ConfigMap, ``sites[path]`` (the user
    site of the construct at that path); for a ConfigMap without one (not a podkit construct),
    at the user's line that ran synth."""
    # plain value -> [(Secret path, key)]: one lookup per ConfigMap value
    holders: dict[str, list[tuple[str, str]]] = {}
    for path, doc in [*final, *(("", d) for d in extra)]:
        if isinstance(doc, dict) and is_secret(doc):
            where = path or _name_of(doc)
            for key, value in _plain_values(doc).items():
                holders.setdefault(value, []).append((where, key))
    if not holders:
        return
    for path, doc in final:
        if not (isinstance(doc, dict) and doc.get("kind") == "ConfigMap" and doc.get("apiVersion") == "v1"):
            continue
        data = doc.get("data")
        if not isinstance(data, dict):
            continue
        # Secret path -> [(ConfigMap key, Secret key)], in the order Secrets were found
        found: dict[str, list[tuple[str, str]]] = {}
        for key, value in data.items():
            if not isinstance(value, str) or not value:
                continue
            for secret_path, secret_key in holders.get(value, ()):
                if key == secret_key or len(value) >= _MIN_REPEATED:
                    found.setdefault(secret_path, []).append((str(key), secret_key))
        for secret_path, pairs in found.items():
            pairs = sorted(set(pairs))
            keys = ", ".join(k if k == sk else f"{k} (the Secret's {sk})" for k, sk in pairs)
            # names keys and objects, never the value
            warn_at(
                f"{path}: ConfigMap {_name_of(doc)!r} holds the value of Secret {secret_path} under "
                f"key{'s' if len(pairs) > 1 else ''} {keys}; a ConfigMap is not secret (anyone who may "
                f"read ConfigMaps, and dist/, sees it): keep the value only in the Secret (e.g. split "
                f"the env file in two)",
                SecretValueWarning,
                (sites or {}).get(path),
            )


def _name_of(doc: Mapping[str, Any]) -> str:
    meta = doc.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    return str(name)


def _plain_values(doc: Mapping[str, Any]) -> dict[str, str]:
    """A Secret's values as plain text, by key (``data`` decoded; undecodable values left out)."""
    out: dict[str, str] = {}
    data = doc.get("data")
    for key, value in data.items() if isinstance(data, dict) else ():
        if isinstance(value, str) and value:
            plain = _decoded(value)
            if plain is not None:
                out[str(key)] = plain
    string_data = doc.get("stringData")
    for key, value in string_data.items() if isinstance(string_data, dict) else ():
        if isinstance(value, str) and value:
            out[str(key)] = value
    return out


_HIDDEN = "<Secret value not shown>"
_MIN_BARE = 8


def _scrub_one(text: str, values: Sequence[str]) -> str:
    for value in values:
        # messages quote values (repr, or JSON's double quotes); a bare occurrence is scrubbed
        # too unless the value is so short that it would garble ordinary words and numbers
        # ("1" in "1.33.0")
        if value not in text:
            continue
        text = text.replace(repr(value), _HIDDEN).replace(f'"{value}"', _HIDDEN)
        if len(value) >= _MIN_BARE:
            text = text.replace(value, _HIDDEN)
    return text


def _scrubbed(problems: list[Problem], values: list[str]) -> list[Problem]:
    return [
        dataclasses.replace(p, message=_scrub_one(p.message, values), fix=_scrub_one(p.fix, values))
        for p in problems
    ]


def _problems(
    doc: dict[str, Any],
    path: str,
    chart: cdk8s.Chart | None,
    settings: _rules.ClusterSettings,
    passed: _rules.PassedPodSpec | None = None,
) -> list[Problem]:
    # the CRDs podkit ships are registered before their first object is judged, so a raw
    # HTTPRoute is checked alike whether or not the app imported podkit.gateway
    _crd_kinds.ensure_shipped(doc.get("apiVersion"))
    return _rules.check(
        doc,
        path,
        schema=_rules.schema_problems if getattr(chart, "validate_schema", True) else None,
        pod_security=getattr(chart, "pod_security", None),
        settings=settings,
        passed=passed,
    )


def _decoded(value: str) -> str | None:
    """A Secret ``data`` value as text, as the API server reads it (line-wrapped base64 too:
    Go's decoder skips line breaks); ``None`` when it is not base64 of UTF-8 text."""
    try:
        return base64.b64decode(b64_unwrapped(value), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
