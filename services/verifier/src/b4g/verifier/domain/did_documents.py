"""A DID document built from the verification methods our issuers announced (pure)."""

from __future__ import annotations

from typing import Any


def document_from_methods(did: str, methods: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Active and retired keys still verify old credentials; compromised keys never do."""
    usable = [(vm_id, key) for vm_id, key, state in methods if state in ("active", "retired")]
    return {
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": key}
            for vm_id, key in usable
        ],
        "assertionMethod": [vm_id for vm_id, _ in usable],
    }
