"""eddsa-jcs-2022: the W3C vector reproduces, tampering fails, proof sets and chains work."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.proofs.data_integrity import (
    JCS,
    KeyResolutionFailure,
    ResolvedKey,
    add_proof,
    create_proof,
    verify_document,
    verify_proof,
)
from tests.unit.test_crypto_core import vectors
from tests.unit.test_verification import RDF

CREATED = "2023-02-24T23:36:38Z"


def vector_key() -> tuple[Ed25519KeyPair, str]:
    pair = json.loads(vectors("w3c-vc-di-eddsa", "keyPair.json").read_text())
    key = Ed25519KeyPair.from_secret_multibase(pair["privateKeyMultibase"])
    mb = pair["publicKeyMultibase"]
    return key, f"did:key:{mb}#{mb}"


def test_w3c_vector_reproduces_and_verifies():
    folder = vectors("w3c-vc-di-eddsa")
    key, vm = vector_key()
    unsigned = json.loads((folder / "unsigned.json").read_text())
    proof = create_proof(
        unsigned, key=key, verification_method=vm, created=CREATED, cryptosuite=JCS
    )
    assert (
        proof["proofValue"] == (folder / "eddsa-jcs-2022" / "sigBTC58JCS.txt").read_text().strip()
    )
    signed = json.loads((folder / "eddsa-jcs-2022" / "signedJCS.json").read_text())
    assert add_proof(unsigned, proof) == signed
    assert verify_proof(signed, signed["proof"], key.public_key).verified


def test_wrong_purpose_and_bad_proof_value_are_reported():
    key, vm = vector_key()
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:x", "issuer": "did:x"}
    proof = create_proof(
        doc,
        key=key,
        verification_method=vm,
        created=CREATED,
        cryptosuite=JCS,
        proof_purpose="authentication",
    )
    result = verify_proof(add_proof(doc, proof), proof, key.public_key)
    assert (result.verified, result.code) == (False, "PROOF_VERIFICATION_ERROR")
    broken = {
        **create_proof(doc, key=key, verification_method=vm, created=CREATED, cryptosuite=JCS),
        "proofValue": "zzz",
    }
    assert verify_proof(add_proof(doc, broken), broken, key.public_key).code == (
        "MALFORMED_PROOF_ERROR"
    )


json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    st.dictionaries(st.text(min_size=1, max_size=6), json_value, min_size=1, max_size=5), st.data()
)
@settings(max_examples=100, deadline=None)
def test_any_change_to_a_signed_document_fails(document, data):
    key, vm = vector_key()
    document = {k: v for k, v in document.items() if k != "proof"}
    if not document:
        return
    proof = create_proof(
        document, key=key, verification_method=vm, created=CREATED, cryptosuite=JCS
    )
    signed = add_proof(document, proof)
    assert verify_proof(signed, proof, key.public_key).verified
    tampered = copy.deepcopy(signed)
    field = data.draw(st.sampled_from(sorted(document)))
    tampered[field] = [tampered[field], "tampered"]
    assert not verify_proof(tampered, proof, key.public_key).verified


async def test_proof_set_and_chain():
    first_key, first_vm = vector_key()
    second_key = Ed25519KeyPair.from_seed(bytes(range(32)))
    second_vm = f"did:key:{second_key.public_multibase}#{second_key.public_multibase}"
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:doc"}
    first = create_proof(
        doc,
        key=first_key,
        verification_method=first_vm,
        created=CREATED,
        cryptosuite=JCS,
        proof_id="urn:proof:1",
    )
    signed = add_proof(doc, first)
    chained = create_proof(
        signed,
        key=second_key,
        verification_method=second_vm,
        created=CREATED,
        cryptosuite=JCS,
        previous_proof="urn:proof:1",
    )
    secured = add_proof(signed, chained)
    keys = {first_vm: first_key.public_key, second_vm: second_key.public_key}

    async def resolve(vm: str, purpose: str, controller: str | None):
        if vm in keys:
            return ResolvedKey(public_key=keys[vm], controller=vm.split("#")[0])
        return KeyResolutionFailure(code="INVALID_VERIFICATION_METHOD", message="unknown")

    results = await verify_document(secured, resolve_key=resolve)
    assert [r.verified for r in results] == [True, True]
    # Dropping the first proof breaks the chain: the second names a proof that is gone.
    orphan = {**doc, "proof": [chained]}
    results = await verify_document(orphan, resolve_key=resolve)
    assert not results[0].verified and "previousProof" in results[0].message


def test_proof_context_must_lead_the_documents_and_is_what_gets_hashed():
    key, vm = vector_key()
    v2 = "https://www.w3.org/ns/credentials/v2"
    extra = "https://www.w3.org/ns/credentials/examples/v2"
    doc = {"@context": [v2, extra], "id": "urn:x", "issuer": "did:x"}
    proof = create_proof(doc, key=key, verification_method=vm, created=CREATED, cryptosuite=JCS)
    assert proof["@context"] == [v2, extra]
    # Another context slipped in front: refused before any hashing.
    reordered = {**doc, "@context": [extra, v2]}
    result = verify_proof(add_proof(reordered, proof), proof, key.public_key)
    assert (result.verified, result.code) == (False, "PROOF_VERIFICATION_ERROR")
    assert "@context" in result.message
    # A context appended after signing is not covered: the document is hashed with the proof's,
    # and then must mean what was signed (tests/unit/test_jcs_appended_contexts.py).
    unused = {"unusedTerm": "https://example.org/vocab#unused"}
    appended = {**doc, "@context": [v2, extra, unused]}
    assert verify_proof(add_proof(appended, proof), proof, key.public_key, rdf=RDF).verified
    unknown = {**doc, "@context": [v2, extra, "https://example.org/more"]}
    result = verify_proof(add_proof(unknown, proof), proof, key.public_key, rdf=RDF)
    assert (result.verified, result.code) == (False, "APPENDED_CONTEXT_ERROR")
