"""Sealed Secrets, offline: seal values with the controller's certificate, keep them in a store.

The bitnami-labs/sealed-secrets controller decrypts a ``SealedSecret`` into a ``Secret`` inside
the cluster; only it holds the private key, so a ``SealedSecret`` is safe in a GitOps repo.
podkit seals exactly as ``kubeseal --cert cert.pem`` does (``pkg/crypto/crypto.go``,
``HybridEncrypt``), using the ``cryptography`` package for every primitive:

* a fresh 32-byte AES-256-GCM session key per value;
* the session key encrypted with RSA-OAEP (SHA-256), the OAEP *label* binding the value to
  where it may be unsealed: ``namespace/name`` (strict scope), ``namespace`` (namespace-wide)
  or nothing (cluster-wide). A value sealed for ``prod/db`` does not decrypt as ``dev/db``;
* the output ``len(rsa) as 2 bytes big-endian || rsa ciphertext || AES-GCM ciphertext+tag``,
  with the all-zero 12-byte nonce (safe only because each session key is used once, which
  is why the controller does it and why it must be a fresh key every time);
* base64 (standard, padded) in ``spec.encryptedData``.

Sealing is randomized, and CI usually has no plaintext, so sealing is an explicit step
(``podkit seal``, :func:`seal_app`) run by whoever holds the plaintext. It writes the sealed
values to a committed **store** (``sealed-secrets.yaml`` next to ``app.py``); synth reads
only the store (:func:`render_sealed_secret`) and is byte-identical run after run.

The store also keeps, per key, a *fingerprint* of the plaintext so ``podkit seal`` can tell
whether a source changed without the store revealing it: scrypt (slow, memory-hard) over
the value with a random per-key salt. A plain SHA-256 would let anyone with the repo
confirm a guessed password in nanoseconds; scrypt makes each guess cost tens of
milliseconds and the salt makes every guess specific to one key.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime
import enum
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

from .errors import PodkitTypeError, Problem, SealingError

API_VERSION = "bitnami.com/v1alpha1"
KIND = "SealedSecret"
DEFAULT_STORE_NAME = "sealed-secrets.yaml"
STORE_VERSION = 1

_SESSION_KEY_BYTES = 32  # AES-256
_GCM_NONCE = bytes(12)  # the controller's zero nonce: each session key seals one value only

# scrypt cost: 2**14 x 8 x 1 is 16 MiB and ~50 ms per key, the parameters RFC 7914 suggests for
# interactive use. They are written into each fingerprint, so raising them later still verifies
# the old ones.
_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1


class SealingScope(enum.Enum):
    """Where a sealed value may be unsealed (``kubeseal --scope``).

    https://github.com/bitnami-labs/sealed-secrets#scopes
    """

    STRICT = "strict"
    """Only as a Secret of this name in this namespace (the controller's default)."""
    NAMESPACE_WIDE = "namespace-wide"
    """As a Secret of any name in this namespace."""
    CLUSTER_WIDE = "cluster-wide"
    """As any Secret in any namespace."""

    def label(self, namespace: str, name: str) -> bytes:
        """The RSA-OAEP label the controller decrypts with for this scope."""
        if self is SealingScope.STRICT:
            return f"{namespace}/{name}".encode()
        if self is SealingScope.NAMESPACE_WIDE:
            return namespace.encode()
        return b""

    @property
    def annotations(self) -> dict[str, str]:
        """The annotations that tell the controller which label to use (none for strict)."""
        if self is SealingScope.NAMESPACE_WIDE:
            return {"sealedsecrets.bitnami.com/namespace-wide": "true"}
        if self is SealingScope.CLUSTER_WIDE:
            return {"sealedsecrets.bitnami.com/cluster-wide": "true"}
        return {}


# -- the certificate --------------------------------------------------------------------------
#: the smallest RSA key podkit seals with: NIST's floor since 2013 (the controller makes 4096-bit
#: keys); smaller ones are factorable or, below 784 bits, cannot even hold an OAEP-SHA256 session key
MIN_RSA_BITS = 2048
#: a certificate (or a short chain) is a few KiB; a larger file is not the controller's certificate
_MAX_CERT_BYTES = 1024 * 1024
_PEM_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 ]{1,64})-----")


@dataclass(frozen=True)
class SealingCertificate:
    """The controller's public certificate: its RSA key, where it came from, and its fingerprint.

    ``fingerprint`` (``sha256:`` of the DER certificate) goes into the store, so a rotated
    certificate re-seals every value on the next ``podkit seal``.
    """

    path: str
    public_key: rsa.RSAPublicKey
    fingerprint: str
    not_after: datetime.datetime


