"""The sealed store, the certificate and the plaintext are input: podkit treats them as hostile.

Issue 21. Whatever a hand-edited, truncated, merged or malicious ``sealed-secrets.yaml`` holds,
and whatever certificate ``podkit seal`` is given, podkit either reads it as the store it is or
raises one :class:`SealingError` naming the file, the line or the Secret and key (never a value)
and the fix, and writes nothing: neither the store nor ``dist/``.

The cases are derived from the store's schema as ``_sealing._parse_store`` reads it: every
field, every wrong type, every bad value; then properties feed arbitrary YAML structures,
arbitrary text and bytes, and every truncation of a real store to the reader. Plaintext never
shows in a ``repr``, an exception message, or a traceback (even one showing local variables).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime
import os
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import podkit as pk
from podkit import _sealing
from podkit._sealing import (
    Plaintexts,
    SealingScope,
    SealRequest,
    fingerprint_matches,
    load_certificate,
    load_store,
    prepare_seal,
    seal_into_store,
)
from podkit.errors import SealingError
from tests.sealing_helpers import CERT, FIXTURES, KEY, make_cert, private_key, unseal_b64, weak_rsa_key

PLAIN = "hunter2-plaintext-that-must-never-show"
STORE = "sealed-secrets.yaml"


# -- a real store to break ------------------------------------------------------------------
@pytest.fixture(scope="module")
def good_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store podkit wrote: two Secrets, three keys (one of them cluster-wide, no namespace)."""
    folder = tmp_path_factory.mktemp("good")
    seal_into_store(
        folder / STORE,
        CERT,
        [
            SealRequest("prod", "db", SealingScope.STRICT, {"password": PLAIN.encode(), "user": b"app"}),
            SealRequest(None, "shared", SealingScope.CLUSTER_WIDE, {"token": b"t0k3n"}),
        ],
    )
    return (folder / STORE).read_text()


@pytest.fixture
def good_doc(good_text: str) -> dict[str, Any]:
    doc = yaml.safe_load(good_text)
    assert isinstance(doc, dict)
    return doc


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


class _Quoting(yaml.SafeDumper):  # type: ignore[misc]
    """Every string double-quoted: a value reaches the schema check whatever characters it has."""


_Quoting.add_representer(str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style='"'))


def _dump(doc: Any, *, quote: bool = True) -> str:
    dumper = _Quoting if quote else yaml.SafeDumper
    return str(yaml.dump(doc, Dumper=dumper, sort_keys=False, width=1_000_000, allow_unicode=True))


def assert_refused(
    folder: Path, pattern: str, *, write: Callable[[Path], object] | None = None
) -> SealingError:
    """Reading the store in ``folder`` is one SealingError matching ``pattern`` that names the
    file and a fix, and ``podkit seal`` (seal_into_store) then writes nothing at all."""
    store = folder / STORE
    if write is not None:
        write(store)
    before = _snapshot(folder)
    with pytest.raises(SealingError, match=pattern) as err:
        load_store(store)
    message = str(err.value)
    assert f"sealed store {str(store)!r}" in message
    assert "git" in message or "podkit seal" in message  # the fix
    assert PLAIN not in message
    with pytest.raises(SealingError) as again:
        seal_into_store(store, CERT, [SealRequest("prod", "db", SealingScope.STRICT, {"password": b"new"})])
    assert str(again.value) == message
    assert _snapshot(folder) == before  # the store untouched, no temporary file left behind
    return err.value


# -- the YAML itself -------------------------------------------------------------------------
BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b]\n"
)
BLOCK_BOMB = "version: 1\nanchor: &a\n  - x\nsecrets:\n  - *a\n"


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("{{{ not yaml", r"line 1: a flow mapping"),
        ("version: 1\ncertificate: null\nsecrets: [\n", r"line 3: the value of 'secrets': a flow sequence"),
        (
            'version: 1\ncertificate: "unterminated\n',
            r"line 2: the value of 'certificate': a double-quoted string that is not closed",
        ),
        (
            "version: 1\ncertificate: 'unterminated\n",
            r"line 2: the value of 'certificate': a single-quoted string that is not closed",
        ),
        (BOMB, r"line 1: the value of 'a': an anchor"),
        (BLOCK_BOMB, r"line 2: the value of 'anchor': an anchor"),
        ("version: 1\nsecrets: *a\n", r"line 2: the value of 'secrets': an alias .*billion laughs"),
        ("version: !!int 1\n", r"line 1: the value of 'version': a tag"),
        ("version: 1\ncertificate: |\n  x\n", r"line 2: the value of 'certificate': a block scalar"),
        ("%YAML 1.1\n---\nversion: 1\n", r"line 1: a directive"),
        ("version: 1\n---\nversion: 1\n", r"line 2: a second YAML document"),
        ("version: 1\nversion: 1\n", r"line 2: key 'version' appears twice"),
        ("version: 1\n\tcertificate: null\n", r"line 2: a tab in the indentation"),
        ("version: 1\ncertificate: nul\x00l\n", r"line 2: control character U\+0000"),
        ("version: yes\ncertificate: null\nsecrets: []\n", r"'version' is a boolean"),
        ("version: 1.0\ncertificate: null\nsecrets: []\n", r"'version' is a number"),
        (
            "version: 017\n",
            r"line 1: the value of 'version': '017' reads in YAML as a number or date podkit never writes",
        ),
        (
            "version: 2001-12-14\n",
            r"line 1: the value of 'version': '2001-12-14' reads in YAML as a number or date",
        ),
        ("true: 1\n", r"line 1: 'true' reads in YAML as a key that is not text"),
        ("version: 1\nsecrets:\n  - name: db\n   namespace: prod\n", r"line 4: unexpected indentation"),
        ("version: 1\ncertificate: a\n  b\n", r"line 3: unexpected indentation after a value"),
        ("  version: 1\n", r"line 1: the document is indented"),
        ("version: 1\n? complex\n", r"line 2: a complex key"),
        ("- version: 1\n", r"expected one document with 'version: 1'; the document is a list"),
        ("just text\n", r"line 1: a value with characters podkit never writes unquoted"),
        ("text\n", r"expected one document with 'version: 1'; the document is a string"),
        ("42\n", r"expected one document with 'version: 1'; the document is a number"),
        ("", r"expected one document with 'version: 1'; the document is empty"),
        ("# only a comment\n", r"expected one document with 'version: 1'; the document is empty"),
        ("secrets: []\n", r"expected one document with 'version: 1'; the document is a mapping without"),
    ],
)
def test_fails_store_that_is_not_the_yaml_podkit_writes(tmp_path: Path, text: str, pattern: str) -> None:
    assert_refused(tmp_path, pattern, write=lambda p: p.write_text(text))


