"""A self-signed certificate for the local default and for tests.

Production uses the organisation's certificate from a Vietnamese CA (a
PKCS#12 file named by ``SIGNING_PKCS12``); this one only lets the demo sign.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path

DEMO_ORGANISATION = "Ủy ban nhân dân tỉnh Quảng Nam"
DEMO_COMMON_NAME = "UBND tỉnh Quảng Nam (chứng thư thử nghiệm)"


def demo_pkcs12(
    *,
    common_name: str = DEMO_COMMON_NAME,
    organisation: str = DEMO_ORGANISATION,
    passphrase: bytes | None = None,
    days: int = 3650,
) -> bytes:
    """A PKCS#12 file with a new RSA key and a self-signed certificate for
    digital signatures (non-repudiation), encrypted with ``passphrase`` if given."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(common_name.encode(), key, certificate, None, encryption)


def write_demo_certificate(path: Path, *, passphrase: bytes | None = None, **options) -> Path:
    """Write a demo PKCS#12 file to ``path`` atomically (readable by the owner only)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = demo_pkcs12(passphrase=passphrase, **options)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".demo-", suffix=".p12")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path
