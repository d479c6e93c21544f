"""Proof sets and chains built from the W3C vectors, the 1EdTech OB vector through an HTTP(S)
controller document, verification-method refusals with their codes, legacy suite names, VC 1.1
documents, and tampering with any leaf of an rdfc-signed credential."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.did.resolver import DidResolver
from b4g.core.errors import B4GError
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import (
    JCS,
    LEGACY_RDFC,
    RDFC,
    add_proof,
    create_proof,
    proof_config_nquads,
    verify_document,
    verify_proof,
    with_data_integrity_context,
)
from tests.unit.test_canon import store_with_examples
from tests.unit.test_crypto_core import vectors

RDF = rdf_canonizer(ContextStore())


def chain_keys() -> dict[str, Ed25519KeyPair]:
    """verification method id → key pair, for the proof-set-chain vectors' did:keys."""
    pairs = json.loads(
        vectors("w3c-vc-di-eddsa", "proof-set-chain", "multiKeyPairs.json").read_text()
    )
    keys = {}
    for pair in pairs.values():
        public = pair["publicKeyMultibase"]
        keys[f"did:key:{public}#{public}"] = Ed25519KeyPair.from_secret_multibase(
            pair["privateKeyMultibase"]
        )
    return keys


def add_vector_proof(document: dict[str, Any], config_name: str) -> dict[str, Any]:
    config = json.loads(vectors("w3c-vc-di-eddsa", "proof-set-chain", config_name).read_text())
    proof = create_proof(
        document,
        key=chain_keys()[config["verificationMethod"]],
        verification_method=config["verificationMethod"],
        created=config["created"],
        cryptosuite=config["cryptosuite"],
        proof_id=config.get("id"),
        previous_proof=config.get("previousProof"),
        rdf=rdf_canonizer(store_with_examples()),
    )
    return add_proof(document, proof)


@pytest.mark.parametrize(
    ("start", "config", "expected"),
    [
        ("signedProofSet1.json", "proofSetConfig2.json", "signedProofSet2.json"),
        ("signedProofSet2.json", "proofChainConfig1.json", "signedProofChain1.json"),
        ("signedProofChain1.json", "proofChainConfig2.json", "signedProofChain2.json"),
    ],
)
def test_w3c_proof_sets_and_chains_are_built_byte_for_byte(start, config, expected):
    folder = vectors("w3c-vc-di-eddsa", "proof-set-chain")
    document = json.loads((folder / start).read_text())
    built = add_vector_proof(document, config)
    assert built == json.loads((folder / expected).read_text())


async def test_every_w3c_set_and_chain_vector_verifies_and_a_broken_link_fails():
    folder = vectors("w3c-vc-di-eddsa", "proof-set-chain")
    rdf = rdf_canonizer(store_with_examples())
    resolver = DidResolver()
    for name in ("signedProofSet1.json", "signedProofSet2.json", "signedProofChain1.json"):
        signed = json.loads((folder / name).read_text())
        results = await verify_document(signed, resolve_key=resolver.resolve_key, rdf=rdf)
        assert results and all(r.verified for r in results), (name, results)
    chain = json.loads((folder / "signedProofChain2.json").read_text())
    # Changing a proof the last one chains to breaks that link only.
    chain["proof"][2]["created"] = "2023-02-26T22:06:39Z"
    results = await verify_document(chain, resolve_key=resolver.resolve_key, rdf=rdf)
    assert [r.verified for r in results] == [True, True, False, False]


# -- the 1EdTech OB 3.0 vector, its issuer an HTTPS URL with a controller document -------------


def ob_vector() -> tuple[dict[str, Any], dict[str, Any]]:
    folder = vectors("ob3-1edtech", "obv3p0")
    return (
        json.loads((folder / "signed.json").read_text()),
        json.loads((folder / "keyPair.json").read_text()),
    )


def controller_document(pair: dict[str, Any], **changes: Any) -> dict[str, Any]:
    document = {
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": pair["controller"],
        "verificationMethod": [
            {
                "id": pair["id"],
                "type": "Multikey",
                "controller": pair["controller"],
                "publicKeyMultibase": pair["publicKeyMultibase"],
            }
        ],
        "assertionMethod": [pair["id"]],
    }
    document.update(changes)
    return document


def serving(document: dict[str, Any]) -> DidResolver:
    async def fetch(url: str) -> dict[str, Any]:
        assert url == "https://example.edu/issuers/565049"
        return document

    return DidResolver(fetch)