def test_fails_store_that_is_not_utf8(tmp_path: Path, good_text: str) -> None:
    data = good_text.encode().replace(b"scope: strict", b"scope: str\xe9ct")
    line = data[: data.index(b"\xe9")].count(b"\n") + 1
    assert_refused(tmp_path, rf"line {line}: byte 0xe9 is not UTF-8", write=lambda p: p.write_bytes(data))


def test_fails_store_that_is_binary(tmp_path: Path) -> None:
    assert_refused(tmp_path, r"not UTF-8|control character", write=lambda p: p.write_bytes(os.urandom(4096)))


def test_fails_store_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / STORE).mkdir()
    with pytest.raises(
        SealingError, match=r"is not a regular file \(it is a folder\); .*Sealing\(store=\.\.\.\)"
    ):
        load_store(tmp_path / STORE)
    with pytest.raises(SealingError, match="is not a regular file"):
        seal_into_store(tmp_path / STORE, CERT, [SealRequest("prod", "db", SealingScope.STRICT, {"a": b"1"})])
    assert list(tmp_path.rglob("*")) == [tmp_path / STORE]


def test_fails_store_whose_folder_is_missing_and_creates_nothing(tmp_path: Path) -> None:
    store = tmp_path / "nope" / STORE
    assert load_store(store).secrets == {}  # synth: nothing is sealed yet (each key says so)
    with pytest.raises(SealingError, match=r"its folder '.*nope' does not exist .*create the folder"):
        seal_into_store(store, CERT, [SealRequest("prod", "db", SealingScope.STRICT, {"a": b"1"})])
    assert list(tmp_path.iterdir()) == []


def test_fails_store_that_cannot_be_written_and_leaves_no_temporary_file(
    tmp_path: Path, good_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, good_text)
    before = _snapshot(tmp_path)

    def disk_full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(SealingError, match=r"cannot be written \(No space left on device\); it is unchanged"):
        seal_into_store(tmp_path / STORE, CERT, [SealRequest("prod", "db", SealingScope.STRICT, {"a": b"1"})])
    assert _snapshot(tmp_path) == before


def test_a_store_podkit_wrote_reads_back_with_comments_quotes_crlf_and_a_leading_marker(
    tmp_path: Path, good_text: str
) -> None:
    expected = load_store(_write(tmp_path, good_text)).to_document()
    edited = (
        "---\n"
        + good_text.replace("scope: strict", "scope: 'strict'  # the default")
        .replace("name: db", 'name: "db"')
        .replace("version: 1", "version: 1 # the format")
    ).replace("\n", "\r\n")
    assert load_store(_write(tmp_path, edited)).to_document() == expected


def _write(folder: Path, text: str) -> Path:
    (folder / STORE).write_text(text)
    return folder / STORE


# -- every field, every wrong type -----------------------------------------------------------
# (path in the document, what the error names); the document is the one podkit writes
FIELDS: list[tuple[tuple[Any, ...], str, type]] = [
    (("version",), "'version'", int),
    (("certificate",), "'certificate'", str),
    (("secrets",), "'secrets'", list),
    (("secrets", 1), r"secrets\[1\]", dict),
    (("secrets", 1, "namespace"), r"secrets\[1\]: 'namespace'", str),
    (("secrets", 1, "name"), r"secrets\[1\]: 'name'", str),
    (("secrets", 1, "scope"), r"secrets\[1\] \(prod/db\): 'scope'", str),
    (("secrets", 1, "keys"), r"secrets\[1\] \(prod/db\): 'keys'", dict),
    (("secrets", 1, "keys", "password"), r"secrets\[1\] \(prod/db\) key 'password'", dict),
    (("secrets", 1, "keys", "password", "sealed"), r"key 'password': 'sealed'", str),
    (("secrets", 1, "keys", "password", "fingerprint"), r"key 'password': 'fingerprint'", str),
]
WRONG_TYPES: dict[type, Any] = {
    type(None): None,
    bool: True,
    int: 7,
    str: "text",
    list: ["a", "b"],
    dict: {"a": "b"},
}


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def _delete(doc: Any, path: tuple[Any, ...]) -> None:
    for step in path[:-1]:
        doc = doc[step]
    del doc[path[-1]]


