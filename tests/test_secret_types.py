"""kubectl is the oracle for typed Secret data: ``tls_data`` and ``docker_registry_data`` hold
the same bytes as ``kubectl create secret tls|docker-registry ... --dry-run=client -o json``,
and every input kubectl rejects, podkit rejects too, with a message that says how to fix it.

Keys and certificates are generated here (cryptography) into ``tmp_path``; nothing is
committed. Without kubectl the parity tests skip with a visible reason; the podkit-only
tests (exact bytes, messages) still run.
"""

from __future__ import annotations

import base64
import datetime
import functools
import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x25519
from cryptography.x509.oid import NameOID

import podkit as pk
from podkit._secret_types import DOCKER_HUB_SERVER, docker_registry_data, tls_data
from podkit.errors import PodkitError, PodkitTypeError, SourceError

KUBECTL = shutil.which("kubectl")
PATH = "test/secret"


def _kubectl(args: list[str]) -> tuple[dict[str, Any] | None, str]:
    """kubectl's Secret (or None when it refuses) and its stderr; skips without kubectl."""
    if KUBECTL is None:
        pytest.skip("kubectl not found: install kubectl to check parity (the podkit-only tests still ran)")
    cmd = [KUBECTL, "create", "secret", *args, "--dry-run=client", "-o", "json"]
    result = subprocess.run(cmd, capture_output=True, check=False)
    if result.returncode != 0:
        return None, result.stderr.decode(errors="replace")
    obj: dict[str, Any] = json.loads(result.stdout)
    return obj, ""


def _kubectl_data(obj: dict[str, Any]) -> dict[str, bytes]:
    return {k: base64.b64decode(v) for k, v in obj["data"].items()}


# -- key material ----------------------------------------------------------------------------
AnyKey = Any  # the private key classes of cryptography (RSA, EC, Ed25519, Ed448, X25519, DSA)


def _cert(subject: AnyKey, issuer: AnyKey, cn: str, issuer_cn: str | None = None) -> bytes:
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn or cn)]))
        .public_key(subject.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650))
    )
    edwards = isinstance(issuer, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey)
    cert = builder.sign(issuer, None if edwards else hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM)


def _key(key: AnyKey, form: str = "pkcs8") -> bytes:
    fmt = {
        "pkcs8": serialization.PrivateFormat.PKCS8,
        "traditional": serialization.PrivateFormat.TraditionalOpenSSL,  # PKCS#1 for RSA, SEC 1 for EC
        "openssh": serialization.PrivateFormat.OpenSSH,
    }[form.removeprefix("encrypted-")]
    encryption: serialization.KeySerializationEncryption = serialization.NoEncryption()
    if form.startswith("encrypted-"):
        encryption = serialization.BestAvailableEncryption(b"passphrase")
    return key.private_bytes(serialization.Encoding.PEM, fmt, encryption)  # type: ignore[no-any-return]


@dataclass
class Material:
    rsa: AnyKey
    rsa2: AnyKey
    p256: AnyKey
    p256b: AnyKey
    p224: AnyKey
    p384: AnyKey
    p521: AnyKey
    k1: AnyKey
    ed: AnyKey
    ed2: AnyKey
    ed448: AnyKey
    x25519: AnyKey
    dsa: AnyKey
    ca: AnyKey

    def leaf(self, key: AnyKey) -> bytes:
        """A server certificate for ``key``, issued by the test CA."""
        return _cert(key, self.ca, "web.example.com", "podkit test CA")

    def chain(self) -> bytes:
        """Leaf (for ``rsa``), intermediate (``p256b``), root (``ca``): the order servers send."""
        return (
            _cert(self.rsa, self.p256b, "web.example.com", "intermediate")
            + _cert(self.p256b, self.ca, "intermediate", "podkit test CA")
            + _cert(self.ca, self.ca, "podkit test CA")
        )


