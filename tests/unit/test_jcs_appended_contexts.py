"""eddsa-jcs-2022 credentials with contexts appended after signing (the suite allows it, the
signature does not cover them) are genuine only if they still mean what was signed: a JSON-LD
processor must accept the appended contexts and the RDF must be unchanged (issue 11 item 6)."""

from __future__ import annotations

import pytest

from b4g.core.proofs.data_integrity import JCS
from tests.unit.test_schema_check import schema_verifier
from tests.unit.test_verification import NOW, badge, signed

SIGNED = signed(badge(), JCS)
CONTEXTS = SIGNED["@context"]


async def proof_of(credential: dict):
    result = await schema_verifier().verify(credential, now=NOW)
    (proof,) = [c for c in result.checks if c.name == "proof"]
    return proof


async def test_a_jcs_credential_as_signed_verifies():
    assert (await proof_of(SIGNED)).state == "pass"


@pytest.mark.parametrize(
    ("appended", "why"),
    [
        ("ctx.jsonld", "refused by a JSON-LD processor"),  # a relative IRI
        ({"id": "https://attacker.example/id"}, "refused by a JSON-LD processor"),  # protected
        ({"@vocab": None}, "refused by a JSON-LD processor"),
        ("https://unknown.example/context.jsonld", "refused by a JSON-LD processor"),
    ],
)
async def test_appended_contexts_a_processor_refuses_fail_the_proof(appended, why):
    proof = await proof_of({**SIGNED, "@context": [*CONTEXTS, appended]})
    assert proof.state == "fail" and proof.code == "APPENDED_CONTEXT_ERROR"
    assert why in proof.message


async def test_an_appended_context_that_changes_the_meaning_fails_the_proof():
    credential = badge()
    credential["credentialSubject"]["nickname"] = "Gardener"  # an issuer-dependent term
    secured = signed(credential, JCS)
    redefined = {"nickname": "https://schema.org/award"}
    proof = await proof_of({**secured, "@context": [*secured["@context"], redefined]})
    assert proof.state == "fail" and "change what the credential means" in proof.message


async def test_an_appended_context_that_changes_nothing_keeps_the_credential_genuine():
    unused = {"unusedTerm": "https://example.org/vocab#unused"}
    assert (await proof_of({**SIGNED, "@context": [*CONTEXTS, unused]})).state == "pass"