@pytest.mark.parametrize(
    ("path", "names", "wrong"),
    [
        (path, names, wrong)
        for path, names, right in FIELDS
        for kind, wrong in WRONG_TYPES.items()
        # (a null certificate is allowed: a store that was never sealed with one)
        if kind is not right and not (path == ("certificate",) and wrong is None)
    ],
    ids=lambda v: ".".join(map(str, v)) if isinstance(v, tuple) else type(v).__name__,
)
def test_fails_every_field_of_the_wrong_type(
    tmp_path: Path, good_doc: dict[str, Any], path: tuple[Any, ...], names: str, wrong: Any
) -> None:
    _set(good_doc, path, wrong)
    pattern = names if path != ("secrets", 1) else names + r" is "
    if path == ("version",):
        pattern = r"'version' is"
    assert_refused(tmp_path, pattern, write=lambda p: p.write_text(_dump(good_doc)))


@pytest.mark.parametrize(
    "path",
    [("version",), ("certificate",), ("secrets",)]
    + [("secrets", 1, f) for f in ("namespace", "name", "scope", "keys")]
    + [("secrets", 1, "keys", "password", f) for f in ("sealed", "fingerprint")],
    ids=lambda p: ".".join(map(str, p)),
)
def test_fails_every_missing_field(tmp_path: Path, good_doc: dict[str, Any], path: tuple[Any, ...]) -> None:
    _delete(good_doc, path)
    pattern = f"has no '{path[-1]}'" if path != ("version",) else "expected one document with 'version: 1'"
    assert_refused(tmp_path, pattern, write=lambda p: p.write_text(_dump(good_doc)))


@pytest.mark.parametrize(
    "path", [(), ("secrets", 1), ("secrets", 1, "keys", "password")], ids=["document", "secret", "key"]
)
def test_fails_every_unknown_field(tmp_path: Path, good_doc: dict[str, Any], path: tuple[Any, ...]) -> None:
    _set(good_doc, (*path, "extra"), "x")  # e.g. 'secret:' for 'secrets:', or a merge leftover
    assert_refused(
        tmp_path,
        r"field\(s\) 'extra' that podkit does not write",
        write=lambda p: p.write_text(_dump(good_doc)),
    )


def _fp(
    n: int | str = 16384, r: int = 8, p: int = 1, salt: bytes = bytes(16), digest: bytes = bytes(32)
) -> str:
    return f"scrypt:n={n},r={r},p={p}:{base64.b64encode(salt).decode()}:{base64.b64encode(digest).decode()}"


def _sealed(rsa_len: int, rest: int) -> str:
    return base64.b64encode(rsa_len.to_bytes(2, "big") + bytes(rsa_len + rest)).decode()


KEY_PATH = ("secrets", 1, "keys", "password")  # prod/db: Secrets are listed sorted, "" first
BAD_VALUES: list[tuple[str, tuple[Any, ...], Any, str]] = [
    ("version 0", ("version",), 0, r"'version' is 0; it must be a file written by `podkit seal`"),
    ("version 2", ("version",), 2, r"'version' is 2; .*written by a newer podkit: upgrade podkit"),
    ("certificate not sha256", ("certificate",), "md5:abc", r"'certificate' is not 'sha256:' and 64 hex"),
    ("secret name empty", ("secrets", 1, "name"), "", r"secrets\[1\]: 'name' is empty"),
    (
        "secret name invalid",
        ("secrets", 1, "name"),
        "Bad_Name",
        r"secrets\[1\]: 'name' 'Bad_Name' is not a valid DNS",
    ),
    (
        "namespace invalid",
        ("secrets", 1, "namespace"),
        "Prod",
        r"secrets\[1\]: 'namespace' 'Prod' is not a valid",
    ),
    (
        "scope unknown",
        ("secrets", 1, "scope"),
        "global",
        r"'scope' is 'global'; expected one of strict, namespace-wide",
    ),
    (
        "strict without namespace",
        ("secrets", 1, "namespace"),
        "",
        r"\(db\): a strict Secret needs a namespace",
    ),
    (
        "key invalid",
        ("secrets", 1, "keys", "bad key"),
        {"sealed": "x", "fingerprint": "y"},
        r"the key 'bad key' is not a valid",
    ),
    ("sealed not base64", (*KEY_PATH, "sealed"), "not base64!", r"key 'password': 'sealed' is not base64"),
    ("sealed unpadded", (*KEY_PATH, "sealed"), "QUJD", r"'sealed' is too short|'sealed' starts with"),
    ("sealed empty", (*KEY_PATH, "sealed"), "", r"'sealed' is too short to be a sealed value"),
    ("sealed rsa length 0", (*KEY_PATH, "sealed"), _sealed(0, 40), r"RSA block length of 0 bytes"),
    ("sealed rsa length huge", (*KEY_PATH, "sealed"), _sealed(60000, 0), r"RSA block length of 60000 bytes"),
    (
        "sealed truncated",
        (*KEY_PATH, "sealed"),
        _sealed(512, 10)[:-4],
        r"shorter than its RSA block and AES-GCM tag",
    ),
    ("fingerprint sha256", (*KEY_PATH, "fingerprint"), "sha256:abc", r"'fingerprint' is not 'scrypt:n=N"),
    ("scrypt n overflows", (*KEY_PATH, "fingerprint"), _fp(n="9" * 30), r"'fingerprint' is not 'scrypt:n=N"),
    ("scrypt n 2**62", (*KEY_PATH, "fingerprint"), _fp(n=2**62), r"'fingerprint' is not 'scrypt"),
    (
        "scrypt n not a power of two",
        (*KEY_PATH, "fingerprint"),
        _fp(n=1000),
        r"n=1000, which is not a power of two",
    ),
    ("scrypt n 1", (*KEY_PATH, "fingerprint"), _fp(n=1), r"n=1, which is not a power of two of at least 2"),
    ("scrypt r 0", (*KEY_PATH, "fingerprint"), _fp(r=0), r"r or p below 1"),
    ("scrypt memory 16 GiB", (*KEY_PATH, "fingerprint"), _fp(n=2**24, r=8), r"beyond the 128 MiB"),
    (
        "scrypt p absurd",
        (*KEY_PATH, "fingerprint"),
        _fp(p=2**20),
        r"scrypt cost n=16384, r=8, p=1048576, beyond",
    ),
    ("scrypt salt short", (*KEY_PATH, "fingerprint"), _fp(salt=b"ab"), r"salt \(8 to 64 bytes\)"),
    ("scrypt digest short", (*KEY_PATH, "fingerprint"), _fp(digest=bytes(24)), r"digest \(32 bytes\)"),
    ("scrypt salt not base64", (*KEY_PATH, "fingerprint"), "scrypt:n=2,r=1,p=1:@@@@:AAAA", r"is not 'scrypt"),
]