@functools.cache
def _material() -> Material:
    def rsa_key() -> AnyKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    return Material(
        rsa=rsa_key(),
        rsa2=rsa_key(),
        p256=ec.generate_private_key(ec.SECP256R1()),
        p256b=ec.generate_private_key(ec.SECP256R1()),
        p224=ec.generate_private_key(ec.SECP224R1()),
        p384=ec.generate_private_key(ec.SECP384R1()),
        p521=ec.generate_private_key(ec.SECP521R1()),
        k1=ec.generate_private_key(ec.SECP256K1()),
        ed=ed25519.Ed25519PrivateKey.generate(),
        ed2=ed25519.Ed25519PrivateKey.generate(),
        ed448=ed448.Ed448PrivateKey.generate(),
        x25519=x25519.X25519PrivateKey.generate(),
        dsa=dsa.generate_private_key(key_size=2048),
        ca=ec.generate_private_key(ec.SECP384R1()),
    )


# -- kubernetes.io/tls -------------------------------------------------------------------------
MISSING = b"<no such file>"
DIRECTORY = b"<a directory>"
GARBAGE_CERT = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
OPENSSL_TEXT = b"Certificate:\n    Data:\n        Version: 3 (0x2)\n        Subject: CN = web.example.com\n"


@dataclass
class TlsCase:
    id: str
    files: Callable[[Material], tuple[bytes, bytes]]  # (cert file, key file)
    fails: str | None = None  # the message podkit raises (a regex), when kubectl refuses the pair


def _ec_params(m: Material) -> bytes:
    # 'openssl ecparam -genkey' writes an EC PARAMETERS block before the key
    params = b"-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
    return params + _key(m.p256, "traditional")


def _relabel(pem: bytes, label: bytes) -> bytes:
    return pem.replace(b" PRIVATE KEY-----", b" " + label + b"-----")


