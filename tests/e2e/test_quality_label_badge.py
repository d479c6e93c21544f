"""The registry's label events drive the Quality Label badge at the issuer: granted → issued to
the organisation's DID once (even when the event is delivered twice), withdrawn → revoked."""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from pathlib import Path

import httpx
import pytest

from b4g.core.events.envelope import encode_event, new_event
from b4g.core.events.payloads import LabelEventV1
from b4g.core.events.topics import LABEL_GRANTED, LABEL_WITHDRAWN, REGISTRY_LABELS, topic_name
from b4g.core.infra.kafka import ensure_topics, new_producer
from tests.e2e.test_services import issuer_cli, start_service

pytestmark = pytest.mark.e2e

ORG_DID = "did:key:z6MkhWqdDBPojHA7cprTGTt5yHv5yUi1B8cnXn8ReLumkw6E"


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


async def test_label_events_issue_and_revoke_the_label_badge(stack, prefix, monkeypatch):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    monkeypatch.setenv("B4G_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    database = await stack.new_database("issuer")
    proc, base = start_service("issuer", database, stack.bootstrap, prefix)
    try:
        platform = issuer_cli(database, "create-platform", "Badges4Good network")["platformId"]
        token = issuer_cli(database, "create-key", "--platform", platform)["token"]
        auth = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(timeout=20) as client:
            network = (
                await client.post(
                    f"{base}/issuers",
                    headers=auth,
                    json={"name": "Badges4Good network", "url": "https://badges4good.example"},
                )
            ).json()
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

        async with httpx.AsyncClient(timeout=20) as client, asyncio.timeout(20):
            while not (issued := await credentials(client)):
                await asyncio.sleep(0.2)
            await asyncio.sleep(1.0)  # the duplicate delivery has been handled meanwhile
            assert len(await credentials(client)) == 1
            credential_id = issued[0]["credentialId"]
            document = (
                await client.get(f"{base}/credentials/{credential_id}", headers=auth)
            ).json()
            assert document["validUntil"].startswith("2029-01-01")
            await send(stack.bootstrap, prefix, LABEL_WITHDRAWN, grant)
            while (
                await client.get(f"{base}/credentials/{credential_id}/status", headers=auth)
            ).json().get("status") != "revoked":
                await asyncio.sleep(0.2)
    finally:
        proc.kill()
        proc.wait()
        Path(proc.log_path).unlink(missing_ok=True)
        await stack.drop(database)
