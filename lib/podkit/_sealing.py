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
import datetime
import enum
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

from .errors import Problem, SealingError

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
_FINGERPRINT = re.compile(r"^scrypt:n=(\d+),r=(\d+),p=(\d+):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$")


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

    :param now: the time to check expiry against. Default: the current UTC time.
    :raises SealingError: the file is missing or unreadable, holds no PEM certificate, its
        key is not RSA, or it has expired (kubeseal refuses expired certificates too).
    """
    # cryptography loads only when sealing: synth reads the store and never needs it
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    where = os.fspath(path)
    fetch = f"fetch the controller's certificate with `kubeseal --fetch-cert > {where}` and commit it"
    try:
        data = Path(where).read_bytes()
    except FileNotFoundError:
        raise SealingError("", f"sealing certificate {where!r} does not exist; {fetch}") from None
    except OSError as e:
        raise SealingError("", f"sealing certificate {where!r} cannot be read ({e.strerror})") from None
    if b"-----BEGIN CERTIFICATE-----" not in data:
        raise SealingError(
            "",
            f"sealing certificate {where!r} holds no PEM certificate ('-----BEGIN CERTIFICATE-----'); "
            f"expected the controller's public certificate (not its private key, not DER); {fetch}",
        )
    try:
        cert = x509.load_pem_x509_certificates(data)[0]
    except ValueError as e:
        raise SealingError(
            "", f"sealing certificate {where!r} is not a valid PEM certificate ({e}); {fetch}"
        ) from None
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SealingError(
            "",
            f"sealing certificate {where!r} has {_key_kind(key)} key; the "
            f"sealed-secrets controller seals with RSA keys only; {fetch}",
        )
    moment = now if now is not None else datetime.datetime.now(datetime.UTC)
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


# -- fingerprints -----------------------------------------------------------------------------
def fingerprint(value: bytes, *, salt: bytes | None = None) -> str:
    """A salted scrypt hash of ``value``: tells a changed value from the same one, reveals neither."""
    salt = os.urandom(16) if salt is None else salt
    import hashlib

    digest = hashlib.scrypt(value, salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return (
        f"scrypt:n={_SCRYPT_N},r={_SCRYPT_R},p={_SCRYPT_P}:"
        f"{base64.b64encode(salt).decode()}:{base64.b64encode(digest).decode()}"
    )


def fingerprint_matches(value: bytes, stored: str) -> bool:
    """Whether ``value`` is the value ``stored`` was made from (``False`` for a malformed one)."""
    import hashlib
    import hmac

    match = _FINGERPRINT.match(stored)
    if match is None:
        return False
    n, r, p = (int(match.group(i)) for i in (1, 2, 3))
    try:
        salt = base64.b64decode(match.group(4), validate=True)
        expected = base64.b64decode(match.group(5), validate=True)
        digest = hashlib.scrypt(
            value, salt=salt, n=n, r=r, p=p, dklen=len(expected), maxmem=256 * 1024 * 1024
        )
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(digest, expected)


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
    """The committed file of sealed values. ``certificate`` is the fingerprint they were sealed with."""

    path: Path
    certificate: str | None = None
    secrets: dict[tuple[str, str], SealedEntry] = field(default_factory=dict)

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


def load_store(path: str | os.PathLike[str]) -> SealedStore:
    """Read the store; a missing file is an empty store (every key then reads as not sealed).

    :raises SealingError: the file is not a store this version of podkit wrote.
    """
    where = Path(os.path.abspath(os.fspath(path)))
    if not where.exists():
        return SealedStore(where)
    # The YAML podkit writes is read back by the same `yaml` package that cdk8s writes it
    # with (in Node), so no second YAML library is needed at run time.
    import cdk8s

    try:
        docs = cdk8s.Yaml.load(str(where))
    except Exception as e:  # jsii surfaces Node's parse errors as a plain Exception
        raise SealingError(
            "", f"sealed store {str(where)!r} is not valid YAML ({e}); run `podkit seal` to rewrite it"
        ) from None
    return _parse_store(where, docs[0] if len(docs) == 1 else None)


def _parse_store(where: Path, doc: Any) -> SealedStore:
    def bad(what: str) -> SealingError:
        return SealingError(
            "",
            f"sealed store {str(where)!r}: {what}; it must be a file written by `podkit seal` "
            f"(restore it from git or delete it and run `podkit seal` again)",
        )

    if not isinstance(doc, dict) or doc.get("version") != STORE_VERSION:
        raise bad(f"expected one document with 'version: {STORE_VERSION}'")
    certificate = doc.get("certificate")
    if certificate is not None and not isinstance(certificate, str):
        raise bad("'certificate' must be a string")
    store = SealedStore(where, certificate)
    secrets = doc.get("secrets") or []
    if not isinstance(secrets, list):
        raise bad("'secrets' must be a list")
    for i, item in enumerate(secrets):
        if not isinstance(item, dict):
            raise bad(f"secrets[{i}] must be a mapping")
        namespace, name, scope, keys = (item.get(k) for k in ("namespace", "name", "scope", "keys"))
        if not isinstance(namespace, str) or not isinstance(name, str) or not name:
            raise bad(f"secrets[{i}] needs a string 'namespace' and 'name'")
        try:
            parsed_scope = SealingScope(scope)
        except ValueError:
            raise bad(
                f"secrets[{i}] has scope {scope!r}; expected one of {[s.value for s in SealingScope]}"
            ) from None
        entry = SealedEntry(namespace, name, parsed_scope)
        for key, value in (keys or {}).items():
            if (
                not isinstance(value, dict)
                or not isinstance(value.get("sealed"), str)
                or not isinstance(value.get("fingerprint"), str)
            ):
                raise bad(f"secrets[{i}] key {key!r} needs string 'sealed' and 'fingerprint'")
            entry.keys[str(key)] = SealedValue(value["sealed"], value["fingerprint"])
        store.secrets[(namespace, name)] = entry
    return store


# -- sealing into the store -------------------------------------------------------------------
class SealRequest(NamedTuple):
    """One Secret to seal: where it will live, its scope, and its plaintext values."""

    namespace: str | None
    name: str
    scope: SealingScope
    values: Mapping[str, bytes]


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


def _check_request(request: SealRequest) -> tuple[str, str]:
    if not isinstance(request.scope, SealingScope):
        raise SealingError(
            "",
            f"Secret {request.name!r}: scope must be a SealingScope (e.g. SealingScope.STRICT), got {request.scope!r}",
        )
    if not request.namespace and request.scope is not SealingScope.CLUSTER_WIDE:
        raise SealingError(
            "",
            f"Secret {request.name!r} has no namespace, but a {request.scope.value} SealedSecret is bound to "
            f"its namespace; set namespace= on the Secret or its chart, or use SealingScope.CLUSTER_WIDE",
        )
    for key, value in request.values.items():
        if not isinstance(value, bytes):
            raise SealingError(
                "",
                f"Secret {request.namespace}/{request.name} key {key!r}: value must be bytes, got {type(value).__name__}",
            )
    return request.namespace or "", request.name


def seal_into_store(
    store_path: str | os.PathLike[str],
    cert_path: str | os.PathLike[str],
    secrets: Iterable[SealRequest | tuple[str | None, str, SealingScope, Mapping[str, bytes]]],
    *,
    force: bool = False,
    now: datetime.datetime | None = None,
) -> SealReport:
    """Seal what needs sealing into the store and rewrite it (only when something changed).

    A key is (re)sealed when it is new, when ``force`` is set, when its plaintext no longer
    matches its fingerprint, when the certificate changed, or when its Secret's scope changed;
    otherwise its sealed value is kept byte for byte, so the store (and ``dist/``) does not
    churn. Keys, and Secrets, no longer in ``secrets`` are dropped: pass every sealed Secret of
    the app.

    :raises SealingError: a bad certificate (see :func:`load_certificate`), a Secret declared
        twice, a strict or namespace-wide Secret without a namespace.
    """
    cert = load_certificate(cert_path, now=now)
    old = load_store(store_path)
    new = SealedStore(old.path, cert.fingerprint)
    report = SealReport(old.path)
    cert_changed = old.certificate is not None and old.certificate != cert.fingerprint
    for raw in secrets:
        request = SealRequest(*raw)
        namespace, name = _check_request(request)
        if (namespace, name) in new.secrets:
            raise SealingError(
                "", f"Secret {namespace}/{name} is declared twice for sealing; give one of them another name"
            )
        previous = old.secrets.get((namespace, name))
        entry = new.secrets[(namespace, name)] = SealedEntry(namespace, name, request.scope)
        for key, value in sorted(request.values.items()):
            kept = previous.keys.get(key) if previous is not None else None
            if kept is None:
                reason = "new"
            elif force:
                reason = "forced"
            elif cert_changed:
                reason = "certificate changed"
            elif previous is not None and previous.scope is not request.scope:
                reason = f"scope changed from {previous.scope.value}"
            elif not fingerprint_matches(value, kept.fingerprint):
                reason = "value changed"
            else:
                entry.keys[key] = kept
                report.actions.append(SealAction(namespace, name, key, "kept"))
                continue
            sealed = seal_value(cert, value, namespace=namespace, name=name, scope=request.scope)
            entry.keys[key] = SealedValue(sealed, fingerprint(value))
            report.actions.append(SealAction(namespace, name, key, "sealed", reason))
        if previous is not None:
            for key in sorted(set(previous.keys) - set(request.values)):
                report.actions.append(SealAction(namespace, name, key, "dropped", "no longer declared"))
    for (namespace, name), entry in sorted(old.secrets.items()):
        if (namespace, name) not in new.secrets:
            for key in sorted(entry.keys):
                report.actions.append(
                    SealAction(namespace, name, key, "dropped", "Secret no longer declared")
                )
    text = new.dumps()
    current = old.path.read_text(encoding="utf-8") if old.path.exists() else None
    if text != current:
        # write-then-rename: an interrupted run never leaves half a store behind
        tmp = old.path.with_name(f".{old.path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, old.path)
        report.changed = True
    return report


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
