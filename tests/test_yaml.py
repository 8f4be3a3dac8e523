"""podkit's YAML writer is byte-identical to cdk8s.Yaml.stringify wherever it writes at all
(and hands everything else to cdk8s)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import cdk8s
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from podkit import _diff, _yaml
from podkit.app import to_yaml
from podkit.errors import PodkitError
from tests.k8s import PROPERTY_SETTINGS

NO_SURROGATES: tuple[Literal["Cs"]] = ("Cs",)

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    "on",
    "off",
    "yes",
    "No",
    "null",
    "~",
    "",
    "1",
    "-1",
    "+1",
    "0x1F",
    "0o7",
    "0755",
    "08",
    "1_000",
    "1.5",
    "1e3",
    ".5",
    "2.",
    ".inf",
    "-.Inf",
    ".nan",
    "12:30",
    "1:2:3",
    "3:60",
    "2024-01-01",
    "2024-01-01T10:00:00Z",
    "<<",
    "-",
    "- a",
    "?",
    "? a",
    "a: b",
    "a:b",
    "a #b",
    "a#b",
    "#a",
    " a",
    "a ",
    "a:",
    "'q'",
    '"q"',
    "it's",
    'say "hi"',
    "both ' \"",
    "%x",
    "@x",
    "`x",
    "&x",
    "*x",
    "!x",
    "|x",
    ">x",
    "[x",
    "]x",
    "{x",
    "}x",
    ",x",
    "x,y",
    "é",
    "한글",
    "emoji 😀",
    "---",
    "...",
    "a\nb",
    "a\nb\n",
    "a\nb\n\n",
    "a \nb",
    "a\n b",
    "\na",
    "a\n",
    "line1\r\nline2\r\n",
    "back\\slash",
    "tab\tx",
    "nul\x00",
    "bell\x07",
    "del\x7f",
    "nbsp\u00a0",
    "true",
    "True",
    "NULL",
    "http://x.y/z?a=b&c=d",
    "/etc/x",
    "v1",
    "key=value=x",
    "0",
    "10",
    "007",
    "x" * 300,
]


def same(doc: Any) -> bool:
    mine = _yaml.dump(doc)
    return mine is None or mine == cdk8s.Yaml.stringify(doc)


def test_tricky_strings_as_keys_values_and_items() -> None:
    for s in TRICKY:
        doc = {"k": s, "list": [s, {"n": s}], "nested": {"deep": [{"a": s, "b": [s]}]}}
        if "\n" not in s:
            doc[s] = {"x": s}
        assert same(doc), repr(s)


def test_scalars_and_empties() -> None:
    doc = {
        "t": True,
        "f": False,
        "i": 42,
        "neg": -7,
        "big": 2**60,
        "float": 0.5,
        "e": {},
        "l": [],
        "le": [{}],
    }
    assert same(doc)
    assert _yaml.dump({"float": 0.5}) is None  # floats go to Node


def test_integer_like_keys_are_left_to_node() -> None:
    # JavaScript lists integer-like keys first; podkit does not reorder, it defers
    assert _yaml.dump({"b": 1, "10": 2}) is None
    assert to_yaml([{"b": 1, "10": 2}]) == cdk8s.Yaml.stringify({"b": 1, "10": 2})


# '__proto__' cannot cross jsii to be compared with Node (see the regression test below)
KEYS = st.text(st.characters(codec="utf-8", exclude_categories=NO_SURROGATES), max_size=12).filter(
    lambda k: k != "__proto__"
)
LEAF = (
    st.text(st.characters(codec="utf-8", exclude_categories=NO_SURROGATES), max_size=30)
    | st.integers(-(2**60), 2**60)
    | st.booleans()
)
DOCS = st.recursive(
    LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4), max_leaves=25
)


@PROPERTY_SETTINGS
@given(st.dictionaries(KEYS, DOCS, max_size=5))
@example({"": {"a": []}})
def test_generated_documents(doc: dict[str, Any]) -> None:
    assert same(doc)


def test_proto_key_is_written_by_python() -> None:
    # found by the property test: jsii refuses '__proto__' as a map key, so the comparison with
    # Node cannot run; podkit's own writer handles it, and to_yaml never sends it to Node
    assert _yaml.dump({"__proto__": []}) == "__proto__: []\n"
    assert to_yaml([{"__proto__": []}]) == "__proto__: []\n"


def _random_doc(rng: Any, depth: int = 0) -> Any:
    alphabet = "abcXYZ019 -_.:/#'\"=,?!@%&*[]{}|>~\n\t한é"

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))

    roll = rng.random()
    if depth > 3 or roll < 0.45:
        return rng.choice([text(), text(), text(), rng.randint(-1000, 1000), rng.random() < 0.5])
    if roll < 0.7:
        return [_random_doc(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {text() or "k": _random_doc(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def test_random_kubernetes_like_documents_mostly_written_in_python() -> None:
    import random

    rng = random.Random(1234)
    written = 0
    for _ in range(400):
        doc = {"apiVersion": "v1", "kind": "ConfigMap", "data": _random_doc(rng)}
        mine = _yaml.dump(doc)
        if mine is not None:
            written += 1
            assert mine == cdk8s.Yaml.stringify(doc), doc
    assert written >= 200, f"only {written} of 400 written in Python: the comparison would be vacuous"


# -- reading: podkit's reader gives what cdk8s.Yaml.load gives, or leaves the text to it --------
def node_load(text: str, tmp_path: Path) -> list[Any]:
    path = tmp_path / "docs.yaml"
    path.write_text(text, encoding="utf-8")
    return [json.loads(json.dumps(d)) for d in cdk8s.Yaml.load(str(path))]


# (text, read in Python?): the ones marked False hold what _yaml.load_all leaves to Node
READ_CASES = [
    ("a: 1\n---\n---\nb: yes\n", True),  # an empty document is left out
    ("---\n", True),
    ("null\n", True),
    ("- ~\n- a\n- null\n- ''\n", True),  # nulls stay in lists ...
    ("a:\n  - ~\n  - {b: ~, c: 1}\nd:\n", True),  # ... and drop their key in mappings
    ("a: -0\nb: +5\nc: 9007199254740991\nd: 0\n", True),
    ("a: y\nb: N\nc: on\nd: OFF\ne: 'yes'\nf: True\n", True),
    ("x: [1, 2, {a: b}, 'c']\n", True),
    ("? a\n: b\n", True),
    ("a: |\n  x\n  y\nb: |-\n  x\nc: |+\n  x\n\nd: >\n  x\n  y\n\n  z\ne: >-\n  q\n", True),
    ("a: |2\n    indented\n", True),
    ("a: \"\\x41\\u00e9\\t\\\"q\\\"\"\nb: 'it''s'\n", True),
    ("a: b\n  c\n  d\n", True),  # a multi-line plain scalar
    ("# comment\na: b # trailing\n...\n", True),
    ("a: 한글 😀\nb: é\n", True),
    ("a: 9007199254740992\n", False),  # beyond a JavaScript number's exact integers
    ("a: 1.5\n", False),
    ("a: 1e3\n", False),
    ("a: 0x10\n", False),
    ("a: 0755\n", False),
    ("a: 08\n", False),
    ("a: 1_000\n", False),
    ("a: 1:20\n", False),
    ("a: 2024-01-01\n", False),
    ("a: .inf\n", False),
    ("a: &x 1\nb: *x\n", False),
    ("base: &b {x: 1}\nc:\n  <<: *b\n", False),
    ("a: !!str 3\n", False),
    ("a: !custom x\n", False),
    ("a: 1\na: 2\n", False),
    ("1: a\n0: b\n", False),  # JavaScript lists integer-like keys first
    ("1: a\n", False),
    ("a:\tb\n", False),
    ("a: b\r\n", False),
    ("%YAML 1.1\n---\na: b\n", False),
    ("a: [unterminated\n", False),
]


def test_reading_agrees_with_cdk8s_or_leaves_the_text_to_it(tmp_path: Path) -> None:
    for text, in_python in READ_CASES:
        mine = _yaml.load_all(text)
        assert (mine is not None) == in_python, repr(text)
        if mine is not None:
            assert mine == node_load(text, tmp_path), repr(text)


def test_every_file_of_dist_is_read_in_python_as_node_reads_it(tmp_path: Path) -> None:
    files = sorted((ROOT / "dist").glob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        mine = _yaml.load_all(text)
        assert mine is not None, path.name
        assert mine == node_load(text, tmp_path), path.name


def test_random_documents_read_back_as_node_reads_them(tmp_path: Path) -> None:
    import random

    rng = random.Random(4321)
    docs = [{"apiVersion": "v1", "kind": "ConfigMap", "data": _random_doc(rng)} for _ in range(300)]
    texts = [cdk8s.Yaml.stringify(doc) for doc in docs]
    # one trip to Node for all of them: a multi-document file
    theirs = node_load("---\n".join(texts), tmp_path)
    assert len(theirs) == len(docs)
    read = 0
    for text, expected in zip(texts, theirs, strict=True):
        mine = _yaml.load_all(text)
        if mine is not None:
            read += 1
            assert mine == [expected], text
    assert read > 150  # most of them are read in Python


def test_the_strict_reader_reads_podkit_files_in_python_exactly_as_in_node() -> None:
    # _diff.load_objects (podkit diff, podkit graph, the snapshot plugin's folder reader): files
    # that _yaml.load_all reads need no Node; what it gives is what the Node reader gives
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "dist").glob("*.yaml"))}
    files["nulls.k8s.yaml"] = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: ~\ndata:\n  a: ''\n"
    )
    assert all(_yaml.load_all(text, keep_null=True) is not None for text in files.values())
    assert _diff.load_objects(files) == _diff._load_in_node(files)
    # a null keeps its key here (the yaml package's toJS), and is dropped in parse_yaml (jsii's)
    assert _diff.load_objects({"n": files["nulls.k8s.yaml"]})["n"][0]["metadata"] == {
        "name": "x",
        "labels": None,
    }
    assert _yaml.load_all(files["nulls.k8s.yaml"])[0]["metadata"] == {"name": "x"}  # type: ignore[index]


def test_what_the_python_reader_is_unsure_of_goes_to_node() -> None:
    # a duplicate of a key whose value was null, and nesting deeper than any object
    assert _yaml.load_all("a: ~\na: 1\n") is None
    assert _yaml.load_all("a: ~\na: 1\n", keep_null=True) is None
    deep = "a: " + "[" * 150 + "]" * 150 + "\n"
    assert _yaml.load_all(deep) is None
    assert _yaml.load_all("a: " + "[" * 99 + "]" * 99 + "\n") is not None
    # a document that is not an object: the error (with its line) comes from Node
    with pytest.raises(PodkitError, match=r"^f, line 1: the document is a list, not a Kubernetes object"):
        _diff.load_objects({"f": "- a\n"})
