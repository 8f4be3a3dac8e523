"""The data of typed Secrets, byte for byte as ``kubectl create secret tls|docker-registry`` builds it.

Pure functions (no cdk8s): the ``SecretEnv.tls(...)`` and ``SecretEnv.docker_registry(...)``
factories call them where the input arrives, so a bad certificate or a missing password
fails at that line, with the construct path, never with a secret value in the message.

kubectl is the reference (``staging/src/k8s.io/kubectl/pkg/cmd/create/``):

- ``create secret tls`` stores both files **verbatim** after Go's ``tls.X509KeyPair`` has
  accepted them. That check is reproduced here, in its order: the first ``CERTIFICATE`` PEM
  block is the leaf (later blocks, the chain, are kept but not parsed), the first block whose
  type ends in ``PRIVATE KEY`` is the key (PKCS#1, PKCS#8 or SEC 1, unencrypted), key types
  are RSA, ECDSA on the NIST curves Go supports, or Ed25519, and the key must be the leaf's.
- ``create secret docker-registry`` writes ``.dockerconfigjson`` with Go's ``encoding/json``
  (field order ``username, password, email, auth``, no spaces, ``email`` omitted when empty,
  ``<``, ``>``, ``&``, U+2028 and U+2029 escaped), or, with ``--from-file``, the file as is:
  kubectl does not look inside it (the API server's JSON check is ``_rules.core.secret``'s job).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .errors import PodkitError, PodkitTypeError, SourceError

# The wire value of the Secret's ``type`` (``SecretType(value)`` gives the enum member).
SecretTypeValue = Literal["kubernetes.io/tls", "kubernetes.io/dockerconfigjson"]

# kubectl's default for --docker-server (Docker Hub's legacy v1 key, which docker itself uses).
DOCKER_HUB_SERVER = "https://index.docker.io/v1/"

# Go's crypto/x509 parses ECDSA keys on these curves only (x509: unsupported elliptic curve).
_GO_CURVES = {"secp224r1": "P-224", "secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
_SUPPORTED = (
    "an RSA, ECDSA (P-224, P-256, P-384, P-521) or Ed25519 key, the types kubectl's Go crypto/tls accepts"
)

_Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
_Public = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey


# -- kubernetes.io/tls ---------------------------------------------------------------------
def tls_data(path: str, cert_file: Path, key_file: Path) -> dict[str, bytes]:
    """``{"tls.crt": ..., "tls.key": ...}``: both files' bytes, once kubectl's checks pass.

    :raises SourceError: a file is missing or unreadable, holds no usable PEM block, the
        key type is not supported, or the key is not the certificate's.
    :raises PodkitTypeError: a path that is not a ``str``/``os.PathLike``.
    """
    cert_path = _as_path(path, "cert_file", cert_file)
    key_path = _as_path(path, "key_file", key_file)
    cert_pem = _read(path, "cert_file", cert_path, "the PEM certificate (kubectl's --cert)")
    key_pem = _read(path, "key_file", key_path, "the PEM private key (kubectl's --key)")
    cert_der = _leaf_der(path, cert_path, cert_pem)
    key_type, key_der, key_headers = _key_block(path, key_path, key_pem)
    public = _leaf_public_key(path, cert_path, cert_der)
    key = _private_key(path, key_path, key_type, key_der, key_headers)
    _check_pair(path, cert_path, public, key_path, key)
    return {"tls.crt": cert_pem, "tls.key": key_pem}


def _leaf_der(path: str, file: Path, pem: bytes) -> bytes:
    certs: list[bytes] = []
    skipped: list[str] = []
    for block_type, der, _ in _pem_blocks(pem):
        if block_type == "CERTIFICATE":
            certs.append(der)
        else:
            skipped.append(block_type)
    if certs:
        return certs[0]
    expected = (
        "expected one or more '-----BEGIN CERTIFICATE-----' blocks (the server certificate first, then "
        "any intermediates)"
    )
    if not skipped:
        raise SourceError(
            path, f"cert_file {str(file)!r} {_no_pem(pem)}; {expected}; {_no_pem_fix(pem, 'x509', file)}"
        )
    if len(skipped) == 1 and skipped[0].endswith("PRIVATE KEY"):
        raise SourceError(
            path,
            f"cert_file {str(file)!r} holds a private key and no certificate; {expected}; cert_file and "
            f"key_file look swapped: pass the certificate as cert_file and the key as key_file",
        )
    raise SourceError(
        path,
        f"cert_file {str(file)!r} has no CERTIFICATE PEM block (found only {', '.join(skipped)}); "
        f"{expected}; pass the certificate file",
    )


def _key_block(path: str, file: Path, pem: bytes) -> tuple[str, bytes, dict[str, str]]:
    skipped: list[str] = []
    for block_type, der, headers in _pem_blocks(pem):
        # Go takes the first "PRIVATE KEY" / "* PRIVATE KEY" block, whatever the prefix says;
        # e.g. the "EC PARAMETERS" block that 'openssl ecparam -genkey' writes first is skipped.
        if block_type == "PRIVATE KEY" or block_type.endswith(" PRIVATE KEY"):
            return block_type, der, headers
        skipped.append(block_type)
    expected = "expected a '-----BEGIN PRIVATE KEY-----' (or RSA/EC PRIVATE KEY) block"
    if not skipped:
        raise SourceError(
            path, f"key_file {str(file)!r} {_no_pem(pem)}; {expected}; {_no_pem_fix(pem, 'pkey', file)}"
        )
    if skipped == ["CERTIFICATE"]:
        raise SourceError(
            path,
            f"key_file {str(file)!r} holds a certificate, not a private key; {expected}; pass the "
            f"certificate's private key as key_file",
        )
    raise SourceError(
        path,
        f"key_file {str(file)!r} has no PEM block whose type ends in 'PRIVATE KEY' (found only "
        f"{', '.join(skipped)}); {expected}; pass the certificate's private key as key_file",
    )


def _leaf_public_key(path: str, file: Path, der: bytes) -> _Public | None:
    """The leaf's public key; ``None`` for an algorithm Go parses but crypto/tls refuses later."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        raise SourceError(
            path,
            f"the first CERTIFICATE block in cert_file {str(file)!r} is not a valid X.509 certificate; "
            f"expected a DER certificate inside the PEM block; re-export it, e.g. "
            f"'openssl x509 -in {file} -out fixed.pem'",
        ) from None
    try:
        public = cert.public_key()
    except (UnsupportedAlgorithm, ValueError):
        return None
    if isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name not in _GO_CURVES:
        # Go fails in x509.ParseCertificate, before it looks at the key.
        raise SourceError(
            path,
            f"the certificate in cert_file {str(file)!r} has an ECDSA key on curve {public.curve.name}, "
            f"which kubectl cannot parse; expected {_SUPPORTED}; issue the certificate for a supported key",
        )
    if isinstance(public, rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey):
        return public
    return None


