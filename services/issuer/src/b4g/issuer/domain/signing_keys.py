"""Issuer signing keys: Ed25519 key pairs of the core, made from sealed seeds."""

from __future__ import annotations

from typing import Any

import nacl.utils

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.crypto.multibase import b64url_encode
from b4g.core.crypto.multikey import decode_public

SEED_BYTES = 32


def new_seed() -> bytes:
    return nacl.utils.random(SEED_BYTES)


def key_pair(seed: bytes) -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(seed)


def public_jwk(public_key_multibase: str, kid: str) -> dict[str, Any]:
    """The public OKP/Ed25519 JWK (RFC 8037) of a Multikey, named by its verification method."""
    x = b64url_encode(decode_public(public_key_multibase))
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}
