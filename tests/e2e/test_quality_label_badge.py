"""The registry's label events drive the Quality Label badge at the issuer: granted → issued to
the organisation's DID once (even when the event is delivered twice), with one credentialStatus
object (the OB 3.0 schema allows no more) although the network issuer allows suspension;
suspended → revoked, reinstated → a new badge, withdrawn → revoked; each state as the verifier
reports it."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import uuid
from pathlib import Path

import httpx
import pytest

from b4g.core.events.envelope import encode_event, new_event
from b4g.core.events.payloads import LabelEventV1
from b4g.core.events.topics import (
    LABEL_GRANTED,
    LABEL_REINSTATED,
    LABEL_SUSPENDED,
    LABEL_WITHDRAWN,
    REGISTRY_LABELS,
    topic_name,
)
from b4g.core.infra.kafka import ensure_topics, new_producer
from b4g.core.schema import validate
from tests.e2e.test_services import issuer_cli, start_service

pytestmark = pytest.mark.e2e

ORG_DID = "did:key:z6MkhWqdDBPojHA7cprTGTt5yHv5yUi1B8cnXn8ReLumkw6E"
SCHEMAS = Path(__file__).resolve().parents[2] / ".." / "shared" / "vc" / "schemas"
OB_SCHEMA = SCHEMAS / "ob_v3p0_achievementcredential_schema.json"


async def send(
    bootstrap: str, prefix: str, event_type: str, label: LabelEventV1, times: int = 1
) -> None:
    producer = new_producer(bootstrap)
    await producer.start()
    try:
        event = new_event(source="urn:b4g:registry", type=event_type, data=label)
        for _ in range(times):
            await producer.send_and_wait(
                topic_name(REGISTRY_LABELS, prefix),
                encode_event(event),
                key=label.grant_id.encode(),
            )
    finally:
        await producer.stop()


async def verdict(client: httpx.AsyncClient, verifier: str, credential: dict) -> dict:
    response = await client.post(
        f"{verifier}/credentials/verify", json={"verifiableCredential": credential}
    )
    return response.json()


async def until_verdict(client, verifier: str, credential: dict, predicate) -> dict:
    async with asyncio.timeout(20):
        while not predicate(found := await verdict(client, verifier, credential)):
            await asyncio.sleep(0.2)
    return found


def status_code(found: dict) -> str:
    return next(r["code"] for r in found["results"] if r["name"] == "status")


async def test_label_events_issue_revoke_and_reissue_the_label_badge(stack, prefix, monkeypatch):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    monkeypatch.setenv("B4G_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    database = await stack.new_database("issuer")
    verifier_db = await stack.new_database("verifier")
    proc, base = start_service("issuer", database, stack.bootstrap, prefix)
    verifier_proc, verifier = start_service(
        "verifier",
        verifier_db,
        stack.bootstrap,
        prefix,
        extra_env={"B4G_SCHEMA_DIR": str(SCHEMAS.resolve())},
    )
    try:
        platform = issuer_cli(database, "create-platform", "Badges4Good network")["platformId"]
        token = issuer_cli(database, "create-key", "--platform", platform)["token"]
        auth = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(timeout=20) as client:
            network = (
                await client.post(
                    f"{base}/issuers",
                    headers=auth,
                    json={
                        "name": "Badges4Good network",
                        "url": "https://badges4good.example",
                        "allowSuspension": True,
                    },
                )
            ).json()
            assert network["allowSuspension"] is True
            label = (
                await client.post(
                    f"{base}/issuers/{network['id']}/achievements",
                    headers=auth,
                    json={
                        "name": "Quality Label for badge recognition",
                        "description": "The organisation meets the network's quality standard.",
                        "criteria": {"narrative": "Granted by the Badges4Good committee."},
                    },
                )
            ).json()
        proc.kill()
        proc.wait()
        monkeypatch.setenv("B4G_LABEL_PLATFORM_ID", platform)
        monkeypatch.setenv("B4G_LABEL_ISSUER_ID", network["id"])
        monkeypatch.setenv("B4G_LABEL_ACHIEVEMENT_ID", label["id"])
        proc, base = start_service("issuer", database, stack.bootstrap, prefix)

        grant = LabelEventV1(
            grant_id=str(uuid.uuid4()),
            organisation_id=str(uuid.uuid4()),
            did=ORG_DID,
            valid_from="2026-01-01T00:00:00Z",
            valid_until="2029-01-01T00:00:00Z",
        )
        await send(stack.bootstrap, prefix, LABEL_GRANTED, grant, times=2)

        async def credentials(client) -> list[dict]:
            response = await client.get(
                f"{base}/credentials", headers=auth, params={"recipientId": ORG_DID}
            )
            return response.json() if response.status_code == 200 else []

        async def document(client, credential_id: str) -> dict:
            return (await client.get(f"{base}/credentials/{credential_id}", headers=auth)).json()

        async with httpx.AsyncClient(timeout=20) as client, asyncio.timeout(60):
            while not (issued := await credentials(client)):
                await asyncio.sleep(0.2)
            await asyncio.sleep(1.0)  # the duplicate delivery has been handled meanwhile
            assert len(await credentials(client)) == 1
            first = await document(client, issued[0]["credentialId"])
            assert first["validUntil"].startswith("2029-01-01")
            # One status object with id and type, as the 1EdTech schema demands.
            assert isinstance(first["credentialStatus"], dict)
            assert first["credentialStatus"]["statusPurpose"] == "revocation"
            outcome = validate(first, json.loads(OB_SCHEMA.read_text()))
            assert outcome.valid, outcome.message
            found = await until_verdict(client, verifier, first, lambda f: f["genuine"])
            assert found["verified"] and found["errors"] == []
            assert next(r for r in found["results"] if r["name"] == "schema")["state"] == "pass"

            # Suspended: the badge no longer holds at the verifier.
            await send(stack.bootstrap, prefix, LABEL_SUSPENDED, grant)
            found = await until_verdict(
                client, verifier, first, lambda f: status_code(f) == "revoked"
            )
            assert not found["verified"]

            # Reinstated: a new badge for the rest of the grant; the first stays revoked.
            await send(stack.bootstrap, prefix, LABEL_REINSTATED, grant)
            while len(reissued := await credentials(client)) < 2:
                await asyncio.sleep(0.2)
            [second_id] = {c["credentialId"] for c in reissued} - {issued[0]["credentialId"]}
            second = await document(client, second_id)
            assert second["validUntil"].startswith("2029-01-01") and second["id"] != first["id"]
            assert validate(second, json.loads(OB_SCHEMA.read_text())).valid
            await until_verdict(client, verifier, second, lambda f: f["verified"])
            assert status_code(await verdict(client, verifier, first)) == "revoked"

            # Withdrawn: the current badge is revoked, and nothing is issued again.
            await send(stack.bootstrap, prefix, LABEL_WITHDRAWN, grant)
            await until_verdict(client, verifier, second, lambda f: status_code(f) == "revoked")
            assert len(await credentials(client)) == 2
    finally:
        for running in (proc, verifier_proc):
            running.kill()
            running.wait()
            Path(running.log_path).unlink(missing_ok=True)
        await stack.drop(database)
        await stack.drop(verifier_db)
