"""Issuer profiles over HTTP: did:web and did:key, DID documents, JWKS, key rotation and
compromise, `issuer.upserted` in the outbox, tenant isolation, and keys that never leak."""

from __future__ import annotations

import logging
import uuid

import pytest
from test_issuer_support import ISSUER_BASE, issuer_app

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.events.envelope import decode_event
from b4g.issuer.app import master_key_provider
from b4g.issuer.domain.sealing import SealedSecret, unseal

pytestmark = pytest.mark.integration

PROFILE = {
    "name": "Cities of Learning Vilnius",
    "url": "https://vilnius.example.org",
    "email": "badges@vilnius.example.org",
    "description": "City-wide learning badges.",
    "image": {"id": "https://vilnius.example.org/logo.png", "caption": "Logo"},
    "address": {"addressCountry": "Lithuania", "addressLocality": "Vilnius"},
    "otherIdentifier": [{"identifier": "302345678", "identifierType": "registryId"}],
    "official": "Director of Learning",
}


async def _upserted_events(app, issuer_id: str) -> list[dict]:
    async with app.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT value FROM outbox WHERE topic = 'b4g.issuer.profiles.v1' AND key = $1"
            " ORDER BY id",
            issuer_id,
        )
    return [decode_event(bytes(r["value"])).data for r in rows]


