"""Ed25519 key pairs (pynacl / libsodium)."""

from __future__ import annotations

import nacl.exceptions
import nacl.signing

from b4g.core.crypto.multikey import decode_secret, encode_public, encode_secret


class Ed25519KeyPair:
    """A signing key; its secret never appears in repr, str or logs."""

    __slots__ = ("_signing", "public_key")

    def __init__(self, signing_key: nacl.signing.SigningKey) -> None:
        self._signing = signing_key
        self.public_key: bytes = bytes(signing_key.verify_key)

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519KeyPair:
        if len(seed) != 32:
            raise ValueError("an Ed25519 seed has 32 bytes")
        return cls(nacl.signing.SigningKey(seed))

    @classmethod
    def from_secret_multibase(cls, secret: str) -> Ed25519KeyPair:
        return cls.from_seed(decode_secret(secret))

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
