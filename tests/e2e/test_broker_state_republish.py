"""A broker that lost everything, and outbox rows long purged: the issuer publishes its current
state again (profiles with their keys, every status list), so a verifier that starts afresh
afterwards still verifies an old badge and sees its revocation."""

from __future__ import annotations

import asyncio
import base64
import os
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from b4g.core.infra.devstack import TansuBroker, free_port
from b4g.core.infra.kafka import ensure_topics
from tests.e2e.test_services import start_service
from tests.support.issuing import issuer_with_achievement, platform_auth
from tests.support.outage import wait_until_drained

pytestmark = pytest.mark.e2e


async def verify(base: str, credential: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.post(
            f"{base}/credentials/verify", json={"verifiableCredential": credential}
        )
        found: dict[str, Any] = answer.json()
        return found


async def until_revoked(base: str, credential: dict[str, Any], timeout: float) -> dict[str, Any]:
    async with asyncio.timeout(timeout):
        while True:
            found = await verify(base, credential)
            if any(e["code"] == "revoked" for e in found["errors"]):
                return found
            await asyncio.sleep(0.3)


async def test_current_state_is_published_again_after_the_broker_lost_it(
    stack: Any, prefix: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("B4G_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    broker = TansuBroker(free_port(), log_path=tmp_path / "tansu.log")
    broker.start()
    await ensure_topics(broker.bootstrap, prefix=prefix)
    verifier_port = free_port()
    verifier_base = f"http://127.0.0.1:{verifier_port}"
    shared = {"B4G_PUBLIC_BASE_URL": verifier_base}
    monkeypatch.setenv("B4G_VERIFIER_BASE_URL", verifier_base)
    issuer_db = await stack.new_database("republish_issuer")
    procs = []
    try:
        issuer, issuer_base = start_service("issuer", issuer_db, broker.bootstrap, prefix)
        procs.append(issuer)
        first_db = await stack.new_database("republish_verifier")
        first, _ = start_service(
            "verifier", first_db, broker.bootstrap, prefix, extra_env=shared, port=verifier_port
        )
        procs.append(first)
        auth = platform_auth(issuer_db, "Lasting platform")
        async with httpx.AsyncClient(base_url=issuer_base, headers=auth, timeout=20) as client:
            issuer_id, achievement_id = await issuer_with_achievement(client, "Lasting Academy")
            issued = (
                await client.post(
                    f"/issuers/{issuer_id}/credentials",
                    json={"achievementId": achievement_id, "recipient": {"email": "a@b.org"}},
                )
            ).json()
            revoked = await client.post(f"/credentials/{issued['credentialId']}/revoke", json={})
            assert revoked.status_code == 200, revoked.text
        badge = issued["credential"]
        await until_revoked(verifier_base, badge, 20)

        # Long ago as far as the outbox is concerned: its rows are purged. Then the broker
        # restarts empty, and the first verifier's copy goes with its replacement.
        await wait_until_drained(issuer_db)
        conn = await asyncpg.connect(issuer_db)
        try:
            await conn.execute("DELETE FROM outbox")
        finally:
            await conn.close()
        await asyncio.to_thread(broker.stop)
        first.kill()
        first.wait()
        broker.start()

        fresh_db = await stack.new_database("republish_verifier_fresh")
        fresh, _ = start_service(
            "verifier", fresh_db, broker.bootstrap, prefix, extra_env=shared, port=verifier_port
        )
        procs.append(fresh)
        found = await until_revoked(verifier_base, badge, 45)
        proof = next(r for r in found["results"] if r["name"] == "proof")
        assert proof["state"] == "pass", proof  # the issuer's key came with its profile
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
        broker.stop()
