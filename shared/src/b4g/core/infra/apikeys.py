"""API keys: `b4g_<key id>_<secret>`, shown once, stored as a SHA-256 hash of the secret.

The key id is public (it names the row to look up); the secret has 256 bits of entropy, so a
plain SHA-256 is enough (no slow KDF needed, unlike passwords) and is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX = "b4g"


@dataclass(frozen=True, slots=True)
class NewApiKey:
    key_id: str
    secret_hash: bytes
    token: str  # give to the caller once; never store or log it

    def __repr__(self) -> str:
        return f"NewApiKey(key_id={self.key_id!r}, token=<hidden>)"


@dataclass(frozen=True, slots=True)
class PresentedKey:
    key_id: str
    secret: str


def generate_api_key() -> NewApiKey:
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return NewApiKey(key_id, hash_secret(secret), f"{PREFIX}_{key_id}_{secret}")


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def parse_token(token: str) -> PresentedKey | None:
    """Split `b4g_<id>_<secret>`; None for anything else (callers answer 401)."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 16 or not parts[2]:
        return None
    return PresentedKey(parts[1], parts[2])


def secret_matches(presented: PresentedKey, stored_hash: bytes) -> bool:
    return hmac.compare_digest(hash_secret(presented.secret), stored_hash)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