@pytest.mark.parametrize(
    ("path", "value", "pattern"), [c[1:] for c in BAD_VALUES], ids=[c[0] for c in BAD_VALUES]
)
def test_fails_every_field_with_a_bad_value(
    tmp_path: Path, good_doc: dict[str, Any], path: tuple[Any, ...], value: Any, pattern: str
) -> None:
    _set(good_doc, path, value)
    err = assert_refused(tmp_path, pattern, write=lambda p: p.write_text(_dump(good_doc)))
    if path[:3] == KEY_PATH[:3] and len(path) > 3:
        # a broken key names its Secret and itself, and says how to re-seal just that key
        assert "delete key" in str(err) or "not a valid" in str(err)


def test_fails_a_secret_listed_twice(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    good_doc["secrets"].append(copy.deepcopy(good_doc["secrets"][1]))
    assert_refused(
        tmp_path,
        r"secrets\[2\] \(prod/db\): this Secret is listed twice",
        write=lambda p: p.write_text(_dump(good_doc)),
    )


def test_a_key_message_names_secret_key_and_fix_never_a_value(
    tmp_path: Path, good_doc: dict[str, Any]
) -> None:
    sealed = good_doc["secrets"][1]["keys"]["password"]["sealed"]
    good_doc["secrets"][1]["keys"]["password"]["sealed"] = sealed[:-2] + "!!"
    err = assert_refused(tmp_path, "not base64", write=lambda p: p.write_text(_dump(good_doc)))
    assert str(err).startswith(
        f"sealed store {str(tmp_path / STORE)!r}: secrets[1] (prod/db) key 'password': "
    )
    assert "delete key 'password' of prod/db from it and run `podkit seal`" in str(err)
    assert sealed[:40] not in str(err)


def test_scrypt_cost_in_a_fingerprint_is_bounded_even_outside_the_store() -> None:
    # fingerprint_matches is public: an absurd cost is "no match", never an overflow or an hour
    for stored in (
        _fp(n="9" * 30),
        _fp(n=2**40),
        _fp(p=2**29),
        _fp(n=2**24, r=8),
        "scrypt:n=4,r=1,p=1:AA:AA",
    ):
        assert not fingerprint_matches(b"x", stored)
    assert not fingerprint_matches(b"x", None)  # type: ignore[arg-type]


def test_a_kept_value_that_does_not_fit_the_certificate_fails(
    tmp_path: Path, good_doc: dict[str, Any]
) -> None:
    # a value pasted from a store sealed with another (RSA-2048) certificate: same fingerprint line
    good_doc["secrets"][1]["keys"]["user"]["sealed"] = _sealed(256, 30)
    (tmp_path / STORE).write_text(_dump(good_doc))
    before = _snapshot(tmp_path)
    with pytest.raises(
        SealingError,
        match=r"prod/db key 'user' was not sealed with the certificate .*256 bytes, the key's 512",
    ):
        seal_into_store(
            tmp_path / STORE,
            CERT,
            [SealRequest("prod", "db", SealingScope.STRICT, {"password": PLAIN.encode(), "user": b"app"})],
        )
    assert _snapshot(tmp_path) == before
    report = seal_into_store(  # --force re-seals everything, so it is the way out
        tmp_path / STORE,
        CERT,
        [SealRequest("prod", "db", SealingScope.STRICT, {"password": PLAIN.encode(), "user": b"app"})],
        force=True,
    )
    assert [a.action for a in report.actions] == ["sealed", "sealed", "dropped"]


# -- synth: a bad store fails synth and writes no dist/ ----------------------------------------
def test_synth_with_a_hostile_store_writes_nothing(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    good_doc["secrets"][1]["keys"] = ["password", "user"]  # keys as a list
    (tmp_path / STORE).write_text(_dump(good_doc))
    app = pk.App(outdir=str(tmp_path / "dist"))
    chart = pk.Chart(app, "prod", namespace="prod")
    secret = pk.SealedSecret(
        chart, "db", sealing=pk.Sealing(store=tmp_path / STORE), from_literal={"password": PLAIN}
    )
    pk.SidecarPod(
        chart, "web", main=pk.Container(name="web", image="nginx:1.27", env={"P": secret.value("password")})
    )
    with pytest.raises(pk.PodkitError, match=r"secrets\[1\] \(prod/db\): 'keys' is a list") as err:
        app.synth()
    assert PLAIN not in str(err.value)
    assert not (tmp_path / "dist").exists()


# -- properties: arbitrary YAML structures, text, bytes and truncations ------------------------
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
)
_keys = st.text(max_size=12) | st.integers() | st.booleans()


def _nested(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=4)


structures = st.recursive(scalars, _nested, max_leaves=20)


def _no_write_seal(folder: Path) -> None:
    """Reading the store gives a store or one SealingError; sealing after a refusal writes nothing."""
    before = _snapshot(folder)
    try:
        load_store(folder / STORE)
    except SealingError as e:
        assert str(e).startswith(f"sealed store {str(folder / STORE)!r}")
        with pytest.raises(SealingError):
            seal_into_store(
                folder / STORE, CERT, [SealRequest("prod", "db", SealingScope.STRICT, {"k": b"v"})]
            )
        assert _snapshot(folder) == before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=structures, flow=st.sampled_from([False, True, None]))