def load_certificate(
    path: str | os.PathLike[str], *, now: datetime.datetime | None = None
) -> SealingCertificate:
    """Read the controller's certificate (PEM, as ``kubeseal --cert`` takes it; the first one counts).

    :param now: the time to check expiry against (a naive time is UTC). Default: the current UTC time.
    :raises SealingError: the file is missing, unreadable or too large, holds no PEM certificate
        (DER, a private or public key, a CSR), a malformed one, a key that is not RSA or is shorter
        than :data:`MIN_RSA_BITS`, or it has expired (kubeseal refuses expired certificates too).
    """
    # cryptography loads only when sealing: synth reads the store and never needs it
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    where = os.fspath(path)
    fetch = f"fetch the controller's certificate with `kubeseal --fetch-cert > {where}` and commit it"
    try:
        with open(where, "rb") as f:
            data = f.read(_MAX_CERT_BYTES + 1)
    except FileNotFoundError:
        raise SealingError("", f"sealing certificate {where!r} does not exist; {fetch}") from None
    except OSError as e:
        raise SealingError(
            "", f"sealing certificate {where!r} cannot be read ({e.strerror or type(e).__name__}); {fetch}"
        ) from None
    if len(data) > _MAX_CERT_BYTES:
        raise SealingError(
            "", f"sealing certificate {where!r} is larger than 1 MiB, so not a certificate; {fetch}"
        )
    if b"-----BEGIN CERTIFICATE-----" not in data:
        found = sorted({m.group(1).decode() for m in _PEM_BEGIN.finditer(data)})
        what = f"only {', '.join(found)} PEM block(s)" if found else "no PEM block at all"
        raise SealingError(
            "",
            f"sealing certificate {where!r} holds no PEM certificate ('-----BEGIN CERTIFICATE-----'): it has "
            f"{what}; expected the controller's public certificate (not its private key, not DER); {fetch}",
        )
    try:
        cert = x509.load_pem_x509_certificates(data)[0]
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm) as e:
        reason = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        raise SealingError(
            "", f"sealing certificate {where!r} is not a valid PEM certificate ({reason}); {fetch}"
        ) from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise SealingError(
            "",
            f"sealing certificate {where!r} has {_key_kind(key)} key; the "
            f"sealed-secrets controller seals with RSA keys only; {fetch}",
        )
    if key.key_size < MIN_RSA_BITS:
        raise SealingError(
            "",
            f"sealing certificate {where!r} has a {key.key_size}-bit RSA key, weaker than the {MIN_RSA_BITS} "
            f"bits podkit seals with (the controller makes 4096-bit keys); values sealed with it could be "
            f"unsealed by anyone who factors the key; {fetch}",
        )
    moment = now if now is not None else datetime.datetime.now(datetime.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    not_after = cert.not_valid_after_utc
    if moment > not_after:
        raise SealingError(
            "",
            f"sealing certificate {where!r} expired on {not_after:%Y-%m-%d %H:%M} UTC; values sealed with it "
            f"may be unsealable by a controller that has rotated its keys; {fetch}",
        )
    import hashlib  # (imported where used: ~4 ms that an app without sealed secrets should not pay)

    digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    return SealingCertificate(where, key, f"sha256:{digest}", not_after)


def _key_kind(key: object) -> str:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec

    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"an EC ({key.curve.name})"
    if isinstance(key, dsa.DSAPublicKey):
        return "a DSA"
    return f"an {type(key).__name__.removeprefix('_').removesuffix('PublicKey')}"


# -- sealing ----------------------------------------------------------------------------------
def seal(cert: SealingCertificate | rsa.RSAPublicKey, value: bytes, label: bytes) -> bytes:
    """Seal one value as the controller's ``HybridEncrypt`` does (see the module docs).

    Randomized: sealing the same value twice gives different bytes, both of which unseal.
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    public_key = cert.public_key if isinstance(cert, SealingCertificate) else cert
    session_key = os.urandom(_SESSION_KEY_BYTES)
    rsa_ciphertext = public_key.encrypt(
        session_key,
        padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=label),
    )
    aes_ciphertext = AESGCM(session_key).encrypt(_GCM_NONCE, value, None)
    return len(rsa_ciphertext).to_bytes(2, "big") + rsa_ciphertext + aes_ciphertext


def seal_value(
    cert: SealingCertificate | rsa.RSAPublicKey,
    value: bytes,
    *,
    namespace: str,
    name: str,
    scope: SealingScope,
) -> str:
    """One value sealed for ``namespace/name`` under ``scope``, base64 as in ``encryptedData``."""
    return base64.b64encode(seal(cert, value, scope.label(namespace, name))).decode("ascii")


# The layout of a sealed value (see the module docs), as the store is checked against it: an
# RSA-OAEP(SHA-256) block must hold the 32-byte session key plus 2 x 32 + 2 bytes of padding, so
# it is at least 98 bytes (a 784-bit key); 2048 bytes is RSA-16384, far beyond any controller's.
_MIN_RSA_BLOCK = _SESSION_KEY_BYTES + 2 * 32 + 2
_MAX_RSA_BLOCK = 2048
_GCM_TAG = 16
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _sealed_layout_error(sealed: str) -> str | None:
    """What is wrong with a sealed value's shape (``None``: it could be one the controller unseals)."""
    if not _BASE64.fullmatch(sealed):
        return "is not base64 (standard alphabet, padded)"
    raw = base64.b64decode(sealed)
    if len(raw) < 2:
        return "is too short to be a sealed value"
    rsa_len = int.from_bytes(raw[:2], "big")
    if not _MIN_RSA_BLOCK <= rsa_len <= _MAX_RSA_BLOCK:
        return f"starts with an RSA block length of {rsa_len} bytes, not one of an RSA key (98 to 2048)"
    if len(raw) < 2 + rsa_len + _GCM_TAG:
        return f"is {len(raw)} bytes, shorter than its RSA block and AES-GCM tag ({2 + rsa_len + _GCM_TAG})"
    return None


def _rsa_block_length(sealed: str) -> int:
    return int.from_bytes(base64.b64decode(sealed)[:2], "big")


# -- fingerprints -----------------------------------------------------------------------------
# Bounds on a stored fingerprint's scrypt parameters, so a hand-edited store cannot make
# `podkit seal` allocate gigabytes or spin for hours: memory 128 x r x n at most 128 MiB (8x
# podkit's), work n x r x p at most 2**22 (32x podkit's, ~1.6 s a key); salt and digest lengths
# within what podkit writes. Raising podkit's parameters later stays within them.
_FINGERPRINT = re.compile(
    r"scrypt:n=([0-9]{1,10}),r=([0-9]{1,10}),p=([0-9]{1,10}):([A-Za-z0-9+/]+={0,2}):([A-Za-z0-9+/]+={0,2})"
)
_SCRYPT_MAX_MEMORY = 128 * 1024 * 1024
_SCRYPT_MAX_WORK = 2**22
_SCRYPT_MAXMEM = 2 * _SCRYPT_MAX_MEMORY
# the digest is always 32 bytes (it is no cost parameter): a shorter one is a truncated store
_DIGEST_BYTES = 32  # what hashlib may allocate: the memory above plus its buffers


class _ScryptParams(NamedTuple):
    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes


def _parse_fingerprint(stored: str) -> _ScryptParams | str:
    """The parameters of a stored fingerprint, or what is wrong with it (never the value itself)."""
    match = _FINGERPRINT.fullmatch(stored)
    if match is None:
        return "is not 'scrypt:n=N,r=R,p=P:<base64 salt>:<base64 digest>'"
    n, r, p = (int(match.group(i)) for i in (1, 2, 3))
    if n < 2 or n & (n - 1):
        return f"has scrypt n={n}, which is not a power of two of at least 2"
    if r < 1 or p < 1:
        return "has scrypt r or p below 1"
    if 128 * r * n > _SCRYPT_MAX_MEMORY or n * r * p > _SCRYPT_MAX_WORK:
        return (
            f"has scrypt cost n={n}, r={r}, p={p}, beyond the {_SCRYPT_MAX_MEMORY >> 20} MiB and "
            f"2**22 work podkit computes (podkit writes n={_SCRYPT_N}, r={_SCRYPT_R}, p={_SCRYPT_P})"
        )
    try:
        salt = base64.b64decode(match.group(4), validate=True)
        digest = base64.b64decode(match.group(5), validate=True)
    except (binascii.Error, ValueError):
        return "has a salt or digest that is not base64"
    if not 8 <= len(salt) <= 64 or len(digest) != _DIGEST_BYTES:
        return f"has a salt (8 to 64 bytes) or digest ({_DIGEST_BYTES} bytes) of the wrong length"
    return _ScryptParams(n, r, p, salt, digest)


def fingerprint(value: bytes, *, salt: bytes | None = None) -> str:
    """A salted scrypt hash of ``value``: tells a changed value from the same one, reveals neither."""
    salt = os.urandom(16) if salt is None else salt
    import hashlib

    digest = hashlib.scrypt(value, salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_DIGEST_BYTES)
    return (
        f"scrypt:n={_SCRYPT_N},r={_SCRYPT_R},p={_SCRYPT_P}:"
        f"{base64.b64encode(salt).decode()}:{base64.b64encode(digest).decode()}"
    )


def fingerprint_matches(value: bytes, stored: str) -> bool:
    """Whether ``value`` is the value ``stored`` was made from (``False`` for a malformed one,
    or one whose scrypt cost is beyond podkit's bounds)."""
    import hashlib
    import hmac

    params = _parse_fingerprint(stored) if isinstance(stored, str) else "is not a string"
    if isinstance(params, str):
        return False
    try:
        digest = hashlib.scrypt(
            value,
            salt=params.salt,
            n=params.n,
            r=params.r,
            p=params.p,
            dklen=len(params.digest),
            maxmem=_SCRYPT_MAXMEM,
        )
    except (ValueError, OverflowError, MemoryError):
        return False
    return hmac.compare_digest(digest, params.digest)


# -- the store --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SealedValue:
    """One sealed key: the base64 ciphertext and the fingerprint of its plaintext."""

    sealed: str
    fingerprint: str


@dataclass
class SealedEntry:
    """The sealed keys of one Secret (``namespace/name``) and the scope they were sealed for."""

    namespace: str
    name: str
    scope: SealingScope
    keys: dict[str, SealedValue] = field(default_factory=dict)


@dataclass
class SealedStore:
    """The committed file of sealed values. ``certificate`` is the fingerprint they were sealed with.

    ``text`` is the file as it was read (``None``: there was no file), so ``podkit seal`` rewrites
    it only when its content changes.
    """

    path: Path
    certificate: str | None = None
    secrets: dict[tuple[str, str], SealedEntry] = field(default_factory=dict)
    text: str | None = field(default=None, repr=False, compare=False)

    def entry(self, namespace: str | None, name: str) -> SealedEntry | None:
        return self.secrets.get((namespace or "", name))

    def to_document(self) -> dict[str, Any]:
        """The store as YAML-ready data, in a fixed order so the file diffs cleanly."""
        secrets = []
        for (namespace, name), entry in sorted(self.secrets.items()):
            secrets.append(
                {
                    "namespace": namespace,
                    "name": name,
                    "scope": entry.scope.value,
                    "keys": {
                        key: {"sealed": v.sealed, "fingerprint": v.fingerprint}
                        for key, v in sorted(entry.keys.items())
                    },
                }
            )
        return {"version": STORE_VERSION, "certificate": self.certificate, "secrets": secrets}

    def dumps(self) -> str:
        """The file's text: a header saying what it is, then the document."""
        from . import _yaml

        doc = self.to_document()
        text = _yaml.dump(doc)
        if text is None:  # pragma: no cover - the store holds only plain strings
            import cdk8s

            text = str(cdk8s.Yaml.stringify(doc))
        return _STORE_HEADER + text


_STORE_HEADER = (
    "# Sealed Secrets values for podkit: written by `podkit seal`, read at synth. Safe to commit:\n"
    "# only the cluster's sealed-secrets controller can unseal these values. Do not edit by hand.\n"
)
#: a store holds a few KiB per key: a file beyond this is not one podkit wrote
_MAX_STORE_BYTES = 64 * 1024 * 1024


def _restore_fix(where: Path) -> str:
    return (
        f"restore it from git (`git checkout -- {where.name}`), or delete it and run `podkit seal` "
        f"to re-seal every value"
    )


def _store_error(where: Path, what: str, fix: str | None = None) -> SealingError:
    return SealingError(
        "",
        f"sealed store {str(where)!r}: {what}; it must be a file written by `podkit seal`: "
        f"{fix or _restore_fix(where)}",
    )


def load_store(path: str | os.PathLike[str]) -> SealedStore:
    """Read the store; a missing file is an empty store (every key then reads as not sealed).

    The store is input like any other (it may be hand-edited, truncated, merged badly or
    hostile), so it is read strictly and checked field by field before anything uses it.

    :raises SealingError: the file is not a store this version of podkit wrote: not a regular
        file, unreadable, too large, not UTF-8, not the YAML ``podkit seal`` writes (see
        :func:`_read_yaml`), or a field of the wrong type or shape (see :func:`_parse_store`).
        The message names the file, the line or the Secret and key, never a value.
    """
    import stat as stat_module

    where = Path(os.path.abspath(os.fspath(path)))
    try:
        info = where.stat()
    except FileNotFoundError:
        return SealedStore(where)
    except OSError as e:
        raise _store_error(where, f"cannot be read ({e.strerror or type(e).__name__})") from None
    if not stat_module.S_ISREG(info.st_mode):
        raise _store_error(
            where,
            "is not a regular file" + (" (it is a folder)" if stat_module.S_ISDIR(info.st_mode) else ""),
            "point Sealing(store=...) at a file, or move what is there away",
        )
    try:
        with open(where, "rb") as f:
            data = f.read(_MAX_STORE_BYTES + 1)
    except OSError as e:
        raise _store_error(where, f"cannot be read ({e.strerror or type(e).__name__})") from None
    if len(data) > _MAX_STORE_BYTES:
        raise _store_error(where, f"is larger than {_MAX_STORE_BYTES >> 20} MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise _store_error(
            where, f"line {line}: byte 0x{data[e.start]:02x} is not UTF-8 ({e.reason})"
        ) from None
    store = _parse_store(where, _read_yaml(where, text))
    store.text = text
    return store


# -- a strict reader for the YAML `podkit seal` writes -----------------------------------------
# The store is read by a small reader of its own, not by a general YAML parser: cdk8s's reads
# `a: "unterminated`, `a: [1, 2` and duplicate keys without a word, and replaces bytes that are
# not UTF-8. This reader takes the block YAML that podkit writes (and the same content written
# with any indentation, comments, quoting, or a leading `---`), in which every text means what
# it means to YAML 1.1, and refuses everything else with the line: flow collections (other than
# `{}` and `[]`), anchors, aliases, tags, block scalars, directives, several documents, tabs,
# control characters, and scalars YAML would read as booleans, floats or dates.
_MAX_DEPTH = 8  # a store is 5 levels deep: the file, secrets, a secret, its keys, a key
_PLAIN = re.compile(r"[-A-Za-z0-9._/+=:,]*[-A-Za-z0-9._/+=]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = {
    "&": "an anchor ('&'); podkit writes none",
    "*": "an alias ('*'); podkit writes none (aliases are how YAML 'billion laughs' bombs work)",
    "!": "a tag ('!'); podkit writes none",
    "|": "a block scalar ('|'); podkit writes every value on one line",
    ">": "a folded scalar ('>'); podkit writes every value on one line",
    "[": "a flow sequence ('[...]'); podkit writes block sequences ('- item')",
    "{": "a flow mapping ('{...}'); podkit writes block mappings ('key: value')",
    "?": "a complex key ('?'); podkit writes plain keys",
    "%": "a directive ('%'); podkit writes none",
    "@": "a reserved character ('@')",
    "`": "a reserved character ('`')",
}


class _Line(NamedTuple):
    number: int
    indent: int
    text: str


class _YamlError(Exception):
    def __init__(self, line: int, what: str) -> None:
        super().__init__(line, what)
        self.line = line
        self.what = what


def _read_yaml(where: Path, text: str) -> Any:
    """The one document of a store's text, or a :class:`SealingError` naming the line."""
    try:
        return _YamlReader(_yaml_lines(text)).document()
    except _YamlError as e:
        raise _store_error(where, f"line {e.line}: {e.what}") from None


def _yaml_lines(text: str) -> list[_Line]:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines: list[_Line] = []
    started = False
    for number, raw in enumerate(text.split("\n"), start=1):
        bad = _CONTROL.search(raw)
        if bad:
            raise _YamlError(number, f"control character U+{ord(bad.group()):04X}; a store is plain text")
        content = raw.rstrip(" \t")
        stripped = content.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("\t") or (content.startswith("\t")):
            raise _YamlError(number, "a tab in the indentation; YAML indents with spaces only")
        if content == "---" and not started and not lines:
            started = True  # a leading document start marker
            continue
        if content in ("---", "...") or content.startswith(("--- ", "... ")):
            raise _YamlError(number, "a second YAML document ('---' or '...'); a store is one document")
        if content.startswith("%"):
            raise _YamlError(number, _SPECIAL["%"])
        lines.append(_Line(number, len(content) - len(stripped), stripped))
    return lines


def _is_item(line: _Line) -> bool:
    return line.text == "-" or line.text.startswith("- ")


class _YamlReader:
    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines

    def document(self) -> Any:
        if not self.lines:
            return None
        first = self.lines[0]
        if first.indent != 0:
            raise _YamlError(first.number, "the document is indented; it must start in column 1")
        value, pos = self.node(0, 0, 0)
        if pos < len(self.lines):
            raise _YamlError(self.lines[pos].number, "unexpected text after the document")
        return value

    def node(self, pos: int, indent: int, depth: int) -> tuple[Any, int]:
        line = self.lines[pos]
        if depth > _MAX_DEPTH:
            raise _YamlError(line.number, f"nested more than {_MAX_DEPTH} levels deep; a store is 5")
        if _is_item(line):
            return self.sequence(pos, indent, depth)
        if _entry(line) is not None:
            return self.mapping(pos, indent, depth)
        value = _scalar(line, line.text)
        nxt = pos + 1
        if nxt < len(self.lines) and self.lines[nxt].indent > indent:
            raise _YamlError(
                self.lines[nxt].number, "a value continued on the next line; write it on one line"
            )
        return value, nxt

    def mapping(self, pos: int, indent: int, depth: int) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        lines = self.lines
        while pos < len(lines) and lines[pos].indent >= indent:
            line = lines[pos]
            if line.indent > indent:
                raise _YamlError(line.number, "unexpected indentation")
            entry = _entry(line)
            if entry is None:
                if line.text[0] in _SPECIAL:
                    raise _YamlError(line.number, _SPECIAL[line.text[0]])
                if _is_item(line):
                    raise _YamlError(line.number, "a list item ('- ') among the keys of a mapping")
                raise _YamlError(line.number, "expected 'key: value'")
            key, rest = entry
            if key in result:
                raise _YamlError(line.number, f"key {key!r} appears twice in the same mapping")
            nxt = pos + 1
            if rest:
                try:
                    result[key] = _scalar(line, rest)
                except _YamlError as e:
                    raise _YamlError(e.line, f"the value of {key[:60]!r}: {e.what}") from None
                if nxt < len(lines) and lines[nxt].indent > indent:
                    raise _YamlError(lines[nxt].number, "unexpected indentation after a value")
                pos = nxt
            elif nxt < len(lines) and lines[nxt].indent > indent:
                result[key], pos = self.node(nxt, lines[nxt].indent, depth + 1)
            elif nxt < len(lines) and lines[nxt].indent == indent and _is_item(lines[nxt]):
                result[key], pos = self.sequence(nxt, indent, depth + 1)
            else:
                result[key], pos = None, nxt
        return result, pos

    def sequence(self, pos: int, indent: int, depth: int) -> tuple[list[Any], int]:
        items: list[Any] = []
        lines = self.lines
        while pos < len(lines) and lines[pos].indent == indent and _is_item(lines[pos]):
            line = lines[pos]
            rest = line.text[1:]
            stripped = rest.lstrip(" ")
            if not stripped:
                nxt = pos + 1
                if nxt < len(lines) and lines[nxt].indent > indent:
                    value, pos = self.node(nxt, lines[nxt].indent, depth + 1)
                else:
                    value, pos = None, nxt
            else:
                # "- key: value" opens a mapping whose keys line up with "key"
                column = indent + 1 + len(rest) - len(stripped)
                lines[pos] = _Line(line.number, column, stripped)
                value, pos = self.node(pos, column, depth + 1)
            items.append(value)
        if pos < len(lines) and lines[pos].indent > indent:
            raise _YamlError(lines[pos].number, "unexpected indentation")
        return items, pos


def _entry(line: _Line) -> tuple[str, str] | None:
    """``(key, rest of the line)`` when the line is ``key: value`` or ``key:``; else ``None``."""
    text = line.text
    if text[0] in "\"'":
        key_value, end = _quoted(line, text)
        if not isinstance(key_value, str):  # pragma: no cover - _quoted returns text
            return None
        after = text[end:]
        if after == ":" or after.startswith(": "):
            rest = after[1:].strip(" ")
            return key_value, "" if rest.startswith("#") else rest
        return None
    colon = text.find(": ")
    if colon == -1:
        if not text.endswith(":"):
            return None
        colon = len(text) - 1
    key = text[:colon]
    if key.startswith(("- ", "#")) or key == "-" or " #" in key:
        return None
    if not key or key[0] in _SPECIAL:
        raise _YamlError(line.number, _SPECIAL.get(key[:1], "an empty key"))
    if not _PLAIN.fullmatch(key) or key[0] in ":,":
        raise _YamlError(line.number, f"key {key[:60]!r} has characters podkit never writes in a key")
    _implicit(line, key, is_key=True)
    rest = text[colon + 1 :].strip(" ")
    return key, "" if rest.startswith("#") else rest


def _quoted(line: _Line, text: str) -> tuple[str, int]:
    """A quoted scalar at the start of ``text`` and where it ends."""
    import json

    if text[0] == '"':
        # the JSON string escapes are YAML's double-quoted escapes (a subset of them)
        try:
            value, end = json.JSONDecoder().raw_decode(text)
        except ValueError:
            raise _YamlError(
                line.number,
                "a double-quoted string that is not closed, or uses an escape podkit never writes",
            ) from None
        if not isinstance(value, str):  # pragma: no cover - text starts with '"'
            raise _YamlError(line.number, "not a string")
        return value, end
    i = 1
    out: list[str] = []
    while True:
        close = text.find("'", i)
        if close == -1:
            raise _YamlError(line.number, "a single-quoted string that is not closed on its line")
        out.append(text[i:close])
        if text[close + 1 : close + 2] == "'":
            out.append("'")
            i = close + 2
            continue
        return "".join(out), close + 1


def _scalar(line: _Line, token: str) -> Any:
    """The value of a scalar token: text, an int, null, or an empty ``{}`` / ``[]``."""
    if token[0] in "\"'":
        value, end = _quoted(line, token)
        rest = token[end:].strip(" ")
        if rest and not rest.startswith("#"):
            raise _YamlError(line.number, "text after a quoted string")
        return value
    if " #" in token:
        token = token[: token.index(" #")].rstrip(" ")
    if token == "{}":
        return {}
    if token == "[]":
        return []
    if token[0] in _SPECIAL:
        raise _YamlError(line.number, _SPECIAL[token[0]])
    if not _PLAIN.fullmatch(token) or token[0] in ":,":
        raise _YamlError(line.number, "a value with characters podkit never writes unquoted")
    return _implicit(line, token, is_key=False)


_TRUE = frozenset(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"])
_FALSE = frozenset(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"])
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9_]{0,99})")
_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]{0,99})?(?:\.[0-9_]{0,99})?(?:[eE][-+]?[0-9]{1,4})?")


