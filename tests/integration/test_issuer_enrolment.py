"""Enrolment over HTTP: the issuer signs the registry's DID-control challenge for its own
profile (the registry accepts it), and refuses every other document, DID, purpose or suite with
its own problem code, so it never becomes a signing oracle. The test relays documents between
the two services; it signs nothing itself."""

from __future__ import annotations

import base64
import uuid

import pytest
from test_issuer_support import issuer_app

from b4g.issuer.usecases import platforms
from b4g.registry.app import service_spec as registry_spec
from b4g.registry.settings import RegistrySettings
from tests.integration.test_registry_trust import bearer, keys
from tests.support.apps import service_client

pytestmark = pytest.mark.integration

REGISTRY = "https://registry.example"


@pytest.fixture
async def both(stack, prefix):
    seed = base64.b64encode(bytes(range(32))).decode()
    async with (
        issuer_app(stack, prefix) as issuer,
        service_client(
            registry_spec(),
            RegistrySettings,
            stack,
            prefix,
            public_base_url=REGISTRY,
            registry_signing_seed=seed,
        ) as registry,
    ):
        yield issuer, registry


async def _challenge(registry, did: str) -> tuple[str, dict[str, str], dict]:
    """A registry admin registers an organisation and the DID: the challenge to sign."""
    admin = bearer((await keys(registry, ["registry_admin"]))["registry_admin"])
    org = await registry.post(
        "/organisations", headers=admin, json={"legalName": "Vilnius Youth", "country": "LT"}
    )
    assert org.status_code == 201, org.text
    registered = await registry.post(
        f"/organisations/{org.json()['id']}/dids", headers=admin, json={"did": did}
    )
    assert registered.status_code == 201, registered.text
    return org.json()["id"], admin, registered.json()["sign"]


async def test_the_issuer_signs_its_profiles_challenge_and_the_registry_accepts_it(both):
    issuer, registry = both
    platform, auth = await issuer.platform()
    profile = (
        await issuer.client.post(
            "/issuers", json={"name": "Vilnius Youth", "didMethod": "key"}, headers=auth
        )
    ).json()
    org, admin, sign = await _challenge(registry, profile["did"])

    signed = await issuer.client.post(
        f"/issuers/{profile['id']}/did-control-proofs", json={"document": sign}, headers=auth
    )
    assert signed.status_code == 200, signed.text
    body = signed.json()
    assert body["submitted"] is False and body["did"] == profile["did"]
    proof = body["signed"]["proof"]
    assert proof["proofPurpose"] == "authentication"
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["domain"] == REGISTRY and proof["challenge"] == sign["challenge"]
    assert proof["verificationMethod"] == profile["verificationMethods"][0]["id"]

    proven = await registry.post(
        f"/organisations/{org}/dids/proof", headers=admin, json=body["signed"]
    )
    assert proven.status_code == 200, proven.text
    assert (await registry.get(f"/trust/{profile['did']}")).status_code == 200

    # Recorded under the calling key, with the challenge only as a hash.
    async with issuer.pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT * FROM did_control_proofs WHERE id = $1", uuid.UUID(body["proofId"])
        )
    assert row["actor"].startswith(f"platform:{platform}/key:")
    assert row["did"] == profile["did"] and row["domain"] == REGISTRY
    assert sign["challenge"] not in str(dict(row))


async def test_a_did_web_profile_lists_only_its_active_key_for_authentication(both):
    issuer, _ = both
    _, auth = await issuer.platform()
    profile = (await issuer.client.post("/issuers", json={"name": "P"}, headers=auth)).json()
    first = profile["verificationMethods"][0]["id"]
    document = (await issuer.client.get(f"/issuers/{profile['id']}/did.json")).json()
    assert document["authentication"] == [first]
    rotated = (
        await issuer.client.post(f"/issuers/{profile['id']}/keys/rotate", headers=auth)
    ).json()
    active = next(k["id"] for k in rotated["verificationMethods"] if k["state"] == "active")
    document = (await issuer.client.get(f"/issuers/{profile['id']}/did.json")).json()
    assert document["authentication"] == [active] and first in document["assertionMethod"]


