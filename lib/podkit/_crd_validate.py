"""A custom resource checked as the API server checks it against its CRD.

``apiextensions-apiserver`` validates a custom resource in this order, and so does
:class:`CrdValidator`: the schema's ``default`` s are applied (to a copy: podkit never changes
what it writes), then the structural schema (``type``, ``nullable``, ``required``, ``enum``,
``format``, ``pattern`` (Go's RE2 syntax: ``_cel.Re2Pattern``), ``minimum``/``maximum`` (exclusive too), ``multipleOf``,
``minLength``/``maxLength`` (in characters), ``minItems``/``maxItems``, ``uniqueItems``,
``minProperties``/``maxProperties``, ``additionalProperties``, ``allOf``/``anyOf``/``oneOf``/``not``,
``x-kubernetes-int-or-string``, ``x-kubernetes-preserve-unknown-fields``,
``x-kubernetes-embedded-resource``, ``x-kubernetes-list-type: set|map`` uniqueness), then every
node's CEL rules (``x-kubernetes-validations``: ``rule``, ``message``, ``messageExpression``,
``fieldPath``; see :mod:`podkit._cel`). A field the schema does not know is an error, as
``kubectl apply`` (strict field validation) makes it.

Formats checked: ``byte``, ``date``, ``date-time``, ``uuid``, ``ipv4``, ``ipv6``, ``cidr``;
the others the API server knows (``uri``, ``hostname``, ``email``, ...) are accepted unchecked,
and numeric formats (``int32``, ``int64``) are not checked upstream either.

Problems are ``(field, message, fix)``, the message beginning with the field's JSON path.
"""

from __future__ import annotations

import base64
import binascii
import copy
import ipaddress
import json
import math
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from . import _cel

__all__ = ["RULES_NOT_CHECKED", "CrdValidator", "Findings", "Found", "apply_defaults"]

#: (field, message, fix)
Found = tuple[str, str, str]


class Findings(list[Found]):
    """The problems of one check, and whether one of them keeps the CEL rules from running: the
    API server (apiextensions' ``hasBlockingErr``) skips them after a wrong type, a missing
    required field, a value not in the enum, or too long a string, list or map, since the rules
    were written for objects of the schema's shape; after any other schema problem (a pattern, a
    minimum, a format ...) it runs them, and reports both."""

    blocking = False

    def block(self, found: Found) -> None:
        self.append(found)
        self.blocking = True


#: the API server's own words when the schema's problems keep the rules from running
RULES_NOT_CHECKED = (
    "some validation rules were not checked because the object was invalid; correct the existing errors "
    "to complete validation"
)

_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    # a float with no fraction is an integer to the API server (go-openapi's IsFloat64AJSONInteger),
    # and cdk8s writes 3.0 as 3
    "integer": lambda v: _go_int(v) or (isinstance(v, float) and _json_integer(v)),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


_INT64 = range(-(2**63), 2**63)


def _go_int(v: Any) -> bool:
    """An integer as the API server decodes it: within int64 (beyond it, Go reads a float64,
    which is no integer above 2**53)."""
    return isinstance(v, int) and not isinstance(v, bool) and v in _INT64


def _json_integer(f: float) -> bool:
    """go-openapi's ``swag.IsFloat64AJSONInteger``: ``f`` is an integer up to a relative 1e-9."""
    if math.isnan(f) or math.isinf(f) or abs(f) > 2**53:
        return False
    g = float(int(f))
    if f == g:
        return True
    if g == 0:
        return False  # upstream: diff < 1e-9 * the smallest float, never for a fraction
    return abs(f - g) / (abs(f) + abs(g)) < 1e-9


def _multiple_of(v: float, step: float) -> bool:
    """kube-openapi's ``MultipleOfNativeType``: exact for integers, else go-openapi's ``MultipleOf``
    (``v * (1/step)`` for a step below 1, so that 0.3 is a multiple of 0.1, as upstream)."""
    if isinstance(v, int) and isinstance(step, int):
        return v % step == 0
    return _json_integer(1 / step * v if step < 1 else v / step)


def child(path: str, key: str) -> str:
    """``path.key``, or ``path['key']`` when the key is not an identifier."""
    if _IDENT.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


_CEL_RESERVED = frozenset(
    [
        "true",
        "false",
        "null",
        "in",
        "as",
        "break",
        "const",
        "continue",
        "else",
        "for",
        "function",
        "if",
        "import",
        "let",
        "loop",
        "package",
        "namespace",
        "return",
        "var",
        "void",
        "while",
    ]
)


