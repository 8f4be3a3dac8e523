"""CEL as the Kubernetes 1.33 API server evaluates ``x-kubernetes-validations`` rules.

The evaluator is Google's CEL runtime (``cel-expr-python``, the Python binding of cel-cpp, the
reference implementation; PyPI, no dependencies): the standard library and macros (``has``,
``all``, ``exists``, ``exists_one``, ``map``, ``filter``), its strings extension (``lowerAscii``,
``split``, ``join``, ``indexOf``, ``substring``, ``trim``, ``replace``, ...) and optional types
(``self.?field.orValue(...)``). cel-python (``celpy``), the pure-Python one, was measured and
left: it evaluated a Gateway API ``parentRefs`` rule in 4 ms (this one: 25 us) and returned a
wrong result for it with its compiled runner.

On top of it, the libraries the API server adds (``k8s.io/apiserver/pkg/cel/library``), as far
as CRDs use them; each is tested in ``tests/test_cel.py``:

* lists: ``isSorted()``, ``sum()``, ``min()``, ``max()``, ``indexOf(x)``, ``lastIndexOf(x)``;
* regex: ``find(re)``, ``findAll(re)``, ``findAll(re, limit)``;
* URLs: ``isURL(s)``; IPs and CIDRs: ``isIP(s)``, ``isCIDR(s)``;
* quantities: ``isQuantity(s)``, ``quantity(s)`` and on it ``isGreaterThan``, ``isLessThan``,
  ``compareTo``, ``asInteger``, ``asApproximateFloat``, ``sign``, ``isInteger``. A quantity is
  kept as its (checked) text here, not as an opaque type: rules compare quantities through
  these functions, so they answer as upstream does.

Not provided (a rule that uses them reports that it could not be evaluated, never passes
silently): ``url(s)`` and its accessors, ``ip(s)``/``cidr(s)`` values, the ``format`` library,
``authorizer``, and the rules' cost budget. Transition rules (``oldSelf``) do not run on
create, as upstream, so podkit (which writes new objects) skips them.

The runtime is imported on the first rule compiled, not with podkit.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import re
import warnings
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from ._rules.quantity import quantity_value

__all__ = ["CelError", "CelRule", "Re2Pattern", "SelfScope", "compile_rule", "evaluate"]


class CelError(Exception):
    """A rule that does not compile, or whose evaluation failed (the message says why)."""


def _list_min(xs: list[Any]) -> Any:
    if not xs:
        raise CelError("min() of an empty list")
    return min(xs)


def _list_max(xs: list[Any]) -> Any:
    if not xs:
        raise CelError("max() of an empty list")
    return max(xs)


def _index_of(xs: list[Any], x: Any) -> int:
    return xs.index(x) if x in xs else -1


def _last_index_of(xs: list[Any], x: Any) -> int:
    return len(xs) - 1 - xs[::-1].index(x) if x in xs else -1


def _find(s: str, pattern: str) -> str:
    m = re.search(pattern, s)
    return m.group(0) if m else ""


def _find_all(s: str, pattern: str, limit: int = -1) -> list[str]:
    found = [m.group(0) for m in re.finditer(pattern, s)]
    return found if limit < 0 else found[:limit]


def is_url(s: str) -> bool:
    """Go's ``url.Parse`` accepts it and it has a scheme or a path (the URL library's ``isURL``)."""
    try:
        parts = urlsplit(s)
    except ValueError:
        return False
    return bool(parts.scheme or s.startswith("/")) and " " not in s


def is_ip(s: str) -> bool:
    """An IPv4 or IPv6 address in canonical-enough form (no zone, no leading zeros)."""
    if "%" in s:
        return False
    try:
        ipaddress.ip_address(s)
    except ValueError:
        return False
    return True


def is_cidr(s: str) -> bool:
    try:
        ipaddress.ip_network(s, strict=False)
    except ValueError:
        return False
    return "/" in s and "%" not in s


def _quantity(s: str) -> Decimal:
    value = quantity_value(s)
    if value is None:
        raise CelError(f"quantity({s!r}): not a Kubernetes quantity")
    return value


def _compare(a: str, b: str) -> int:
    x, y = _quantity(a), _quantity(b)
    return (x > y) - (x < y)


def _as_integer(s: str) -> int:
    value = _quantity(s)
    if value != value.to_integral_value():
        raise CelError(f"{s!r}.asInteger(): the quantity is not an integer")
    return int(value)


def _checked_quantity(s: str) -> str:
    _quantity(s)
    return s


def _sign(s: str) -> int:
    value = _quantity(s)
    return (value > 0) - (value < 0)


@cache
def _env() -> Any:
    from cel_expr_python import cel  # type: ignore[import-untyped]
    from cel_expr_python.ext import ext_optional, ext_strings  # type: ignore[import-untyped]

    dyn, s, b, i = cel.Type.DYN, cel.Type.STRING, cel.Type.BOOL, cel.Type.INT
    lst = cel.Type.List(dyn)

    def fn(name: str, *overloads: tuple[str, Any, list[Any], bool, Callable[..., Any]]) -> Any:
        return cel.FunctionDecl(
            name,
            [
                cel.Overload(oid, ret, params, is_member=member, impl=impl)
                for oid, ret, params, member, impl in overloads
            ],
        )

    library = cel.CelExtension(
        "kubernetes",
        [
            fn(
                "isSorted",
                (
                    "list_is_sorted",
                    b,
                    [lst],
                    True,
                    lambda xs: all(a <= c for a, c in itertools.pairwise(xs)),
                ),
            ),
            fn("sum", ("list_sum", dyn, [lst], True, lambda xs: sum(xs))),
            fn("min", ("list_min", dyn, [lst], True, _list_min)),
            fn("max", ("list_max", dyn, [lst], True, _list_max)),
            fn("indexOf", ("list_index_of", i, [lst, dyn], True, _index_of)),
            fn("lastIndexOf", ("list_last_index_of", i, [lst, dyn], True, _last_index_of)),
            fn("find", ("string_find", s, [s, s], True, _find)),
            fn(
                "findAll",
                ("string_find_all", cel.Type.List(s), [s, s], True, _find_all),
                ("string_find_all_n", cel.Type.List(s), [s, s, i], True, _find_all),
            ),
            fn("isURL", ("is_url", b, [s], False, is_url)),
            fn("isIP", ("is_ip", b, [s], False, is_ip)),
            fn("isCIDR", ("is_cidr", b, [s], False, is_cidr)),
            fn("isQuantity", ("is_quantity", b, [s], False, lambda q: quantity_value(q) is not None)),
            fn("quantity", ("quantity", s, [s], False, _checked_quantity)),
            fn("isGreaterThan", ("quantity_gt", b, [s, s], True, lambda a, c: _compare(a, c) > 0)),
            fn("isLessThan", ("quantity_lt", b, [s, s], True, lambda a, c: _compare(a, c) < 0)),
            fn("compareTo", ("quantity_compare", i, [s, s], True, _compare)),
            fn("asInteger", ("quantity_as_integer", i, [s], True, _as_integer)),
            fn(
                "asApproximateFloat",
                ("quantity_as_float", cel.Type.DOUBLE, [s], True, lambda q: float(_quantity(q))),
            ),
            fn("sign", ("quantity_sign", i, [s], True, _sign)),
            fn(
                "isInteger",
                (
                    "quantity_is_integer",
                    b,
                    [s],
                    True,
                    lambda q: _quantity(q) == _quantity(q).to_integral_value(),
                ),
            ),
        ],
    )
    return cel.NewEnv(
        variables={"self": dyn, "oldSelf": dyn},
        extensions=[ext_strings.ExtStrings(), ext_optional.ExtOptional(), library],
    )


class Re2Pattern:
    """A regular expression in Go's RE2 syntax (a schema's ``pattern``), matched as Go's
    ``regexp.MatchString`` does (anywhere in the text).

    Python's ``re`` runs it where it means the same: the pattern compiles there without a warning
    and uses nothing RE2 reads otherwise (POSIX classes ``[[:alpha:]]``, ``\\p{L}``, ``\\Q...\\E``;
    ``\\z`` becomes ``\\Z``, inline flags such as ``^(?i)(a|b)$`` move to the front), and the text
    is printable ASCII (where ``$``, ``\\s``, ``\\d`` and case folding differ). Anything else is
    matched by RE2 itself, through the CEL runtime's ``matches()`` (cel-cpp embeds RE2), which is
    exact but about 50 times slower. Raises :class:`CelError` when neither can compile it.
    """

    __slots__ = ("_python", "_re2", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._python = _python_regex(source)
        self._re2: CelRule | None = None
        if self._python is None:
            self._re2 = compile_rule(f"self.matches({json.dumps(source, ensure_ascii=False)})")

    def search(self, text: str) -> bool:
        if self._python is not None and text.isascii() and text.isprintable():
            return self._python.search(text) is not None
        if self._re2 is None:
            self._re2 = compile_rule(f"self.matches({json.dumps(self.source, ensure_ascii=False)})")
        return self._re2(text) is True


def _python_regex(pattern: str) -> re.Pattern[str] | None:
    """``pattern`` (RE2) as a Python regex that means the same on printable ASCII, or ``None``."""
    if re.search(r"\[:|\\[pPQEC]", pattern):
        return None
    text = re.sub(r"(?<!\\)((?:\\\\)*)\\z", r"\1\\Z", pattern)
    # RE2 allows flags anywhere (they hold from there on), Python only in front: moved when they
    # stand at the start anyway (``^(?i)...``); RE2's ungreedy U has no Python form
    lead = re.match(r"(\^?)\(\?([ims]+)\)", text)
    if lead is not None:
        text = f"(?{lead.group(2)}){lead.group(1)}{text[lead.end() :]}"
    if re.search(r"(?<!\\)\(\?[imsU]*U[imsU]*[):]", text) or re.search(r"(?<!\\)\(\?[imsU]+\)", text[1:]):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return re.compile(text, re.ASCII)
        except (re.error, FutureWarning, DeprecationWarning):
            return None


class CelRule:
    """One compiled CEL expression of a CRD (a rule or a messageExpression)."""

    __slots__ = ("_expr", "source", "uses_old_self")

    def __init__(self, source: str) -> None:
        self.source = source
        self.uses_old_self = bool(re.search(r"\boldSelf\b", source))
        try:
            self._expr = _env().compile(source)
        except RuntimeError as e:
            raise CelError(_first_line(str(e))) from None

    def __call__(self, value: Any) -> Any:
        return evaluate(self._expr, value)

    def in_scope(self, scope: SelfScope) -> Any:
        """The value of the expression with ``self`` bound as ``scope`` binds it."""
        return _result(lambda: self._expr.eval(activation=scope.activation()))


class SelfScope:
    """``self`` bound to one value, for several expressions: the value is converted to CEL once
    (an activation), not once per expression (~5 -> ~3 us an evaluation; a Gateway API filter has
    ~20 rules)."""

    __slots__ = ("_activation", "value")

    def __init__(self, value: Any) -> None:
        self.value = value
        self._activation: Any = None

    def activation(self) -> Any:
        if self._activation is None:
            self._activation = _env().Activation(data={"self": self.value})
        return self._activation


def compile_rule(source: str) -> CelRule:
    """Compile ``source`` once; raises :class:`CelError` when it does not compile."""
    return CelRule(source)


def evaluate(expr: Any, value: Any) -> Any:
    """``expr`` evaluated with ``self`` bound to ``value``; raises :class:`CelError` on an
    evaluation error (a missing field read without ``has()``, a bad quantity, ...)."""
    return _result(lambda: expr.eval(data={"self": value}))


def _result(run: Any) -> Any:
    """What ``run()`` evaluated, as a Python value; :class:`CelError` for an evaluation error."""
    try:
        result = run()
    except (RuntimeError, CelError) as e:
        raise CelError(_first_line(str(e))) from None
    out = result.value()
    if str(result.type()) == "ERROR":
        raise CelError(_first_line(str(out)))
    return out


def _first_line(text: str) -> str:
    text = text.strip().splitlines()[0] if text.strip() else text
    return re.sub(r"^(INVALID_ARGUMENT|NOT_FOUND|UNKNOWN|INTERNAL): ", "", text)
