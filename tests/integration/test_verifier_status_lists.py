"""The verifier serves the status lists our issuers publish, from its event-fed local copy."""

from __future__ import annotations

import asyncio

import pytest

from b4g.core.events.envelope import encode_event, new_event
from b4g.core.events.payloads import StatusListPublishedV1
from b4g.core.events.topics import ISSUER_STATUS_LISTS, STATUS_LIST_PUBLISHED, topic_name
from b4g.core.infra.kafka import ensure_topics, new_producer
from b4g.verifier.app import service_spec
from b4g.verifier.settings import VerifierSettings
from tests.support.apps import service_client

pytestmark = pytest.mark.integration


def list_credential(version: int) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "http://127.0.0.1:8002/status/list-1",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:web:issuer.example",
        "credentialSubject": {
            "id": "http://127.0.0.1:8002/status/list-1#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": f"uH4sIAAAAAAAAA-version{version}",
            "ttl": 60000,
        },
    }


async def publish(bootstrap: str, prefix: str, version: int) -> None:
    payload = StatusListPublishedV1(
        list_id="list-1",
        url="http://127.0.0.1:8002/status/list-1",
        purpose="revocation",
        version=version,
        credential=list_credential(version),
    )
    event = new_event(source="urn:b4g:issuer", type=STATUS_LIST_PUBLISHED, data=payload)
    producer = new_producer(bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic_name(ISSUER_STATUS_LISTS, prefix), encode_event(event), key=b"list-1"
        )
    finally:
        await producer.stop()


async def get_when(client, path: str, predicate, timeout: float = 20):
    async with asyncio.timeout(timeout):
        while True:
            response = await client.get(path)
            if predicate(response):
                return response
            await asyncio.sleep(0.1)


async def test_newest_version_served_with_cache_headers_and_304(stack, prefix):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    async with service_client(service_spec(), VerifierSettings, stack, prefix) as client:
        missing = await client.get("/status/list-1")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"

        await publish(stack.bootstrap, prefix, 2)
        first = await get_when(client, "/status/list-1", lambda r: r.status_code == 200)
        assert first.headers["content-type"].startswith("application/vc")
        assert first.headers["cache-control"] == "public, max-age=60"
        assert first.json() == list_credential(2)

        again = await client.get("/status/list-1", headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""

        await publish(stack.bootstrap, prefix, 1)  # late, older version: ignored
        await publish(stack.bootstrap, prefix, 3)
        newer = await get_when(
            client,
            "/status/list-1",
            lambda r: r.json()["credentialSubject"]["encodedList"].endswith("3"),
        )
        assert newer.headers["etag"] != first.headers["etag"]
        stale = await client.get("/status/list-1", headers={"If-None-Match": first.headers["etag"]})
        assert stale.status_code == 200


async def test_an_older_version_never_replaces_a_newer_one(database):
    from b4g.core.infra.db import create_pool
    from b4g.core.infra.migrate import load_migrations, migrate
    from b4g.verifier.store import local_state
    from b4g.verifier.usecases.local_state import apply_event

    await migrate(database, load_migrations("b4g.verifier", "b4g.verifier.store.migrations"))
    pool = await create_pool(database)
    try:
        for version in (2, 1, 2):
            payload = StatusListPublishedV1(
                list_id="list-1",
                url="https://v.example/status/1",
                purpose="revocation",
                version=version,
                credential=list_credential(version),
            )
            async with pool.acquire() as conn, conn.transaction():
                await apply_event(
                    conn, new_event(source="s", type=STATUS_LIST_PUBLISHED, data=payload)
                )
        async with pool.acquire() as conn:
            stored = await local_state.status_list(conn, "list-1")
        assert stored is not None and stored.version == 2
        assert stored.credential == list_credential(2)
    finally:
        await pool.close()