async def test_did_web_issuer_document_rotation_and_compromise(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        created = await app.client.post("/issuers", json=PROFILE, headers=auth)
        assert created.status_code == 201, created.text
        issuer = created.json()
        issuer_id = issuer["id"]
        assert issuer["did"] == f"did:web:issuer.test%3A8001:issuers:{issuer_id}"
        assert issuer["didDocumentUrl"] == f"{ISSUER_BASE}/issuers/{issuer_id}/did.json"
        assert issuer["profile"]["id"] == issuer["did"]
        assert issuer["profile"]["type"] == ["Profile"]
        assert issuer["profile"]["address"]["type"] == ["Address"]
        [first_key] = issuer["verificationMethods"]
        assert first_key["state"] == "active"
        assert first_key["publicKeyMultibase"].startswith("z6Mk")

        document = (await app.client.get(f"/issuers/{issuer_id}/did.json")).json()  # public
        assert document["id"] == issuer["did"]
        assert document["assertionMethod"] == [first_key["id"]]
        jwks = (await app.client.get(f"/issuers/{issuer_id}/jwks.json")).json()
        assert [(k["kty"], k["crv"], k["kid"]) for k in jwks["keys"]] == [
            ("OKP", "Ed25519", first_key["id"])
        ]

        rotated = await app.client.post(f"/issuers/{issuer_id}/keys/rotate", headers=auth)
        assert rotated.status_code == 200, rotated.text
        states = {k["id"]: k["state"] for k in rotated.json()["verificationMethods"]}
        assert states[first_key["id"]] == "retired" and list(states.values()).count("active") == 1
        document = (await app.client.get(f"/issuers/{issuer_id}/did.json")).json()
        assert set(document["assertionMethod"]) == set(states)  # old key still verifies

        compromised = await app.client.post(
            f"/issuers/{issuer_id}/keys/{first_key['keyId']}/compromised", headers=auth
        )
        assert compromised.status_code == 200, compromised.text
        document = (await app.client.get(f"/issuers/{issuer_id}/did.json")).json()
        assert first_key["id"] not in document["assertionMethod"]
        assert len(document["assertionMethod"]) == 1
        jwks = (await app.client.get(f"/issuers/{issuer_id}/jwks.json")).json()
        assert first_key["id"] not in {k["kid"] for k in jwks["keys"]}

        # Compromising the active key puts a new one in its place.
        active = next(
            k for k in compromised.json()["verificationMethods"] if k["state"] == "active"
        )
        again = await app.client.post(
            f"/issuers/{issuer_id}/keys/{active['keyId']}/compromised", headers=auth
        )
        methods = again.json()["verificationMethods"]
        assert [k["state"] for k in methods].count("active") == 1
        assert [k["state"] for k in methods].count("compromised") == 2

        events = await _upserted_events(app, issuer_id)
        assert len(events) == 4  # created, rotated, two compromises
        last = events[-1]
        assert last["did"] == issuer["did"] and last["profile"]["name"] == PROFILE["name"]
        assert [vm["state"] for vm in last["verification_methods"]] == [
            "compromised",
            "compromised",
            "active",
        ]


async def test_profile_update_and_did_key_issuers(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        created = await app.client.post(
            "/issuers", json={"name": "Key issuer", "didMethod": "key"}, headers=auth
        )
        assert created.status_code == 201, created.text
        issuer = created.json()
        [key] = issuer["verificationMethods"]
        assert issuer["did"] == f"did:key:{key['publicKeyMultibase']}"
        assert key["id"] == f"{issuer['did']}#{key['publicKeyMultibase']}"
        assert issuer["didDocumentUrl"] is None
        rotate = await app.client.post(f"/issuers/{issuer['id']}/keys/rotate", headers=auth)
        assert rotate.status_code == 409 and rotate.json()["code"] == "rotation_unsupported"
        assert (await app.client.get(f"/issuers/{issuer['id']}/did.json")).status_code == 404

        updated = await app.client.put(
            f"/issuers/{issuer['id']}", json={**PROFILE, "name": "Renamed"}, headers=auth
        )
        assert updated.status_code == 200, updated.text
        assert updated.json()["profile"]["name"] == "Renamed"
        assert updated.json()["version"] == 2
        events = await _upserted_events(app, issuer["id"])
        assert [e["profile"]["name"] for e in events] == ["Key issuer", "Renamed"]

        for bad in (
            {},
            {"name": "x", "email": "not-an-email"},
            {"name": "x", "url": "ftp://x"},
            {"name": "x", "didMethod": "ethr"},
            {"name": "x", "privateKey": "z3u2"},
        ):
            response = await app.client.post("/issuers", json=bad, headers=auth)
            assert response.status_code == 400, (bad, response.text)


async def test_another_platform_gets_404_for_issuers(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, first = await app.platform("first")
        _, second = await app.platform("second")
        issuer = (await app.client.post("/issuers", json=PROFILE, headers=first)).json()
        key_id = issuer["verificationMethods"][0]["keyId"]
        for method, path, body in (
            ("GET", f"/issuers/{issuer['id']}", None),
            ("PUT", f"/issuers/{issuer['id']}", PROFILE),
            ("POST", f"/issuers/{issuer['id']}/keys/rotate", None),
            ("POST", f"/issuers/{issuer['id']}/keys/{key_id}/compromised", None),
        ):
            response = await app.client.request(method, path, json=body, headers=second)
            assert response.status_code == 404, (method, path, response.text)
        assert (await app.client.get("/issuers", headers=second)).json() == []
        listed = (await app.client.get("/issuers", headers=first)).json()
        assert [i["id"] for i in listed] == [issuer["id"]]


async def test_signing_keys_never_appear_in_responses_or_logs(stack, prefix, caplog):
    caplog.set_level(logging.DEBUG)
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        issuer = (await app.client.post("/issuers", json=PROFILE, headers=auth)).json()
        await app.client.post(f"/issuers/{issuer['id']}/keys/rotate", headers=auth)
        bodies = [
            (await app.client.get(f"/issuers/{issuer['id']}", headers=auth)).text,
            (await app.client.get("/issuers", headers=auth)).text,
            (await app.client.get(f"/issuers/{issuer['id']}/did.json")).text,
            (await app.client.get(f"/issuers/{issuer['id']}/jwks.json")).text,
        ]
        secrets = await _unsealed_secrets(app, issuer["id"])
        assert len(secrets) == 2
        logged = "\n".join(record.getMessage() + repr(record.__dict__) for record in caplog.records)
        for seed, secret_multibase in secrets:
            for text in (*bodies, logged):
                assert seed.hex() not in text
                assert secret_multibase not in text
        # JWKs are public keys only.
        jwks = (await app.client.get(f"/issuers/{issuer['id']}/jwks.json")).json()
        assert all("d" not in key for key in jwks["keys"])


async def _unsealed_secrets(app, issuer_id):
    """The seeds, opened the way the service does, to prove they never leak (test only)."""
    provider = master_key_provider(app.client.app.state.runtime.settings)
    async with app.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT sealed_seed, sealed_data_key, key_ref FROM issuer_keys WHERE issuer_id = $1",
            uuid.UUID(issuer_id),
        )
    found = []
    for row in rows:
        seed = unseal(
            provider,
            SealedSecret(bytes(row["sealed_seed"]), bytes(row["sealed_data_key"]), row["key_ref"]),
        )
        found.append((seed, Ed25519KeyPair.from_seed(seed).secret_multibase))
    return found
