"""Sealed Secrets: sealing as the controller unseals, the sealed store, and rendering from it."""

from __future__ import annotations

import base64
import datetime
import hashlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from podkit import _sealing
from podkit._sealing import (
    SealingScope,
    SealRequest,
    fingerprint,
    fingerprint_matches,
    load_certificate,
    load_store,
    render_sealed_secret,
    seal,
    seal_app,
    seal_into_store,
    seal_value,
)
from podkit.errors import Problem, SealingError
from tests.sealing_helpers import CERT, FIXTURES, private_key, unseal, unseal_b64

BINARY = bytes(range(256)) + b"\x00\xff\xfe"


@pytest.fixture(scope="module")
def cert() -> _sealing.SealingCertificate:
    return load_certificate(CERT)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return private_key()


# -- sealing ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("scope", "label"),
    [
        (SealingScope.STRICT, b"prod/db"),
        (SealingScope.NAMESPACE_WIDE, b"prod"),
        (SealingScope.CLUSTER_WIDE, b""),
    ],
)
@pytest.mark.parametrize("value", [b"s3cr3t", BINARY, b""])
def test_what_podkit_seals_the_controller_unseals_byte_for_byte(
    cert: _sealing.SealingCertificate, key: rsa.RSAPrivateKey, scope: SealingScope, label: bytes, value: bytes
) -> None:
    sealed = seal_value(cert, value, namespace="prod", name="db", scope=scope)
    assert scope.label("prod", "db") == label
    assert unseal_b64(key, sealed, label) == value


def test_sealed_layout_is_rsa_length_then_rsa_then_gcm(cert: _sealing.SealingCertificate) -> None:
    raw = seal(cert, b"hello", b"prod/db")
    # RSA-4096: 512-byte RSA block; AES-GCM: same length as the plaintext plus a 16-byte tag
    assert raw[:2] == (512).to_bytes(2, "big")
    assert len(raw) == 2 + 512 + len(b"hello") + 16


def test_strict_scope_does_not_unseal_under_another_namespace_or_name(
    cert: _sealing.SealingCertificate, key: rsa.RSAPrivateKey
) -> None:
    sealed = seal_value(cert, b"pw", namespace="prod", name="db", scope=SealingScope.STRICT)
    for label in (b"dev/db", b"prod/cache", b"prod", b""):
        with pytest.raises(ValueError, match="Decryption failed"):
            unseal_b64(key, sealed, label)


def test_namespace_wide_unseals_for_any_name_in_its_namespace_only(
    cert: _sealing.SealingCertificate, key: rsa.RSAPrivateKey
) -> None:
    sealed = seal_value(cert, b"pw", namespace="prod", name="db", scope=SealingScope.NAMESPACE_WIDE)
    assert unseal_b64(key, sealed, b"prod") == b"pw"
    with pytest.raises(ValueError, match="Decryption failed"):
        unseal_b64(key, sealed, b"dev")


def test_tampered_ciphertext_does_not_unseal(
    cert: _sealing.SealingCertificate, key: rsa.RSAPrivateKey
) -> None:
    raw = bytearray(seal(cert, b"pw", b""))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        unseal(key, bytes(raw), b"")


def test_sealing_is_randomized(cert: _sealing.SealingCertificate) -> None:
    assert seal(cert, b"pw", b"") != seal(cert, b"pw", b"")


def test_scope_annotations_are_the_controllers() -> None:
    assert SealingScope.STRICT.annotations == {}
    assert SealingScope.NAMESPACE_WIDE.annotations == {"sealedsecrets.bitnami.com/namespace-wide": "true"}
    assert SealingScope.CLUSTER_WIDE.annotations == {"sealedsecrets.bitnami.com/cluster-wide": "true"}


# -- the certificate ----------------------------------------------------------------------------
def test_load_certificate_fingerprints_the_der_certificate(cert: _sealing.SealingCertificate) -> None:
    der = x509.load_pem_x509_certificate(CERT.read_bytes()).public_bytes(serialization.Encoding.DER)
    assert cert.fingerprint == "sha256:" + hashlib.sha256(der).hexdigest()
    assert cert.public_key.key_size == 4096


def test_fails_missing_certificate(tmp_path: Path) -> None:
    with pytest.raises(
        SealingError, match=r"sealing certificate '.*nope\.pem' does not exist; fetch .*kubeseal --fetch-cert"
    ):
        load_certificate(tmp_path / "nope.pem")


def test_fails_certificate_without_pem_data(tmp_path: Path) -> None:
    (tmp_path / "cert.pem").write_bytes(b"not a certificate\n")
    with pytest.raises(SealingError, match=r"holds no PEM certificate \('-----BEGIN CERTIFICATE-----'\)"):
        load_certificate(tmp_path / "cert.pem")