def test_property_any_yaml_structure_is_a_store_or_a_sealing_error(
    tmp_path: Path, doc: Any, flow: bool | None
) -> None:
    (tmp_path / STORE).write_text(yaml.safe_dump(doc, default_flow_style=flow, allow_unicode=True))
    _no_write_seal(tmp_path)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_any_structure_anywhere_in_a_real_store(
    tmp_path: Path, good_text: str, data: st.DataObject
) -> None:
    doc = yaml.safe_load(good_text)
    # walk to a random place of the document and put an arbitrary structure there
    node: Any = doc
    path: list[Any] = []
    while isinstance(node, dict | list) and node and data.draw(st.booleans()):
        step = data.draw(st.sampled_from(list(node) if isinstance(node, dict) else list(range(len(node)))))
        path.append(step)
        node = node[step]
    replacement = data.draw(structures)
    if path:
        _set(doc, tuple(path), replacement)
    else:
        doc = replacement
    (tmp_path / STORE).write_text(_dump(doc, quote=data.draw(st.booleans())))
    _no_write_seal(tmp_path)


@settings(max_examples=150, deadline=None)
@given(doc=structures)
def test_property_the_schema_check_takes_any_structure(doc: Any) -> None:
    # straight to the schema check, with what YAML cannot even say (non-string keys, floats)
    with contextlib.suppress(SealingError):
        _sealing._parse_store(Path("/x/s.yaml"), doc)
    for wrapped in (
        {"version": 1, "certificate": None, "secrets": [doc]},
        {
            "version": 1,
            "certificate": None,
            "secrets": [{"namespace": "p", "name": "n", "scope": "strict", "keys": doc}],
        },
        {
            "version": 1,
            "certificate": None,
            "secrets": [{"namespace": "p", "name": "n", "scope": "strict", "keys": {"k": doc}}],
        },
    ):
        with contextlib.suppress(SealingError):
            _sealing._parse_store(Path("/x/s.yaml"), wrapped)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list(" -:#'\"&*![]{}|>?%\n\tabc01.=/+,_~")), max_size=80)
    | st.text(max_size=80)
)
def test_property_any_text_is_a_store_or_a_sealing_error(text: str) -> None:
    try:
        _sealing._parse_store(Path("/x/s.yaml"), _sealing._read_yaml(Path("/x/s.yaml"), text))
    except SealingError as e:
        assert str(e).startswith("sealed store '/x/s.yaml'")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_property_any_bytes_are_a_store_or_a_sealing_error(tmp_path: Path, data: bytes) -> None:
    (tmp_path / STORE).write_bytes(data)
    _no_write_seal(tmp_path)


def test_every_truncation_of_a_store_is_refused_or_a_true_prefix(tmp_path: Path, good_text: str) -> None:
    """Cut anywhere, a store is refused, or (cut right after a key) it reads as fewer keys
    whose values are exactly the ones sealed: never a shortened sealed value or fingerprint."""
    full = load_store(_write(tmp_path, good_text))
    data = good_text.encode()
    accepted = 0
    for cut in range(len(data)):
        (tmp_path / STORE).write_bytes(data[:cut])
        try:
            store = load_store(tmp_path / STORE)
        except SealingError:
            continue
        accepted += 1
        for (namespace, name), entry in store.secrets.items():
            whole = full.secrets[(namespace, name)]
            assert entry.scope is whole.scope
            for key, value in entry.keys.items():
                assert value == whole.keys[key], (cut, key)
    assert accepted