def _implicit(line: _Line, token: str, *, is_key: bool) -> Any:
    """A plain scalar as YAML 1.1 reads it: text, or a null, boolean, int or float (the schema
    check then names the field that has the wrong type). Keys stay text, as they do in the
    JavaScript objects cdk8s reads YAML into; a key YAML would read as a boolean, and the rarer
    implicit types (octal, hex, sexagesimal, dates), are refused rather than guessed."""
    from ._yaml import _IMPLICIT

    if not _IMPLICIT.fullmatch(token):
        return token
    if _DECIMAL.fullmatch(token):
        return token if is_key else int(token.replace("_", ""))
    if not is_key:
        if token in ("~", "null", "Null", "NULL"):
            return None
        if token in _TRUE or token in _FALSE:
            return token in _TRUE
        lowered = token.lower()
        if lowered in (".nan",):
            return float("nan")
        if lowered.lstrip("+-") == ".inf":
            return float("-inf") if token.startswith("-") else float("inf")
        if _FLOAT.fullmatch(token) and any(c in token for c in ".eE"):
            with contextlib.suppress(ValueError):
                return float(token.replace("_", ""))
    raise _YamlError(
        line.number,
        f"{token[:40]!r} reads in YAML as a {'key that is not text' if is_key else 'number or date'} "
        f"podkit never writes; quote it",
    )


