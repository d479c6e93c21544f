"""The Quality Label's scheme as data, the organisation facts and issuer activity its automatic
checks read (from the issuer's events, exactly once), check evidence on applications, and
monitoring cases on valid grants; every new write refused to the wrong role."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.events.envelope import encode_event, new_event
from b4g.core.events.payloads import (
    CredentialIssuedV1,
    CredentialStatusChangedV1,
    IssuerUpsertedV1,
    VerificationMethodV1,
)
from b4g.core.events.topics import (
    CREDENTIAL_ISSUED,
    CREDENTIAL_STATUS_CHANGED,
    ISSUER_CREDENTIALS,
    ISSUER_PROFILES,
    ISSUER_UPSERTED,
)
from b4g.core.infra.db import create_pool
from b4g.core.infra.kafka import ensure_topics, new_producer, topic_name
from b4g.core.infra.settings import load_settings
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof
from b4g.registry.app import service_spec
from b4g.registry.domain.access import Principal
from b4g.registry.settings import RegistrySettings
from b4g.registry.usecases import cases, dids
from b4g.registry.usecases.context import registry_context
from b4g.registry.usecases.dids import NewDid
from tests.integration.test_registry_trust import bearer, keys, prove_did
from tests.support.apps import service_client

pytestmark = pytest.mark.integration

KEY = Ed25519KeyPair.from_seed(bytes(range(120, 152)))
DID = f"did:key:{KEY.public_multibase}"
VM = f"{DID}#{KEY.public_multibase}"
MONTHS = ["2025-11-15", "2025-12-01", "2026-01-20", "2026-02-03", "2026-03-09", "2026-04-30"]


async def proven_organisation(client, admin: str) -> tuple[str, str]:
    org = (
        await client.post(
            "/organisations",
            headers=bearer(admin),
            json={"legalName": "Tartu Youth Hub", "country": "EE"},
        )
    ).json()["id"]
    org_admin = (await keys(client, ["org_admin"], uuid.UUID(org)))["org_admin"]
    await prove_did(client, org, org_admin, KEY)
    return org, org_admin


async def publish_activity(bootstrap: str, prefix: str) -> None:
    """Six active months, one event delivered twice, a revocation, and the issuer profile
    reporting a compromised key."""
    producer = new_producer(bootstrap)
    await producer.start()
    try:
        events = [
            new_event(
                source="urn:test:issuer",
                type=CREDENTIAL_ISSUED,
                data=CredentialIssuedV1(
                    credential_id=f"c{i}",
                    issuer_id="i1",
                    issuer_did=DID,
                    issued_at=f"{day}T10:00:00Z",
                ),
            )
            for i, day in enumerate(MONTHS)
        ]
        events.append(events[0])  # redelivered: must count once
        events.append(
            new_event(
                source="urn:test:issuer",
                type=CREDENTIAL_STATUS_CHANGED,
                data=CredentialStatusChangedV1(
                    credential_id="c0",
                    issuer_did=DID,
                    status="revoked",
                    actor="platform:p1",
                    changed_at="2026-05-02T08:00:00Z",
                ),
            )
        )
        for event in events:
            await producer.send_and_wait(
                topic_name(ISSUER_CREDENTIALS, prefix), encode_event(event), key=DID.encode()
            )
        profile = IssuerUpsertedV1(
            issuer_id="i1",
            did=DID,
            profile={"name": "Tartu Youth Hub"},
            verification_methods=[
                VerificationMethodV1(id=VM, public_key_multibase="z6Mkold", state="compromised")
            ],
        )
        await producer.send_and_wait(
            topic_name(ISSUER_PROFILES, prefix),
            encode_event(new_event(source="urn:test:issuer", type=ISSUER_UPSERTED, data=profile)),
            key=b"i1",
        )
    finally:
        await producer.stop()


async def activity_rows(url: str) -> list[tuple[str, int, int]]:
    pool = await create_pool(url)
    try:
        rows = await pool.fetch("SELECT month, issued, revoked FROM issuer_activity ORDER BY month")
        if not await pool.fetchval("SELECT count(*) FROM issuer_profiles"):
            return []  # the profile event has not arrived yet
        return [(str(r["month"]), r["issued"], r["revoked"]) for r in rows]
    finally:
        await pool.close()


async def monitor(url: str, now: datetime) -> int:
    pool = await create_pool(url)
    try:
        settings = load_settings(RegistrySettings, {}, database_url=url)
        return await cases.monitor(registry_context(pool, settings, clock=lambda: now))
    finally:
        await pool.close()


def results(checks: dict) -> dict[str, bool]:
    return {r["criterion"]: r["passed"] for r in checks["results"]}


async def test_scheme_facts_activity_checks_and_cases(stack, prefix):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    async with service_client(service_spec(), RegistrySettings, stack, prefix) as client:
        url = client.app.state.runtime.settings.database_url
        staff = await keys(client, ["registry_admin", "assessor", "committee", "auditor"])
        second_assessor = (await keys(client, ["assessor"]))["assessor"]
        admin, assessor = staff["registry_admin"], staff["assessor"]

        # The scheme is public data, versioned; only registry admins publish.
        scheme = (await client.get("/scheme")).json()
        assert scheme["version"] == 1 and scheme["validityDays"] == 1095
        assert scheme["activity"]["minActiveMonths"] == 6
        assert scheme["monitoring"]["revocationSpikeRatio"] == 0.25
        assert {c["id"] for c in scheme["criteria"]} >= {
            "platform_registration",
            "organiser_verified",
            "values_accepted",
            "active_badge_use",
            "course_completed",
            "quality_plan",
        }
        org, org_admin = await proven_organisation(client, admin)
        first = (
            await client.post(
                f"/organisations/{org}/applications", headers=bearer(org_admin), json={}
            )
        ).json()

        shorter = {k: v for k, v in scheme.items() if k != "version"} | {"validityDays": 365}
        assert (
            await client.post("/scheme", headers=bearer(assessor), json=shorter)
        ).status_code == 403
        broken = await client.post("/scheme", headers=bearer(admin), json={"criteria": "none"})
        assert broken.status_code == 422 and broken.json()["code"] == "invalid_scheme"
        published = await client.post("/scheme", headers=bearer(admin), json=shorter)
        assert published.status_code == 201 and published.json()["version"] == 2
        assert (await client.get("/scheme/1")).json()["validityDays"] == 1095
        assert (await client.get("/scheme/9")).status_code == 404

        # Organisation facts: platform verification by registry admins, values by the org.
        platform = f"/organisations/{org}/platforms/Cities%20of%20Learning"
        body = {"accountId": "col-4711", "organiserVerified": True}
        assert (await client.put(platform, headers=bearer(org_admin), json=body)).status_code == 403
        assert (await client.put(platform, headers=bearer(admin), json=body)).status_code == 200
        values = f"/organisations/{org}/values-acceptances"
        other_org, other_admin = (
            (
                await client.post(
                    "/organisations",
                    headers=bearer(admin),
                    json={"legalName": "Other", "country": "LV"},
                )
            ).json()["id"],
            None,
        )
        other_admin = (await keys(client, ["org_admin"], uuid.UUID(other_org)))["org_admin"]
        refused = await client.post(values, headers=bearer(other_admin), json={"version": "2024"})
        assert refused.status_code == 403
        accepted = await client.post(values, headers=bearer(org_admin), json={"version": "2024"})
        assert accepted.status_code == 201 and accepted.json()[0]["valuesVersion"] == "2024"

        # Activity arrives from the issuer's events, exactly once.
        await publish_activity(stack.bootstrap, prefix)
        step = f"/applications/{first['id']}"
        async with asyncio.timeout(20):
            while True:
                rows = await activity_rows(url)
                if len(rows) == 7 and rows[-1][2] == 1:
                    break
                await asyncio.sleep(0.2)
        assert rows[0] == ("2025-11-01", 1, 0) and sum(r[1] for r in rows) == 6

        # Evidence: recorded on submission, and again on demand by assessors.
        before = (await client.post(f"{step}/checks", headers=bearer(assessor))).json()
        assert results(before) == {
            "platform_registration": True,
            "organiser_verified": True,
            "values_accepted": True,
            "active_badge_use": True,
            "course_completed": False,
        }
        assert (await client.post(f"{step}/checks", headers=bearer(org_admin))).status_code == 403
        await client.post(f"{step}/complete_course", headers=bearer(org_admin), json={})
        await client.post(f"{step}/apply", headers=bearer(org_admin), json={"submission": {}})
        view = (await client.get(step, headers=bearer(org_admin))).json()
        assert view["schemeVersion"] == 1  # opened before version 2: assessed under 1
        assert all(r["passed"] for r in view["checks"][-1]["results"])
        assert [h["action"] for h in view["history"]] == ["create", "complete_course", "apply"]
        assert (await client.get(step, headers=bearer(other_admin))).status_code == 403

        # Grant (four eyes), then monitoring opens one case per finding, never twice.
        await client.post(f"{step}/start_assessment", headers=bearer(assessor), json={})
        proposal = (
            await client.post(
                f"{step}/decisions",
                headers=bearer(assessor),
                json={"decision": "approve", "reason": "meets the criteria"},
            )
        ).json()
        granted = await client.post(
            f"/decisions/{proposal['id']}/confirm", headers=bearer(second_assessor)
        )
        trust = (await client.get(f"/trust/{DID}")).json()
        valid_until = datetime.fromisoformat(trust["label_valid_until"].replace("Z", "+00:00"))
        assert granted.status_code == 200
        assert valid_until - datetime.now(UTC) > timedelta(days=1000)  # scheme 1: three years

        stolen_renewal = await client.post(
            f"/organisations/{other_org}/applications",
            headers=bearer(other_admin),
            json={"renewalOf": granted.json()["grant"]},
        )
        assert stolen_renewal.status_code == 404  # a renewal names a grant of its own org

        later = datetime.now(UTC) + timedelta(days=200)
        assert await monitor(url, later) == 2
        assert await monitor(url, later) == 0
        assert (await client.get("/cases", headers=bearer(assessor))).status_code == 403
        cases = (await client.get("/cases", headers=bearer(staff["committee"]))).json()
        assert {c["kind"] for c in cases} == {"inactivity", "key_compromised"}
        assert {c["organisationId"] for c in cases} == {org}
        [case] = [c for c in cases if c["kind"] == "inactivity"]
        close = f"/cases/{case['id']}/close"
        note = {"note": "seasonal programme; checked with the organisation"}
        assert (await client.post(close, headers=bearer(admin), json=note)).status_code == 403
        closed = await client.post(close, headers=bearer(staff["committee"]), json=note)
        assert closed.status_code == 201 and closed.json()["closedBy"].startswith("committee:")
        assert [
            c["kind"] for c in (await client.get("/cases", headers=bearer(staff["auditor"]))).json()
        ] == ["key_compromised"]
        assert (
            await client.post(close, headers=bearer(staff["committee"]), json=note)
        ).status_code == 404

        audit = (await client.get("/audit/verify", headers=bearer(staff["auditor"]))).json()
        assert audit["valid"] is True and audit["entries"] > 10


async def test_a_did_web_is_proven_through_the_fetcher(stack, prefix):
    """did:web controller documents come through the (injected) fetcher: proof of control works
    for did:web as for did:key."""
    did = "did:web:college.example"
    document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": f"{did}#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": KEY.public_multibase,
            }
        ],
        "assertionMethod": [f"{did}#key-1"],
    }
    fetched: list[str] = []

    async def fetch(url: str) -> dict:
        fetched.append(url)
        return document

    async with service_client(service_spec(), RegistrySettings, stack, prefix) as client:
        url = client.app.state.runtime.settings.database_url
        admin = (await keys(client, ["registry_admin"]))["registry_admin"]
        org = (
            await client.post(
                "/organisations",
                headers=bearer(admin),
                json={"legalName": "College", "country": "FI"},
            )
        ).json()["id"]
        pool = await create_pool(url)
        try:
            settings = load_settings(
                RegistrySettings, {}, database_url=url, public_base_url="registry.example"
            )
            ctx = registry_context(pool, settings, fetch=fetch)
            who = Principal("k", "registry_admin", None)
            sign = (await dids.register(ctx, who, uuid.UUID(org), NewDid(did=did))).sign
            proof = create_proof(
                sign,
                key=KEY,
                verification_method=f"{did}#key-1",
                created="2026-01-01T00:00:00Z",
                cryptosuite=JCS,
            )
            state = await dids.prove(ctx, who, uuid.UUID(org), add_proof(sign, proof))
        finally:
            await pool.close()
        assert state.did_proven and fetched == ["https://college.example/.well-known/did.json"]


async def test_a_did_can_be_retired_from_a_moment_on(stack, prefix):
    async with service_client(service_spec(), RegistrySettings, stack, prefix) as client:
        admin = (await keys(client, ["registry_admin"]))["registry_admin"]
        org, org_admin = await proven_organisation(client, admin)
        other = (
            await client.post(
                "/organisations", headers=bearer(admin), json={"legalName": "X", "country": "LV"}
            )
        ).json()["id"]
        other_admin = (await keys(client, ["org_admin"], uuid.UUID(other)))["org_admin"]
        path = f"/organisations/{org}/dids/{DID}/validity"
        until = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        body = {"validUntil": until, "reason": "key lost"}
        assert (await client.post(path, headers=bearer(other_admin), json=body)).status_code == 403
        wrong_org = await client.post(
            f"/organisations/{other}/dids/{DID}/validity", headers=bearer(other_admin), json=body
        )
        assert wrong_org.status_code == 404
        backwards = {"validUntil": "2000-01-01T00:00:00Z", "reason": "typo"}
        assert (
            await client.post(path, headers=bearer(org_admin), json=backwards)
        ).status_code == 400
        retired = await client.post(path, headers=bearer(org_admin), json=body)
        assert retired.status_code == 200 and retired.json()["did_valid_until"]

        def moment(days: int) -> str:
            return (datetime.now(UTC) + timedelta(days=days)).isoformat()

        today = (await client.get(f"/trust/{DID}", params={"at": moment(0)})).json()
        later = (await client.get(f"/trust/{DID}", params={"at": moment(2)})).json()
        assert today["trustedIssuer"] and not later["trustedIssuer"]