TLS_CASES = [
    TlsCase("rsa-pkcs1", lambda m: (m.leaf(m.rsa), _key(m.rsa, "traditional"))),
    TlsCase("rsa-pkcs8", lambda m: (m.leaf(m.rsa), _key(m.rsa))),
    TlsCase("ec-p256-sec1", lambda m: (m.leaf(m.p256), _key(m.p256, "traditional"))),
    TlsCase("ec-p256-pkcs8", lambda m: (m.leaf(m.p256), _key(m.p256))),
    TlsCase("ec-p224", lambda m: (m.leaf(m.p224), _key(m.p224))),
    TlsCase("ec-p384", lambda m: (m.leaf(m.p384), _key(m.p384, "traditional"))),
    TlsCase("ec-p521", lambda m: (m.leaf(m.p521), _key(m.p521))),
    TlsCase("ed25519", lambda m: (m.leaf(m.ed), _key(m.ed))),
    TlsCase("self-signed", lambda m: (_cert(m.rsa, m.rsa, "self"), _key(m.rsa))),
    TlsCase("chain-leaf-intermediate-root", lambda m: (m.chain(), _key(m.rsa, "traditional"))),
    TlsCase(
        "no-trailing-newline",
        lambda m: (m.leaf(m.rsa).rstrip(b"\n"), _key(m.rsa).rstrip(b"\n")),
    ),
    TlsCase(
        "crlf-and-trailing-blank-lines",
        lambda m: (
            m.leaf(m.p256).replace(b"\n", b"\r\n") + b"\r\n\r\n",
            _key(m.p256).replace(b"\n", b"\r\n"),
        ),
    ),
    TlsCase("openssl-text-before-pem", lambda m: (OPENSSL_TEXT + m.leaf(m.rsa), _key(m.rsa))),
    TlsCase("ec-parameters-block-first", lambda m: (m.leaf(m.p256), _ec_params(m))),
    TlsCase("pkcs8-under-rsa-label", lambda m: (m.leaf(m.p256), _relabel(_key(m.p256), b"RSA PRIVATE KEY"))),
    TlsCase("key-then-cert-in-key-file", lambda m: (m.leaf(m.rsa), _key(m.rsa) + m.leaf(m.rsa))),
    # kubectl parses the leaf only: a broken second certificate passes, so it passes here too
    TlsCase("unparsed-chain-block", lambda m: (m.leaf(m.rsa) + GARBAGE_CERT, _key(m.rsa))),
    # Go skips a block whose body is not base64 and keeps looking
    TlsCase(
        "bad-base64-block-skipped",
        lambda m: (GARBAGE_CERT.replace(b"AAAA", b"A!AA") + m.leaf(m.rsa), _key(m.rsa)),
    ),
    TlsCase("blanks-in-body", lambda m: (m.leaf(m.rsa).replace(b"\n", b" \t\n\n", 4), _key(m.rsa))),
    TlsCase(
        "pem-headers", lambda m: (m.leaf(m.rsa).replace(b"-----\n", b"-----\nNote: x\n\n", 1), _key(m.rsa))
    ),
    # refused by kubectl: podkit says what is wrong and how to fix it
    TlsCase(
        "empty-files", lambda m: (b"", b""), r"cert_file '.*tls\.crt' has no PEM data; expected one or more"
    ),
    TlsCase(
        "cert-missing", lambda m: (MISSING, _key(m.rsa)), r"cert_file '.*tls\.crt' does not exist; expected"
    ),
    TlsCase(
        "key-missing", lambda m: (m.leaf(m.rsa), MISSING), r"key_file '.*tls\.key' does not exist; expected"
    ),
    TlsCase("cert-is-a-directory", lambda m: (DIRECTORY, _key(m.rsa)), r"cert_file '.*' is a directory"),
    TlsCase(
        "der-certificate",
        lambda m: (
            x509.load_pem_x509_certificate(m.leaf(m.rsa)).public_bytes(serialization.Encoding.DER),
            b"",
        ),
        r"cert_file '.*' has no PEM data; .* 'openssl x509 -inform der -in",
    ),
    TlsCase(
        "end-label-mismatch",
        lambda m: (m.leaf(m.rsa).replace(b"END CERTIFICATE", b"END CERT"), _key(m.rsa)),
        r"cert_file '.*' has no valid PEM block \(a BEGIN line without its matching END line, or a body that "
        r"is not base64\); expected one or more .*; re-export it",
    ),
    TlsCase(
        "key-body-not-base64",
        lambda m: (m.leaf(m.p256), _key(m.p256).replace(b"\n", b"!\n", 2)),
        r"key_file '.*' has no valid PEM block",
    ),
    TlsCase(
        "files-swapped",
        lambda m: (_key(m.rsa), m.leaf(m.rsa)),
        r"cert_file '.*' holds a private key and no certificate; .* look swapped",
    ),
    TlsCase(
        "certificate-in-both",
        lambda m: (m.leaf(m.rsa), m.leaf(m.rsa)),
        r"key_file '.*' holds a certificate, not a private key",
    ),
    TlsCase(
        "only-other-blocks-in-cert",
        lambda m: (b"-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n", _key(m.rsa)),
        r"cert_file '.*' has no CERTIFICATE PEM block \(found only FOO\)",
    ),
    TlsCase(
        "public-key-as-key",
        lambda m: (
            m.leaf(m.p256),
            m.p256.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
        ),
        r"key_file '.*' has no PEM block whose type ends in 'PRIVATE KEY' \(found only PUBLIC KEY\)",
    ),
    TlsCase(
        "malformed-leaf",
        lambda m: (GARBAGE_CERT + m.leaf(m.rsa), _key(m.rsa)),
        r"the first CERTIFICATE block in cert_file '.*' is not a valid X.509 certificate",
    ),
    TlsCase(
        "rsa-key-mismatch",
        lambda m: (m.leaf(m.rsa), _key(m.rsa2)),
        r"key_file '.*' does not match the certificate in cert_file '.*' \(a different RSA key\)",
    ),
    TlsCase(
        "ec-key-mismatch",
        lambda m: (m.leaf(m.p256), _key(m.p256b)),
        r"key_file '.*' does not match the certificate in cert_file '.*' \(a different ECDSA key\)",
    ),
    TlsCase(
        "ed25519-key-mismatch",
        lambda m: (m.leaf(m.ed), _key(m.ed2)),
        r"key_file '.*' does not match the certificate in cert_file '.*' \(a different Ed25519 key\)",
    ),
    TlsCase(
        "chain-key-of-intermediate",
        lambda m: (m.chain(), _key(m.p256b)),
        r"key_file '.*' holds an ECDSA key but the certificate in cert_file '.*' has an RSA public key",
    ),
    TlsCase(
        "chain-root-first",
        lambda m: (_cert(m.ca, m.ca, "root") + m.leaf(m.p384), _key(m.p384)),
        r"key_file '.*' does not match the certificate .* listed before any intermediates",
    ),
    TlsCase(
        "ec-key-for-rsa-cert",
        lambda m: (m.leaf(m.rsa), _key(m.p256)),
        r"key_file '.*' holds an ECDSA key but the certificate in cert_file '.*' has an RSA public key; "
        r"pass the private key the certificate was issued for",
    ),
    TlsCase(
        "encrypted-pkcs8",
        lambda m: (m.leaf(m.p256), _key(m.p256, "encrypted-pkcs8")),
        r"key_file '.*' is encrypted \(ENCRYPTED PRIVATE KEY with a passphrase\); kubectl reads unencrypted",
    ),
    TlsCase(
        "encrypted-traditional",
        lambda m: (m.leaf(m.rsa), _key(m.rsa, "encrypted-traditional")),
        r"key_file '.*' is encrypted \(RSA PRIVATE KEY with a passphrase\)",
    ),
    TlsCase(
        "openssh-key",
        lambda m: (m.leaf(m.ed), _key(m.ed, "openssh")),
        r"key_file '.*': the OPENSSH PRIVATE KEY block cannot be parsed; .* 'ssh-keygen -p -m PEM",
    ),
    TlsCase(
        "dsa",
        lambda m: (_cert(m.dsa, m.ca, "dsa"), _key(m.dsa)),
        r"key_file '.*' holds a DSA key, which kubectl does not support for TLS; expected an RSA, ECDSA \(P-224, P-256, P-384, P-521\) or Ed25519 key",
    ),
    TlsCase(
        "dsa-traditional",
        lambda m: (m.leaf(m.rsa), _key(m.dsa, "traditional")),
        r"key_file '.*' holds a DSA key",
    ),
    TlsCase(
        "ed448",
        lambda m: (_cert(m.ed448, m.ed448, "ed448"), _key(m.ed448)),
        r"key_file '.*' holds an Ed448 key",
    ),
    TlsCase(
        "x25519",
        lambda m: (_cert(m.x25519, m.ca, "x25519"), _key(m.x25519)),
        r"key_file '.*' holds an X25519 key",
    ),
    TlsCase(
        "ed448-certificate",
        lambda m: (_cert(m.ed448, m.ca, "ed448"), _key(m.rsa)),
        r"the certificate in cert_file '.*' has a public key algorithm kubectl does not support",
    ),
    TlsCase(
        "secp256k1-certificate",
        lambda m: (m.leaf(m.k1), _key(m.k1)),
        r"the certificate in cert_file '.*' has an ECDSA key on curve secp256k1, which kubectl cannot parse",
    ),
    TlsCase(
        "secp256k1-key",
        lambda m: (m.leaf(m.p256), _key(m.k1, "traditional")),
        r"key_file '.*' holds an ECDSA key on curve secp256k1",
    ),
]
TLS_OK = [c for c in TLS_CASES if c.fails is None]
TLS_FAILS = [c for c in TLS_CASES if c.fails is not None]