def _private_key(path: str, file: Path, block_type: str, der: bytes, headers: dict[str, str]) -> _Key:
    encrypted = block_type == "ENCRYPTED PRIVATE KEY" or "ENCRYPTED" in headers.get("Proc-Type", "")
    if encrypted:
        raise SourceError(
            path,
            f"key_file {str(file)!r} is encrypted ({block_type} with a passphrase); kubectl reads "
            f"unencrypted keys only; decrypt a copy, e.g. 'openssl pkey -in {file} -out tls.key', and "
            f"keep it out of git",
        )
    try:
        key = serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise SourceError(
            path,
            f"key_file {str(file)!r}: the {block_type} block cannot be parsed; expected an unencrypted "
            f"PKCS#1, PKCS#8 or SEC 1 key, as kubectl does; convert it, e.g. "
            f"'openssl pkey -in {file} -out tls.key' (for an OpenSSH key: 'ssh-keygen -p -m PEM -f COPY')",
        ) from None
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name not in _GO_CURVES:
        raise SourceError(
            path,
            f"key_file {str(file)!r} holds an ECDSA key on curve {key.curve.name}, which kubectl cannot "
            f"parse; expected {_SUPPORTED}; use a key on a supported curve",
        )
    if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
        return key
    raise SourceError(
        path,
        f"key_file {str(file)!r} holds {_a(_algorithm(key))} key, which kubectl does not support for TLS; "
        f"expected {_SUPPORTED}; issue a certificate for a supported key type",
    )


def _check_pair(path: str, cert_file: Path, public: _Public | None, key_file: Path, key: _Key) -> None:
    if public is None:
        raise SourceError(
            path,
            f"the certificate in cert_file {str(cert_file)!r} has a public key algorithm kubectl does not "
            f"support for TLS; expected {_SUPPORTED}; issue the certificate for a supported key",
        )
    if _family(public) != _family(key):
        raise SourceError(
            path,
            f"key_file {str(key_file)!r} holds {_a(_algorithm(key))} key but the certificate in cert_file "
            f"{str(cert_file)!r} has {_a(_algorithm(public))} public key; pass the private key the "
            f"certificate was issued for",
        )
    if not _same_public_key(public, key):
        raise SourceError(
            path,
            f"key_file {str(key_file)!r} does not match the certificate in cert_file {str(cert_file)!r} "
            f"(a different {_algorithm(key)} key); expected the private key of the first certificate in "
            f"cert_file (the server's own, listed before any intermediates); compare "
            f"'openssl x509 -noout -pubkey -in {cert_file}' with 'openssl pkey -pubout -in {key_file}'",
        )