async def test_anything_but_its_own_challenge_is_refused(both):
    issuer, registry = both
    _, auth = await issuer.platform()
    profile = (await issuer.client.post("/issuers", json={"name": "P"}, headers=auth)).json()
    other = (await issuer.client.post("/issuers", json={"name": "Q"}, headers=auth)).json()
    _, _, sign = await _challenge(registry, profile["did"])
    url = f"/issuers/{profile['id']}/did-control-proofs"
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": profile["did"],
        "credentialSubject": {"id": "did:example:learner"},
    }
    cases = [
        ({"document": credential}, "not_a_did_control_challenge"),
        ({"document": {**sign, "credentialSubject": {"id": "x"}}}, "not_a_did_control_challenge"),
        (
            {"document": {**sign, "proof": {"type": "DataIntegrityProof"}}},
            "not_a_did_control_challenge",
        ),
        (
            {"document": {"did": sign["did"], "challenge": sign["challenge"]}},
            "not_a_did_control_challenge",
        ),
        ({"document": {**sign, "challenge": 12345}}, "not_a_did_control_challenge"),
        ({"document": {**sign, "challenge": "two words"}}, "not_a_did_control_challenge"),
        ({"document": {**sign, "did": other["did"]}}, "did_not_of_this_issuer"),
        (
            {
                "document": {
                    **sign,
                    "did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                }
            },
            "did_not_of_this_issuer",
        ),
        ({"document": sign, "proofPurpose": "assertionMethod"}, "proof_purpose_not_allowed"),
        ({"document": sign, "proofPurpose": "capabilityInvocation"}, "proof_purpose_not_allowed"),
        ({"document": sign, "cryptosuite": "eddsa-rdfc-2022"}, "cryptosuite_not_allowed"),
        (
            {"document": sign, "submitTo": f"{REGISTRY}/organisations/{uuid.uuid4()}/dids/proof"},
            "invalid_registry_submission",
        ),
        ({"document": sign, "registryToken": "t"}, "invalid_registry_submission"),
        (
            {"document": sign, "submitTo": f"{REGISTRY}/anything", "registryToken": "t"},
            "invalid_registry_submission",
        ),
        (
            {
                "document": sign,
                "submitTo": f"https://elsewhere.example/organisations/{uuid.uuid4()}/dids/proof",
                "registryToken": "t",
            },
            "invalid_registry_submission",
        ),
    ]
    for body, code in cases:
        refused = await issuer.client.post(url, json=body, headers=auth)
        assert refused.status_code == 422, (body, refused.text)
        problem = refused.json()
        assert problem["code"] == code, (body, problem)
        assert problem["detail"][0].isalpha() and "Error" not in problem["detail"], problem
    # A request field the endpoint does not know is a validation error, not a signature.
    extra = await issuer.client.post(url, json={"document": sign, "payload": "x"}, headers=auth)
    assert extra.status_code == 400 and extra.json()["code"] == "validation_failed"
    async with issuer.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM did_control_proofs") == 0


async def test_only_the_owning_platform_with_manage_may_ask(both):
    issuer, registry = both
    _, auth = await issuer.platform()
    _, stranger = await issuer.platform("another platform")
    profile = (await issuer.client.post("/issuers", json={"name": "P"}, headers=auth)).json()
    _, _, sign = await _challenge(registry, profile["did"])
    url = f"/issuers/{profile['id']}/did-control-proofs"
    foreign = await issuer.client.post(url, json={"document": sign}, headers=stranger)
    assert foreign.status_code == 404 and foreign.json()["code"] == "issuer_not_found"
    anonymous = await issuer.client.post(url, json={"document": sign})
    assert anonymous.status_code == 401
    async with issuer.pool.acquire() as conn:
        owner = await conn.fetchval(
            "SELECT platform_id FROM issuers WHERE id = $1", uuid.UUID(profile["id"])
        )
    issue_only = await platforms.create_api_key(issuer.pool, owner, name="i", scopes=["issue"])
    narrow = await issuer.client.post(
        url, json={"document": sign}, headers=bearer(issue_only.token)
    )
    assert narrow.status_code == 403 and narrow.json()["code"] == "missing_scope"


async def test_a_submission_to_a_private_address_is_not_sent(both):
    """The safe fetcher's policy applies: without an allow-list, no private or http target."""
    issuer, registry = both
    _, auth = await issuer.platform()
    profile = (await issuer.client.post("/issuers", json={"name": "P"}, headers=auth)).json()
    _, _, sign = await _challenge(registry, profile["did"])
    target = f"{REGISTRY}/organisations/{uuid.uuid4()}/dids/proof"
    # registry.example does not resolve; the refusal must still be one sentence with a code.
    refused = await issuer.client.post(
        f"/issuers/{profile['id']}/did-control-proofs",
        json={"document": sign, "submitTo": target, "registryToken": "b4gr_x"},
        headers=auth,
    )
    assert refused.status_code == 502, refused.text
    assert refused.json()["code"] == "registry_unreachable"
    local = {**sign, "domain": "http://127.0.0.1:9"}
    refused = await issuer.client.post(
        f"/issuers/{profile['id']}/did-control-proofs",
        json={
            "document": local,
            "submitTo": f"http://127.0.0.1:9/organisations/{uuid.uuid4()}/dids/proof",
            "registryToken": "b4gr_x",
        },
        headers=auth,
    )
    assert refused.status_code == 422 and refused.json()["code"] == "registry_url_not_allowed"


async def test_an_issuer_limited_to_its_registries_signs_no_other_challenge(stack, prefix):
    async with issuer_app(stack, prefix, enrolment_registries=f"{REGISTRY}/") as issuer:
        _, auth = await issuer.platform()
        profile = (await issuer.client.post("/issuers", json={"name": "P"}, headers=auth)).json()
        url = f"/issuers/{profile['id']}/did-control-proofs"
        ours = {"did": profile["did"], "challenge": "abcdefgh12345678", "domain": REGISTRY}
        assert (await issuer.client.post(url, json={"document": ours}, headers=auth)).is_success
        other = {**ours, "domain": "https://elsewhere.example"}
        refused = await issuer.client.post(url, json={"document": other}, headers=auth)
        assert refused.status_code == 422 and refused.json()["code"] == "registry_not_accepted"
        assert "https://elsewhere.example" in refused.json()["detail"]
