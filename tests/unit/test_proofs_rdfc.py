"""eddsa-rdfc-2022 and legacy suites against the W3C and 1EdTech vectors."""

from __future__ import annotations

import json

import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.crypto.multikey import decode_public
from b4g.core.did.did_key import resolve_did_key
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import (
    RDFC,
    KeyResolutionFailure,
    ResolvedKey,
    add_proof,
    create_proof,
    verify_document,
    verify_proof,
)
from tests.unit.test_canon import store_with_examples
from tests.unit.test_crypto_core import vectors

CREATED = "2023-02-24T23:36:38Z"


async def resolve_did_key_vm(vm: str, purpose: str, controller: str | None):
    try:
        document = resolve_did_key(vm)
    except Exception as exc:
        return KeyResolutionFailure(code="INVALID_VERIFICATION_METHOD", message=str(exc))
    method = document["verificationMethod"][0]
    if method["id"] != vm or vm not in document.get(purpose, []):
        return KeyResolutionFailure(
            code="INVALID_VERIFICATION_METHOD", message="not listed for the proof purpose"
        )
    return ResolvedKey(
        public_key=decode_public(method["publicKeyMultibase"]), controller=document["id"]
    )


def test_w3c_rdfc_vector_proof_value_reproduces():
    folder = vectors("w3c-vc-di-eddsa")
    pair = json.loads((folder / "keyPair.json").read_text())
    key = Ed25519KeyPair.from_secret_multibase(pair["privateKeyMultibase"])
    vm = f"did:key:{pair['publicKeyMultibase']}#{pair['publicKeyMultibase']}"
    rdf = rdf_canonizer(store_with_examples())
    unsigned = json.loads((folder / "unsigned.json").read_text())
    proof = create_proof(unsigned, key=key, verification_method=vm, created=CREATED, rdf=rdf)
    expected = (folder / "eddsa-rdfc-2022" / "sigBTC58DataInt.txt").read_text().strip()
    assert proof["proofValue"] == expected
    signed = json.loads((folder / "eddsa-rdfc-2022" / "signedDataInt.json").read_text())
    assert add_proof(unsigned, proof) == signed


@pytest.mark.parametrize(
    "name",
    [
        "eddsa-rdfc-2022/signedDataInt.json",
        "eddsa-rdfc-2022/employ/signedDataInt.json",
        "Ed25519Signature2020/signedEdSig.json",
    ],
)
async def test_w3c_signed_vectors_verify_and_tampering_fails(name):
    folder = vectors("w3c-vc-di-eddsa")
    rdf = rdf_canonizer(store_with_examples())
    signed = json.loads((folder / name).read_text())
    results = await verify_document(signed, resolve_key=resolve_did_key_vm, rdf=rdf)
    assert [r.verified for r in results] == [True], results
    tampered = {**signed, "validFrom": "2030-01-01T00:00:00Z"}
    results = await verify_document(tampered, resolve_key=resolve_did_key_vm, rdf=rdf)
    assert results[0].code == "PROOF_VERIFICATION_ERROR"


@pytest.mark.parametrize("name", ["signedProofSet2.json", "signedProofChain2.json"])
async def test_w3c_proof_set_and_chain_vectors_verify(name):
    signed = json.loads(vectors("w3c-vc-di-eddsa", "proof-set-chain", name).read_text())
    rdf = rdf_canonizer(store_with_examples())
    results = await verify_document(signed, resolve_key=resolve_did_key_vm, rdf=rdf)
    assert len(results) >= 2 and all(r.verified for r in results), results


def test_1edtech_ob3_vector_reproduces_with_its_64_byte_secret_key():
    folder = vectors("ob3-1edtech", "obv3p0")
    pair = json.loads((folder / "keyPair.json").read_text())
    key = Ed25519KeyPair.from_secret_multibase(pair["secretKeyMultibase"])
    config = json.loads((folder / "proofConfig.json").read_text())
    unsigned = json.loads((folder / "unsigned.json").read_text())
    rdf = rdf_canonizer(ContextStore())
    proof = create_proof(
        unsigned,
        key=key,
        verification_method=config["verificationMethod"],
        created=config["created"],
        rdf=rdf,
    )
    expected = json.loads((folder / "expected.json").read_text())
    assert proof["proofValue"] == expected["proofValue"]
    assert verify_proof(add_proof(unsigned, proof), proof, key.public_key, rdf=rdf).verified


def test_undefined_term_fails_signing_and_verification():
    folder = vectors("ob3-1edtech", "obv3p0")
    key = Ed25519KeyPair.from_seed(bytes(32))
    unsigned = json.loads((folder / "unsigned.json").read_text())
    rdf = rdf_canonizer(ContextStore())
    with pytest.raises(Exception, match="not defined"):
        create_proof(
            {**unsigned, "secretTerm": 1},
            key=key,
            verification_method="did:x#k",
            created=CREATED,
            rdf=rdf,
        )
    proof = create_proof(
        unsigned, key=key, verification_method="did:x#k", created=CREATED, rdf=rdf, cryptosuite=RDFC
    )
    smuggled = {**add_proof(unsigned, proof), "secretTerm": 1}
    result = verify_proof(smuggled, proof, key.public_key, rdf=rdf)
    assert (result.verified, result.code) == (False, "DATA_LOSS_DETECTION_ERROR")
