"""The issuer as a process, PostgreSQL restarted under concurrent issuance: clients get only
201 or a 503 problem with Retry-After (never a 500), /ready says so, a retry with the same
Idempotency-Key gives one credential, and afterwards every credential's event is published
without restarting the service."""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from b4g.core.events.topics import ISSUER_CREDENTIALS
from tests.e2e.test_services import start_service
from tests.support.issuing import issuer_with_achievement, platform_auth
from tests.support.outage import OUTAGE_SECONDS, wait_until_drained

pytestmark = pytest.mark.e2e


async def counts(url: str) -> tuple[int, int]:
    """Credentials stored, and credential events published."""
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM credentials),"
            " (SELECT count(*) FROM outbox WHERE topic = $1 AND published_at IS NOT NULL)",
            ISSUER_CREDENTIALS,
        )
        return row[0], row[1]
    finally:
        await conn.close()


async def eventually(check: Any, timeout: float = 60.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        answer = await check()
        if answer.status_code < 500 or time.monotonic() > deadline:
            return answer
        await asyncio.sleep(0.25)


async def test_issuer_rides_out_a_database_restart_under_load(
    private_postgres: Any, stack: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B4G_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    url = private_postgres.start()
    proc, base = start_service("issuer", url, stack.bootstrap, prefix)
    try:
        auth = platform_auth(url, "Outage platform")
        async with httpx.AsyncClient(base_url=base, headers=auth, timeout=30) as client:
            issuer_id, achievement_id = await issuer_with_achievement(client, "Outage Academy")
            body = {"achievementId": achievement_id, "recipient": {"email": "a@b.org"}}

            async def issue(key: str) -> httpx.Response:
                return await client.post(
                    f"/issuers/{issuer_id}/credentials",
                    json=body,
                    headers={"Idempotency-Key": key},
                )

            statuses: Counter[int] = Counter()
            problems: Counter[str] = Counter()
            done = asyncio.Event()

            async def load(lane: int) -> None:
                for n in itertools.count():
                    if done.is_set():
                        return
                    answer = await issue(f"load-{lane}-{n}")
                    statuses[answer.status_code] += 1
                    if answer.status_code >= 500:
                        problems[answer.json()["code"]] += 1
                        assert answer.headers["retry-after"]
                        await asyncio.sleep(0.05)

            loaders = [asyncio.create_task(load(lane)) for lane in range(8)]
            await asyncio.sleep(1.5)
            await asyncio.to_thread(private_postgres.stop)
            try:
                await asyncio.sleep(0.5)
                outage = await issue("during-outage")
                ready = await client.get("/ready")
                did = await client.get(f"/issuers/{issuer_id}/did.json")
                await asyncio.sleep(OUTAGE_SECONDS)
            finally:
                await asyncio.to_thread(private_postgres.start)
            await asyncio.sleep(1.5)
            done.set()
            await asyncio.gather(*loaders)

            assert set(statuses) <= {201, 503}, statuses
            assert statuses[201] > 0 and statuses[503] > 0, statuses
            assert set(problems) == {"database_unavailable"}, problems
            for answer in (outage, did):
                assert answer.status_code == 503, answer.text
                assert answer.json()["code"] == "database_unavailable"
            assert ready.status_code == 503 and "database" in ready.json()["detail"]

            retried = await eventually(lambda: issue("during-outage"))
            assert retried.status_code == 201, retried.text
            again = await issue("during-outage")
            assert again.json()["id"] == retried.json()["id"]

            drained = await wait_until_drained(url)
            stored, published = await counts(url)
            assert stored == published >= statuses[201] + 1, (stored, published, statuses)
            ready = await eventually(lambda: client.get("/ready"))
            assert ready.status_code == 200, ready.text
            print(f"{dict(statuses)}; backlog drained {drained:.1f} s after the load stopped")
    finally:
        proc.kill()
        proc.wait()
        log = Path(proc.log_path).read_text()  # type: ignore[attr-defined]
        assert "Traceback" not in log or "unhandled error" not in log, log[-3000:]
