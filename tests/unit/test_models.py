"""OB 3.0 structs encode to credentials that canonicalise, sign and verify; IdentityObject."""

from __future__ import annotations

import msgspec
import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.jsonld.canon import canonize, rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.models.ob3 import (
    Achievement,
    AchievementSubject,
    Alignment,
    CredentialStatus,
    Criteria,
    Evidence,
    OpenBadgeCredential,
    Profile,
    Result,
    email_identity,
    hash_identity,
    identity_matches,
    to_document,
)
from b4g.core.proofs.data_integrity import add_proof, create_proof, verify_proof

KEY = Ed25519KeyPair.from_seed(bytes(32))
DID = f"did:key:{KEY.public_multibase}"


def credential() -> OpenBadgeCredential:
    return OpenBadgeCredential(
        id="urn:uuid:2b1c0d9e-8f7a-4b6c-9d5e-4f3a2b1c0d9e",
        issuer=Profile(id=DID, name="Badgecraft Academy", url="https://badgecraft.example"),
        validFrom="2026-04-01T12:00:00Z",
        awardedDate="2026-04-01T12:00:00Z",
        credentialSubject=AchievementSubject(
            identifier=[email_identity("Learner@Example.org", salt="a1b2c3d4")],
            achievement=Achievement(
                id="https://badgecraft.example/achievements/42",
                name="Youth work facilitation",
                criteria=Criteria(narrative="Facilitated five sessions."),
                alignment=[
                    Alignment(
                        targetName="ESCO facilitation", targetUrl="https://esco.example/skill/1"
                    )
                ],
                tag=["youth work"],
                creditsAvailable=2.5,
            ),
            result=[Result(value="passed")],
        ),
        evidence=[Evidence(narrative="Session reports")],
        credentialStatus=CredentialStatus(
            id="https://v.example/status/1#9",
            statusPurpose="revocation",
            statusListIndex="9",
            statusListCredential="https://v.example/status/1",
        ),
    )


def test_encodes_with_spec_names_and_no_empty_properties():
    document = to_document(credential())
    assert document["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert document["credentialSubject"]["achievement"]["criteria"] == {
        "narrative": "Facilitated five sessions."
    }
    assert "validUntil" not in document and "proof" not in document
    assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"


def test_model_output_has_no_undefined_terms_and_signs():
    store = ContextStore()
    document = to_document(credential())
    assert canonize(document, store=store)  # no data-loss error: every term is defined
    rdf = rdf_canonizer(store)
    proof = create_proof(
        document,
        key=KEY,
        verification_method=f"{DID}#{KEY.public_multibase}",
        created="2026-04-01T12:00:00Z",
        rdf=rdf,
    )
    signed = add_proof(document, proof)
    assert verify_proof(signed, proof, KEY.public_key, rdf=rdf).verified
    decoded = msgspec.convert(signed, OpenBadgeCredential)
    assert decoded.credentialSubject.achievement.name == "Youth work facilitation"


def test_identity_object_hides_the_email_and_matches_it():
    identity = email_identity(" Learner@Example.org ", salt="a1b2c3d4")
    assert identity.identityHash == hash_identity("learner@example.org", "a1b2c3d4")
    assert "learner" not in identity.identityHash
    assert identity_matches(identity, "learner@example.org")
    assert identity_matches(to_document(identity), "LEARNER@example.org")
    assert not identity_matches(identity, "someone@example.org")


@pytest.mark.parametrize("missing", ["id", "issuer", "validFrom", "credentialSubject"])
def test_required_properties_are_required(missing):
    document = to_document(credential())
    del document[missing]
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(document, OpenBadgeCredential)


def test_verifier_summary_hides_hashed_recipients_and_tests_an_email():
    from b4g.verifier.domain.summary import recipient_matches, summarize

    document = to_document(credential())
    summary = summarize(document)
    assert summary.name == "Youth work facilitation"
    assert summary.recipient == "hidden (identified by a hashed identity)"
    assert recipient_matches(document, "learner@example.org")
    assert not recipient_matches(document, "other@example.org")
