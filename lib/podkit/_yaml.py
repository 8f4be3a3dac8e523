"""Write YAML exactly as ``cdk8s.Yaml.stringify`` does, without a trip to Node.

``cdk8s.Yaml.stringify`` runs the ``yaml`` npm package (v2, YAML 1.1 schema, ``lineWidth: 0``)
in Node. Sending a few thousand objects there and the text back is most of a large synth's
time, so podkit writes the common shapes of Kubernetes objects itself, byte for byte the
same. Whatever it is not sure to write identically (floats, control characters, tabs,
strings that start with a document marker, multi-line strings with leading whitespace, ...)
makes :func:`dump` return ``None`` and the caller sends that one object to Node instead.

``tests/test_yaml.py`` compares this module with ``cdk8s.Yaml.stringify`` on a corpus of
tricky strings and on property-generated documents.
"""

from __future__ import annotations

import json
import re
from typing import Any

# plainString() in yaml/dist/stringify/stringifyString.js: strings that cannot be plain
_NOT_PLAIN = re.compile(
    r"^[\n\t ,\[\]{}#&*!|>'\"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$"
)
# the YAML 1.1 schema's nulls (including the empty string) and booleans: the writer quotes them,
# the reader resolves them
_NULL = frozenset(("~", "null", "Null", "NULL", ""))
_BOOL = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
}
# default tags of the YAML 1.1 schema: a plain scalar matching one would not read back as a string
_IMPLICIT = re.compile(
    r"^(?:"
    + "|".join(map(re.escape, (*_BOOL, *_NULL)))  # bool, null
    + r"|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?[0-9][0-9_]*|[-+]?0x[0-9a-fA-F_]+"  # int
    r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN"  # float nan/inf
    r"|[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*"  # float
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"  # sexagesimal
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:t|T|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?"
    r"(?:[ \t]*(?:Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?"  # timestamp
    r")$"
)
# characters whose handling this module does not reproduce: hand the object to Node
_UNSURE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\t\ud800-\udfff\u0085\u00a0\u2028\u2029\ufeff]")
_DOC_MARKER = re.compile(r"^(%|---|\.\.\.)", re.MULTILINE)
_MAX_SAFE_INT = 2**53
# JavaScript objects list integer-like keys first, whatever the insertion order
_ARRAY_INDEX = re.compile(r"^(?:0|[1-9][0-9]{0,9})$")


class _Unsure(Exception):
    pass


def _quoted(value: str) -> str:
    if '"' in value and "'" not in value:
        return "'" + value + "'"
    # JSON.stringify and json.dumps agree for the characters that get here
    return json.dumps(value, ensure_ascii=False)


_KEY_CACHE: dict[str, str] = {}
_VALUE_CACHE: dict[str, str] = {}


def _scalar(value: Any, key: bool) -> str:
    if isinstance(value, str):
        # the same names and values repeat across thousands of objects: remember each verdict
        cache = _KEY_CACHE if key else _VALUE_CACHE
        hit = cache.get(value)
        if hit is None:
            if len(cache) > 100_000:
                cache.clear()
            hit = cache[value] = _string(value, key)
        return hit
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int) and -_MAX_SAFE_INT < value < _MAX_SAFE_INT:
        return str(value)
    raise _Unsure  # floats, None, huge ints, other types


def _string(value: str, key: bool) -> str:
    if _UNSURE.search(value) or _DOC_MARKER.search(value) or (key and len(value) > 1000):
        raise _Unsure
    if "\n" in value:
        raise _Unsure  # multi-line: handled by _block (values) or not at all (keys)
    if _NOT_PLAIN.search(value) or _IMPLICIT.match(value):
        return _quoted(value)
    return value


def _block(value: str, indent: str) -> str:
    """A multi-line string as a literal block scalar (blockString(), literal branch)."""
    if _UNSURE.search(value) or _DOC_MARKER.search(value) or re.search(r"\n[\t ]+$", value):
        raise _Unsure
    if value[0] in " \n":
        raise _Unsure  # would need an indentation indicator
    end_start = len(value)
    while end_start > 0 and value[end_start - 1] in "\n\t ":
        end_start -= 1
    end = value[end_start:]
    nl = end.find("\n")
    if nl == -1:
        chomp = "-"
    elif value == end or nl != len(end) - 1:
        chomp = "+"
    else:
        chomp = ""
    body = value
    if end:
        body = value[: -len(end)]
        if end.endswith("\n"):
            end = end[:-1]
        if "\n" in end:
            raise _Unsure  # several trailing newlines: keep-chomping layout not reproduced
    body = re.sub(r"\n+", lambda m: m.group(0) + indent, body)
    return f"|{chomp}\n{indent}{body}{end}"


def _map(obj: dict[str, Any], indent: str, out: list[str], first_prefix: str | None = None) -> None:
    # every synthesized object is written here (~15 us a pod): the common cases (a known key, a
    # one-line str value seen before) take the fewest steps
    prefix = first_prefix
    deeper = indent + "  "  # a map's entries, or a sequence's dashes, go one level deeper than the key
    for k, v in obj.items():
        key = _KEY_CACHE.get(k) if type(k) is str else None
        if key is None:  # first time this key is seen (the same few hundred keys repeat)
            if not isinstance(k, str) or _ARRAY_INDEX.match(k):
                raise _Unsure
            key = _scalar(k, True)
        if prefix is None:
            lead = indent
        else:
            lead, prefix = prefix, None
        if type(v) is str and "\n" not in v:
            text = _VALUE_CACHE.get(v)
            out.append(f"{lead}{key}: {text if text is not None else _scalar(v, False)}\n")
        elif isinstance(v, dict | list):
            if not v:
                out.append(f"{lead}{key}: {'{}' if isinstance(v, dict) else '[]'}\n")
                continue
            out.append(f"{lead}{key}:\n")
            if isinstance(v, dict):
                _map(v, deeper, out)
            else:
                _seq(v, deeper, out)
        elif isinstance(v, str) and "\n" in v:
            out.append(f"{lead}{key}: {_block(v, deeper)}\n")
        else:
            out.append(f"{lead}{key}: {_scalar(v, False)}\n")


