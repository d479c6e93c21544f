"""Two processes of each service (each pair on one database) and one broker; one of each killed
(SIGKILL) under concurrent issuance. Clients retry on the other issuer with the same
Idempotency-Key. Afterwards each acknowledged key has exactly one credential, none is lost, the
surviving issuer's relay publishes every event (the dead one's outbox shards are released with
its connections), and the surviving registry, taking over the dead one's partitions, has counted
every credential exactly once (its activity counter would show a double effect); revocations
made after the kills reach the surviving verifier within seconds."""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
from typing import Any

import asyncpg
import httpx
import pytest

from b4g.core.events.topics import ISSUER_CREDENTIALS
from b4g.core.infra.devstack import free_port
from tests.e2e.test_services import start_service
from tests.support.issuing import issuer_with_achievement, platform_auth
from tests.support.outage import wait_until_drained

pytestmark = pytest.mark.e2e


async def test_a_replica_killed_under_load_loses_nothing_and_doubles_nothing(
    stack: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B4G_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    url = await stack.new_database("replicas")
    registry_url = await stack.new_database("replicas_registry")
    verifier_url = await stack.new_database("replicas_verifier")
    # Both verifiers answer for one public URL, the survivor's: status lists point there.
    verifier_port = free_port()
    verifier_base = f"http://127.0.0.1:{verifier_port}"
    shared = {"B4G_PUBLIC_BASE_URL": verifier_base}
    verifiers = [
        start_service("verifier", verifier_url, stack.bootstrap, prefix, extra_env=shared)[0],
        start_service(
            "verifier", verifier_url, stack.bootstrap, prefix, extra_env=shared, port=verifier_port
        )[0],
    ]
    monkeypatch.setenv("B4G_VERIFIER_BASE_URL", verifier_base)
    first, first_base = start_service("issuer", url, stack.bootstrap, prefix)
    second, second_base = start_service("issuer", url, stack.bootstrap, prefix)
    registries = [
        start_service("registry", registry_url, stack.bootstrap, prefix)[0] for _ in range(2)
    ]
    try:
        auth = platform_auth(url, "Replica platform")
        clients = [
            httpx.AsyncClient(base_url=base, headers=auth, timeout=10)
            for base in (first_base, second_base)
        ]
        issuer_id, achievement_id = await issuer_with_achievement(clients[1], "Replica Academy")
        body = {"achievementId": achievement_id, "recipient": {"email": "r@example.org"}}
        acknowledged: dict[str, str] = {}  # Idempotency-Key → credential id
        documents: dict[str, dict[str, Any]] = {}  # credential id → the signed credential
        done = asyncio.Event()
        killed = asyncio.Event()

        async def issue_once(key: str, start: int) -> str:
            """Try one replica, then the other, until one answers 201 for this key."""
            for attempt in itertools.count(start):
                client = clients[attempt % 2]
                if killed.is_set() and client is clients[0]:
                    continue
                try:
                    answer = await client.post(
                        f"/issuers/{issuer_id}/credentials",
                        json=body,
                        headers={"Idempotency-Key": key},
                    )
                except httpx.TransportError:
                    continue
                assert answer.status_code in (201, 503), answer.text
                if answer.status_code == 201:
                    issued = answer.json()
                    documents[issued["credentialId"]] = issued["credential"]
                    return str(issued["id"])
            raise AssertionError("unreachable")

        async def load(lane: int) -> None:
            for n in itertools.count():
                if done.is_set():
                    return
                key = f"replica-{lane}-{n}"
                acknowledged[key] = await issue_once(key, lane + n)

        loaders = [asyncio.create_task(load(lane)) for lane in range(8)]
        await asyncio.sleep(2.0)
        first.kill()  # SIGKILL mid-load: no shutdown, no offsets or rows handed over
        registries[0].kill()  # with uncommitted offsets: its partitions are read again
        verifiers[0].kill()
        for proc in (first, registries[0], verifiers[0]):
            proc.wait()
        killed.set()
        await asyncio.sleep(2.0)
        done.set()
        await asyncio.gather(*loaders)
        revoked = list(documents)[:5]
        for credential_id in revoked:
            answer = await clients[1].post(f"/credentials/{credential_id}/revoke", json={})
            assert answer.status_code == 200, answer.text
        async with httpx.AsyncClient(base_url=verifier_base, timeout=10) as verifier:

            async def all_revoked() -> bool:
                for credential_id in revoked:
                    found = await verifier.post(
                        "/credentials/verify",
                        json={"verifiableCredential": documents[credential_id]},
                    )
                    if not any(e["code"] == "revoked" for e in found.json()["errors"]):
                        return False
                return True

            async with asyncio.timeout(30):
                while not await all_revoked():
                    await asyncio.sleep(0.2)
        for client in clients:
            await client.aclose()

        await wait_until_drained(url)
        conn = await asyncpg.connect(url)
        try:
            stored = {
                row["id"]
                for row in await conn.fetch("SELECT 'urn:uuid:' || id AS id FROM credentials")
            }
            events = await conn.fetchval(
                "SELECT count(*) FROM outbox WHERE topic = $1 AND published_at IS NOT NULL",
                ISSUER_CREDENTIALS,
            )
        finally:
            await conn.close()
        ids = set(acknowledged.values())
        assert len(ids) == len(acknowledged), "two keys were answered with one credential"
        assert ids <= stored, "an acknowledged credential is missing"
        assert len(stored) == len(acknowledged), "a key was issued twice"
        # One credential.issued per credential, and one status change per revocation.
        assert events == len(stored) + len(revoked), "every event is published once"
        counted = await registry_count(registry_url, len(stored))
        assert counted == len(stored), f"the registry counted {counted} of {len(stored)}"
        print(f"{len(acknowledged)} credentials issued across the kills, each once, each counted")
    finally:
        for proc in (first, second, *registries, *verifiers):
            proc.kill()
            proc.wait()


async def registry_count(url: str, expected: int, timeout: float = 90.0) -> int:
    """The registry's count of issued credentials once it reaches `expected` (or the timeout:
    the dead member's partitions move after the consumer session times out)."""
    conn = await asyncpg.connect(url)
    try:
        async with asyncio.timeout(timeout):
            while True:
                counted: int = await conn.fetchval(
                    "SELECT coalesce(sum(issued), 0) FROM issuer_activity"
                )
                if counted >= expected:
                    await asyncio.sleep(2.0)  # anything applied twice would show by now
                    final: int = await conn.fetchval(
                        "SELECT coalesce(sum(issued), 0) FROM issuer_activity"
                    )
                    return final
                await asyncio.sleep(0.5)
    finally:
        await conn.close()