def test_fails_private_key_given_as_certificate() -> None:
    with pytest.raises(SealingError, match=r"holds no PEM certificate .*not its private key"):
        load_certificate(FIXTURES / "tls.key")


def test_fails_non_rsa_certificate() -> None:
    with pytest.raises(
        SealingError,
        match=r"'.*ec\.crt' has an EC \(secp256r1\) key; the sealed-secrets controller seals with RSA keys only",
    ):
        load_certificate(FIXTURES / "ec.crt")


def test_fails_expired_certificate() -> None:
    with pytest.raises(
        SealingError, match=r"'.*expired\.crt' expired on 2020-02-01 00:00 UTC; .*kubeseal --fetch-cert"
    ):
        load_certificate(FIXTURES / "expired.crt")


def test_expiry_is_checked_against_the_given_time() -> None:
    at = datetime.datetime(2020, 1, 15, tzinfo=datetime.UTC)
    assert load_certificate(FIXTURES / "expired.crt", now=at).public_key.key_size == 2048


# -- fingerprints -------------------------------------------------------------------------------
def test_fingerprint_tells_same_from_changed_without_revealing_the_value() -> None:
    fp = fingerprint(b"hunter2")
    assert fp.startswith("scrypt:n=16384,r=8,p=1:")
    assert fingerprint_matches(b"hunter2", fp)
    assert not fingerprint_matches(b"hunter3", fp)
    # salted: the same value never gives the same fingerprint, and no plain hash is in it
    assert fingerprint(b"hunter2") != fp
    assert hashlib.sha256(b"hunter2").hexdigest() not in fp
    assert base64.b64encode(hashlib.sha256(b"hunter2").digest()).decode() not in fp


def test_a_malformed_fingerprint_never_matches() -> None:
    assert not fingerprint_matches(b"x", "sha256:abc")


# -- the store ----------------------------------------------------------------------------------
def _request(values: dict[str, bytes], scope: SealingScope = SealingScope.STRICT) -> SealRequest:
    return SealRequest("prod", "db", scope, values)


def _sealed(store_path: Path) -> dict[str, str]:
    entry = load_store(store_path).entry("prod", "db")
    assert entry is not None
    return {k: v.sealed for k, v in entry.keys.items()}


def test_seal_into_store_writes_a_readable_store_that_unseals(tmp_path: Path, key: rsa.RSAPrivateKey) -> None:
    store = tmp_path / "sealed-secrets.yaml"
    report = seal_into_store(store, CERT, [_request({"password": b"plain-pw-123", "cert.der": BINARY})])
    assert [(a.key, a.action, a.reason) for a in report.actions] == [
        ("cert.der", "sealed", "new"),
        ("password", "sealed", "new"),
    ]
    assert report.changed
    text = store.read_text()
    assert text.startswith("# Sealed Secrets values for podkit")
    assert "plain-pw-123" not in text
    loaded = load_store(store)
    assert loaded.certificate == load_certificate(CERT).fingerprint
    entry = loaded.entry("prod", "db")
    assert entry is not None
    assert entry.scope is SealingScope.STRICT
    assert unseal_b64(key, entry.keys["cert.der"].sealed, b"prod/db") == BINARY
    assert unseal_b64(key, entry.keys["password"].sealed, b"prod/db") == b"plain-pw-123"


def test_store_lists_secrets_and_keys_in_a_fixed_order(tmp_path: Path) -> None:
    store = tmp_path / "s.yaml"
    seal_into_store(
        store,
        CERT,
        [
            SealRequest("prod", "z", SealingScope.STRICT, {"b": b"1", "a": b"2"}),
            SealRequest("prod", "a", SealingScope.CLUSTER_WIDE, {"k": b"3"}),
        ],
    )
    doc = load_store(store).to_document()
    assert [(s["name"], s["scope"], list(s["keys"])) for s in doc["secrets"]] == [
        ("a", "cluster-wide", ["k"]),
        ("z", "strict", ["a", "b"]),
    ]
    assert list(doc) == ["version", "certificate", "secrets"]
    assert list(doc["secrets"][0]) == ["namespace", "name", "scope", "keys"]


def test_an_unchanged_value_is_not_resealed_and_the_file_is_left_alone(tmp_path: Path) -> None:
    store = tmp_path / "s.yaml"
    seal_into_store(store, CERT, [_request({"password": b"pw"})])
    before = store.read_bytes()
    report = seal_into_store(store, CERT, [_request({"password": b"pw"})])
    assert [(a.action, a.reason) for a in report.actions] == [("kept", "")]
    assert not report.changed
    assert store.read_bytes() == before