def _write_tls(case: TlsCase, root: Path) -> tuple[Path, Path, bytes, bytes]:
    cert, key = case.files(_material())
    paths = root / "tls.crt", root / "tls.key"
    for target, content in zip(paths, (cert, key), strict=True):
        if content == DIRECTORY:
            target.mkdir()
        elif content != MISSING:
            target.write_bytes(content)
    return paths[0], paths[1], cert, key


@pytest.mark.parametrize("case", TLS_OK, ids=[c.id for c in TLS_OK])
def test_tls_data_is_both_files_verbatim(case: TlsCase, tmp_path: Path) -> None:
    cert_file, key_file, cert, key = _write_tls(case, tmp_path)
    assert tls_data(PATH, cert_file, key_file) == {"tls.crt": cert, "tls.key": key}


@pytest.mark.parametrize("case", TLS_FAILS, ids=[c.id for c in TLS_FAILS])
def test_fails_tls(case: TlsCase, tmp_path: Path) -> None:
    cert_file, key_file, _, key = _write_tls(case, tmp_path)
    assert case.fails is not None
    with pytest.raises(SourceError, match=r"^\[test/secret\] " + case.fails) as raised:
        tls_data(PATH, cert_file, key_file)
    # the key never appears in a message, not even a line of it
    for line in key.splitlines():
        if len(line) > 8 and not line.startswith(b"-----"):
            assert line.decode(errors="replace") not in str(raised.value)