def cel_name(name: str) -> str:
    """A property name as CEL rules spell it (apiserver's ``cel.Escape``): ``namespace`` ->
    ``__namespace__``, ``a-b`` -> ``a__dash__b``, ``a.b`` -> ``a__dot__b``, ``__`` -> ``__underscores__``."""
    if name in _CEL_RESERVED:
        return f"__{name}__"
    return (
        name.replace("__", "__underscores__")
        .replace(".", "__dot__")
        .replace("-", "__dash__")
        .replace("/", "__slash__")
    )


def _b64(v: str) -> bool:
    try:
        base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _datetime(v: str) -> bool:
    if not re.match(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z", v):
        return False
    try:
        datetime.fromisoformat(v.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return False
    return True


def _date(v: str) -> bool:
    try:
        date.fromisoformat(v)
    except ValueError:
        return False
    return bool(re.match(r"\d{4}-\d{2}-\d{2}\Z", v))


def _uuid(v: str) -> bool:
    try:
        uuid.UUID(v)
    except ValueError:
        return False
    return bool(re.match(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}\Z", v))


def _ip(version: int) -> Callable[[str], bool]:
    def check(v: str) -> bool:
        try:
            return ipaddress.ip_address(v).version == version
        except ValueError:
            return False

    return check


_FORMATS: dict[str, Callable[[str], bool]] = {
    "byte": _b64,
    "date": _date,
    "date-time": _datetime,
    "datetime": _datetime,
    "uuid": _uuid,
    "ipv4": _ip(4),
    "ipv6": _ip(6),
    "cidr": _cel.is_cidr,
}


def apply_defaults(schema: Mapping[str, Any], value: Any) -> Any:
    """``value`` with the schema's defaults applied where a field is absent (structural
    defaulting: objects, array items and map values), as a new object when anything changed."""
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        out = value
        for key, sub in props.items():
            if key not in out and "default" in sub:
                out = dict(out) if out is value else out
                out[key] = copy.deepcopy(sub["default"])
        for key, v in list(out.items()):
            sub = props.get(key) or (extra if isinstance(extra, dict) else None)
            if sub is not None and isinstance(v, dict | list):
                nv = apply_defaults(sub, v)
                if nv is not v:
                    out = dict(out) if out is value else out
                    out[key] = nv
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        items = schema["items"]
        new = [apply_defaults(items, v) for v in value]
        return new if any(a is not b for a, b in zip(new, value, strict=True)) else value
    return value


def _type_name(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, int) and not isinstance(v, bool) and not _go_int(v):
        return "number"  # Go decodes it as a float64
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        dict: "object",
        list: "array",
    }.get(type(v), type(v).__name__)


def _value_key(value: Any) -> str | None:
    """``value`` as one canonical string (JSON, keys sorted), the key of :attr:`_Rule.passed`; ``None``
    for a value JSON cannot write (then the rule is evaluated every time). JSON tells apart what
    CEL does: 1, 1.0 and true, "1" and 1; a map's key order, which CEL does not see, is sorted away."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return None


#: how many values a rule remembers as passed before it forgets them all (memory stays bounded)
_PASSED_MAX = 4096


class _Rule:
    __slots__ = ("field_path", "message", "message_expr", "passed", "rule")

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.rule: _cel.CelRule | _cel.CelError
        try:
            self.rule = _cel.compile_rule(str(spec.get("rule", "")))
        except _cel.CelError as e:
            self.rule = e
        self.message = spec.get("message")
        self.message_expr: _cel.CelRule | None = None
        if spec.get("messageExpression"):
            try:
                self.message_expr = _cel.compile_rule(str(spec["messageExpression"]))
            except _cel.CelError:
                self.message_expr = None
        self.field_path = str(spec.get("fieldPath") or "")
        # The values this rule held for (by _value_key). A rule is a pure function of the value
        # (transition rules, which read oldSelf, are not evaluated on create), and the same value
        # recurs: a route's filters and parentRefs repeat across its rules and across routes, and
        # the Gateway API CRDs put ~20 rules on each filter. An evaluation costs ~10 us.
        self.passed: set[str] = set()

    def check(
        self, scope: _cel.SelfScope, path: str, out: list[Found], source: str, lenient: bool, key: str | None
    ) -> None:
        """Evaluate the rule on ``scope.value`` (at ``path``), unless it held for an equal value
        before (``key``: :func:`_value_key` of the value)."""
        rule = self.rule
        if isinstance(rule, _cel.CelError):
            out.append((path, f"{path}: the CRD's rule {source!r} does not compile: {rule}", "fix the CRD"))
            return
        if rule.uses_old_self:
            return  # a transition rule: not evaluated on create
        if key is not None and key in self.passed:
            return
        where = (path + self.field_path).lstrip(".") or "(the object)"
        try:
            ok = rule.in_scope(scope)
        except _cel.CelError as e:
            if not lenient:
                out.append(
                    (where, f"{where}: the CRD's rule {rule.source!r} could not be evaluated: {e}", "")
                )
            return
        if ok is True:
            if key is not None:
                if len(self.passed) >= _PASSED_MAX:
                    self.passed.clear()
                self.passed.add(key)
            return
        message = self._message(scope) or f"failed rule: {rule.source}"
        out.append(
            (
                where,
                f"{where}: {message}",
                f"change {where} so that the CRD's rule holds: {_clip(rule.source)}",
            )
        )

    def _message(self, scope: _cel.SelfScope) -> str | None:
        if self.message_expr is not None:
            try:
                text = self.message_expr.in_scope(scope)
            except _cel.CelError:
                text = None
            if isinstance(text, str) and text.strip():
                return text
        return str(self.message) if self.message else None


class _Node:
    """One compiled schema node."""

    def __init__(self, schema: Mapping[str, Any], *, root: bool = False) -> None:
        self.root = root
        t = schema.get("type")
        self.types: list[str] = [t] if isinstance(t, str) else list(t or [])
        self.int_or_string = bool(schema.get("x-kubernetes-int-or-string"))
        self.nullable = bool(schema.get("nullable"))
        self.preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields"))
        self.embedded = bool(schema.get("x-kubernetes-embedded-resource"))
        self.enum: list[Any] | None = schema.get("enum")
        fmt = schema.get("format")
        self.format = _FORMATS.get(fmt) if isinstance(fmt, str) else None
        self.format_name = fmt
        pattern = schema.get("pattern")
        self.pattern: _cel.Re2Pattern | _cel.CelError | None = None
        if isinstance(pattern, str):
            try:
                self.pattern = _cel.Re2Pattern(pattern)
            except _cel.CelError as e:
                self.pattern = e  # reported on the first value checked, as a rule that does not compile
        self.pattern_source = pattern
        self.bounds = {k: schema[k] for k in ("minimum", "maximum", "multipleOf") if k in schema}
        self.exclusive = (bool(schema.get("exclusiveMinimum")), bool(schema.get("exclusiveMaximum")))
        self.lengths = {
            k: schema[k]
            for k in ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")
            if k in schema
        }
        self.unique = bool(schema.get("uniqueItems"))
        self.list_type = schema.get("x-kubernetes-list-type")
        self.map_keys: list[str] = list(schema.get("x-kubernetes-list-map-keys") or [])
        self.props = {k: _Node(v) for k, v in (schema.get("properties") or {}).items()}
        if (root or self.embedded) and "metadata" in self.props:
            # ObjectMeta is checked by the metadata rules; a CRD's schema may only narrow name
            self.props["metadata"].preserve = True
        self.required: list[str] = list(schema.get("required") or [])
        extra = schema.get("additionalProperties")
        self.extra: _Node | bool | None = _Node(extra) if isinstance(extra, dict) else extra
        self.items = _Node(schema["items"]) if isinstance(schema.get("items"), dict) else None
        self.all_of = [_Node(s) for s in schema.get("allOf") or []]
        self.any_of = [_Node(s) for s in schema.get("anyOf") or []]
        self.one_of = [_Node(s) for s in schema.get("oneOf") or []]
        self.not_ = _Node(schema["not"]) if isinstance(schema.get("not"), dict) else None
        self.rules = [_Rule(r) for r in schema.get("x-kubernetes-validations") or []]
        self.rule_sources = [str(r.get("rule", "")) for r in schema.get("x-kubernetes-validations") or []]

    # -- structure -------------------------------------------------------------
    def check(self, v: Any, path: str, out: Findings) -> None:
        if v is None:
            if not self.nullable and self.types:
                out.block(
                    (
                        path,
                        f"{path} is null: the CRD expects {' or '.join(self.types)}; leave the field out",
                        "",
                    )
                )
            return
        if not self._type_ok(v, path, out):
            return
        if self.enum is not None and v not in self.enum:
            allowed = ", ".join(repr(e) for e in self.enum)
            out.block((path, f"{path} {v!r} is not supported: use one of {allowed}", ""))
        if isinstance(v, str):
            self._string(v, path, out)
        elif isinstance(v, int | float) and not isinstance(v, bool):
            self._number(v, path, out)
        elif isinstance(v, dict):
            self._object(v, path, out)
        elif isinstance(v, list):
            self._array(v, path, out)
        for sub in self.all_of:
            sub.check(v, path, out)
        if self.any_of and not any(not _trial(s, v, path) for s in self.any_of):
            out.append((path, f"{path} matches none of the forms the CRD allows (anyOf)", ""))
        if self.one_of and sum(not _trial(s, v, path) for s in self.one_of) != 1:
            out.append((path, f"{path} must match exactly one of the forms the CRD allows (oneOf)", ""))
        if self.not_ is not None and not _trial(self.not_, v, path):
            out.append((path, f"{path} matches a form the CRD forbids (not)", ""))

    def _type_ok(self, v: Any, path: str, out: Findings) -> bool:
        if self.int_or_string:
            ok = isinstance(v, str) or _go_int(v)
            expected = "an integer or a string"
        elif self.types:
            ok = any(_TYPES[t](v) for t in self.types if t in _TYPES)
            expected = " or ".join(self.types)
        else:
            return True
        if not ok:
            out.block(
                (
                    path,
                    f"{path} {v!r} has the wrong type: the CRD expects {expected}, got {_type_name(v)}",
                    "",
                )
            )
        return ok

    def _string(self, v: str, path: str, out: Findings) -> None:
        n = len(v)
        lo, hi = self.lengths.get("minLength"), self.lengths.get("maxLength")
        if lo is not None and n < lo:
            out.append((path, f"{path} {v!r} is too short: at least {lo} characters", ""))
        if hi is not None and n > hi:
            out.block((path, f"{path} {_short(v)} is too long ({n} characters): at most {hi}", ""))
        if self.pattern is not None:
            try:
                if isinstance(self.pattern, _cel.CelError):
                    raise self.pattern
                matched = self.pattern.search(v)
            except _cel.CelError as e:
                out.append(
                    (
                        path,
                        f"{path}: the CRD's pattern {self.pattern_source!r} does not compile: {e}",
                        "fix the CRD",
                    )
                )
                matched = True
            if not matched:
                out.append(
                    (path, f"{path} {_short(v)} does not match the CRD's pattern {self.pattern_source!r}", "")
                )
        if self.format is not None and not self.format(v):
            out.append((path, f"{path} {_short(v)} is not a valid {self.format_name}", ""))

    def _number(self, v: float, path: str, out: Findings) -> None:
        lo, hi = self.bounds.get("minimum"), self.bounds.get("maximum")
        ex_lo, ex_hi = self.exclusive
        if lo is not None and (v < lo or (ex_lo and v == lo)):
            out.append(
                (
                    path,
                    f"{path} {v!r} is out of range: it must be {'greater than' if ex_lo else 'at least'} {lo}",
                    "",
                )
            )
        if hi is not None and (v > hi or (ex_hi and v == hi)):
            out.append(
                (
                    path,
                    f"{path} {v!r} is out of range: it must be {'less than' if ex_hi else 'at most'} {hi}",
                    "",
                )
            )
        step = self.bounds.get("multipleOf")
        if step and not _multiple_of(v, step):
            out.append((path, f"{path} {v!r} is not a multiple of {step}", ""))

    def _object(self, v: dict[str, Any], path: str, out: Findings) -> None:
        for r in self.required:
            if r not in v:
                out.block((child(path, r), f"{child(path, r)} is missing: the CRD requires it", ""))
        n = len(v)
        lo, hi = self.lengths.get("minProperties"), self.lengths.get("maxProperties")
        if lo is not None and n < lo:
            out.append((path, f"{path} has {n} fields: at least {lo}", ""))
        if hi is not None and n > hi:
            out.block((path, f"{path} has {n} fields: at most {hi}", ""))
        for key, value in v.items():
            sub = self.props.get(key)
            where = child(path, key)
            if sub is not None:
                sub.check(value, where, out)
            elif isinstance(self.extra, _Node):
                self.extra.check(value, where, out)
            elif (
                self.preserve
                or self.extra is True
                or ((self.root or self.embedded) and key in ("apiVersion", "kind", "metadata"))
            ):
                continue
            else:
                known = ", ".join(sorted(self.props)) or "none"
                out.block(
                    (
                        where,
                        f"{where} is not a field of the CRD's schema (known here: {known})",
                        "remove it or fix its spelling",
                    )
                )

    def _array(self, v: list[Any], path: str, out: Findings) -> None:
        n = len(v)
        lo, hi = self.lengths.get("minItems"), self.lengths.get("maxItems")
        if lo is not None and n < lo:
            out.append((path, f"{path} has {n} items: at least {lo}", ""))
        if hi is not None and n > hi:
            out.block((path, f"{path} has {n} items: at most {hi}", ""))
        if self.items is not None:
            for i, item in enumerate(v):
                self.items.check(item, f"{path}[{i}]", out)
        if self.unique or self.list_type == "set":
            seen: list[Any] = []
            for i, item in enumerate(v):
                if item in seen:
                    out.append(
                        (f"{path}[{i}]", f"{path}[{i}] {_short(item)} is a duplicate: the list is a set", "")
                    )
                else:
                    seen.append(item)
        elif self.list_type == "map" and self.map_keys:
            keys: dict[tuple[Any, ...], int] = {}
            for i, item in enumerate(v):
                if not isinstance(item, dict):
                    continue
                key = tuple(item.get(k) for k in self.map_keys)
                if key in keys:
                    named = ", ".join(f"{k}={val!r}" for k, val in zip(self.map_keys, key, strict=True))
                    out.append(
                        (
                            f"{path}[{i}]",
                            f"{path}[{i}] duplicates {path}[{keys[key]}] ({named}): keys must be unique",
                            "",
                        )
                    )
                else:
                    keys[key] = i

    # -- CEL ---------------------------------------------------------------------
    def cel(self, v: Any, path: str, out: list[Found], lenient: bool) -> None:
        if v is None:
            return
        if self.rules:
            value = self.to_cel(v)
            key = _value_key(value)
            scope = _cel.SelfScope(value)
            for rule, source in zip(self.rules, self.rule_sources, strict=True):
                rule.check(scope, path, out, source, lenient, key)
        if isinstance(v, dict):
            for key, value in v.items():
                sub = self.props.get(key) or (self.extra if isinstance(self.extra, _Node) else None)
                if sub is not None and sub.has_rules:
                    sub.cel(value, child(path, key), out, lenient)
        elif isinstance(v, list) and self.items is not None and self.items.has_rules:
            for i, item in enumerate(v):
                self.items.cel(item, f"{path}[{i}]", out, lenient)

    def to_cel(self, v: Any) -> Any:
        """``v`` with object property names escaped as CEL rules read them (maps keep their keys)."""
        if not self.escapes:
            return v
        if isinstance(v, dict):
            if self.props:
                return {
                    cel_name(k) if k in self.props else k: (self.props[k].to_cel(x) if k in self.props else x)
                    for k, x in v.items()
                }
            if isinstance(self.extra, _Node):
                return {k: self.extra.to_cel(x) for k, x in v.items()}
        if isinstance(v, list) and self.items is not None:
            return [self.items.to_cel(x) for x in v]
        return v

    def _children(self) -> list[_Node]:
        """The nodes below this one: its properties, its map values and its items."""
        return [
            *self.props.values(),
            *([self.extra] if isinstance(self.extra, _Node) else []),
            *([self.items] if self.items else []),
        ]

    @property
    def escapes(self) -> bool:
        """Whether any property name in this subtree needs escaping for CEL."""
        cached: bool | None = self.__dict__.get("_escapes")
        if cached is None:
            cached = any(cel_name(k) != k for k in self.props) or any(s.escapes for s in self._children())
            self.__dict__["_escapes"] = cached
        return cached

    @property
    def has_rules(self) -> bool:
        cached: bool | None = self.__dict__.get("_has_rules")
        if cached is None:
            cached = bool(self.rules) or any(s.has_rules for s in self._children())
            self.__dict__["_has_rules"] = cached
        return cached


def _trial(node: _Node, v: Any, path: str) -> Findings:
    found = Findings()
    node.check(v, path, found)
    return found


def _clip(rule: str) -> str:
    return rule if len(rule) <= 100 else rule[:97] + "..."


def _short(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 80 else text[:77] + "..."


class CrdValidator:
    """The checks of one version of one CRD kind, compiled once from its ``openAPIV3Schema``."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self.node = _Node(schema, root=True)
        # a schema rebuilt from a package that does not carry the CRD's defaults: a rule that
        # fails to evaluate (a field upstream would have defaulted) is not judged
        self.lenient = bool(schema.get("x-podkit-defaults-unknown"))

    def validate(self, doc: Mapping[str, Any]) -> list[Found]:
        """Every problem of ``doc`` (a whole custom resource), schema first, then CEL rules. As
        the API server does, the rules run unless a schema problem blocks them (see
        :class:`Findings`), and then the last problem says they were not checked."""
        obj = apply_defaults(self.schema, dict(doc))
        out = Findings()
        self.node.check(obj, "", out)
        if self.node.has_rules:
            if out.blocking:
                out.append(("", RULES_NOT_CHECKED, "fix the problems above, then synthesize again"))
            else:
                self.node.cel(obj, "", out, self.lenient)
        return list(out)
