"""Issuance throughput: over HTTP at 32 concurrent clients per proof format against an issuer
process (status allocation, storage, outbox included), and the wall time of a bulk job.

Baseline: building and signing the same credential in-process on one core (no HTTP, no
database) — what the HTTP figures would be if serving cost nothing.
`B4G_BENCH_BULK_ROWS` sets the bulk job's size (default 10,000; the API's maximum per job)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
import wrk
from stack import BenchStack

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.infra.devstack import free_port
from b4g.core.infra.kafka import ensure_topics
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.issuer.domain.credentials import Recipient, build_credential, credential_subject
from b4g.issuer.domain.signing import sign_credential
from b4g.issuer.domain.status import status_entry

CLIENTS = 32
TRANSPORT_ERRORS: list[str] = []
SECONDS = 6.0
PACED_RATE = 500
FORMATS = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt")
ACHIEVEMENT = {
    "name": "Urban Gardener",
    "description": "Tended a community garden for a season.",
    "criteria": {"narrative": "Ten sessions and a harvest presentation."},
    "achievementType": "Badge",
}


def in_process_rate(fmt: str, seconds: float = 1.5) -> float:
    """The baseline: credentials built and signed per second on one core."""
    rdf = rdf_canonizer(ContextStore())
    key = Ed25519KeyPair.generate()
    vm = f"did:key:{key.public_multibase}#{key.public_multibase}"
    achievement = {"id": f"urn:uuid:{uuid.uuid4()}", "type": ["Achievement"], **ACHIEVEMENT}

    def one() -> None:
        document = build_credential(
            credential_id=uuid.uuid4(),
            issuer_profile={"id": vm.split("#")[0], "type": ["Profile"], "name": "Bench"},
            subject=credential_subject(
                Recipient(email="learner@example.org"), achievement, results=None, narrative=None
            ),
            status_entries=[status_entry("https://verifier.example/status/1", 7, "revocation")],
            valid_from=datetime.now(UTC),
        )
        sign_credential(document, key, vm, formats=(fmt,), created="2026-01-01T00:00:00Z", rdf=rdf)

    one()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        one()
        count += 1
    return count / (time.perf_counter() - start)


async def http_run(base: str, path: str, body: dict, auth: dict) -> tuple[float, list[float]]:
    latencies: list[float] = []
    deadline = time.monotonic() + SECONDS

    async def client_loop(client: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                response = await client.post(f"{base}{path}", json=body, headers=auth)
            except httpx.TransportError as exc:  # counted and reported, not hidden
                TRANSPORT_ERRORS.append(repr(exc))
                continue
            assert response.status_code == 201, response.text
            latencies.append(time.monotonic() - started)

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        started = time.monotonic()
        await asyncio.gather(*(client_loop(client) for _ in range(CLIENTS)))
        return len(latencies) / (time.monotonic() - started), latencies


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def admin(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "b4g.issuer", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


async def main() -> None:
    rows = int(os.environ.get("B4G_BENCH_BULK_ROWS", "10000"))
    stack = BenchStack()
    url, bootstrap = await stack.start()
    prefix = "bench."
    await ensure_topics(bootstrap, prefix=prefix)
    port = free_port()
    env = {
        **os.environ,
        "B4G_DATABASE_URL": url,
        "B4G_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "B4G_KAFKA_TOPIC_PREFIX": prefix,
        "B4G_PORT": str(port),
        "B4G_LOG_LEVEL": "WARNING",
        "B4G_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    proc = subprocess.Popen([sys.executable, "-m", "b4g.issuer"], env=env)  # noqa: ASYNC220
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(timeout=30) as client, asyncio.timeout(60):
            while True:
                try:
                    if (await client.get(f"{base}/ready")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        platform = admin(env, "create-platform", "bench")["platformId"]
        auth = {
            "Authorization": f"Bearer {admin(env, 'create-key', '--platform', platform)['token']}"
        }
        async with httpx.AsyncClient(timeout=30) as client:
            issuer = (
                await client.post(f"{base}/issuers", json={"name": "Bench"}, headers=auth)
            ).json()
            achievement = (
                await client.post(
                    f"{base}/issuers/{issuer['id']}/achievements", json=ACHIEVEMENT, headers=auth
                )
            ).json()

        print(f"service workers: {os.environ.get('B4G_WORKERS', '1')} (B4G_WORKERS)")
        print(f"{'run':<52}{'creds/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
        for fmt in FORMATS:
            print(
                f"{f'baseline: in-process build+sign, 1 core, {fmt}':<52}"
                f"{in_process_rate(fmt):>10.0f}"
            )
        path = f"/issuers/{issuer['id']}/credentials"
        for fmt in FORMATS:
            body = {
                "achievementId": achievement["id"],
                "recipient": {"email": "learner@example.org"},
                "proofFormats": [fmt],
            }
            if wrk.available():  # a Python client at 32 connections would measure itself
                result = wrk.run(f"{base}{path}", method="POST", body=json.dumps(body).encode(),
                                 seconds=int(SECONDS), connections=CLIENTS, headers=auth)
                assert result.errors == 0, f"{result.errors} failed requests"
                print(f"{f'HTTP (wrk), {CLIENTS} conns, {fmt}':<52}{result.rate:>10.0f}"
                      f"{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}")
                if fmt == FORMATS[0]:  # the bar: p99 under 100 ms at 500 credentials/s
                    paced = wrk.paced(f"{base}{path}", rate=PACED_RATE, method="POST",
                                      body=json.dumps(body).encode(), seconds=int(SECONDS),
                                      connections=CLIENTS, headers=auth)
                    assert paced.errors == 0, f"{paced.errors} failed requests"
                    print(f"{f'HTTP (wrk), paced to {PACED_RATE}/s, {fmt}':<52}"
                          f"{paced.rate:>10.0f}{paced.p50_ms:>9.1f}{paced.p99_ms:>9.1f}")
                continue
            rate, lat = await http_run(base, path, body, auth)
            print(
                f"{f'HTTP (httpx), {CLIENTS} clients, {fmt}':<52}{rate:>10.0f}"
                f"{pct(lat, 50):>9.1f}{pct(lat, 99):>9.1f}"
            )

        if TRANSPORT_ERRORS:
            print(f"transport errors (connection reset, retried): {len(TRANSPORT_ERRORS)}")
        upload = {
            "rows": [
                {"achievementId": achievement["id"], "recipient": {"email": f"l{n}@example.org"}}
                for n in range(rows)
            ]
        }
        async with httpx.AsyncClient(timeout=120) as client:
            started = time.monotonic()
            created = await client.post(
                f"{base}/issuers/{issuer['id']}/bulk-jobs", json=upload, headers=auth
            )
            assert created.status_code == 202, created.text
            accepted = time.monotonic() - started
            job_url = f"{base}/issuers/{issuer['id']}/bulk-jobs/{created.json()['id']}"
            while True:
                job = (await client.get(job_url, headers=auth)).json()
                if job["state"] == "completed":
                    break
                await asyncio.sleep(0.5)
            wall = time.monotonic() - started
        assert job["issued"] == rows, job
        print(
            f"\nbulk job, {rows:,} rows (eddsa-rdfc-2022, 2 worker loops, 1 process): "
            f"accepted in {accepted:.2f} s, completed in {wall:.1f} s "
            f"({rows / wall:.0f} credentials/s)"
        )
    finally:
        proc.terminate()
        proc.wait(30)
        stack.stop()


if __name__ == "__main__":
    asyncio.run(main())
