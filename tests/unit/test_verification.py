"""Credential verification end to end in the pure core: proofs, dates, status, JWTs."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.did.resolver import DidResolver
from b4g.core.errors import B4GError
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import JCS, RDFC, add_proof, create_proof
from b4g.core.proofs.vc_jwt import sign_vc_jwt
from b4g.core.statuslist import bits_with, status_list_credential
from b4g.core.verification import Verifier

STORE = ContextStore()
RDF = rdf_canonizer(STORE)
KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
DID = f"did:key:{KEY.public_multibase}"
VM = f"{DID}#{KEY.public_multibase}"
LIST_URL = "https://verifier.example/status/1"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def badge(index: int = 5, **changes) -> dict:
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0d3c4a8e-8c0f-4bb5-9d2c-4c1f7f0e5a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Example College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Quality badge design",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:7c1d0a2e-5f4b-4c3a-9e8d-1b2c3d4e5f60",
                "type": ["Achievement"],
                "name": "Quality badge design",
                "criteria": {"narrative": "Designed three badges."},
            },
        },
        "credentialStatus": {
            "id": f"{LIST_URL}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": LIST_URL,
        },
    }
    credential.update(changes)
    return credential


def signed(document: dict, suite: str = RDFC) -> dict:
    proof = create_proof(
        document,
        key=KEY,
        verification_method=VM,
        created="2026-01-01T00:00:00Z",
        cryptosuite=suite,
        rdf=RDF,
    )
    return add_proof(document, proof)


def status_list(revoked: set[int]) -> dict:
    return signed(
        status_list_credential(
            url=LIST_URL,
            issuer=DID,
            purpose="revocation",
            bits=bits_with(revoked),
            valid_from="2026-01-01T00:00:00Z",
        )
    )


def verifier(revoked: set[int] = frozenset(), reachable: bool = True, trust=None) -> Verifier:
    async def fetch(url: str):
        if not reachable:
            raise B4GError("connection refused")
        assert url == LIST_URL
        return status_list(set(revoked))

    return Verifier(
        store=STORE, resolve_key=DidResolver().resolve_key, status_fetcher=fetch, trust=trust
    )


def states(result) -> dict[str, str]:
    return {c.name: c.state for c in result.checks}


@pytest.mark.parametrize("suite", [RDFC, JCS])
async def test_a_good_badge_verifies(suite):
    result = await verifier().verify(signed(badge(), suite), now=NOW)
    assert result.verified, result.checks
    assert states(result) == {
        "structure": "pass",
        "schema": "could_not_check",  # no schema source here; that alone does not fail
        "proof": "pass",
        "issuer_binding": "pass",
        "validity_window": "pass",
        "status": "pass",
        "issuer_registered": "could_not_check",  # no registry here: trust is unknown
    }


async def test_revoked_tampered_expired_and_unreachable():
    credential = signed(badge(index=5))
    revoked = await verifier(revoked={5}).verify(credential, now=NOW)
    assert not revoked.verified and revoked.first("status").code == "revoked"

    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "Something grander"
    result = await verifier().verify(tampered, now=NOW)
    assert not result.verified and result.first("proof").code == "PROOF_VERIFICATION_ERROR"

    expiring = signed(badge(validUntil="2026-03-01T00:00:00Z"))
    result = await verifier().verify(expiring, now=NOW)
    assert result.first("validity_window").code == "expired" and not result.verified

    unreachable = await verifier(reachable=False).verify(credential, now=NOW)
    assert unreachable.first("status").state == "could_not_check"
    assert not unreachable.verified  # never "not revoked" when we could not look


async def test_undefined_term_is_not_silently_accepted():
    smuggled = {**signed(badge()), "extraClaim": "not covered by the signature"}
    result = await verifier().verify(smuggled, now=NOW)
    assert result.first("proof").code == "DATA_LOSS_DETECTION_ERROR"


async def test_vc_jwt_verifies_and_forgery_fails():
    token = sign_vc_jwt(badge(), key=KEY, kid=VM)
    result = await verifier().verify(token, now=NOW)
    assert result.verified and result.format == "jwt", result.checks
    other = Ed25519KeyPair.from_seed(bytes(32))
    forged = sign_vc_jwt(badge(), key=other, kid=VM)
    assert (await verifier().verify(forged, now=NOW)).first("proof").state == "fail"
    garbage = await verifier().verify("not.a.jwt", now=NOW)
    assert not garbage.verified and garbage.first("structure").state == "fail"


async def test_trust_is_judged_at_the_instant_validity_is():
    """One clock reading per verification: the trust lookup is handed the instant the validity
    window and status were judged at, never a later reading of its own."""
    seen: list[datetime] = []

    async def trust(credential, now):
        seen.append(now)
        return []

    checked = verifier(trust=trust)
    # Long past: the badge's validity window closed at NOW + 1 day, and trust is asked then too.
    later = datetime(2030, 1, 1, tzinfo=UTC)
    expiring = signed(badge(validUntil="2026-06-02T00:00:00Z"))
    assert (await checked.verify(expiring, now=NOW)).first("validity_window").state == "pass"
    result = await checked.verify(expiring, now=later)
    assert result.first("validity_window").code == "expired"
    assert seen == [NOW, later]
