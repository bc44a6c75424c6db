"""This instance's Ed25519 key pair, and the fingerprints the staff compare before approving a partner.

The pair is made the first time it is needed and kept in the database (`InstanceKey`, one row), so that a
backup holds it and a restored instance is still the one its partners approved."""

import functools
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import IntegrityError, transaction

from .models import InstanceKey


def instance_key() -> InstanceKey:
    """The key pair, made once: two first calls at once make one (the unique row), the loser reads the winner's."""
    found = InstanceKey.objects.first()
    if found is not None:
        return found
    private = Ed25519PrivateKey.generate()
    try:
        with transaction.atomic():
            return InstanceKey.objects.create(
                private_key=private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()).decode(),
                public_key=public_pem(private.public_key()))
    except IntegrityError:
        return InstanceKey.objects.get()


def private_key() -> Ed25519PrivateKey:
    return serialization.load_pem_private_key(instance_key().private_key.encode(), password=None)


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@functools.lru_cache(maxsize=256)
def load_public(pem: str) -> Ed25519PublicKey:
    """The Ed25519 public key in this PEM; ValueError for anything else (another algorithm, garbage). Parsed
    once per process for each PEM (the inbox checks every request against its partner's key; a key object is
    immutable, and a partner's new key is another PEM)."""
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def fingerprint(pem: str) -> str:
    """SHA-256 of the raw public key, in groups of four hex digits: what the two staffs read to each other."""
    raw = load_public(pem).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest().upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))
