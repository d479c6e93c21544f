"""Proof of control of a DID: the organisation signs our challenge with a key of that DID
(Data Integrity, eddsa-jcs-2022 or eddsa-rdfc-2022), pure checks around the signature."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CHALLENGE_PURPOSES = ("authentication", "assertionMethod")


def challenge_document(did: str, challenge: str, domain: str) -> dict[str, Any]:
    """What the organisation signs (and sends back with its proof)."""
    return {"did": did, "challenge": challenge, "domain": domain}


def response_problems(
    document: Mapping[str, Any], *, did: str, challenge: str, domain: str
) -> list[str]:
    """Everything wrong with a challenge response apart from the signature itself."""
    problems = []
    if document.get("did") != did:
        problems.append("the response names another DID")
    if document.get("challenge") != challenge:
        problems.append("the challenge does not match the one issued")
    if document.get("domain") != domain:
        problems.append("the domain does not match")
    proofs = document.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and len(proofs) == 1 else proofs
    if not isinstance(proof, Mapping):
        problems.append("exactly one proof is required")
        return problems
    vm = proof.get("verificationMethod")
    if not isinstance(vm, str) or vm.split("#", 1)[0] != did:
        problems.append("the proof's key does not belong to the DID")
    if proof.get("proofPurpose") not in CHALLENGE_PURPOSES:
        problems.append("the proof purpose must be authentication or assertionMethod")
    return problems
