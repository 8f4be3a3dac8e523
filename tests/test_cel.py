"""podkit._cel: CEL as the Kubernetes API server evaluates CRD rules (the standard library and
macros, the strings extension, optionals, and the Kubernetes libraries the CRDs use)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from podkit import _cel
from podkit._crd_validate import cel_name


def run(rule: str, value: Any) -> Any:
    return _cel.compile_rule(rule)(value)


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [
        # standard library and macros
        ("self.size() <= 2", ["a", "b"], True),
        ("self.size() == 5", "héllo", True),  # characters, not bytes
        ("has(self.x)", {}, False),
        ("self.all(x, x > 0)", [1, 2], True),
        ("self.exists(x, x == 2)", [1, 2], True),
        ("self.exists_one(x, x == 1)", [1, 1], False),
        ("self.map(x, x * 2) == [2, 4]", [1, 2], True),
        ("self.filter(x, x > 1).size()", [1, 2, 3], 2),
        ("self.matches('^[a-z]+$')", "abc", True),
        ("self.startsWith('/') && self.endsWith('/') && self.contains('x')", "/x/", True),
        ("'a' in self", {"a": 1}, True),
        ("self.type == 'A' ? has(self.a) : true", {"type": "B"}, True),
        # strings extension
        ("self.lowerAscii()", "ABC", "abc"),
        ("self.split(',').size()", "a,b,c", 3),
        ("self.indexOf('b')", "abc", 1),
        ("self.substring(1, 3)", "abcd", "bc"),
        ("self.trim()", "  x ", "x"),
        ("self.replace('a', 'b')", "aa", "bb"),
        ("['a', 'b'].join('-')", None, "a-b"),
        # optionals
        ("self.?x.orValue(3)", {}, 3),
        # Kubernetes lists library
        ("self.isSorted()", [1, 2, 3], True),
        ("self.isSorted()", [3, 1], False),
        ("self.sum()", [1, 2, 3], 6),
        ("self.min()", [3, 1, 2], 1),
        ("self.max()", [3, 1, 2], 3),
        ("self.indexOf(2)", [1, 2, 2], 1),
        ("self.lastIndexOf(2)", [1, 2, 2], 2),
        # regex library
        ("self.find('[0-9]+')", "ab12c34", "12"),
        ("self.findAll('[0-9]').size()", "a1b2c3", 3),
        ("self.findAll('[0-9]', 2).size()", "a1b2c3", 2),
        # URLs, IPs, CIDRs
        ("isURL(self)", "https://example.com/x", True),
        ("isURL(self)", "not a url", False),
        ("isIP(self)", "10.0.0.1", True),
        ("isIP(self)", "fe80::1%eth0", False),
        ("isCIDR(self)", "10.0.0.0/8", True),
        ("isCIDR(self)", "10.0.0.1", False),
        # quantities
        ("isQuantity(self)", "1Gi", True),
        ("isQuantity(self)", "1GB", False),
        ("quantity(self).isGreaterThan(quantity('1G'))", "1Gi", True),
        ("quantity(self).isLessThan(quantity('1'))", "500m", True),
        ("quantity(self).compareTo(quantity('1000m'))", "1", 0),
        ("quantity(self).asInteger()", "2k", 2000),
        ("quantity(self).asApproximateFloat()", "1500m", 1.5),
        ("quantity(self).sign()", "-1", -1),
        ("quantity(self).isInteger()", "1.5", False),
    ],
)
def test_kubernetes_cel(rule: str, value: Any, expected: Any) -> None:
    assert run(rule, value) == expected


@pytest.mark.parametrize(
    ("rule", "value", "error"),
    [
        ("self.x == 1", {}, "Key not found"),
        ("self.min()", [], "min() of an empty list"),
        ("quantity(self).isInteger()", "1GB", "not a Kubernetes quantity"),
        ("self + 1", "a", "No matching overloads"),
    ],
)
def test_evaluation_errors_are_cel_errors(rule: str, value: Any, error: str) -> None:
    with pytest.raises(_cel.CelError, match=re.escape(error)):
        run(rule, value)


def test_a_rule_that_does_not_compile_says_where() -> None:
    with pytest.raises(_cel.CelError, match="undeclared reference to 'nope'"):
        _cel.compile_rule("nope(self)")


def test_transition_rules_are_recognised() -> None:
    assert _cel.compile_rule("self == oldSelf").uses_old_self
    assert not _cel.compile_rule("self.oldSelfish == 1").uses_old_self


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("namespace", "__namespace__"),
        ("in", "__in__"),
        ("x-y", "x__dash__y"),
        ("a.b", "a__dot__b"),
        ("a/b", "a__slash__b"),
        ("a__b", "a__underscores__b"),
        ("plain", "plain"),
    ],
)
def test_property_names_are_escaped_as_the_api_server_escapes_them(name: str, escaped: str) -> None:
    assert cel_name(name) == escaped


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        (r"^[[:alpha:]]+$", "abc", True),  # a POSIX class (Python reads a nested set and refused it)
        (r"^[[:alpha:]]+$", "a:b", False),
        (r"^\p{L}+$", "héllo", True),  # Unicode classes (Python's re: bad escape)
        (r"^\p{L}+$", "ab1", False),
        (r"^a\z", "a", True),  # \z (Python's re: bad escape)
        (r"^(?i)(get|post)$", "GET", True),  # inline flags after ^
        (r"a(?i)b", "aB", True),  # flags in the middle hold from there on
        (r"a(?i)b", "Ab", False),
        (r"^[a-z]+$", "abc\n", False),  # RE2's $ is the end of the text (Python's: before a last newline)
        (r"^\d+$", "١٢", False),  # \d is ASCII in RE2
        (r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "my-name", True),
    ],
)
def test_schema_patterns_are_re2(pattern: str, text: str, matches: bool) -> None:
    assert _cel.Re2Pattern(pattern).search(text) is matches


def test_a_pattern_that_does_not_compile_is_a_cel_error() -> None:
    with pytest.raises(_cel.CelError, match=re.escape("invalid regular expression: missing ): ^(a")):
        _cel.Re2Pattern("^(a").search("a")