# -- the store's schema -----------------------------------------------------------------------
_TYPE_NAMES = {
    dict: "a mapping",
    list: "a list",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
}


def _kind(value: object) -> str:
    """What a value read from YAML is, in words (never the value: it may be a secret)."""
    if value is None:
        return "empty (null)"
    return _TYPE_NAMES.get(type(value), f"a {type(value).__name__}")


def _parse_store(where: Path, doc: Any) -> SealedStore:
    """Check the document field by field, as ``podkit seal`` writes it (see :meth:`SealedStore.to_document`)::

        version: 1                                  # int, exactly
        certificate: sha256:<64 hex> | null         # the certificate's fingerprint
        secrets:                                    # a list (``[]`` when empty)
          - namespace: <DNS label, or "" (cluster-wide)>
            name: <DNS subdomain>
            scope: strict | namespace-wide | cluster-wide
            keys:                                   # a mapping (``{}`` when empty)
              <Secret data key>:
                sealed: <base64: 2-byte RSA length, RSA block, AES-GCM ciphertext and tag>
                fingerprint: scrypt:n=N,r=R,p=P:<base64 salt>:<base64 digest>

    Every field is required, no other field is allowed, and each Secret appears once.
    """
    from ._rules import names

    def bad(what: str, fix: str | None = None) -> SealingError:
        return _store_error(where, what, fix)

    if not isinstance(doc, dict) or "version" not in doc:
        got = "a mapping without 'version'" if isinstance(doc, dict) else _kind(doc)
        raise bad(f"expected one document with 'version: {STORE_VERSION}'; the document is {got}")
    _fields(where, doc, "the document", ("version", "certificate", "secrets"))
    version = doc["version"]
    if type(version) is not int or version != STORE_VERSION:
        later = type(version) is int and version > STORE_VERSION
        raise bad(
            f"'version' is {version!r}" if type(version) is int else f"'version' is {_kind(version)}",
            "it was written by a newer podkit: upgrade podkit" if later else None,
        )
    certificate = doc["certificate"]
    if certificate is not None and (
        not isinstance(certificate, str) or not re.fullmatch(r"sha256:[0-9a-f]{64}", certificate)
    ):
        raise bad("'certificate' is not 'sha256:' and 64 hex digits (the fingerprint podkit writes)")
    secrets = doc["secrets"]
    if not isinstance(secrets, list):
        raise bad(f"'secrets' is {_kind(secrets)}; expected a list ('[]' when empty)")
    store = SealedStore(where, certificate)
    for i, item in enumerate(secrets):
        at = f"secrets[{i}]"
        if not isinstance(item, dict):
            raise bad(f"{at} is {_kind(item)}; expected a mapping with namespace, name, scope and keys")
        _fields(where, item, at, ("namespace", "name", "scope", "keys"))
        namespace, name, scope, keys = (item[k] for k in ("namespace", "name", "scope", "keys"))
        if not isinstance(name, str) or not name:
            raise bad(f"{at}: 'name' is {_kind(name) if name != '' else 'empty'}; expected the Secret's name")
        if not isinstance(namespace, str):
            raise bad(f"{at}: 'namespace' is {_kind(namespace)}; expected a string ('' for none)")
        # (checked before either is shown: the messages quote them)
        problem = _too_long("'name'", name, 253) or names.dns_subdomain_error("'name'", name)
        if problem is None and namespace:
            problem = _too_long("'namespace'", namespace, 63) or names.dns_label_error(
                "'namespace'", namespace
            )
        if problem is not None:
            raise bad(f"{at}: {problem}")
        at = f"{at} ({namespace}/{name})" if namespace else f"{at} ({name})"
        try:
            parsed_scope = SealingScope(scope) if isinstance(scope, str) else None
        except ValueError:
            parsed_scope = None
        if parsed_scope is None:
            shown = repr(scope[:40]) if isinstance(scope, str) else _kind(scope)
            raise bad(f"{at}: 'scope' is {shown}; expected one of {', '.join(s.value for s in SealingScope)}")
        if not namespace and parsed_scope is not SealingScope.CLUSTER_WIDE:
            raise bad(f"{at}: a {parsed_scope.value} Secret needs a namespace; 'namespace' is empty")
        if (namespace, name) in store.secrets:
            raise bad(f"{at}: this Secret is listed twice")
        if not isinstance(keys, dict):
            raise bad(
                f"{at}: 'keys' is {_kind(keys)}; expected a mapping of key to sealed value ('{{}}' when none)"
            )
        entry = SealedEntry(namespace, name, parsed_scope)
        for key, value in keys.items():
            shown_key = (
                repr(key[:60]) + ("..." if len(key) > 60 else "") if isinstance(key, str) else _kind(key)
            )
            where_key = f"{at} key {shown_key}"
            fix = (
                f"restore the file from git (`git checkout -- {where.name}`), or delete key {shown_key} of "
                f"{namespace + '/' if namespace else ''}{name} from it and run `podkit seal` to re-seal it"
            )
            if not isinstance(key, str):
                raise bad(f"{at}: a key is {_kind(key)}, not text", fix)
            key_problem = _too_long("the key", key, 253) or names.config_key_error("the key", key)
            if key_problem is not None:
                raise bad(f"{at}: {key_problem}", fix)
            if not isinstance(value, dict):
                raise bad(
                    f"{where_key} is {_kind(value)}; expected a mapping with 'sealed' and 'fingerprint'", fix
                )
            _fields(where, value, where_key, ("sealed", "fingerprint"), fix)
            sealed, stored = value["sealed"], value["fingerprint"]
            if not isinstance(sealed, str):
                raise bad(f"{where_key}: 'sealed' is {_kind(sealed)}; expected the base64 sealed value", fix)
            layout = _sealed_layout_error(sealed)
            if layout is not None:
                raise bad(f"{where_key}: 'sealed' {layout}, so the controller could not unseal it", fix)
            if not isinstance(stored, str):
                raise bad(f"{where_key}: 'fingerprint' is {_kind(stored)}; expected 'scrypt:...'", fix)
            params = _parse_fingerprint(stored)
            if isinstance(params, str):
                raise bad(f"{where_key}: 'fingerprint' {params}", fix)
            entry.keys[key] = SealedValue(sealed, stored)
        store.secrets[(namespace, name)] = entry
    return store


