"""eddsa-jcs-2022 and the legacy Ed25519Signature2020 against the JavaScript reference stack
(digitalbazaar's cryptosuites under jsonld-signatures): same key and time give the same
proofValue, each side verifies the other, and tampering fails on both."""

from __future__ import annotations

import copy

import pytest

from b4g.core.did.resolver import DidResolver
from b4g.core.jsonld.canon import canonize, rdf_canonizer
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof, verify_document
from tests.interop.test_js_parity import CREATED, DID, KEY, SEED, STORE, VM, open_badge

RDF = rdf_canonizer(STORE)

NAMES = {
    "plain": "Badge",
    "control characters": 'Bell\x07 tab\t quote" back\\slash end\x7f',
    "astral and compatibility": "Stars \U0001f31f\uff71 e\u0301 \u2028",
}
NUMBERS = {"integer-valued float": 3.0, "fraction": 2.5, "tiny": 1e-7, "large": 1e21}


async def ours_verify(document: dict) -> list[tuple[bool, str]]:
    results = await verify_document(
        document, resolve_key=DidResolver().resolve_key, rdf=RDF, expected_controller=DID
    )
    return [(r.verified, r.code) for r in results]


def tampered(document: dict) -> dict:
    changed = copy.deepcopy(document)
    changed["credentialSubject"]["achievement"]["name"] += "!"
    return changed


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("number", NUMBERS)
async def test_eddsa_jcs_2022_matches_byte_for_byte(js, name, number):
    document = open_badge(NAMES[name], NUMBERS[number])
    mine = add_proof(
        document,
        create_proof(
            document, key=KEY, verification_method=VM, created=CREATED, cryptosuite=JCS, rdf=RDF
        ),
    )
    theirs = js.sign(copy.deepcopy(document), SEED, CREATED, suite=JCS)
    assert theirs["proof"]["cryptosuite"] == JCS
    assert theirs["proof"]["proofValue"] == mine["proof"]["proofValue"]
    assert js.verify(mine) == (True, None)
    assert await ours_verify(theirs) == [(True, "ok")]
    assert js.verify(tampered(mine))[0] is False
    assert (await ours_verify(tampered(theirs)))[0][0] is False


@pytest.mark.parametrize("name", NAMES)
async def test_ed25519_signature_2020_from_javascript_verifies(js, name):
    document = open_badge(NAMES[name], 2.5)
    document["@context"].append("https://w3id.org/security/suites/ed25519-2020/v1")
    theirs = js.sign(copy.deepcopy(document), SEED, CREATED, suite="Ed25519Signature2020")
    assert theirs["proof"]["type"] == "Ed25519Signature2020"
    assert await ours_verify(theirs) == [(True, "ok")]
    [(verified, code)] = await ours_verify(tampered(theirs))
    assert not verified and code == "PROOF_VERIFICATION_ERROR"


def test_the_w3c_examples_v2_context_canonicalises_as_in_javascript(js):
    """The W3C test suites send credentials under the examples context: it is pinned too."""
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "issuer": DID,
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "degree": {"type": "ExampleBachelorDegree", "name": "Bachelor of Science and Arts"},
        },
    }
    theirs, error = js.canonize(document)
    assert error is None and theirs == canonize(document, store=STORE)


def test_the_w3c_examples_v1_context_with_its_odrl_import_canonicalises_as_in_javascript(js):
    document = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://www.w3.org/2018/credentials/examples/v1",
        ],
        "type": ["VerifiableCredential", "UniversityDegreeCredential"],
        "issuer": DID,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"},
        },
    }
    theirs, error = js.canonize(document)
    assert error is None and theirs == canonize(document, store=STORE)