@pytest.mark.parametrize("case", TLS_CASES, ids=[c.id for c in TLS_CASES])
def test_tls_same_as_kubectl(case: TlsCase, tmp_path: Path) -> None:
    cert_file, key_file, _, _ = _write_tls(case, tmp_path)
    expected, stderr = _kubectl(["tls", "parity", f"--cert={cert_file}", f"--key={key_file}"])
    if case.fails is not None:
        assert expected is None, f"kubectl accepted {case.id!r}: the case is wrong"
        with pytest.raises(SourceError):
            tls_data(PATH, cert_file, key_file)
        return
    assert expected is not None, f"kubectl refused {case.id!r}: {stderr}"
    assert expected["type"] == "kubernetes.io/tls"
    assert tls_data(PATH, cert_file, key_file) == _kubectl_data(expected)


def test_fails_tls_path_of_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(
        PodkitTypeError, match=r"^\[test/secret\] key_file must be a path \(pathlib.Path or str\), got int"
    ):
        tls_data(PATH, tmp_path / "tls.crt", 42)  # type: ignore[arg-type]


def test_tls_accepts_str_paths(tmp_path: Path) -> None:
    cert_file, key_file, cert, key = _write_tls(TLS_OK[0], tmp_path)
    got = tls_data(PATH, str(cert_file), str(key_file))  # type: ignore[arg-type]
    assert got == {"tls.crt": cert, "tls.key": key}


# -- kubernetes.io/dockerconfigjson ------------------------------------------------------------
@dataclass
class DockerCase:
    id: str
    server: str | None = None  # None: kubectl's default (no --docker-server flag)
    username: str | None = None
    password: str | None = None
    email: str | None = None
    config: bytes | None = None  # the config file's content (b"<dir>" / MISSING: a bad path)
    fails: str | None = None


DOCKER_CASES = [
    DockerCase("docker-hub-default-server", username="ci", password="s3cret"),
    DockerCase("email", username="ci", password="s3cret", email="ci@example.com"),
    DockerCase("empty-email-is-omitted", username="ci", password="s3cret", email=""),
    DockerCase("custom-server", server="registry.example.com:5000", username="ci", password="s3cret"),
    DockerCase("https-server", server="https://ghcr.io", username="ci", password="ghp_x"),
    DockerCase("html-characters", username="a<b>&c", password="<script>&amp;</script>", email="a&b@x.io"),
    DockerCase("html-in-server", server="https://r.example.com/?a=1&b=<2>", username="u", password="p"),
    DockerCase("unicode", username="jürgen", password="пароль🔑", email="ü@example.com"),
    DockerCase("control-characters", username="u", password="tab\tnl\ncr\r\x01\x1f\b\f\x7f end"),
    DockerCase("quotes-and-backslashes", username='q"u', password='p\\"\\\\'),
    DockerCase("line-separators", username="u", password="a\u2028b\u2029c"),
    DockerCase("colons", username="ci:bot", password="a:b:c"),
    DockerCase("long-password-is-not-wrapped", username="u", password="x" * 300),
    DockerCase("spaces", server=" spaced ", username=" u ", password=" p "),
    DockerCase(
        "config-file",
        config=b'{\n  "auths": {\n    "ghcr.io": {\n      "auth": "dTpw"\n    }\n  }\n}\n',
    ),
    # kubectl does not look inside the file (the API server checks the JSON: _rules.core.secret)
    DockerCase("config-file-is-not-checked", config=b"not json, no newline"),
    # refused by kubectl
    DockerCase("no-username", password="hunter2", fails=r"docker registry username is missing or empty"),
    DockerCase("no-password", username="u", fails=r"docker registry password is missing or empty"),
    DockerCase(
        "empty-username",
        username="",
        password="hunter2",
        fails=r"docker registry username is missing or empty",
    ),
    DockerCase(
        "empty-password", username="u", password="", fails=r"docker registry password is missing or empty"
    ),
    DockerCase(
        "empty-server",
        server="",
        username="u",
        password="hunter2",
        fails=r"docker registry server is missing or empty",
    ),
    DockerCase(
        "nothing",
        fails=r"docker registry username and password are missing or empty; expected username, password and "
        r"server \(kubectl: 'either --from-file or the combination of --docker-username, --docker-password "
        r"and --docker-server is required'\); pass them .*, or pass config_file \(a Docker config.json\) instead$",
    ),
    DockerCase("config-file-missing", config=MISSING, fails=r"config_file '.*config.json' does not exist"),
    DockerCase("config-file-is-a-directory", config=DIRECTORY, fails=r"config_file '.*' is a directory"),
]
DOCKER_OK = [c for c in DOCKER_CASES if c.fails is None]
DOCKER_FAILS = [c for c in DOCKER_CASES if c.fails is not None]


