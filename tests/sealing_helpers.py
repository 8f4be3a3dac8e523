"""Test-only helpers for Sealed Secrets: unsealing lives here, never in the library.

``unseal`` mirrors the controller's ``HybridDecrypt`` (bitnami-labs/sealed-secrets
``pkg/crypto/crypto.go``), so a value it unseals is one the controller would unseal.
"""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
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
