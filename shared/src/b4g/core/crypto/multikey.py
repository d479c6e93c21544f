"""Multikey encodings of Ed25519 keys (Controlled Identifiers v1.0 §2.2.2).

Public keys: multicodec `ed25519-pub` (0xed, varint `ed 01`) + 32 bytes, base58btc: `z6Mk…`.
Secret keys: multicodec `ed25519-priv` (0x1300, varint `80 26`) + the 32-byte seed. The 1EdTech
OB 3.0 test vector uses seed ‖ public key (64 bytes); both are accepted on import.
"""

from __future__ import annotations

from b4g.core.crypto.multibase import MultibaseError, multibase_decode, multibase_encode

ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


class MultikeyError(MultibaseError):
    code = "invalid_multikey"


def encode_public(public_key: bytes) -> str:
    if len(public_key) != 32:
        raise MultikeyError("an Ed25519 public key has 32 bytes")
    return multibase_encode(ED25519_PUB + public_key, "z")


def decode_public(multikey: str) -> bytes:
    raw = multibase_decode(multikey)
    if not raw.startswith(ED25519_PUB) or len(raw) != 34:
        raise MultikeyError("not an Ed25519 public Multikey (expected 0xed01 + 32 bytes)")
    return raw[2:]


def encode_secret(seed: bytes) -> str:
    if len(seed) != 32:
        raise MultikeyError("an Ed25519 seed has 32 bytes")
    return multibase_encode(ED25519_PRIV + seed, "z")


def decode_secret(multikey: str) -> bytes:
    """The 32-byte seed of a secret Multikey (seed, or seed ‖ public key)."""
    return decode_secret_parts(multikey)[0]


def decode_secret_parts(multikey: str) -> tuple[bytes, bytes | None]:
    """(seed, the public key the encoding carries after it, if any)."""
    raw = multibase_decode(multikey)
    if not raw.startswith(ED25519_PRIV) or len(raw) not in (34, 66):
        raise MultikeyError("not an Ed25519 secret Multikey (expected 0x8026 + 32 or 64 bytes)")
    return raw[2:34], (raw[34:] or None)