def _layout_docker(case: DockerCase, root: Path) -> Path | None:
    """The config file of the case, written under ``root`` (None when the case has none)."""
    if case.config is None:
        return None
    config_file = root / "config.json"
    if case.config == DIRECTORY:
        config_file.mkdir()
    elif case.config != MISSING:
        config_file.write_bytes(case.config)
    return config_file


def _podkit_docker(case: DockerCase, config_file: Path | None) -> tuple[str, dict[str, bytes]]:
    return docker_registry_data(
        PATH,
        server=DOCKER_HUB_SERVER if case.server is None else case.server,
        username=case.username,
        password=case.password,
        email=case.email,
        config_file=config_file,
    )


def _kubectl_args(case: DockerCase, root: Path) -> list[str]:
    args = ["docker-registry", "parity"]
    if case.config is not None:
        return [*args, f"--from-file=.dockerconfigjson={root / 'config.json'}"]
    flags = {"server": case.server, "username": case.username, "password": case.password, "email": case.email}
    return args + [f"--docker-{name}={value}" for name, value in flags.items() if value is not None]


def test_docker_registry_exact_bytes() -> None:
    got = docker_registry_data(
        PATH, server=DOCKER_HUB_SERVER, username="u", password="p", email=None, config_file=None
    )
    assert got == (
        "kubernetes.io/dockerconfigjson",
        {
            ".dockerconfigjson": b'{"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p","auth":"dTpw"}}}'
        },
    )


def test_docker_registry_escapes_like_go() -> None:
    _, data = docker_registry_data(
        PATH, server="r.io", username="<a>", password='&"\\\n\x01\u2028é', email="e@x", config_file=None
    )
    assert data[".dockerconfigjson"] == (
        b'{"auths":{"r.io":{"username":"\\u003ca\\u003e","password":"\\u0026\\"\\\\\\n\\u0001\\u2028\xc3\xa9",'
        b'"email":"e@x","auth":"' + base64.b64encode('<a>:&"\\\n\x01\u2028é'.encode()) + b'"}}}'
    )


@pytest.mark.parametrize("case", DOCKER_OK, ids=[c.id for c in DOCKER_OK])
def test_docker_registry_auth_and_config(case: DockerCase, tmp_path: Path) -> None:
    secret_type, data = _podkit_docker(case, _layout_docker(case, tmp_path))
    assert secret_type == "kubernetes.io/dockerconfigjson"
    if case.config is not None:
        assert data == {".dockerconfigjson": case.config}
        return
    entry = json.loads(data[".dockerconfigjson"])["auths"][
        DOCKER_HUB_SERVER if case.server is None else case.server
    ]
    assert base64.b64decode(entry["auth"]).decode() == f"{case.username}:{case.password}"
    assert ("email" in entry) == bool(case.email)


@pytest.mark.parametrize("case", DOCKER_FAILS, ids=[c.id for c in DOCKER_FAILS])
def test_fails_docker_registry(case: DockerCase, tmp_path: Path) -> None:
    assert case.fails is not None
    error = SourceError if case.config is not None else PodkitError
    with pytest.raises(error, match=r"^\[test/secret\] " + case.fails) as raised:
        _podkit_docker(case, _layout_docker(case, tmp_path))
    if case.password:
        assert case.password not in str(raised.value)


