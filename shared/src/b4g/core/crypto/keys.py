"""Ed25519 key pairs (pynacl / libsodium)."""

from __future__ import annotations

from typing import Protocol

import nacl.exceptions
import nacl.signing

from b4g.core.crypto.multikey import (
    MultikeyError,
    decode_secret_parts,
    encode_public,
    encode_secret,
)


class Signer(Protocol):
    """What the proof suites need of an Ed25519 key: its public half and signatures. A key pair
    in memory is one; so is a handle on a key that never leaves a hardware token."""

    @property
    def public_key(self) -> bytes: ...

    def sign(self, message: bytes) -> bytes: ...


class Ed25519KeyPair:
    """A signing key (immutable); its secret never appears in repr, str or logs."""

    __slots__ = ("_signing", "public_key")
    _signing: nacl.signing.SigningKey
    public_key: bytes

    def __init__(self, signing_key: nacl.signing.SigningKey) -> None:
        object.__setattr__(self, "_signing", signing_key)
        object.__setattr__(self, "public_key", bytes(signing_key.verify_key))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Ed25519KeyPair is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Ed25519KeyPair is immutable")

    # Immutable, so copies can be the object itself (and the secret is never re-materialised).
    def __copy__(self) -> Ed25519KeyPair:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Ed25519KeyPair:
        return self

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519KeyPair:
        if len(seed) != 32:
            raise ValueError("an Ed25519 seed has 32 bytes")
        return cls(nacl.signing.SigningKey(seed))

    @classmethod
    def from_secret_multibase(cls, secret: str) -> Ed25519KeyPair:
        seed, public = decode_secret_parts(secret)
        pair = cls.from_seed(seed)
        if public is not None and public != pair.public_key:
            # A 64-byte secret whose public half is not the seed's: a corrupted or spliced key.
            raise MultikeyError("the secret Multikey's public key does not match its seed")
        return pair

    @classmethod
    def generate(cls) -> Ed25519KeyPair:
        return cls(nacl.signing.SigningKey.generate())

    @property
    def seed(self) -> bytes:
        return bytes(self._signing)

    @property
    def public_multibase(self) -> str:
        return encode_public(self.public_key)

    @property
    def secret_multibase(self) -> str:
        return encode_secret(self.seed)

    def sign(self, message: bytes) -> bytes:
        return bytes(self._signing.sign(message).signature)

    def __repr__(self) -> str:
        return f"Ed25519KeyPair(public={self.public_multibase})"

    __str__ = __repr__


def verify_ed25519(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
        return True
    except nacl.exceptions.BadSignatureError:
        return False
