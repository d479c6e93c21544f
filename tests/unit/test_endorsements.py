"""Embedded endorsements are verified as credentials of their own and reported one by one;
a bad endorsement is shown but does not make the badge fail."""

from __future__ import annotations

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.did.resolver import DidResolver
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof
from b4g.core.proofs.vc_jwt import sign_vc_jwt
from b4g.core.verification import MAX_ENDORSEMENTS, Verifier, endorsements
from tests.unit.test_verification import KEY, NOW, RDF, STORE, VM, badge, signed

ENDORSER = Ed25519KeyPair.from_seed(bytes([7]) * 32)
ENDORSER_DID = f"did:key:{ENDORSER.public_multibase}"
ENDORSER_VM = f"{ENDORSER_DID}#{ENDORSER.public_multibase}"


def endorsement(comment: str = "Rigorous criteria.", **changes) -> dict:
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:4f3e2d1c-0b9a-4876-a543-210fedcba987",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Endorsement of Quality badge design",
        "issuer": {"id": ENDORSER_DID, "type": ["Profile"], "name": "Badge Guild"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "urn:uuid:7c1d0a2e-5f4b-4c3a-9e8d-1b2c3d4e5f60",
            "type": ["EndorsementSubject"],
            "endorsementComment": comment,
        },
    }
    credential.update(changes)
    return credential


def endorsed_signed(document: dict) -> dict:
    proof = create_proof(
        document,
        key=ENDORSER,
        verification_method=ENDORSER_VM,
        created="2026-01-02T00:00:00Z",
        cryptosuite=JCS,
        rdf=RDF,
    )
    return add_proof(document, proof)


def plain_verifier() -> Verifier:
    async def no_list(url: str):
        raise AssertionError(f"no status list expected, asked for {url}")

    return Verifier(store=STORE, resolve_key=DidResolver().resolve_key, status_fetcher=no_list)


def with_endorsements(*found: dict | str, where: str = "achievement") -> dict:
    credential = badge()
    del credential["credentialStatus"]
    target = (
        credential["credentialSubject"]["achievement"] if where == "achievement" else credential
    )
    target["endorsement"] = [e for e in found if isinstance(e, dict)]
    jwts = [e for e in found if isinstance(e, str)]
    if jwts:  # the OB contexts do not define endorsementJwt: only a VC-JWT can carry it
        target["endorsementJwt"] = jwts
    return credential


async def test_good_endorsements_in_every_form_pass():
    jwt = sign_vc_jwt(endorsement("Well assessed."), key=ENDORSER, kid=ENDORSER_VM)
    embedded = with_endorsements(endorsed_signed(endorsement()), jwt)
    outer_jwt = sign_vc_jwt(embedded, key=KEY, kid=VM)
    result = await plain_verifier().verify(outer_jwt, now=NOW)
    found = [c for c in result.checks if c.name == "endorsement"]
    assert [c.state for c in found] == ["pass", "pass"], found
    assert "Endorsement of the achievement by Badge Guild: verified." in found[0].message
    assert result.verified

    linked_data = signed(with_endorsements(endorsed_signed(endorsement())))
    result = await plain_verifier().verify(linked_data, now=NOW)
    assert [c.state for c in result.checks if c.name == "endorsement"] == ["pass"]


async def test_a_forged_endorsement_is_reported_but_the_badge_still_verifies():
    forged = endorsed_signed(endorsement())
    forged["credentialSubject"]["endorsementComment"] = "The best badge in the world."
    credential = signed(with_endorsements(forged, where="credential"))
    result = await plain_verifier().verify(credential, now=NOW)
    [check] = [c for c in result.checks if c.name == "endorsement"]
    assert check.state == "fail" and check.code == "PROOF_VERIFICATION_ERROR"
    assert "Endorsement of the credential" in check.message
    assert result.first("proof").state == "pass" and result.verified


async def test_an_expired_endorsement_or_a_non_endorsement_fails():
    expired = endorsed_signed(endorsement(validUntil="2026-02-01T00:00:00Z"))
    wrong_type = endorsed_signed(endorsement(type=["VerifiableCredential"]))
    result = await plain_verifier().verify(signed(with_endorsements(expired, wrong_type)), now=NOW)
    codes = [c.code for c in result.checks if c.name == "endorsement"]
    assert codes == ["expired", "not_an_endorsement"]


async def test_endorsements_are_bounded():
    many = [endorsed_signed(endorsement(f"comment {i}")) for i in range(MAX_ENDORSEMENTS + 1)]
    credential = with_endorsements(*many)
    assert len(endorsements(credential)) == MAX_ENDORSEMENTS + 1
    result = await plain_verifier().verify(signed(credential), now=NOW)
    [check] = [c for c in result.checks if c.name == "endorsement"]
    assert check.state == "could_not_check" and check.code == "too_many_endorsements"

    nested = endorsement()
    nested["endorsement"] = [endorsed_signed(endorsement("inner"))]
    inner = endorsed_signed(nested)
    result = await plain_verifier().verify(signed(with_endorsements(inner)), now=NOW)
    [outer] = [c for c in result.checks if c.name == "endorsement"]
    assert outer.state == "pass"  # the inner one is checked at depth 2 and passes
