"""Make the TEST-ONLY Sealed Secrets key pair and the bad certificates in tests/fixtures/sealed-secrets/.

``tls.crt``/``tls.key``: a self-signed RSA-4096 certificate (the controller's default size), valid
for 100 years so the tests never start failing on a date; ``expired.crt`` and ``ec.crt`` exist to
be refused. The private key is public (it is in git): never give it to a controller in a cluster.

Run ``python tools/gen_sealing_fixtures.py`` to regenerate (every value sealed with the old
key, e.g. in the example app's store, must then be sealed again with ``podkit seal``).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "sealed-secrets"


def _cert(key: CertificateIssuerPrivateKeyTypes, start: datetime.datetime, end: datetime.datetime) -> bytes:
    # the controller's own certificate has the same shape: self-signed, CN=sealed-secret
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "sealed-secret (podkit TEST ONLY)")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=4096)
    (OUT / "tls.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    (OUT / "tls.crt").write_bytes(_cert(key, start, start.replace(year=2126)))
    old = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (OUT / "expired.crt").write_bytes(
        _cert(
            old,
            datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
            datetime.datetime(2020, 2, 1, tzinfo=datetime.UTC),
        )
    )
    (OUT / "ec.crt").write_bytes(
        _cert(ec.generate_private_key(ec.SECP256R1()), start, start.replace(year=2126))
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
