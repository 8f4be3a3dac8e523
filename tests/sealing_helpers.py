"""Test-only helpers for Sealed Secrets: unsealing lives here, never in the library.

``unseal`` mirrors the controller's ``HybridDecrypt`` (bitnami-labs/sealed-secrets
``pkg/crypto/crypto.go``), so a value it unseals is one the controller would unseal.
"""

from __future__ import annotations

import base64
import datetime
import random
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FIXTURES = Path(__file__).parent / "fixtures" / "sealed-secrets"
CERT = FIXTURES / "tls.crt"
KEY = FIXTURES / "tls.key"


def private_key() -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(KEY.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def unseal(key: rsa.RSAPrivateKey, ciphertext: bytes, label: bytes) -> bytes:
    """Decrypt one sealed value; raises (ValueError / InvalidTag) for a wrong label or key."""
    if len(ciphertext) < 2:
        raise ValueError("SealedSecret data is too short")
    rsa_len = int.from_bytes(ciphertext[:2], "big")
    if len(ciphertext) < rsa_len + 2:
        raise ValueError("SealedSecret data is too short")
    session_key = key.decrypt(
        ciphertext[2 : rsa_len + 2],
        padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=label),
    )
    return AESGCM(session_key).decrypt(bytes(12), ciphertext[rsa_len + 2 :], None)


def unseal_b64(key: rsa.RSAPrivateKey, sealed: str, label: bytes) -> bytes:
    return unseal(key, base64.b64decode(sealed, validate=True), label)


# -- certificates for the refusal tests (made at test time; none of them is ever committed) ---
def _probable_prime(bits: int, rng: random.Random) -> int:
    """A random prime of ``bits`` bits (Miller-Rabin, 40 rounds): for keys cryptography will
    not generate, such as RSA-512."""
    while True:
        candidate = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
        if candidate % 65537 != 1 and _is_probable_prime(candidate, rng):
            return candidate


def _is_probable_prime(n: int, rng: random.Random) -> bool:
    if n < 4:
        return n in (2, 3)
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(40):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def weak_rsa_key(bits: int, seed: int = 512) -> rsa.RSAPrivateKey:
    """An RSA key of ``bits`` bits, built from its primes (cryptography generates 1024 and up only)."""
    rng = random.Random(seed)
    e = 65537
    p = _probable_prime(bits // 2, rng)
    q = _probable_prime(bits - bits // 2, rng)
    while q == p:
        q = _probable_prime(bits - bits // 2, rng)
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=d % (p - 1),
        dmq1=d % (q - 1),
        iqmp=pow(q, -1, p),
        public_numbers=rsa.RSAPublicNumbers(e, p * q),
    )
    return numbers.private_key()


def make_cert(
    path: Path,
    public_key: CertificatePublicKeyTypes,
    *,
    not_after: datetime.datetime | None = None,
    signer: rsa.RSAPrivateKey | None = None,
) -> Path:
    """A self-issued PEM certificate for ``public_key``, signed by ``signer`` (a fresh RSA-2048
    key by default, so any public key, however weak, can be certified)."""
    signer = signer or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "sealed-secret-test")])
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(not_after or start.replace(year=2120))
        .sign(signer, hashes.SHA256())
    )
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path
