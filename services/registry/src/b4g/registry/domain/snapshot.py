"""The signed snapshot of the whole registry for offline verifiers (pure).

Every proven DID's trust state (exactly what `GET /trust/{did}` returns), a registry-wide
sequence number that grows with every trust change, and the time it was generated, secured
with a Data Integrity proof (eddsa-jcs-2022) by the registry's own did:key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.did.did_key import did_key_of, did_key_vm, resolve_did_key
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof
from b4g.core.trust import TrustState

SNAPSHOT_TYPE = "B4GRegistrySnapshot"


def registry_key_document(key: Ed25519KeyPair, authority_id: str) -> dict[str, Any]:
    """What `/.well-known/registry-key` publishes: the DID that signs snapshots."""
    did = did_key_of(key.public_multibase)
    return {
        "authorityId": authority_id,
        "did": did,
        "verificationMethod": did_key_vm(key.public_multibase),
        "publicKeyMultibase": key.public_multibase,
        "didDocument": resolve_did_key(did),
    }


def snapshot_document(
    states: list[TrustState],
    *,
    sequence: int,
    generated: datetime,
    authority_id: str,
    key: Ed25519KeyPair,
) -> dict[str, Any]:
    created = generated.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    document: dict[str, Any] = {
        "type": SNAPSHOT_TYPE,
        "authorityId": authority_id,
        "issuer": did_key_of(key.public_multibase),
        "sequence": sequence,
        "generated": created,
        "states": [msgspec.to_builtins(state) for state in states],
    }
    proof = create_proof(
        document,
        key=key,
        verification_method=did_key_vm(key.public_multibase),
        created=created,
        cryptosuite=JCS,
        proof_purpose="assertionMethod",
    )
    return add_proof(document, proof)