# -- certificates ----------------------------------------------------------------------------
def _certs(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    yield (
        "RSA-512",
        make_cert(tmp_path / "rsa512.pem", weak_rsa_key(512).public_key()),
        r"has a 512-bit RSA key, weaker than the 2048",
    )
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    yield "RSA-1024", make_cert(tmp_path / "rsa1024.pem", weak.public_key()), r"has a 1024-bit RSA key"
    yield (
        "EC",
        FIXTURES / "ec.crt",
        r"has an EC \(secp256r1\) key; the sealed-secrets controller seals with RSA keys only",
    )
    ed = ec.generate_private_key(ec.SECP384R1())
    yield "EC P-384", make_cert(tmp_path / "ec384.pem", ed.public_key()), r"has an EC \(secp384r1\) key"
    yield "expired", FIXTURES / "expired.crt", r"expired on 2020-02-01 00:00 UTC"
    der = tmp_path / "cert.der"
    der.write_bytes(
        x509.load_pem_x509_certificate(CERT.read_bytes()).public_bytes(serialization.Encoding.DER)
    )
    yield "DER", der, r"holds no PEM certificate .*: it has no PEM block at all; .*not DER"
    yield "private key", KEY, r"it has only RSA PRIVATE KEY PEM block\(s\); expected .*not its private key"
    pub = tmp_path / "pub.pem"
    pub.write_bytes(
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    yield "public key", pub, r"it has only PUBLIC KEY PEM block\(s\)"
    garbled = tmp_path / "garbled.pem"
    garbled.write_bytes(b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")
    yield "garbled PEM", garbled, r"is not a valid PEM certificate \("
    unterminated = tmp_path / "cut.pem"
    unterminated.write_bytes(CERT.read_bytes()[:300])
    yield "truncated PEM", unterminated, r"is not a valid PEM certificate"
    empty = tmp_path / "empty.pem"
    empty.write_bytes(b"")
    yield "empty", empty, r"no PEM block at all"
    huge = tmp_path / "huge.pem"
    huge.write_bytes(CERT.read_bytes() + b"\n" * (1024 * 1024))
    yield "huge", huge, r"larger than 1 MiB"
    yield "folder", tmp_path, r"cannot be read \(Is a directory\)"
    yield "missing", tmp_path / "missing.pem", r"does not exist; fetch"


def test_every_weak_or_wrong_certificate_is_a_sealing_error_and_writes_nothing(
    tmp_path: Path, good_text: str
) -> None:
    certs = tmp_path / "certs"
    certs.mkdir()
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    _write(store_dir, good_text)
    seen = []
    for label, cert, pattern in _certs(certs):
        before = _snapshot(store_dir)
        with pytest.raises(SealingError, match=pattern) as err:
            seal_into_store(
                store_dir / STORE,
                cert,
                [SealRequest("prod", "db", SealingScope.STRICT, {"password": PLAIN.encode()})],
            )
        assert repr(str(cert)) in str(err.value), label
        assert "kubeseal --fetch-cert" in str(err.value), label
        assert _snapshot(store_dir) == before, label
        seen.append(label)
    assert len(seen) == 14


def test_a_naive_now_is_utc() -> None:
    assert (
        load_certificate(FIXTURES / "expired.crt", now=datetime.datetime(2020, 1, 15)).public_key.key_size
        == 2048
    )


# -- docker-registry content: the same check as an inline Secret ------------------------------
def _docker_app(tmp_path: Path, config: str, *, sealed: bool, key: str = ".dockerconfigjson") -> pk.App:
    app = pk.App(outdir=str(tmp_path / "dist"))
    chart = pk.Chart(app, "prod", namespace="prod")
    if sealed:
        pk.SealedSecret(
            chart,
            "regcred",
            sealing=pk.Sealing(store=tmp_path / STORE, cert=CERT),
            type=pk.SecretType.DOCKER_CONFIG_JSON if key == ".dockerconfigjson" else pk.SecretType.DOCKER_CFG,
            from_literal={key: config},
        )
    else:
        pk.SecretEnv(
            chart,
            "regcred",
            type=pk.SecretType.DOCKER_CONFIG_JSON if key == ".dockerconfigjson" else pk.SecretType.DOCKER_CFG,
            from_literal={key: config},
        )
    return app


@pytest.mark.parametrize(
    ("key", "config"),
    [
        (".dockerconfigjson", "not json " + PLAIN),
        (".dockerconfigjson", '["a list", "' + PLAIN + '"]'),
        (".dockerconfigjson", '"' + PLAIN + '"'),
        (".dockerconfigjson", "NaN"),
        (".dockerconfigjson", "[" * 100_000),
        (".dockerconfigjson", ""),
        (".dockercfg", "[]"),
        (".dockercfg", "{" + PLAIN),
        # what the API server accepts (json.Unmarshal into a map), sealed as inline
        (".dockerconfigjson", '{"auths": {"r.example.com": {"auth": "' + PLAIN + '"}}}'),
        (".dockerconfigjson", "{}"),
        (".dockerconfigjson", "null"),
        (".dockercfg", '{"r.example.com": {}}'),
    ],
    ids=lambda v: v[:20],
)
def test_a_docker_config_is_checked_sealed_exactly_as_inline(tmp_path: Path, key: str, config: str) -> None:
    """The sealed Secret's content goes through the check an inline SecretEnv's does (one
    function, _rules' ValidateSecret): refused with the same message, or accepted by both."""
    inline = tmp_path / "inline"
    inline_problems: list[str] = []
    try:
        _docker_app(inline, config, sealed=False, key=key).synth()
    except pk.SynthError as e:
        inline_problems = [p.message for p in e.problems]
    sealed = tmp_path / "sealed"
    sealed.mkdir()
    try:
        _docker_app(sealed, config, sealed=True, key=key).seal()
    except SealingError as e:
        text = str(e)
        assert inline_problems, text
        assert text.startswith("[prod/regcred] Secret prod/regcred would be rejected by the API server")
        for message in inline_problems:
            assert message in text  # the very message of the inline Secret's check
        assert PLAIN not in text
        assert list(sealed.iterdir()) == []  # no store
    else:
        assert inline_problems == []
        entry = load_store(sealed / STORE).entry("prod", "regcred")
        assert entry is not None
        assert unseal_b64(private_key(), entry.keys[key].sealed, b"prod/regcred") == config.encode()


def test_a_well_formed_docker_config_seals(tmp_path: Path) -> None:
    config = (
        '{"auths":{"registry.example.com":{"auth":"'
        + base64.b64encode(b"u:" + PLAIN.encode()).decode()
        + '"}}}'
    )
    (report,) = _docker_app(tmp_path, config, sealed=True).seal()
    assert [a.key for a in report.of("sealed")] == [".dockerconfigjson"]
    entry = load_store(tmp_path / STORE).entry("prod", "regcred")
    assert entry is not None
    assert (
        unseal_b64(private_key(), entry.keys[".dockerconfigjson"].sealed, b"prod/regcred") == config.encode()
    )


def test_a_sealed_secret_over_1_mib_or_with_a_bad_key_is_refused(tmp_path: Path) -> None:
    big = SealRequest("prod", "db", SealingScope.STRICT, {"blob": bytes(1024 * 1024 + 1)}, path="prod/db")
    with pytest.raises(SealingError, match=r"^\[prod/db\] .*more than the 1048576 \(1 MiB\)"):
        seal_into_store(tmp_path / STORE, CERT, [big])
    bad_key = SealRequest("prod", "db", SealingScope.STRICT, {"bad key": b"x"})
    with pytest.raises(SealingError, match=r"data key 'bad key' is not a valid"):
        seal_into_store(tmp_path / STORE, CERT, [bad_key])
    assert list(tmp_path.iterdir()) == []


# -- bad requests -----------------------------------------------------------------------------
def _untyped(*args: Any) -> SealRequest:
    """A request as a caller without mypy may make one."""
    return SealRequest(*args)


@pytest.mark.parametrize(
    ("request_", "pattern"),
    [
        (
            _untyped("prod", "db", SealingScope.STRICT, [("k", b"v")]),
            r"values must be a mapping of key to bytes, got a list",
        ),
        (
            _untyped("prod", "db", SealingScope.STRICT, {"k": PLAIN}),
            r"key 'k': value must be bytes, got str",
        ),
        (
            _untyped("prod", "db", SealingScope.STRICT, {1: b"v"}),
            r"every key must be a string, got a number",
        ),
        (_untyped("prod", "", SealingScope.STRICT, {"k": b"v"}), r"needs a name"),
        (_untyped("prod", "db", "strict", {"k": b"v"}), r"scope must be a SealingScope"),
        (_untyped(7, "db", SealingScope.STRICT, {"k": b"v"}), r"namespace must be a string, got a number"),
    ],
    ids=["values-list", "value-str", "key-int", "no-name", "scope-str", "namespace-int"],
)
def test_fails_bad_requests_without_showing_a_value(
    tmp_path: Path, request_: SealRequest, pattern: str
) -> None:
    with pytest.raises(SealingError, match=pattern) as err:
        seal_into_store(tmp_path / STORE, CERT, [request_])
    assert PLAIN not in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_fails_a_tuple_that_is_not_a_request(tmp_path: Path) -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=r"must be a SealRequest or a \(namespace, name, scope, values\) tuple"
    ):
        seal_into_store(tmp_path / STORE, CERT, [("prod", "db")])
    assert list(tmp_path.iterdir()) == []


# -- plaintext never in a repr, a message or a traceback ---------------------------------------
def test_repr_and_str_of_a_request_show_keys_never_values() -> None:
    request = SealRequest("prod", "db", SealingScope.STRICT, {"password": PLAIN.encode()})
    for text in (
        repr(request),
        str(request),
        repr(request.values),
        str(request.values),
        f"{request}",
        repr([request]),
    ):
        assert PLAIN not in text
        assert "password" in text
    assert repr(request) == (
        "SealRequest(namespace='prod', name='db', scope=strict, type='Opaque', keys=['password'], values not shown)"
    )
    assert request.values["password"] == PLAIN.encode()  # the value is there for sealing
    assert request == SealRequest("prod", "db", SealingScope.STRICT, {"password": PLAIN.encode()})
    assert isinstance(request.values, Plaintexts)
    # a tuple given to seal_into_store becomes a request, hidden as well
    assert PLAIN not in repr(_sealing._as_request(("prod", "db", SealingScope.STRICT, {"p": PLAIN.encode()})))


def test_every_object_that_carries_plaintext_hides_it(
    chart: pk.Chart, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", PLAIN)
    (tmp_path / "token").write_text(PLAIN)
    secret = pk.SealedSecret(
        chart,
        "db",
        sealing=pk.Sealing(store=tmp_path / STORE, cert=CERT),
        from_literal={"literal": PLAIN},
        from_environment={"env": "DB_PASSWORD"},
        from_file=[f"file={tmp_path / 'token'}"],
        namespace="prod",
    )
    request = secret.sealing_request()
    assert dict(request.values) == {"literal": PLAIN.encode(), "env": PLAIN.encode(), "file": PLAIN.encode()}
    objects: list[object] = [secret, request, request.values, secret.sealing, _sealing.Hidden({"a": PLAIN})]
    for obj in objects:
        assert PLAIN not in repr(obj) and PLAIN not in str(obj)
    report = _sealing.seal_app([secret], store_path=tmp_path / STORE, cert_path=CERT)
    objects = [
        report,
        *report.actions,
        load_store(tmp_path / STORE),
        prepare_seal(tmp_path / STORE, CERT, [request]),
    ]
    for obj in objects:
        assert PLAIN not in repr(obj) and PLAIN not in str(obj)
    assert PLAIN not in (tmp_path / STORE).read_text()


def _traceback_text(err: BaseException) -> str:
    """The traceback, plain and with every frame's local variables, from podkit's first frame
    on (the test's own frames hold the test's plaintext, of course)."""
    tb = err.__traceback__
    while tb is not None and f"{os.sep}podkit{os.sep}" not in tb.tb_frame.f_code.co_filename:
        tb = tb.tb_next
    assert tb is not None
    plain = "".join(traceback.format_exception(type(err), err, tb))
    with_locals = "".join(traceback.TracebackException(type(err), err, tb, capture_locals=True).format())
    return plain + with_locals


def _failing(tmp_path: Path, **kwargs: Any) -> pk.App:
    app = pk.App(outdir=str(tmp_path / "dist"))
    chart = pk.Chart(app, "prod", namespace="prod")
    pk.SealedSecret(chart, "db", sealing=pk.Sealing(store=tmp_path / STORE, cert=CERT), **kwargs)
    return app


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        # the API server would reject the Secret: raised after every value was read
        (
            {"type": pk.SecretType.DOCKER_CONFIG_JSON, "from_literal": {".dockerconfigjson": PLAIN}},
            SealingError,
        ),
        # a source that cannot be read, after the literals were read (DataStore.load's frame)
        ({"from_literal": {"password": PLAIN}, "from_file": ["x=/nonexistent/file"]}, pk.SourceError),
        # an environment variable that is not set, after the literals were read
        (
            {"from_literal": {"password": PLAIN}, "from_environment": {"e": "PODKIT_TEST_UNSET_VARIABLE"}},
            SealingError,
        ),
    ],
    ids=["content", "missing-file", "unset-variable"],
)
def test_tracebacks_of_failed_seals_never_show_a_value(
    tmp_path: Path, kwargs: dict[str, Any], error: type
) -> None:
    with pytest.raises(error) as err:
        _failing(tmp_path, **kwargs).seal()
    assert PLAIN not in str(err.value)
    text = _traceback_text(err.value)
    assert PLAIN not in text
    assert base64.b64encode(PLAIN.encode()).decode() not in text
    assert not (tmp_path / STORE).exists()


def test_tracebacks_of_a_request_refused_mid_way_never_show_a_value(tmp_path: Path) -> None:
    requests: list[Any] = [
        ("prod", "db", SealingScope.STRICT, {"password": PLAIN.encode()}),  # a caller's tuple
        SealRequest("prod", "db", SealingScope.STRICT, {"other": PLAIN.encode()}),  # declared twice
    ]
    with pytest.raises(SealingError, match="declared twice") as err:
        seal_into_store(tmp_path / STORE, CERT, requests)
    assert PLAIN not in _traceback_text(err.value)
    # and when the failure comes after values were sealed (the store cannot be written)
    (tmp_path / STORE).mkdir()
    with pytest.raises(SealingError) as err2:
        seal_into_store(
            tmp_path / STORE, CERT, [SealRequest("prod", "db", SealingScope.STRICT, {"p": PLAIN.encode()})]
        )
    assert PLAIN not in _traceback_text(err2.value)


def test_seal_stores_is_all_or_nothing(tmp_path: Path, good_text: str) -> None:
    """One hostile store among several: none is written (App.seal seals one store after the
    other; seal_stores checks them all first)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / STORE).write_text(good_text.replace("scope: strict", "scope: global"))
    before = _snapshot(tmp_path)
    jobs: list[tuple[Path, Path, list[SealRequest]]] = [
        (tmp_path / "a" / STORE, CERT, [SealRequest("prod", "a", SealingScope.STRICT, {"k": b"1"})]),
        (tmp_path / "b" / STORE, CERT, [SealRequest("prod", "b", SealingScope.STRICT, {"k": b"2"})]),
    ]
    with pytest.raises(
        SealingError, match=r"b/sealed-secrets\.yaml': secrets\[1\] \(prod/db\): 'scope' is 'global'"
    ):
        _sealing.seal_stores(jobs)
    assert _snapshot(tmp_path) == before
    (tmp_path / "b" / STORE).unlink()
    reports = _sealing.seal_stores(jobs)
    assert [r.changed for r in reports] == [True, True]
