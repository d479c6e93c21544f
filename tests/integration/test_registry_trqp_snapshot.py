"""TRQP v2 authorization and recognition queries, and the signed snapshot for offline
verifiers (verified with the core Data Integrity code, tampering detected, sequence grows)."""

from __future__ import annotations

import asyncio
import base64
import copy
from datetime import UTC, datetime

import pytest

from b4g.core.did.resolver import DidResolver
from b4g.core.proofs.data_integrity import verify_document
from tests.integration.test_registry_public import (
    key_of,
    organisation,
    registry,
    staff_of,
    suspend,
    withdraw,
)
from tests.integration.test_registry_trust import bearer

pytestmark = pytest.mark.integration

AUTHORITY = "https://registry.example"
PARTNER = "https://registry.partner.example"
SEED = base64.b64encode(bytes(range(100, 132))).decode()


def ask(entity: str, resource: str = "badge", **extra) -> dict:
    return {
        "entity_id": entity,
        "authority_id": AUTHORITY,
        "action": "issue",
        "resource": resource,
        **extra,
    }


async def authorized(client, entity: str, resource: str, at: str | None = None) -> dict:
    body = ask(entity, resource, **({"context": {"time": at}} if at else {}))
    answer = await client.post("/trqp/authorization", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def test_trqp_authorization_and_recognition(stack, prefix):
    async with registry(stack, prefix, trqp_recognised_authorities=f" {PARTNER} ,") as client:
        staff = await staff_of(client)
        org, grant = await organisation(client, staff, "Utena Lab", "LT", key_of(31), label=True)
        assert grant
        did = f"did:key:{key_of(31).public_multibase}"

        now = await authorized(client, did, "quality-label")
        assert now["authorized"] is True and now["authority_id"] == AUTHORITY
        assert now["entity_id"] == did and now["action"] == "issue"
        assert now["resource"] == "quality-label" and now["time_evaluated"].endswith("Z")
        assert "time_requested" not in now and "held the Quality Label" in now["message"]
        assert (await authorized(client, did, "badge"))["authorized"] is True

        before = await authorized(client, did, "badge", "2020-01-01T00:00:00Z")
        assert before["authorized"] is False and "not registered" in before["message"]
        assert before["time_requested"] == "2020-01-01T00:00:00Z"
        assert before["context"] == {"time": "2020-01-01T00:00:00Z"}

        held_then = z(datetime.now(UTC))
        await asyncio.sleep(0.01)
        await suspend(client, staff, grant)
        assert (await authorized(client, did, "quality-label"))["authorized"] is False
        assert (await authorized(client, did, "badge"))["authorized"] is True
        await withdraw(client, staff, grant)
        after = await authorized(client, did, "quality-label")
        assert after["authorized"] is False and "did not hold" in after["message"]
        # A badge issued while the label was held: the label was held at that moment.
        assert (await authorized(client, did, "quality-label", held_then))["authorized"] is True

        await client.post(
            f"/organisations/{org}/status",
            headers=bearer(staff.admin),
            json={"status": "suspended", "reason": "complaint"},
        )
        refused = await authorized(client, did, "badge")
        assert refused["authorized"] is False and "suspended" in refused["message"]
        assert (await authorized(client, did, "badge", held_then))["authorized"] is True

        stranger = await authorized(client, f"did:key:{key_of(32).public_multibase}", "badge")
        assert stranger["authorized"] is False and "not a proven DID" in stranger["message"]
        assert (await authorized(client, "not even a DID", "badge"))["authorized"] is False

        other = await client.post(
            "/trqp/authorization", json={**ask(did), "authority_id": "did:web:elsewhere.example"}
        )
        assert other.status_code == 404 and other.json()["code"] == "unknown_authority"
        unknown = await client.post("/trqp/authorization", json=ask(did, "driving-licence"))
        assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_action_resource"

        for bad in (
            {"entity_id": did},
            {**ask(did), "context": {"time": "yesterday"}},
            {**ask(did), "context": {"time": "2026-01-01T02:00:00+02:00"}},
            {**ask(did), "context": {"time": "2026-02-30T00:00:00Z"}},
            {**ask(did), "context": {"time": 5}},
            {**ask(did), "entity_id": ""},
            [1, 2],
        ):
            for path in ("/trqp/authorization", "/trqp/recognition"):
                problem = await client.post(path, json=bad)
                assert problem.status_code == 400, (path, bad, problem.text)
                assert problem.headers["content-type"].startswith("application/problem+json")
        garbled = await client.post(
            "/trqp/authorization",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
        assert garbled.status_code == 400

        async def recognised(entity: str) -> dict:
            answer = await client.post("/trqp/recognition", json=ask(entity))
            assert answer.status_code == 200, answer.text
            return answer.json()

        assert (await recognised(AUTHORITY))["recognized"] is True
        partner = await recognised(PARTNER)
        assert partner["recognized"] is True and partner["entity_id"] == PARTNER
        stranger_authority = await recognised("https://registry.unknown.example")
        assert stranger_authority["recognized"] is False
        assert stranger_authority["time_evaluated"].endswith("Z")


async def test_signed_snapshot(stack, prefix):
    async with registry(
        stack, prefix, registry_signing_seed=SEED, snapshot_min_interval=0.0
    ) as client:
        staff = await staff_of(client)
        await organisation(client, staff, "Moletai Centre", "LT", key_of(41), label=True)
        _, grant = await organisation(client, staff, "Ignalina Lab", "LT", key_of(42), label=True)
        await organisation(client, staff, "Unproven Org", "LT", None, label=False)
        assert grant

        published = (await client.get("/.well-known/registry-key")).json()
        assert published["did"].startswith("did:key:z6Mk")
        assert published["authorityId"] == AUTHORITY
        assert SEED not in str(published)

        first = await client.get("/snapshot")
        assert first.status_code == 200, first.text
        snapshot = first.json()
        assert snapshot["issuer"] == published["did"]
        assert snapshot["proof"]["verificationMethod"] == published["verificationMethod"]
        assert snapshot["proof"]["cryptosuite"] == "eddsa-jcs-2022"
        results = await verify_document(snapshot, resolve_key=DidResolver().resolve_key)
        assert [r.verified for r in results] == [True], results

        dids = [state["did"] for state in snapshot["states"]]
        assert dids == sorted(
            f"did:key:{key_of(n).public_multibase}" for n in (41, 42)
        )  # unproven DIDs are never published
        for state in snapshot["states"]:
            assert state == (await client.get(f"/trust/{state['did']}")).json()

        tampered = copy.deepcopy(snapshot)
        tampered["states"][0]["label_status"] = "active"
        tampered["states"][1]["label_status"] = "active"
        tampered["states"][0]["registry_status"] = "removed"
        results = await verify_document(tampered, resolve_key=DidResolver().resolve_key)
        assert [r.verified for r in results] == [False]
        replayed = {**snapshot, "sequence": snapshot["sequence"] + 100}
        assert not (await verify_document(replayed, resolve_key=DidResolver().resolve_key))[
            0
        ].verified

        unchanged = await client.get("/snapshot", headers={"If-None-Match": first.headers["etag"]})
        assert unchanged.status_code == 304
        assert first.headers["cache-control"] == "public, max-age=5"

        await suspend(client, staff, grant)
        second = (await client.get("/snapshot")).json()
        assert second["sequence"] > snapshot["sequence"]
        assert (await verify_document(second, resolve_key=DidResolver().resolve_key))[0].verified
        suspended = next(
            s for s in second["states"] if s["did"].endswith(key_of(42).public_multibase)
        )
        assert suspended["label_status"] == "suspended"


async def test_snapshot_needs_a_signing_key(stack, prefix):
    async with registry(stack, prefix) as client:
        for path in ("/snapshot", "/.well-known/registry-key"):
            refused = await client.get(path)
            assert refused.status_code == 503
            assert refused.json()["code"] == "signing_not_configured"
        schema = (await client.get("/schema/openapi.json")).json()
        for path, method in (
            ("/organisations/{org_id}/public", "get"),
            ("/directory", "get"),
            ("/trqp/authorization", "post"),
            ("/trqp/recognition", "post"),
            ("/snapshot", "get"),
            ("/.well-known/registry-key", "get"),
        ):
            operation = schema["paths"][path][method]
            assert "security" not in operation
            assert operation["responses"]["200"]["content"]["application/json"]["examples"]