def test_a_changed_value_is_resealed_others_kept(tmp_path: Path, key: rsa.RSAPrivateKey) -> None:
    store = tmp_path / "s.yaml"
    seal_into_store(store, CERT, [_request({"password": b"pw", "user": b"app"})])
    first = _sealed(store)
    report = seal_into_store(store, CERT, [_request({"password": b"new", "user": b"app"})])
    assert [(a.key, a.action, a.reason) for a in report.actions] == [
        ("password", "sealed", "value changed"),
        ("user", "kept", ""),
    ]
    second = _sealed(store)
    assert second["user"] == first["user"]
    assert unseal_b64(key, second["password"], b"prod/db") == b"new"


def test_force_reseals_every_key(tmp_path: Path) -> None:
    store = tmp_path / "s.yaml"
    seal_into_store(store, CERT, [_request({"password": b"pw"})])
    first = _sealed(store)
    report = seal_into_store(store, CERT, [_request({"password": b"pw"})], force=True)
    assert [(a.action, a.reason) for a in report.actions] == [("sealed", "forced")]
    assert _sealed(store)["password"] != first["password"]


def test_new_keys_are_sealed_and_undeclared_keys_and_secrets_dropped(tmp_path: Path) -> None:
    store = tmp_path / "s.yaml"
    seal_into_store(
        store,
        CERT,
        [
            _request({"old": b"1", "kept": b"2"}),
            SealRequest("prod", "gone", SealingScope.STRICT, {"k": b"3"}),
        ],
    )
    report = seal_into_store(store, CERT, [_request({"kept": b"2", "added": b"4"})])
    assert [(a.name, a.key, a.action, a.reason) for a in report.actions] == [
        ("db", "added", "sealed", "new"),
        ("db", "kept", "kept", ""),
        ("db", "old", "dropped", "no longer declared"),
        ("gone", "k", "dropped", "Secret no longer declared"),
    ]
    assert sorted(_sealed(store)) == ["added", "kept"]
    assert load_store(store).entry("prod", "gone") is None


def _other_cert(tmp_path: Path) -> Path:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "rotated")])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(other.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start.replace(year=2126))
        .sign(other, hashes.SHA256())
    )
    path = tmp_path / "rotated.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def test_a_new_certificate_reseals_every_key(tmp_path: Path) -> None:
    store = tmp_path / "s.yaml"
    seal_into_store(store, CERT, [_request({"password": b"pw"})])
    rotated = _other_cert(tmp_path)
    report = seal_into_store(store, rotated, [_request({"password": b"pw"})])
    assert [(a.action, a.reason) for a in report.actions] == [("sealed", "certificate changed")]
    assert load_store(store).certificate == load_certificate(rotated).fingerprint


def test_a_new_scope_reseals_the_secret(tmp_path: Path, key: rsa.RSAPrivateKey) -> None:
    store = tmp_path / "s.yaml"
    seal_into_store(store, CERT, [_request({"password": b"pw"})])
    report = seal_into_store(store, CERT, [_request({"password": b"pw"}, SealingScope.NAMESPACE_WIDE)])
    assert [(a.action, a.reason) for a in report.actions] == [("sealed", "scope changed from strict")]
    assert unseal_b64(key, _sealed(store)["password"], b"prod") == b"pw"


def test_report_reads_as_a_summary(tmp_path: Path) -> None:
    report = seal_into_store(tmp_path / "s.yaml", CERT, [_request({"password": b"pw"})])
    assert str(report) == "sealed prod/db password (new)\ns.yaml: 1 sealed, 0 unchanged, 0 dropped"


def test_seal_app_asks_each_secret_for_its_request(tmp_path: Path) -> None:
    class Sealed:
        def sealing_request(self) -> SealRequest:
            return _request({"password": b"pw"})

    report = seal_app([Sealed()], store_path=tmp_path / "s.yaml", cert_path=CERT)
    assert [(a.key, a.action) for a in report.actions] == [("password", "sealed")]


def test_a_missing_store_is_empty(tmp_path: Path) -> None:
    store = load_store(tmp_path / "none.yaml")
    assert (store.certificate, store.secrets) == (None, {})


def test_fails_store_that_podkit_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("secrets: {}\n")
    with pytest.raises(
        SealingError, match=r"sealed store '.*s\.yaml': expected one document with 'version: 1'"
    ):
        load_store(tmp_path / "s.yaml")


