"""Issuer signing keys: Ed25519 key pairs of the core, made from sealed seeds."""

from __future__ import annotations

from typing import Any

import nacl.utils

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.crypto.multikey import decode_public
from b4g.core.proofs.vc_jwt import ed25519_jwk

SEED_BYTES = 32


def new_seed() -> bytes:
    return nacl.utils.random(SEED_BYTES)


def key_pair(seed: bytes) -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(seed)


def public_jwk(public_key_multibase: str, kid: str) -> dict[str, Any]:
    """The public OKP/Ed25519 JWK (RFC 8037) of a Multikey, named by its verification method."""
    return {**ed25519_jwk(decode_public(public_key_multibase), kid), "alg": "EdDSA", "use": "sig"}
