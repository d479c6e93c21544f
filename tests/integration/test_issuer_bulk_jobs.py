"""Bulk issuance jobs: JSON and CSV uploads, per-row errors, progress and paged row results,
Idempotency-Key on upload, tenant isolation, and resumption after a restart with several
replicas sharing the rows — every row issued exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from test_issuer_issuance import setup_issuer, verify
from test_issuer_support import ISSUER_BASE, MASTER_KEY, VERIFIER_BASE, issuer_app

from b4g.core.infra.db import create_pool
from b4g.core.infra.service import create_app
from b4g.core.infra.settings import load_settings
from b4g.core.infra.telemetry import setup_telemetry
from b4g.issuer.app import service_spec
from b4g.issuer.settings import IssuerSettings
from b4g.issuer.usecases import platforms

pytestmark = pytest.mark.integration


async def wait_for_job(client, auth, issuer_id: str, job_id: str, *, until: str = "completed"):
    for _ in range(1200):
        job = (await client.get(f"/issuers/{issuer_id}/bulk-jobs/{job_id}", headers=auth)).json()
        if until == "completed" and job["state"] == "completed":
            return job
        if until == "started" and job["done"] >= 10:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job did not reach {until}: {job}")


def rows_for(achievement_id: str, count: int) -> list[dict[str, Any]]:
    return [
        {"achievementId": achievement_id, "recipient": {"email": f"learner{n}@example.org"}}
        for n in range(count)
    ]


async def test_json_job_with_row_errors_completes_and_is_tenant_scoped(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform("first")
        _, other = await app.platform("second")
        issuer, achievement = await setup_issuer(app, auth)
        rows = rows_for(achievement["id"], 300)
        rows[10] = {"achievementId": achievement["id"], "recipient": {"email": "not-an-email"}}
        rows[20] = {"achievementId": str(uuid.uuid4()), "recipient": {"email": "a@example.org"}}
        rows[30] = {"achievementId": achievement["id"], "recipient": {}}
        rows[40] = "not an object"
        rows[50] = {
            "achievementId": achievement["id"],
            "recipient": {"id": "did:example:learner"},
            "validFrom": "2030-01-01T00:00:00Z",
            "validUntil": "2029-01-01T00:00:00Z",
        }
        rows[60] = {**rows[60], "proofFormats": ["vc-jwt"], "narrative": "JWT only"}
        path = f"/issuers/{issuer['id']}/bulk-jobs"
        key = {"Idempotency-Key": "upload-1"}
        body = {"rows": rows, "proofFormats": ["eddsa-jcs-2022"]}
        created = await app.client.post(path, json=body, headers={**auth, **key})
        assert created.status_code == 202, created.text
        job = created.json()
        assert job["total"] == 300 and job["state"] in ("queued", "running")
        assert created.headers["location"] == f"{path}/{job['id']}"

        # The same upload again is the same job; another upload under that key is refused.
        again = await app.client.post(path, json=body, headers={**auth, **key})
        assert again.status_code == 202 and again.json()["id"] == job["id"]
        assert again.headers["idempotent-replayed"] == "true"
        changed = await app.client.post(path, json={"rows": rows[:5]}, headers={**auth, **key})
        assert changed.status_code == 409

        done = await wait_for_job(app.client, auth, issuer["id"], job["id"])
        assert (done["issued"], done["failed"], done["pending"]) == (295, 5, 0)
        assert done["done"] == 300 and done["finishedAt"] is not None

        failed = (
            await app.client.get(f"{path}/{job['id']}/rows?state=failed", headers=auth)
        ).json()
        assert [(r["row"], r["error"]["code"]) for r in failed] == [
            (11, "validation_failed"),
            (21, "achievement_not_found"),
            (31, "validation_failed"),
            (41, "validation_failed"),
            (51, "invalid_request"),
        ]
        page = (
            await app.client.get(f"{path}/{job['id']}/rows?limit=100&offset=200", headers=auth)
        ).json()
        assert [r["row"] for r in page] == list(range(201, 301))
        assert all(r["state"] == "issued" and r["credentialId"] for r in page)

        # The rows' credentials are real, verify, and carry the job's default proof format
        # unless the row named its own.
        first = (await app.client.get(f"{path}/{job['id']}/rows?limit=1", headers=auth)).json()
        credential = (
            await app.client.get(f"/credentials/{first[0]['credentialId']}", headers=auth)
        ).json()
        assert await verify(app.client, credential) == [(True, "ok", "eddsa-jcs-2022")]
        row61 = (
            await app.client.get(f"{path}/{job['id']}/rows?limit=1&offset=60", headers=auth)
        ).json()[0]
        jwt = await app.client.get(
            f"/credentials/{row61['credentialId']}",
            headers={**auth, "Accept": "application/vc+jwt"},
        )
        assert jwt.status_code == 200 and jwt.text.count(".") == 2
        async with app.pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM credentials") == 295
            events = await conn.fetchval(
                "SELECT count(*) FROM outbox WHERE topic = 'b4g.issuer.credentials.v1'"
            )
            assert events == 295

        for target in (f"{path}/{job['id']}", f"{path}/{job['id']}/rows"):
            assert (await app.client.get(target, headers=other)).status_code == 404
        foreign = await app.client.post(path, json={"rows": rows[:2]}, headers=other)
        assert foreign.status_code == 404


async def test_csv_uploads_and_malformed_bodies(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        issuer, achievement = await setup_issuer(app, auth)
        path = f"/issuers/{issuer['id']}/bulk-jobs"
        csv_text = (
            "\ufeffrecipientEmail,recipientId,achievementId,proofFormats,validUntil,narrative,"
            "evidenceId,evidenceName,resultValue\n"
            f"ana@example.org,,{achievement['id']},eddsa-rdfc-2022|vc-jwt,2030-01-01T00:00:00Z,"
            '"Led the planting, with 12 neighbours",https://example.org/e/1,Photos,92\n'
            "\n"
            f",did:example:bo,{achievement['id']},,,,,,\n"
            f"both@example.org,did:example:both,{achievement['id']},,,,,,\n"
            f"cy@example.org,,{achievement['id']},,not-a-date,,,,\n"
            f"dee@example.org,,{achievement['id']},,,,,,,surplus\n"
        )
        created = await app.client.post(
            path, content=csv_text.encode(), headers={**auth, "Content-Type": "text/csv"}
        )
        assert created.status_code == 202, created.text
        job = await wait_for_job(app.client, auth, issuer["id"], created.json()["id"])
        assert (job["total"], job["issued"], job["failed"]) == (5, 2, 3)
        rows = (await app.client.get(f"{path}/{job['id']}/rows", headers=auth)).json()
        assert [r["state"] for r in rows] == ["issued", "issued", "failed", "failed", "failed"]
        issued = (
            await app.client.get(f"/credentials/{rows[0]['credentialId']}", headers=auth)
        ).json()
        assert issued["credentialSubject"]["narrative"] == "Led the planting, with 12 neighbours"
        assert issued["evidence"][0]["id"] == "https://example.org/e/1"
        assert issued["validUntil"] == "2030-01-01T00:00:00Z"

        csv = {**auth, "Content-Type": "text/csv"}
        header = "recipientEmail,achievementId\n"
        for body, headers in (
            (b"", csv),
            (b"recipientEmail,achievementId\n", csv),  # no rows
            (b"recipientEmail,colour\na@example.org,teal\n", csv),  # unknown column
            (b'recipientEmail,achievementId\n"unterminated,x\n', csv),
            (b"\xff\xfe\x00", csv),
            (
                (header + f"a@example.org,{achievement['id']}\n" * 10_001).encode(),
                csv,
            ),
            (b'{"rows": []}', auth),
            (b'{"rows": "no"}', auth),
            (b"[1, 2]", auth),
            (b"{", auth),
            (b'{"rows": [{"narrative": "nul \\u0000"}]}', auth),
        ):
            response = await app.client.post(
                path,
                content=body,
                headers={"Content-Type": "application/json", **headers},
            )
            assert response.status_code == 400, (body[:60], response.text)
            assert response.json()["code"] in ("invalid_bulk_upload",), response.text
        wrong_type = await app.client.post(
            path, content=b"a,b", headers={**auth, "Content-Type": "application/xml"}
        )
        assert wrong_type.status_code == 415
        async with app.pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM bulk_jobs") == 1


@contextlib.asynccontextmanager
async def replica(url: str, stack, prefix: str, **overrides: Any) -> AsyncIterator[Any]:
    """One issuer process on the shared database `url` (not dropped when it stops)."""
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
        shutdown_grace_seconds=1.0,
        **overrides,
    )
    app = create_app(service_spec(), settings, setup_telemetry("issuer"))
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        yield client


async def test_restart_mid_job_resumes_and_issues_every_row_exactly_once(stack, prefix):
    url = await stack.new_database("issuer")
    try:
        async with replica(url, stack, prefix, bulk_workers=1) as first:
            pool = await create_pool(url, max_size=2)
            platform = await platforms.create_platform(pool, "bulk")
            key = await platforms.create_api_key(pool, platform.id)
            auth = {"Authorization": f"Bearer {key.token}"}
            issuer = (await first.post("/issuers", json={"name": "Bulk"}, headers=auth)).json()
            achievement = (
                await first.post(
                    f"/issuers/{issuer['id']}/achievements",
                    json={"name": "Bulk", "description": "d", "criteria": {"narrative": "n"}},
                    headers=auth,
                )
            ).json()
            created = await first.post(
                f"/issuers/{issuer['id']}/bulk-jobs",
                json={"rows": rows_for(achievement["id"], 400)},
                headers=auth,
            )
            job_id = created.json()["id"]
            midway = await wait_for_job(first, auth, issuer["id"], job_id, until="started")
            # Leaving the block stops the process mid-job (its worker is cancelled).
        async with pool.acquire() as conn:
            issued_before = await conn.fetchval("SELECT count(*) FROM credentials")
        assert 10 <= issued_before < 400, (midway, issued_before)

        # Two replicas resume the job together.
        async with (
            replica(url, stack, prefix, bulk_workers=2) as second,
            replica(url, stack, prefix, bulk_workers=2, run_relay=False),
        ):
            job = await wait_for_job(second, auth, issuer["id"], job_id)
        assert (job["issued"], job["failed"]) == (400, 0)
        async with pool.acquire() as conn:
            credentials = await conn.fetchval("SELECT count(*) FROM credentials")
            keyed = await conn.fetchval(
                "SELECT count(DISTINCT idempotency_key) FROM credentials"
                " WHERE idempotency_key LIKE 'bulk:' || $1 || ':%'",
                job_id,
            )
            linked = await conn.fetchval(
                "SELECT count(DISTINCT credential_id) FROM bulk_job_rows WHERE job_id = $1",
                uuid.UUID(job_id),
            )
            allocations = await conn.fetchval("SELECT count(*) FROM status_allocations")
        assert credentials == keyed == linked == allocations == 400
        await pool.close()
    finally:
        await stack.drop(url)