@pytest.mark.parametrize("case", DOCKER_CASES, ids=[c.id for c in DOCKER_CASES])
def test_docker_registry_same_as_kubectl(case: DockerCase, tmp_path: Path) -> None:
    config_file = _layout_docker(case, tmp_path)
    expected, stderr = _kubectl(_kubectl_args(case, tmp_path))
    if case.fails is not None:
        assert expected is None, f"kubectl accepted {case.id!r}: the case is wrong"
        with pytest.raises(PodkitError):
            _podkit_docker(case, config_file)
        return
    assert expected is not None, f"kubectl refused {case.id!r}: {stderr}"
    secret_type, data = _podkit_docker(case, config_file)
    assert secret_type == expected["type"]
    assert data == _kubectl_data(expected)


# -- podkit is stricter than kubectl where kubectl silently drops input ---------------------------
def test_fails_docker_registry_config_file_with_credentials(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_bytes(b"{}")
    with pytest.raises(
        PodkitError,
        match=r"^\[test/secret\] docker registry config_file is given together with server, username; kubectl "
        r"would silently ignore them and use the file alone; pass either config_file or",
    ):
        docker_registry_data(
            PATH,
            server="ghcr.io",
            username="u",
            password=None,
            email=None,
            config_file=tmp_path / "config.json",
        )


def test_fails_docker_registry_password_of_wrong_type() -> None:
    password: Any = b"hunter2"  # e.g. read from a file in binary mode
    with pytest.raises(
        PodkitTypeError, match=r"^\[test/secret\] docker registry password must be a str, got bytes$"
    ):
        docker_registry_data(
            PATH,
            server=DOCKER_HUB_SERVER,
            username="u",
            password=password,
            email=None,
            config_file=None,
        )


def test_fails_docker_registry_lone_surrogate() -> None:
    with pytest.raises(PodkitError, match=r"^\[test/secret\] docker registry password is not valid Unicode"):
        docker_registry_data(
            PATH, server=DOCKER_HUB_SERVER, username="u", password="p\udcff", email=None, config_file=None
        )


def test_secret_module_default_server_is_kubectls() -> None:
    from podkit import _secret_types, secret

    assert secret.DOCKER_HUB_SERVER == _secret_types.DOCKER_HUB_SERVER


# -- docker_registry(from_environment=...): the password read at synth (issue 22) ------------


def test_docker_registry_reads_the_password_from_the_environment_at_synth(
    chart: pk.Chart, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REG_PW", raising=False)
    # building the app needs no password: only synth reads it
    secret = pk.SecretEnv.docker_registry(
        chart, "pull", server="ghcr.io", username="ci", from_environment={"password": "REG_PW"}
    )
    assert secret.keys() == [".dockerconfigjson"]
    with pytest.raises(pk.SynthError) as e:
        secret.to_manifest()
    assert [p.message for p in e.value.problems] == [
        "key '.dockerconfigjson' is built from environment variable(s) that are not set: password (REG_PW)"
    ]
    monkeypatch.setenv("REG_PW", "s3cret")
    doc = secret.to_manifest()
    assert doc["type"] == "kubernetes.io/dockerconfigjson"
    assert base64.b64decode(doc["data"][".dockerconfigjson"]) == (
        b'{"auths":{"ghcr.io":{"username":"ci","password":"s3cret","auth":"Y2k6czNjcmV0"}}}'
    )


def test_fails_docker_registry_from_environment_with_an_unknown_or_doubled_argument(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError) as e:
        pk.SecretEnv.docker_registry(chart, "a", from_environment={"pasword": "X"})
    assert str(e.value) == (
        "[test/a] docker registry from_environment names 'pasword'; expected some of server, username, "
        "password, email"
    )
    with pytest.raises(pk.PodkitError) as e:
        pk.SecretEnv.docker_registry(chart, "b", password="p", from_environment={"password": "X"})
    assert str(e.value) == (
        "[test/b] docker registry password given both as an argument and in from_environment; pass each once"
    )
