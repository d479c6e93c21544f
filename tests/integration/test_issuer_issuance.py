"""Issuing end to end against the real stack: platform key → issuer → achievement → credential
in each proof format, verified with the core's proof verification resolving the issuer's DID
document from the running service; idempotency; tenant isolation; revocation publishes a new
list version with the bit set; key rotation keeps old credentials verifiable."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from test_issuer_support import VERIFIER_BASE, issuer_app, rdf_canonizer

from b4g.core.crypto.multikey import decode_public
from b4g.core.did.did_key import resolve_did_key
from b4g.core.events.envelope import decode_event
from b4g.core.infra.schemas import SchemaSource
from b4g.core.jsonld.documents import ContextStore
from b4g.core.models.ob3 import hash_identity
from b4g.core.proofs.data_integrity import KeyResolutionFailure, ResolvedKey, verify_document
from b4g.core.proofs.vc_jwt import check_claims, decode_jwt, verify_signature
from b4g.core.statuslist import check_status, decode_bits, set_indexes
from b4g.core.verification import Verifier

pytestmark = pytest.mark.integration

PROFILE = {"name": "Cities of Learning", "url": "https://col.example.org"}
ACHIEVEMENT = {
    "name": "Urban Gardener",
    "description": "Tended a community garden for a season.",
    "criteria": {"narrative": "Ten sessions and a harvest presentation."},
    "achievementType": "Badge",
    "resultDescription": [{"name": "Score", "resultType": "Percent"}],
}


def did_resolver(client):
    """Resolves verification methods through the running issuer (did:web) or did:key."""

    async def resolve(vm: str, purpose: str, controller: str | None):
        did = vm.split("#", 1)[0]
        if did.startswith("did:key:"):
            document = resolve_did_key(did)
        else:
            path = "/" + "/".join(did.removeprefix("did:web:").split(":")[1:]) + "/did.json"
            response = await client.get(path)
            if response.status_code != 200:
                return KeyResolutionFailure(code="could_not_resolve", message=response.text)
            document = response.json()
        if vm not in document.get(purpose, []):
            return KeyResolutionFailure(code="INVALID_VERIFICATION_METHOD", message="not listed")
        method = next(m for m in document["verificationMethod"] if m["id"] == vm)
        if controller is not None and method["controller"] != controller:
            return KeyResolutionFailure(code="INVALID_VERIFICATION_METHOD", message="controller")
        return ResolvedKey(
            public_key=decode_public(method["publicKeyMultibase"]),
            controller=method["controller"],
        )

    return resolve


async def verify(client, document):
    results = await verify_document(
        document,
        resolve_key=did_resolver(client),
        rdf=rdf_canonizer(),
        expected_controller=issuer
        if isinstance(issuer := document["issuer"], str)
        else issuer["id"],
    )
    return [(r.verified, r.code, r.cryptosuite) for r in results]


async def setup_issuer(app, auth, **issuer_fields):
    issuer = (
        await app.client.post("/issuers", json={**PROFILE, **issuer_fields}, headers=auth)
    ).json()
    achievement = (
        await app.client.post(
            f"/issuers/{issuer['id']}/achievements", json=ACHIEVEMENT, headers=auth
        )
    ).json()
    return issuer, achievement


async def published_lists(app, list_id: str) -> list[dict]:
    async with app.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT value FROM outbox WHERE topic = 'b4g.issuer.status-lists.v1' AND key = $1"
            " ORDER BY id",
            list_id,
        )
    return [decode_event(bytes(r["value"])).data for r in rows]


async def wait_for_version(app, list_id: str, version: int) -> list[dict]:
    """The list's publications once `version` is among them (the publisher re-signs lists
    changed in the last interval in the background)."""
    for _ in range(400):
        versions = await published_lists(app, list_id)
        if versions and versions[-1]["version"] >= version:
            return versions
        await asyncio.sleep(0.025)
    raise AssertionError(f"list {list_id} never reached version {version}")


def vc_jwt_verifies(client, token: str, jwks: dict) -> bool:
    decoded = decode_jwt(token)
    key = next(k for k in jwks["keys"] if k["kid"] == decoded.header["kid"])
    return verify_signature(decoded, key).verified and not check_claims(decoded.payload)


async def test_issue_in_each_proof_format_and_verify(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        issuer, achievement = await setup_issuer(app, auth)
        formats = [["eddsa-rdfc-2022"], ["eddsa-jcs-2022"], ["vc-jwt"], None]
        for proof_formats in formats:
            body = {"achievementId": achievement["id"], "recipient": {"email": "Ana@Example.org"}}
            if proof_formats:
                body["proofFormats"] = proof_formats
            response = await app.client.post(
                f"/issuers/{issuer['id']}/credentials", json=body, headers=auth
            )
            assert response.status_code == 201, response.text
            issued = response.json()
            if proof_formats == ["vc-jwt"]:
                assert issued["credential"] is None
                jwks = (await app.client.get(f"/issuers/{issuer['id']}/jwks.json")).json()
                assert vc_jwt_verifies(app.client, issued["jwt"], jwks)
                fetched = await app.client.get(
                    f"/credentials/{issued['credentialId']}",
                    headers={**auth, "Accept": "application/vc+jwt"},
                )
                assert fetched.text == issued["jwt"]
                continue
            credential = issued["credential"]
            suite = (proof_formats or ["eddsa-rdfc-2022"])[0]
            assert await verify(app.client, credential) == [(True, "ok", suite)]
            assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
            assert credential["issuer"]["id"] == issuer["did"]
            subject = credential["credentialSubject"]
            assert subject["achievement"]["id"] == f"urn:uuid:{achievement['id']}"
            identity = subject["identifier"][0]
            assert "ana@example.org" not in str(credential).lower()
            assert identity["identityHash"] == hash_identity("ana@example.org", identity["salt"])
            status = credential["credentialStatus"]
            assert status["type"] == "BitstringStatusListEntry"
            assert status["statusListCredential"].startswith(f"{VERIFIER_BASE}/status/")
            fetched = await app.client.get(f"/credentials/{issued['credentialId']}", headers=auth)
            assert fetched.json() == credential

        # Several formats at once: a proof set and a JWT beside it.
        both = await app.client.post(
            f"/issuers/{issuer['id']}/credentials",
            json={
                "achievementId": achievement["id"],
                "recipient": {"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
                "proofFormats": ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"],
                "narrative": "Led the planting.",
                "evidence": [{"id": "https://example.org/evidence/1", "name": "Photos"}],
                "results": [{"value": "92"}],
                "validUntil": "2030-01-01T00:00:00Z",
            },
            headers=auth,
        )
        assert both.status_code == 201, both.text
        credential = both.json()["credential"]
        assert sorted(await verify(app.client, credential)) == [
            (True, "ok", "eddsa-jcs-2022"),
            (True, "ok", "eddsa-rdfc-2022"),
        ]
        assert credential["credentialSubject"]["id"].startswith("did:key:")
        assert credential["validUntil"] == "2030-01-01T00:00:00Z"
        assert both.json()["jwt"].count(".") == 2

        # The credential.issued events are in the outbox, one per credential.
        async with app.pool.acquire() as conn:
            issued_events = await conn.fetchval(
                "SELECT count(*) FROM outbox WHERE topic = 'b4g.issuer.credentials.v1'"
            )
        assert issued_events == 5
        listed = await app.client.get(
            "/credentials", params={"recipientEmail": "ana@EXAMPLE.org"}, headers=auth
        )
        assert len(listed.json()) == 4


async def test_idempotency_and_tenant_isolation(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform("first")
        _, other = await app.platform("second")
        issuer, achievement = await setup_issuer(app, auth)
        path = f"/issuers/{issuer['id']}/credentials"
        body = {"achievementId": achievement["id"], "recipient": {"email": "a@example.org"}}
        key = {"Idempotency-Key": str(uuid.uuid4())}
        first = await app.client.post(path, json=body, headers={**auth, **key})
        again = await app.client.post(
            path, json=dict(reversed(body.items())), headers={**auth, **key}
        )
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again.headers.get("idempotent-replayed") == "true"
        changed = await app.client.post(
            path, json={**body, "narrative": "different"}, headers={**auth, **key}
        )
        assert changed.status_code == 409 and changed.json()["code"] == "idempotency_key_reused"
        listed = await app.client.get("/credentials", headers=auth)
        assert len(listed.json()) == 1

        credential_id = first.json()["credentialId"]
        for method, target, payload in (
            ("POST", path, body),
            ("GET", f"/credentials/{credential_id}", None),
            ("GET", f"/credentials/{credential_id}/status", None),
            ("POST", f"/credentials/{credential_id}/revoke", {"reason": "x"}),
        ):
            response = await app.client.request(method, target, json=payload, headers=other)
            assert response.status_code == 404, (method, target, response.text)
        assert (await app.client.get("/credentials", headers=other)).json() == []
        issue_only = await app.client.post(
            "/platform/api-keys", json={"scopes": ["issue"]}, headers=auth
        )
        weak = {"Authorization": f"Bearer {issue_only.json()['token']}"}
        refused = await app.client.post(f"/credentials/{credential_id}/revoke", headers=weak)
        assert refused.status_code == 403


async def test_revocation_publishes_a_new_list_version_with_the_bit_set(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        issuer, achievement = await setup_issuer(app, auth)
        issued = (
            await app.client.post(
                f"/issuers/{issuer['id']}/credentials",
                json={"achievementId": achievement["id"], "recipient": {"email": "b@example.org"}},
                headers=auth,
            )
        ).json()
        entry = issued["credential"]["credentialStatus"]
        list_id = entry["statusListCredential"].rsplit("/", 1)[1]
        index = int(entry["statusListIndex"])
        [first] = await published_lists(app, list_id)
        assert first["version"] == 1 and first["url"] == entry["statusListCredential"]

        revoked = await app.client.post(
            f"/credentials/{issued['credentialId']}/revoke",
            json={"reason": "awarded in error"},
            headers=auth,
        )
        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["status"] == "revoked"
        assert revoked.json()["statusListVersion"] == 2
        [history] = revoked.json()["history"]
        assert history["reason"] == "awarded in error" and history["actor"].startswith("platform:")

        versions = await wait_for_version(app, list_id, 2)
        assert [v["version"] for v in versions] == [1, 2]
        newest = versions[-1]["credential"]
        assert await verify(app.client, newest) == [(True, "ok", "eddsa-rdfc-2022")]
        assert check_status(entry, newest).active
        assert not check_status(entry, versions[0]["credential"]).active
        assert index in set_indexes(decode_bits(newest["credentialSubject"]["encodedList"]))

        async with app.pool.acquire() as conn:
            changes = await conn.fetch(
                "SELECT value FROM outbox WHERE topic = 'b4g.issuer.credentials.v1' ORDER BY id"
            )
        event = decode_event(bytes(changes[-1]["value"])).data
        assert event["status"] == "revoked" and event["reason"] == "awarded in error"
        # The relay publishes every outbox row to the broker.
        for _ in range(200):
            async with app.pool.acquire() as conn:
                pending = await conn.fetchval(
                    "SELECT count(*) FROM outbox WHERE published_at IS NULL"
                )
            if pending == 0:
                break
            await asyncio.sleep(0.05)
        assert pending == 0

        final = await app.client.post(
            f"/credentials/{issued['credentialId']}/reinstate", headers=auth
        )
        assert final.status_code == 409
        again = await app.client.post(f"/credentials/{issued['credentialId']}/revoke", headers=auth)
        assert again.status_code == 409 and again.json()["code"] == "invalid_status_transition"
        no_suspension = await app.client.post(
            f"/credentials/{issued['credentialId']}/suspend", headers=auth
        )
        assert no_suspension.status_code == 409


async def test_suspension_when_the_issuer_allows_it(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        issuer, achievement = await setup_issuer(app, auth, allowSuspension=True)
        issued = (
            await app.client.post(
                f"/issuers/{issuer['id']}/credentials",
                json={"achievementId": achievement["id"], "recipient": {"email": "c@example.org"}},
                headers=auth,
            )
        ).json()
        entries = issued["credential"]["credentialStatus"]
        assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
        assert await verify(app.client, issued["credential"]) == [(True, "ok", "eddsa-rdfc-2022")]
        cid = issued["credentialId"]
        suspension_list = entries[1]["statusListCredential"].rsplit("/", 1)[1]
        suspended = (await app.client.post(f"/credentials/{cid}/suspend", headers=auth)).json()
        assert suspended["status"] == "suspended" and suspended["statusListVersion"] == 2
        await wait_for_version(app, suspension_list, 2)
        reinstated = (await app.client.post(f"/credentials/{cid}/reinstate", headers=auth)).json()
        assert reinstated["status"] == "active" and reinstated["statusListVersion"] == 3
        versions = await wait_for_version(app, suspension_list, 3)
        assert [v["version"] for v in versions] == [1, 2, 3]
        assert [check_status(entries[1], v["credential"]).value for v in versions] == [0, 1, 0]


async def test_rotation_keeps_old_credentials_verifiable_and_full_lists_roll_over(stack, prefix):
    async with issuer_app(stack, prefix, status_list_capacity=2) as app:
        _, auth = await app.platform()
        issuer, achievement = await setup_issuer(app, auth)
        path = f"/issuers/{issuer['id']}/credentials"
        body = {"achievementId": achievement["id"], "recipient": {"email": "d@example.org"}}
        old = (await app.client.post(path, json=body, headers=auth)).json()["credential"]
        await app.client.post(f"/issuers/{issuer['id']}/keys/rotate", headers=auth)
        new = [
            (await app.client.post(path, json=body, headers=auth)).json()["credential"]
            for _ in range(2)
        ]
        assert old["proof"]["verificationMethod"] != new[0]["proof"]["verificationMethod"]
        for credential in (old, *new):
            assert await verify(app.client, credential) == [(True, "ok", "eddsa-rdfc-2022")]
        lists = {c["credentialStatus"]["statusListCredential"] for c in (old, *new)}
        assert len(lists) == 2  # capacity 2: the third credential opened a second list

        # Achievement updates: old credentials keep the version they were issued with.
        await app.client.put(
            f"/achievements/{achievement['id']}",
            json={**ACHIEVEMENT, "description": "Version two."},
            headers=auth,
        )
        newer = (await app.client.post(path, json=body, headers=auth)).json()["credential"]
        assert newer["credentialSubject"]["achievement"]["description"] == "Version two."
        assert old["credentialSubject"]["achievement"]["description"] == ACHIEVEMENT["description"]

        # A compromised key leaves the DID document: what it signed no longer verifies.
        key_id = next(
            k["keyId"]
            for k in (await app.client.get(f"/issuers/{issuer['id']}", headers=auth)).json()[
                "verificationMethods"
            ]
            if k["id"] == old["proof"]["verificationMethod"]
        )
        await app.client.post(f"/issuers/{issuer['id']}/keys/{key_id}/compromised", headers=auth)
        [(verified, code, _)] = await verify(app.client, old)
        assert not verified and code == "INVALID_VERIFICATION_METHOD"


async def test_the_core_verifier_accepts_issued_credentials_until_revoked(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        issuer, achievement = await setup_issuer(app, auth)

        async def latest_list(url: str):
            versions = await published_lists(app, url.rsplit("/", 1)[1])
            return versions[-1]["credential"]

        verifier = Verifier(
            store=ContextStore(),
            resolve_key=did_resolver(app.client),
            status_fetcher=latest_list,
            schemas=SchemaSource(None),  # the OB 3.0 schemas b4g-core ships
        )
        issued = (
            await app.client.post(
                f"/issuers/{issuer['id']}/credentials",
                json={
                    "achievementId": achievement["id"],
                    "recipient": {"email": "e@example.org"},
                    "proofFormats": ["eddsa-rdfc-2022", "vc-jwt"],
                },
                headers=auth,
            )
        ).json()
        now = datetime.now(UTC)
        for presented in (issued["credential"], issued["jwt"]):
            result = await verifier.verify(presented, now=now)
            failing = [c for c in result.checks if c.state != "pass"]
            assert result.verified, failing
            # the published OB 3.0 schema accepts what we issue
            assert result.first("schema").state == "pass", failing
        await app.client.post(f"/credentials/{issued['credentialId']}/revoke", headers=auth)
        list_url = issued["credential"]["credentialStatus"]["statusListCredential"]
        await wait_for_version(app, list_url.rsplit("/", 1)[1], 2)
        result = await verifier.verify(issued["credential"], now=now)
        assert not result.verified
        assert [c.state for c in result.checks if c.name == "status"] == ["fail"]


async def test_concurrent_retries_with_one_idempotency_key_issue_once(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        issuer, achievement = await setup_issuer(app, auth)
        body = {"achievementId": achievement["id"], "recipient": {"email": "f@example.org"}}
        headers = {**auth, "Idempotency-Key": "retry-me"}
        responses = await asyncio.gather(
            *(
                app.client.post(f"/issuers/{issuer['id']}/credentials", json=body, headers=headers)
                for _ in range(5)
            )
        )
        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["credentialId"] for r in responses}) == 1
        async with app.pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM credentials") == 1
            assert await conn.fetchval("SELECT count(*) FROM status_allocations") == 1