def _too_long(what: str, value: str, limit: int) -> str | None:
    """A name too long to be valid, said without quoting all of it."""
    if len(value) <= limit:
        return None
    return f"{what} {value[:40]!r}... is {len(value)} characters, more than the {limit} Kubernetes allows"


def _fields(
    where: Path, mapping: dict[Any, Any], at: str, expected: tuple[str, ...], fix: str | None = None
) -> None:
    missing = [k for k in expected if k not in mapping]
    unknown = [k for k in mapping if k not in expected]
    if missing:
        raise _store_error(where, f"{at} has no {', '.join(repr(k) for k in missing)}", fix)
    if unknown:
        shown = ", ".join(repr(k)[:60] for k in unknown[:5])
        raise _store_error(
            where,
            f"{at} has field(s) {shown} that podkit does not write; expected only {', '.join(expected)}",
            fix,
        )


# -- sealing into the store -------------------------------------------------------------------
_V = TypeVar("_V")


class Hidden(Mapping[str, _V]):
    """A read-only mapping of key to secret value whose ``repr`` (and ``str``, and so every
    traceback, log or debugger view that shows it) names the keys only, never a value."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, _V]) -> None:
        self._values = dict(values)

    def __getitem__(self, key: str) -> _V:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        keys = ", ".join(repr(k) if isinstance(k, str) else type(k).__name__ for k in self._values)
        return f"<{type(self).__name__} of {len(self._values)} key(s): {keys}; values not shown>"

    __str__ = __repr__

    def __reduce__(self) -> tuple[type[Hidden[_V]], tuple[dict[str, _V]]]:
        return (type(self), (self._values,))


class Plaintexts(Hidden[bytes]):
    """The plaintext values of one Secret, key to bytes (see :class:`Hidden`)."""

    __slots__ = ()


@dataclass(frozen=True, repr=False)
class SealRequest:
    """One Secret to seal: where it will live, its scope, its plaintext values, and its type.

    ``values`` is kept as :class:`Plaintexts`: ``repr(request)`` and ``str(request)`` show the
    keys, never a value. ``type`` is the Secret's type (``kubernetes.io/dockerconfigjson``, ...):
    the values are checked as the API server will check the Secret the controller makes from
    them, before anything is sealed. ``path`` is the construct path errors name.
    """

    namespace: str | None
    name: str
    scope: SealingScope
    values: Mapping[str, bytes]
    type: str = "Opaque"
    path: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.values, Mapping) and not isinstance(self.values, Plaintexts):
            object.__setattr__(self, "values", Plaintexts(self.values))
        if isinstance(self.type, enum.Enum):
            object.__setattr__(self, "type", self.type.value)

    def __repr__(self) -> str:
        scope = self.scope.value if isinstance(self.scope, SealingScope) else type(self.scope).__name__
        keys = list(self.values) if isinstance(self.values, Plaintexts) else "?"
        return (
            f"SealRequest(namespace={self.namespace!r}, name={self.name!r}, scope={scope}, "
            f"type={self.type!r}, keys={keys!r}, values not shown)"
        )

    __str__ = __repr__


class SealAction(NamedTuple):
    """What ``podkit seal`` did with one key; ``reason`` is empty for a key kept as it was."""

    namespace: str
    name: str
    key: str
    action: str  # "sealed", "kept" or "dropped"
    reason: str = ""


@dataclass
class SealReport:
    """What one run of :func:`seal_into_store` did, key by key. ``changed``: the file was rewritten."""

    store_path: Path
    actions: list[SealAction] = field(default_factory=list)
    changed: bool = False

    def of(self, action: str) -> list[SealAction]:
        return [a for a in self.actions if a.action == action]

    def __str__(self) -> str:
        lines = [
            f"{a.action} {a.namespace}/{a.name} {a.key}" + (f" ({a.reason})" if a.reason else "")
            for a in self.actions
            if a.action != "kept"
        ]
        kept = len(self.of("kept"))
        lines.append(
            f"{self.store_path.name}: {len(self.of('sealed'))} sealed, {kept} unchanged, "
            f"{len(self.of('dropped'))} dropped" + ("" if self.changed else " (file unchanged)")
        )
        return "\n".join(lines)


def _as_request(raw: object) -> SealRequest:
    if isinstance(raw, SealRequest):
        return raw
    if isinstance(raw, tuple) and 4 <= len(raw) <= 6:
        return SealRequest(*raw)
    raise PodkitTypeError(
        "",
        f"each Secret to seal must be a SealRequest or a (namespace, name, scope, values) tuple, got {_kind(raw)}",
    )


def _check_request(request: SealRequest) -> tuple[str, str]:
    where = f"{request.namespace}/{request.name}" if request.namespace else repr(request.name)
    if not isinstance(request.name, str) or not request.name:
        raise SealingError(
            request.path, f"a Secret to seal needs a name (a string), got {_kind(request.name)}"
        )
    if request.namespace is not None and not isinstance(request.namespace, str):
        raise SealingError(
            request.path, f"Secret {where}: namespace must be a string, got {_kind(request.namespace)}"
        )
    if not isinstance(request.scope, SealingScope):
        raise SealingError(
            request.path,
            f"Secret {request.name!r}: scope must be a SealingScope (e.g. SealingScope.STRICT), got {request.scope!r}",
        )
    if not request.namespace and request.scope is not SealingScope.CLUSTER_WIDE:
        raise SealingError(
            request.path,
            f"Secret {request.name!r} has no namespace, but a {request.scope.value} SealedSecret is bound to "
            f"its namespace; set namespace= on the Secret or its chart, or use SealingScope.CLUSTER_WIDE",
        )
    if not isinstance(request.type, str):
        raise SealingError(request.path, f"Secret {where}: type must be a string, got {_kind(request.type)}")
    if not isinstance(request.values, Plaintexts):
        raise SealingError(
            request.path,
            f"Secret {where}: values must be a mapping of key to bytes, got {_kind(request.values)}",
        )
    for key in request.values:
        if not isinstance(key, str):
            raise SealingError(request.path, f"Secret {where}: every key must be a string, got {_kind(key)}")
        if not isinstance(request.values[key], bytes):
            raise SealingError(
                request.path,
                f"Secret {request.namespace}/{request.name} key {key!r}: value must be bytes, "
                f"got {type(request.values[key]).__name__}",
            )
    return request.namespace or "", request.name


def _content_problems(request: SealRequest) -> list[Problem]:
    """What the API server would reject in the Secret the controller makes from ``request``'s
    values: the same rules (``_rules``, ``ValidateSecret``) as for an inline ``SecretEnv``, so a
    malformed ``.dockerconfigjson``, a bad key or more than 1 MiB fails here, not in the cluster.
    Their messages name keys and sizes, never a value."""
    from . import _rules

    metadata: dict[str, Any] = {"name": request.name}
    if request.namespace:
        metadata["namespace"] = request.namespace
    doc = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata,
        "type": request.type,
        "data": {k: base64.b64encode(request.values[k]).decode("ascii") for k in request.values},
    }
    return _rules.check_object(doc, request.path)


def _check_folder(where: Path) -> None:
    if not where.parent.is_dir():
        raise SealingError(
            "",
            f"sealed store {str(where)!r}: its folder {str(where.parent)!r} does not exist (or is not a "
            f"folder), so the store cannot be written; create the folder, or point Sealing(store=...) at "
            f"an existing one",
        )


@dataclass
class SealPlan:
    """What :func:`prepare_seal` worked out for one store, before anything is written.

    Every check passed and every value is sealed; :meth:`write` writes the store (only when its
    text changed). Preparing every store first and writing them after keeps one bad store
    from leaving the others half-updated.
    """

    report: SealReport
    text: str
    current: str | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        return self.text != self.current

    def write(self) -> SealReport:
        """Write the store (write-then-rename: an interrupted run never leaves half a store)."""
        import tempfile

        path = self.report.store_path
        if not self.changed:
            return self.report
        tmp: str | None = None
        try:
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(self.text)
            os.chmod(tmp, mode)
            os.replace(tmp, path)
            tmp = None
        except OSError as e:
            raise SealingError(
                "",
                f"sealed store {str(path)!r} cannot be written ({e.strerror or type(e).__name__}); it is "
                f"unchanged; make its folder writable and run `podkit seal` again",
            ) from None
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        self.report.changed = True
        self.current = self.text
        return self.report


def prepare_seal(
    store_path: str | os.PathLike[str],
    cert_path: str | os.PathLike[str],
    secrets: Iterable[SealRequest | tuple[Any, ...]],
    *,
    force: bool = False,
    now: datetime.datetime | None = None,
) -> SealPlan:
    """Check everything and seal what needs sealing into a new store text, writing nothing.

    See :func:`seal_into_store` for what is re-sealed. Plaintext values are only ever held in
    :class:`Plaintexts` here, so a traceback of a failure shows keys, never values.

    :raises SealingError: a bad certificate (see :func:`load_certificate`), a bad store (see
        :func:`load_store`), a store whose folder is missing, a Secret declared twice, a strict
        or namespace-wide Secret without a namespace, values the API server would reject in the
        Secret the controller makes (see :func:`_content_problems`), or a kept sealed value that
        does not fit the certificate the store says it was sealed with.
    """
    requests = [_as_request(raw) for raw in secrets]
    del secrets  # the caller's tuples show their values; only the requests stay in this frame
    cert = load_certificate(cert_path, now=now)
    old = load_store(store_path)
    _check_folder(old.path)
    seen: set[tuple[str, str]] = set()
    for request in requests:
        namespace, name = _check_request(request)
        if (namespace, name) in seen:
            raise SealingError(
                request.path,
                f"Secret {namespace}/{name} is declared twice for sealing; give one of them another name",
            )
        seen.add((namespace, name))
        problems = _content_problems(request)
        if problems:
            raise SealingError(
                request.path,
                f"Secret {namespace + '/' if namespace else ''}{name} would be rejected by the API server when "
                f"the controller unseals it, so it was not sealed: "
                + "; ".join(p.message + (f" ({p.fix})" if p.fix else "") for p in problems),
            )
    new = SealedStore(old.path, cert.fingerprint)
    report = SealReport(old.path)
    cert_changed = old.certificate is not None and old.certificate != cert.fingerprint
    rsa_block = (cert.public_key.key_size + 7) // 8
    for request in requests:
        namespace, name = request.namespace or "", request.name
        previous = old.secrets.get((namespace, name))
        entry = new.secrets[(namespace, name)] = SealedEntry(namespace, name, request.scope)
        for key in sorted(request.values):
            kept = previous.keys.get(key) if previous is not None else None
            if kept is None:
                reason = "new"
            elif force:
                reason = "forced"
            elif cert_changed:
                reason = "certificate changed"
            elif previous is not None and previous.scope is not request.scope:
                reason = f"scope changed from {previous.scope.value}"
            elif old.certificate is not None and _rsa_block_length(kept.sealed) != rsa_block:
                raise _store_error(
                    old.path,
                    f"{namespace}/{name} key {key!r} was not sealed with the certificate the store names "
                    f"(its RSA block is {_rsa_block_length(kept.sealed)} bytes, the key's {rsa_block})",
                    "restore the file from git, or run `podkit seal --force` to re-seal every value",
                )
            elif not fingerprint_matches(request.values[key], kept.fingerprint):
                reason = "value changed"
            else:
                entry.keys[key] = kept
                report.actions.append(SealAction(namespace, name, key, "kept"))
                continue
            entry.keys[key] = _seal_key(cert, request, key)
            report.actions.append(SealAction(namespace, name, key, "sealed", reason))
        if previous is not None:
            for key in sorted(set(previous.keys) - set(request.values)):
                report.actions.append(SealAction(namespace, name, key, "dropped", "no longer declared"))
    for (namespace, name), gone in sorted(old.secrets.items()):
        if (namespace, name) not in new.secrets:
            for key in sorted(gone.keys):
                report.actions.append(
                    SealAction(namespace, name, key, "dropped", "Secret no longer declared")
                )
    return SealPlan(report, new.dumps(), old.text)


def _seal_key(cert: SealingCertificate, request: SealRequest, key: str) -> SealedValue:
    # (a function of its own: the plaintext is bound to no name in prepare_seal's frame)
    value = request.values[key]
    namespace = request.namespace or ""
    return SealedValue(
        seal_value(cert, value, namespace=namespace, name=request.name, scope=request.scope),
        fingerprint(value),
    )


def seal_into_store(
    store_path: str | os.PathLike[str],
    cert_path: str | os.PathLike[str],
    secrets: Iterable[SealRequest | tuple[Any, ...]],
    *,
    force: bool = False,
    now: datetime.datetime | None = None,
) -> SealReport:
    """Seal what needs sealing into the store and rewrite it (only when something changed).

    A key is (re)sealed when it is new, when ``force`` is set, when its plaintext no longer
    matches its fingerprint, when the certificate changed, or when its Secret's scope changed;
    otherwise its sealed value is kept byte for byte, so the store (and ``dist/``) does not
    churn. Keys, and Secrets, no longer in ``secrets`` are dropped: pass every sealed Secret of
    the app. Everything is checked before anything is written: on any error the store is left
    as it was.

    :raises SealingError: see :func:`prepare_seal`; also a store that cannot be written.
    """
    requests = [_as_request(raw) for raw in secrets]
    del secrets  # (as in prepare_seal: a traceback through here shows requests, never values)
    return prepare_seal(store_path, cert_path, requests, force=force, now=now).write()


class Sealable(Protocol):
    """A construct ``podkit seal`` can seal: it knows where its Secret lives and its plaintext."""

    def sealing_request(self) -> SealRequest: ...


def seal_app(
    secrets: Iterable[Sealable | SealRequest],
    *,
    store_path: str | os.PathLike[str],
    cert_path: str | os.PathLike[str],
    force: bool = False,
    now: datetime.datetime | None = None,
) -> SealReport:
    """The logic of ``podkit seal``: seal every sealed Secret of an app into its store.

    ``secrets`` are the app's sealed Secrets (constructs answering ``sealing_request()``, or
    requests). Plaintext is read here (literals, files, environment variables), on the machine
    of whoever runs ``podkit seal``; synth never needs it.
    """
    requests = [s if isinstance(s, SealRequest) else s.sealing_request() for s in secrets]
    return seal_into_store(store_path, cert_path, requests, force=force, now=now)


def seal_stores(
    jobs: Iterable[tuple[str | os.PathLike[str], str | os.PathLike[str], Iterable[Sealable | SealRequest]]],
    *,
    force: bool = False,
    now: datetime.datetime | None = None,
) -> list[SealReport]:
    """Seal several stores all or nothing: ``jobs`` is ``(store_path, cert_path, secrets)`` per
    store. Every store is checked and sealed first (:func:`prepare_seal`), then all are written,
    so one bad store (or certificate, or value) leaves every store as it was."""
    plans = [
        prepare_seal(
            store,
            cert,
            [s if isinstance(s, SealRequest) else s.sealing_request() for s in secrets],
            force=force,
            now=now,
        )
        for store, cert, secrets in jobs
    ]
    return [plan.write() for plan in plans]


# -- rendering --------------------------------------------------------------------------------
def render_sealed_secret(
    *,
    name: str,
    namespace: str | None,
    scope: SealingScope,
    secret_type: str | enum.Enum,
    labels: Mapping[str, str],
    annotations: Mapping[str, str],
    immutable: bool,
    keys: Sequence[str],
    store: SealedStore,
    path: str = "",
    problems: list[Problem] | None = None,
) -> dict[str, Any]:
    """The ``SealedSecret`` for a Secret whose keys are sealed in ``store``. Needs no plaintext.

    ``spec.template`` carries what the controller puts on the Secret it creates (type, labels,
    annotations, immutability); ``metadata`` carries the scope annotations the controller
    unseals by. Keys in ``keys`` that the store lacks (or sealed for another scope) are
    problems: appended to ``problems`` when given, else raised as one :class:`SealingError`.
    """
    found: list[Problem] = []
    store_name = store.path.name
    fix = f"run `podkit seal` where the plaintext is available, then commit {store_name}"
    entry = store.entry(namespace, name)
    encrypted: dict[str, str] = {}
    where = f"{namespace}/{name}" if namespace else name
    if entry is not None and entry.scope is not scope:
        found.append(
            Problem(
                path,
                f"Secret {where} is sealed in {store_name} for scope {entry.scope.value!r}, but declared "
                f"{scope.value!r}, so the controller could not unseal it",
                fix,
                "sealing",
            )
        )
    else:
        for key in sorted(keys):
            value = entry.keys.get(key) if entry is not None else None
            if value is None:
                found.append(
                    Problem(
                        path, f"key {key!r} of Secret {where} is not sealed in {store_name}", fix, "sealing"
                    )
                )
            else:
                encrypted[key] = value.sealed
    if found:
        if problems is None:
            raise SealingError(path, "; ".join(f"{p.message}" for p in found) + f"; {fix}")
        problems.extend(found)
    type_value = secret_type.value if isinstance(secret_type, enum.Enum) else secret_type
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = dict(sorted(labels.items()))
    template_meta = dict(meta)
    if scope.annotations:
        meta["annotations"] = scope.annotations
    if annotations:
        template_meta["annotations"] = dict(sorted(annotations.items()))
    template: dict[str, Any] = {"metadata": template_meta, "type": type_value}
    if immutable:
        template["immutable"] = True
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": meta,
        "spec": {"encryptedData": encrypted, "template": template},
    }