async def test_1edtech_vector_verifies_through_its_controller_document():
    signed, pair = ob_vector()
    resolver = serving(controller_document(pair))
    results = await verify_document(
        signed,
        resolve_key=resolver.resolve_key,
        rdf=RDF,
        expected_controller=signed["issuer"]["id"],
    )
    assert [(r.verified, r.code) for r in results] == [(True, "ok")]


@pytest.mark.parametrize(
    ("changes", "issuer", "purpose", "code"),
    [
        # Listed only for authentication: not good for assertions.
        (
            {"assertionMethod": [], "authentication": ["#z6Mk"]},
            None,
            None,
            "INVALID_VERIFICATION_METHOD",
        ),
        # The method's controller is someone else.
        ("other controller", None, None, "INVALID_VERIFICATION_METHOD"),
        # The credential names a different issuer from the key's controller.
        ({}, "https://example.org/not-the-issuer", None, "INVALID_VERIFICATION_METHOD"),
        # The proof claims a purpose the verifier did not ask for.
        ({}, None, "authentication", "PROOF_VERIFICATION_ERROR"),
    ],
)
async def test_keys_that_are_not_the_issuers_assertion_keys_fail(changes, issuer, purpose, code):
    signed, pair = ob_vector()
    if changes == "other controller":
        document = controller_document(pair)
        document["verificationMethod"][0]["controller"] = "https://evil.example/issuers/1"
    else:
        document = controller_document(pair, **changes)
    if purpose is not None:
        document[purpose] = [pair["id"]]
    results = await verify_document(
        signed,
        resolve_key=serving(document).resolve_key,
        rdf=RDF,
        expected_controller=issuer or signed["issuer"]["id"],
        expected_purpose=purpose or "assertionMethod",
    )
    assert [(r.verified, r.code) for r in results] == [(False, code)]


# -- legacy cryptosuite name, VC 1.1 documents ---------------------------------------------------

KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
DID = f"did:key:{KEY.public_multibase}"
VM = f"{DID}#{KEY.public_multibase}"

VC11_PLAIN = {
    "@context": [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:3a0c62f8-8a2a-4f51-9c0f-52a7e0a4b8a1",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": DID, "type": ["Profile"], "name": "Legacy School"},
    "issuanceDate": "2022-01-01T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "urn:uuid:0f5b0c1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f",
            "type": ["Achievement"],
            "name": "Old badge",
            "criteria": {"narrative": "Was there."},
        },
    },
}
VC11 = with_data_integrity_context(VC11_PLAIN)


def test_vc_1_1_needs_the_data_integrity_context():
    assert VC11["@context"] == [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://w3id.org/security/data-integrity/v2",
    ]
    with pytest.raises(B4GError) as refused:
        create_proof(
            VC11_PLAIN, key=KEY, verification_method=VM, created="2022-01-01T00:00:00Z", rdf=RDF
        )
    assert refused.value.code == "DATA_LOSS_DETECTION_ERROR"
    assert with_data_integrity_context(VC11) == VC11


@pytest.mark.parametrize("suite", [RDFC, JCS, LEGACY_RDFC])
async def test_vc_1_1_credentials_sign_and_verify_in_every_suite(suite):
    proof = create_proof(
        VC11,
        key=KEY,
        verification_method=VM,
        created="2022-01-01T00:00:00Z",
        cryptosuite=suite,
        rdf=RDF,
    )
    signed = add_proof(VC11, proof)
    results = await verify_document(
        signed, resolve_key=DidResolver().resolve_key, rdf=RDF, expected_controller=DID
    )
    assert [(r.verified, r.cryptosuite) for r in results] == [(True, suite)]
    renamed = {**proof, "cryptosuite": RDFC if suite == LEGACY_RDFC else LEGACY_RDFC}
    if suite != JCS:
        # The suite name is signed: eddsa-2022 and eddsa-rdfc-2022 hash alike otherwise.
        assert not verify_proof(add_proof(VC11, renamed), renamed, KEY.public_key, rdf=RDF).verified


# -- tampering with any leaf of an rdfc-signed credential ---------------------------------------


def leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() if k != "@context" for p in leaf_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in leaf_paths(v, (*path, i))]
    return [path]


SIGNED_VC11 = add_proof(
    VC11,
    create_proof(VC11, key=KEY, verification_method=VM, created="2022-01-01T00:00:00Z", rdf=RDF),
)