def test_fails_strict_secret_without_namespace(tmp_path: Path) -> None:
    with pytest.raises(
        SealingError, match=r"Secret 'db' has no namespace, but a strict SealedSecret is bound to"
    ):
        seal_into_store(
            tmp_path / "s.yaml", CERT, [SealRequest(None, "db", SealingScope.STRICT, {"k": b"v"})]
        )


def test_fails_secret_declared_twice(tmp_path: Path) -> None:
    with pytest.raises(SealingError, match=r"Secret prod/db is declared twice for sealing"):
        seal_into_store(tmp_path / "s.yaml", CERT, [_request({"a": b"1"}), _request({"b": b"2"})])


def test_fails_sealing_with_an_expired_certificate_leaves_the_store_alone(tmp_path: Path) -> None:
    with pytest.raises(SealingError, match="expired on"):
        seal_into_store(tmp_path / "s.yaml", FIXTURES / "expired.crt", [_request({"a": b"1"})])
    assert not (tmp_path / "s.yaml").exists()


# -- rendering ----------------------------------------------------------------------------------
def _render(
    store_path: Path, keys: list[str], scope: SealingScope = SealingScope.STRICT, **kw: object
) -> dict[str, object]:
    args: dict[str, object] = {
        "name": "db",
        "namespace": "prod",
        "scope": scope,
        "secret_type": "kubernetes.io/basic-auth",
        "labels": {"app": "web"},
        "annotations": {"team": "core"},
        "immutable": True,
        "keys": keys,
        "store": load_store(store_path),
        "path": "prod/db",
    }
    args.update(kw)
    return render_sealed_secret(**args)  # type: ignore[arg-type]


def test_render_sealed_secret_needs_no_plaintext(tmp_path: Path) -> None:
    store = tmp_path / "s.yaml"
    seal_into_store(
        store, CERT, [_request({"password": b"pw", "username": b"app"}, SealingScope.NAMESPACE_WIDE)]
    )
    sealed = _sealed(store)
    assert _render(store, ["username", "password"], SealingScope.NAMESPACE_WIDE) == {
        "apiVersion": "bitnami.com/v1alpha1",
        "kind": "SealedSecret",
        "metadata": {
            "name": "db",
            "namespace": "prod",
            "labels": {"app": "web"},
            "annotations": {"sealedsecrets.bitnami.com/namespace-wide": "true"},
        },
        "spec": {
            "encryptedData": {"password": sealed["password"], "username": sealed["username"]},
            "template": {
                "metadata": {
                    "name": "db",
                    "namespace": "prod",
                    "labels": {"app": "web"},
                    "annotations": {"team": "core"},
                },
                "type": "kubernetes.io/basic-auth",
                "immutable": True,
            },
        },
    }


def test_two_renders_are_byte_identical(tmp_path: Path) -> None:
    from podkit import _yaml

    store = tmp_path / "s.yaml"
    seal_into_store(store, CERT, [_request({"password": b"pw", "username": b"app"})])
    assert _yaml.dump(_render(store, ["password", "username"])) == _yaml.dump(
        _render(store, ["username", "password"])
    )


def test_fails_key_consumed_but_not_sealed(tmp_path: Path) -> None:
    store = tmp_path / "s.yaml"
    seal_into_store(store, CERT, [_request({"password": b"pw"})])
    with pytest.raises(
        SealingError,
        match=r"^\[prod/db\] key 'username' of Secret prod/db is not sealed in s\.yaml; run `podkit seal` where the "
        r"plaintext is available, then commit s\.yaml$",
    ):
        _render(store, ["password", "username"])


def test_unsealed_keys_become_problems_when_collecting(tmp_path: Path) -> None:
    problems: list[Problem] = []
    doc = _render(tmp_path / "missing.yaml", ["password"], problems=problems)
    assert problems == [
        Problem(
            "prod/db",
            "key 'password' of Secret prod/db is not sealed in missing.yaml",
            "run `podkit seal` where the plaintext is available, then commit missing.yaml",
            "sealing",
        )
    ]
    assert doc["spec"] == {
        "encryptedData": {},
        "template": {
            "metadata": {
                "name": "db",
                "namespace": "prod",
                "labels": {"app": "web"},
                "annotations": {"team": "core"},
            },
            "type": "kubernetes.io/basic-auth",
            "immutable": True,
        },
    }


def test_fails_render_with_another_scope_than_sealed(tmp_path: Path) -> None:
    store = tmp_path / "s.yaml"
    seal_into_store(store, CERT, [_request({"password": b"pw"})])
    with pytest.raises(
        SealingError, match=r"sealed in s\.yaml for scope 'strict', but declared 'cluster-wide'"
    ):
        _render(store, ["password"], SealingScope.CLUSTER_WIDE)
