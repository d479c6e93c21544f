"""did:key for Ed25519 (W3C CCG did:key v0.7): the DID document is derived from the key."""

from __future__ import annotations

from typing import Any

from b4g.core.crypto.multikey import MultikeyError, decode_public
from b4g.core.errors import B4GError
from b4g.core.urls import DID_CONTEXT, MULTIKEY_CONTEXT


class DidError(B4GError):
    code = "invalid_did"


def did_key_of(public_multibase: str) -> str:
    return f"did:key:{public_multibase}"


def did_key_vm(public_multibase: str) -> str:
    return f"did:key:{public_multibase}#{public_multibase}"


def resolve_did_key(did: str) -> dict[str, Any]:
    """The DID document of an Ed25519 did:key, with a Multikey verification method."""
    if not did.startswith("did:key:z"):
        raise DidError(f"not an Ed25519 did:key: {did!r}")
    multibase = did.removeprefix("did:key:").split("#", 1)[0]
    try:
        decode_public(multibase)
    except MultikeyError as exc:
        raise DidError(f"{did!r}: {exc}") from exc
    base = f"did:key:{multibase}"
    vm_id = f"{base}#{multibase}"
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": base,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": base, "publicKeyMultibase": multibase}
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }
