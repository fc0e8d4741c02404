"""Signing keys for C2PA: the configuration type and development keys made on first use.

c2pa-python 0.38 accepts a chain of a leaf plus a root, where the leaf has BasicConstraints
CA=false, KeyUsage digitalSignature, EKU emailProtection and SKI/AKI (a self-signed leaf, or one
without the EKU, is refused). Development keys follow exactly that shape: a P-256 root CA and a
leaf, written outside the repository (`$FRAMECAST_DEV_KEYS_DIR`, else
`~/.local/share/framecast/dev-keys/`) with a 0700 directory and 0600 files. The root's private
key is not kept: nothing else can be issued under the development root. Two processes starting
at once are serialised by an exclusive lock on a lock file; files are written to a temporary
name and renamed, so a reader never sees half a key.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CHAIN_FILE = "chain.pem"  # leaf certificate followed by the root certificate
KEY_FILE = "signer.key"  # the leaf's private key, PKCS#8 PEM
ROOT_FILE = "root.pem"  # the trust anchor readers need to report "Trusted"
VALIDITY = dt.timedelta(days=3650)


@dataclass(frozen=True)
class SigningConfig:
    cert_chain_pem: bytes  # leaf first, then the root
    private_key_pem: bytes
    trust_anchor_pem: bytes | None = None  # the root, for verifying our own files as Trusted
    algorithm: str = "es256"
    timestamp_url: str | None = None  # an RFC 3161 TSA; None signs without a timestamp


def dev_keys_dir() -> Path:
    configured = os.environ.get("FRAMECAST_DEV_KEYS_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".local" / "share" / "framecast" / "dev-keys"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Framecast (development)"),
        ]
    )


def _generate() -> tuple[bytes, bytes, bytes]:
    """(chain PEM, leaf key PEM, root PEM) for a fresh development root and leaf."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name("Framecast Development Root CA")
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(root_ski, critical=False)
        .sign(root_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("Framecast Development Signer"))
        .issuer_name(root_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), False
        )
        .sign(root_key, hashes.SHA256())
    )
    root_pem = root.public_bytes(serialization.Encoding.PEM)
    chain_pem = leaf.public_bytes(serialization.Encoding.PEM) + root_pem
    key_pem = leaf_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return chain_pem, key_pem, root_pem


def _write_private(path: Path, data: bytes) -> None:
    descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _read(directory: Path) -> SigningConfig | None:
    try:
        return SigningConfig(
            cert_chain_pem=(directory / CHAIN_FILE).read_bytes(),
            private_key_pem=(directory / KEY_FILE).read_bytes(),
            trust_anchor_pem=(directory / ROOT_FILE).read_bytes(),
        )
    except FileNotFoundError:
        return None


def development_signing_config(directory: Path | None = None) -> SigningConfig:
    """Load the development keys, generating them on first use."""
    directory = directory if directory is not None else dev_keys_dir()
    existing = _read(directory)
    if existing is not None:
        return existing
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    lock_path = directory / ".lock"
    with open(os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600), "rb") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            existing = _read(directory)  # another process may have finished meanwhile
            if existing is not None:
                return existing
            chain_pem, key_pem, root_pem = _generate()
            # The key goes last: its presence is what marks a complete set (see _read).
            _write_private(directory / ROOT_FILE, root_pem)
            _write_private(directory / CHAIN_FILE, chain_pem)
            _write_private(directory / KEY_FILE, key_pem)
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    loaded = _read(directory)
    if loaded is None:
        raise RuntimeError(f"development keys in {directory} vanished after writing")
    return loaded