@given(st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_changing_any_leaf_of_a_signed_credential_fails_verification(data):
    tampered = copy.deepcopy(SIGNED_VC11)
    path = data.draw(st.sampled_from(leaf_paths(tampered)))
    target = tampered
    for step in path[:-1]:
        target = target[step]
    old = target[path[-1]]
    new = data.draw(
        st.one_of(st.text(min_size=1, max_size=8), st.integers(), st.booleans()).filter(
            lambda v: v != old or type(v) is not type(old)
        )
    )
    target[path[-1]] = new
    result = verify_proof(tampered, tampered["proof"], KEY.public_key, rdf=RDF)
    assert not result.verified and result.code != "ok", (path, old, new)


def test_chaining_to_a_proof_that_is_not_there_cannot_be_signed():
    signed = add_proof(
        VC11,
        create_proof(
            VC11,
            key=KEY,
            verification_method=VM,
            created="2022-01-01T00:00:00Z",
            cryptosuite=JCS,
            proof_id="urn:proof:1",
        ),
    )
    with pytest.raises(B4GError) as refused:
        create_proof(
            signed,
            key=KEY,
            verification_method=VM,
            created="2022-01-02T00:00:00Z",
            cryptosuite=JCS,
            previous_proof=["urn:proof:1", "urn:proof:2"],
        )
    assert refused.value.code == "PROOF_GENERATION_ERROR" and "urn:proof:2" in str(refused.value)


VC2 = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "type": ["VerifiablePresentation"],
    "holder": DID,
}


@pytest.mark.parametrize("suite", [RDFC, JCS])
def test_domain_and_challenge_are_signed_and_checked(suite):
    proof = create_proof(
        VC2,
        key=KEY,
        verification_method=VM,
        created="2026-01-01T00:00:00Z",
        cryptosuite=suite,
        proof_purpose="authentication",
        domain=["https://verifier.example", "https://other.example"],
        challenge="n-0S6_WzA2Mj",
        rdf=RDF,
    )
    signed = add_proof(VC2, proof)

    def check(candidate, domain="https://verifier.example", challenge="n-0S6_WzA2Mj"):
        result = verify_proof(
            signed if candidate is None else add_proof(VC2, candidate),
            proof if candidate is None else candidate,
            KEY.public_key,
            rdf=RDF,
            expected_purpose="authentication",
            expected_domain=domain,
            expected_challenge=challenge,
        )
        return result.verified, result.code

    assert check(None) == (True, "ok")
    assert check(None, domain=None, challenge=None) == (True, "ok")
    assert check(None, domain="https://evil.example") == (False, "INVALID_DOMAIN_ERROR")
    assert check(None, challenge="replayed") == (False, "INVALID_CHALLENGE_ERROR")
    # Rewriting the challenge to what the verifier expects breaks the signature.
    rewritten = {**proof, "challenge": "fresh"}
    assert check(rewritten, challenge="fresh") == (False, "PROOF_VERIFICATION_ERROR")


dates = st.builds(
    lambda y, mo, d, h, mi, s, frac, zone: (
        f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}" + frac + zone
    ),
    st.integers(1, 9999),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 59),
    st.sampled_from(["", ".5", ".123456789"]),
    st.sampled_from(["Z", "", "+02:00", "-11:30"]),
)


@given(
    created=dates,
    suite=st.sampled_from([RDFC, LEGACY_RDFC]),
    purpose=st.sampled_from(["assertionMethod", "authentication"]),
    proof_id=st.none() | st.just("urn:uuid:0b8a5c1e-1111-4a2b-9c3d-4e5f6a7b8c9d"),
    previous=st.none() | st.just("urn:proof:1") | st.just(["urn:proof:1", "urn:proof:2"]),
    challenge=st.none() | st.just("1970-01-01T00:00:00Z") | st.text(max_size=6),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_reused_proof_config_nquads_equal_canonicalising_afresh(
    created, suite, purpose, proof_id, previous, challenge
):
    config: dict[str, Any] = {"type": "DataIntegrityProof", "cryptosuite": suite}
    if proof_id:
        config["id"] = proof_id
    config |= {"created": created, "verificationMethod": VM, "proofPurpose": purpose}
    if previous is not None:
        config["previousProof"] = previous
    if challenge is not None:
        config["challenge"] = challenge
    config["@context"] = VC2["@context"]
    assert proof_config_nquads(config, RDF) == RDF(config)