def _family(key: object) -> str:
    for name, types in (
        ("RSA", (rsa.RSAPrivateKey, rsa.RSAPublicKey)),
        ("ECDSA", (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)),
        ("Ed25519", (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)),
    ):
        if isinstance(key, types):
            return name
    return "other"


def _same_public_key(public: _Public, key: _Key) -> bool:
    # The comparisons Go makes: RSA modulus, ECDSA point, Ed25519 raw key.
    if isinstance(public, rsa.RSAPublicKey) and isinstance(key, rsa.RSAPrivateKey):
        return public.public_numbers().n == key.public_key().public_numbers().n
    if isinstance(public, ec.EllipticCurvePublicKey) and isinstance(key, ec.EllipticCurvePrivateKey):
        mine, theirs = public.public_numbers(), key.public_key().public_numbers()
        return (mine.x, mine.y) == (theirs.x, theirs.y)
    if isinstance(public, ed25519.Ed25519PublicKey) and isinstance(key, ed25519.Ed25519PrivateKey):
        return public.public_bytes_raw() == key.public_key().public_bytes_raw()
    return False


def _algorithm(key: object) -> str:
    family = _family(key)
    if family != "other":
        return family
    # e.g. DSAPrivateKey, Ed448PrivateKey, X25519PrivateKey -> DSA, Ed448, X25519
    return type(key).__name__.removeprefix("_").replace("PrivateKey", "").replace("PublicKey", "")


def _a(name: str) -> str:
    # "an RSA", "an ECDSA", "an Ed25519", "an X25519", but "a DSA": the article follows the sound
    return f"{'an' if name[0] in 'AEFHILMNORSX' else 'a'} {name}"


def _no_pem(content: bytes) -> str:
    if b"-----BEGIN " in content:
        return "has no valid PEM block (a BEGIN line without its matching END line, or a body that is not base64)"
    return "has no PEM data"


def _no_pem_fix(content: bytes, tool: str, file: Path) -> str:
    if b"-----BEGIN " in content:
        return f"re-export it, e.g. 'openssl {tool} -in ORIGINAL -out {file}'"
    return f"convert a DER file with 'openssl {tool} -inform der -in {file} -out {file}.pem'"


# -- PEM, as Go's encoding/pem decodes it ----------------------------------------------------
def _pem_blocks(data: bytes) -> Iterator[tuple[str, bytes, dict[str, str]]]:
    """Yield ``(type, der, headers)`` for each block Go's ``pem.Decode`` would return, in order.

    Go is lenient in ways kubectl users rely on: text before and between blocks is skipped
    (``openssl x509 -text`` output), a block whose body is not valid base64 or whose END line
    does not match is skipped silently, and CRLF files work.
    """
    rest = data
    while True:
        block = _next_block(rest)
        if block is None:
            return
        block_type, der, headers, rest = block
        yield block_type, der, headers


def _next_block(data: bytes) -> tuple[str, bytes, dict[str, str], bytes] | None:
    begin, end = b"-----BEGIN ", b"\n-----END "
    rest = data
    while True:
        if rest.startswith(begin):
            rest = rest[len(begin) :]
        else:
            found = rest.find(b"\n" + begin)
            if found < 0:
                return None
            rest = rest[found + 1 + len(begin) :]
        type_line, rest = _line(rest)
        if not type_line.endswith(b"-----"):
            continue
        block_type = type_line[:-5]
        headers: dict[str, str] = {}
        while True:
            if not rest:
                return None  # Go gives up on the whole input here, not just this block
            line, after = _line(rest)
            key, colon, value = line.partition(b":")
            if not colon:
                break
            headers[key.strip().decode("latin-1")] = value.strip().decode("latin-1")
            rest = after
        if not headers and rest.startswith(end[1:]):
            body_end, trailer_start = 0, len(end) - 1
        else:
            body_end = rest.find(end)
            trailer_start = body_end + len(end)
        if body_end < 0:
            continue
        trailer = rest[trailer_start:]
        if not trailer.startswith(block_type + b"-----"):
            continue
        if _line(trailer[len(block_type) + 5 :])[0]:
            continue  # the END line must end after its dashes
        body = bytes(c for c in rest[:body_end] if c not in b" \t\r\n")
        try:
            der = base64.b64decode(body, validate=True)
        except ValueError:
            continue
        return block_type.decode("latin-1"), der, headers, _line(rest[body_end + len(end) - 1 :])[1]


def _line(data: bytes) -> tuple[bytes, bytes]:
    """The first line (without CR/LF and trailing blanks) and what follows it."""
    newline = data.find(b"\n")
    if newline < 0:
        return data.rstrip(b" \t"), b""
    return data[:newline].removesuffix(b"\r").rstrip(b" \t"), data[newline + 1 :]


