"""Issuer signing keys: their public JWKs (the keys themselves come from the `KeyProvider`)."""

from __future__ import annotations

from typing import Any

from b4g.core.crypto.multikey import decode_public
from b4g.core.proofs.vc_jwt import ed25519_jwk


def public_jwk(public_key_multibase: str, kid: str) -> dict[str, Any]:
    """The public OKP/Ed25519 JWK (RFC 8037) of a Multikey, named by its verification method."""
    return {**ed25519_jwk(decode_public(public_key_multibase), kid), "alg": "EdDSA", "use": "sig"}