def _seq(items: list[Any], indent: str, out: list[str]) -> None:
    dash, deeper = indent + "- ", indent + "  "
    for v in items:
        if isinstance(v, dict):
            if v:
                _map(v, deeper, out, first_prefix=dash)
            else:
                out.append(f"{dash}{{}}\n")
        elif isinstance(v, list):
            raise _Unsure  # nested sequences: not reproduced
        elif isinstance(v, str) and "\n" in v:
            out.append(f"{dash}{_block(v, deeper)}\n")
        else:
            out.append(f"{dash}{_scalar(v, False)}\n")


def dump(doc: Any) -> str | None:
    """One document as ``cdk8s.Yaml.stringify(doc)`` writes it, or ``None`` if unsure."""
    if not isinstance(doc, dict):
        return None
    if not doc:
        return "{}\n"
    out: list[str] = []
    try:
        _map(doc, "", out)
    except _Unsure:
        return None
    return "".join(out)


# -- reading -----------------------------------------------------------------------------------
# ``cdk8s.Yaml.load`` reads with the same ``yaml`` package and schema, in Node: ~70 ms a file
# through jsii. The common case, text a synth wrote, is read here from libyaml's events instead,
# and anything whose reading this module does not reproduce exactly (anchors and aliases, merge
# keys, tags, floats, non-decimal or huge integers, timestamps, integer-like keys, which
# JavaScript lists first, duplicate keys, the characters of _UNSURE) makes :func:`load_all`
# return ``None``, and the caller asks Node. A null in a mapping drops its key, as jsii's
# conversion does; a null document is left out. ``tests/test_yaml.py`` compares both readers.
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,15})")


def _plain(value: str) -> Any:
    """A plain (unquoted, untagged) scalar, resolved as the YAML 1.1 schema of ``yaml`` does."""
    if value in _NULL:
        return None
    hit = _BOOL.get(value)
    if hit is not None:
        return hit
    if _DECIMAL.fullmatch(value):
        number = int(value)
        if -_MAX_SAFE_INT < number < _MAX_SAFE_INT:
            return number
        raise _Unsure  # a JavaScript number would round it
    if _IMPLICIT.match(value):
        raise _Unsure  # octal, hex, binary, underscores, floats, sexagesimal, timestamps
    return value


_MISSING = object()
# deeper than any Kubernetes object: what readers after this one walk recursively stays shallow
_MAX_DEPTH = 100


def _documents(events: Any, keep_null: bool) -> list[Any]:
    import yaml  # here: the writer above needs no PyYAML

    docs: list[Any] = []
    # open collections: a list, or a mapping with the key waiting for its value (_MISSING: none)
    stack: list[list[Any]] = []

    def add(value: Any) -> None:
        if not stack:
            if value is not None:
                docs.append(value)
            return
        top = stack[-1]
        if isinstance(top[0], list):
            top[0].append(value)
        elif top[1] is _MISSING:
            if not isinstance(value, str) or value in top[0] or value == "<<" or _ARRAY_INDEX.match(value):
                raise _Unsure  # JavaScript's string keys, duplicates, merge keys, key order
            top[1] = value
        else:
            # a null is kept until the mapping ends, so that a later duplicate of its key is seen
            top[0][top[1]] = value
            top[1] = _MISSING

    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise _Unsure
            # libyaml's style of a plain scalar is '' (PyYAML's own parser: None)
            add(event.value if event.style else _plain(event.value))
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                raise _Unsure
            if len(stack) == _MAX_DEPTH:
                raise _Unsure  # Node's reader says how deep is too deep, and where
            stack.append([{} if kind is yaml.MappingStartEvent else [], _MISSING])
        elif kind is yaml.MappingEndEvent:
            mapping = stack.pop()[0]
            if not keep_null and None in mapping.values():
                mapping = {k: v for k, v in mapping.items() if v is not None}
            add(mapping)
        elif kind is yaml.SequenceEndEvent:
            add(stack.pop()[0])
        elif kind is yaml.AliasEvent:
            raise _Unsure  # `yaml` bounds their expansion, and reports where
    return docs


def load_all(text: str, *, keep_null: bool = False) -> list[Any] | None:
    """The documents of ``text`` as ``cdk8s.Yaml.load`` reads them, or ``None`` if unsure.

    ``keep_null``: a null in a mapping keeps its key, as the ``yaml`` package's own ``toJS`` and
    JSON give it (``_diff.load_objects``'s reader); by default the key is dropped, as jsii's
    conversion of ``cdk8s.Yaml.load``'s result drops it.
    """
    import yaml

    if _UNSURE.search(text) or "\r" in text or text.startswith("%") or "\n%" in text:
        return None
    try:
        return _documents(yaml.parse(text, Loader=yaml.CBaseLoader), keep_null)
    except (_Unsure, yaml.YAMLError):
        return None
    try:
        return _documents(yaml.parse(text, Loader=yaml.CBaseLoader))
    except (_Unsure, yaml.YAMLError):
        return None