# -- kubernetes.io/dockerconfigjson ------------------------------------------------------------
def docker_registry_data(
    path: str,
    *,
    server: str,
    username: str | None,
    password: str | None,
    email: str | None,
    config_file: Path | None,
) -> tuple[SecretTypeValue, dict[str, bytes]]:
    """The type and data of ``kubectl create secret docker-registry``.

    Without ``config_file``: ``.dockerconfigjson`` is ``{"auths":{server:{...}}}`` with the
    same bytes as kubectl (``auth`` = base64 of ``username:password``). With it: the file's
    bytes, unchanged, as ``--from-file=.dockerconfigjson=PATH`` stores them.

    :raises PodkitError: username, password or server missing or empty without a config
        file; credentials given together with a config file (kubectl silently ignores them).
    :raises SourceError: the config file is missing, a directory, or unreadable.
    :raises PodkitTypeError: an argument of the wrong type.
    """
    fields = {"server": server, "username": username, "password": password, "email": email}
    for name, value in fields.items():
        if value is not None and not isinstance(value, str):
            # the value itself is not shown: it may be a password in a bytes object
            raise PodkitTypeError(path, f"docker registry {name} must be a str, got {type(value).__name__}")
    if server is None:
        raise PodkitTypeError(path, f"docker registry server must be a str, e.g. {DOCKER_HUB_SERVER!r}")
    if config_file is not None:
        file = _as_path(path, "config_file", config_file)
        ignored = [n for n in ("username", "password", "email") if fields[n] is not None]
        if server != DOCKER_HUB_SERVER:
            ignored.insert(0, "server")
        if ignored:
            raise PodkitError(
                path,
                f"docker registry config_file is given together with {', '.join(ignored)}; kubectl would "
                f"silently ignore {'it' if len(ignored) == 1 else 'them'} and use the file alone; pass "
                f"either config_file or server/username/password/email",
            )
        content = _read(path, "config_file", file, "a Docker config.json (kubectl's --from-file)")
        return "kubernetes.io/dockerconfigjson", {".dockerconfigjson": content}
    missing = [n for n in ("username", "password", "server") if not fields[n]]
    if missing:
        raise PodkitError(
            path,
            f"docker registry {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing or "
            f"empty; expected username, password and server (kubectl: 'either --from-file or the "
            f"combination of --docker-username, --docker-password and --docker-server is required'); "
            f"pass them (read the password from the environment, not source code), or pass config_file "
            f"(a Docker config.json) instead",
        )
    assert username is not None and password is not None
    for name in ("server", "username", "password", "email"):
        value = fields[name]
        if value is not None and not _is_unicode(value):
            raise PodkitError(
                path,
                f"docker registry {name} is not valid Unicode (it holds a lone surrogate, e.g. from "
                f"decoding bytes with errors='surrogateescape'); expected text; decode it as UTF-8",
            )
    auth = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    entry = [("username", username), ("password", password), ("email", email or ""), ("auth", auth)]
    body = ",".join(f"{_go_json_string(k)}:{_go_json_string(v)}" for k, v in entry if v)
    document = '{"auths":{' + _go_json_string(server) + ":{" + body + "}}}"
    return "kubernetes.io/dockerconfigjson", {".dockerconfigjson": document.encode("utf-8")}


# Go's encoding/json string escapes (HTML-safe, as json.Marshal uses): the short forms it
# knows, \u00XX (lower-case hex) for other control characters, and \u escapes for <, >, &
# and the JavaScript line separators.
_GO_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_GO_UNICODE = {"<", ">", "&", "\u2028", "\u2029"}


def _go_json_string(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch in _GO_SHORT:
            out.append(_GO_SHORT[ch])
        elif ord(ch) < 0x20 or ch in _GO_UNICODE:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _is_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- files ---------------------------------------------------------------------------------
def _as_path(path: str, what: str, value: object) -> Path:
    if isinstance(value, str | os.PathLike):
        return Path(value)
    raise PodkitTypeError(path, f"{what} must be a path (pathlib.Path or str), got {type(value).__name__}")


def _read(path: str, what: str, file: Path, expected: str) -> bytes:
    """The file's bytes, like kubectl's os.ReadFile (symlinks followed)."""
    try:
        return file.read_bytes()
    except FileNotFoundError:
        problem, fix = "does not exist", "check the path"
    except IsADirectoryError:
        problem, fix = "is a directory", "pass the file inside it"
    except OSError as e:
        problem, fix = f"cannot be read ({e.strerror})", "check its permissions"
    raise SourceError(path, f"{what} {str(file)!r} {problem}; expected {expected}; {fix}")
