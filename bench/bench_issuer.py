"""Issuance throughput: over HTTP at 32 concurrent clients per proof format against an issuer
process (status allocation, storage, outbox included), and the wall time of a bulk job.

Baseline: building and signing the same credential in-process on one core (no HTTP, no
database) — what the HTTP figures would be if serving cost nothing.
`B4G_BENCH_BULK_ROWS` sets the bulk size (default 100,000, uploaded as jobs of 10,000, the API's
maximum per job)."""

from __future__ import annotations

import asyncio
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
from aiokafka import AIOKafkaConsumer
from stack import SAMPLED, WORKERS, BenchStack

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.events.envelope import decode_event
from b4g.core.events.topics import ISSUER_STATUS_LISTS, topic_name
from b4g.core.infra.kafka import ensure_topics
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.statuslist import decode_bits, get_status
from b4g.issuer.domain.credentials import Recipient, build_credential, credential_subject
from b4g.issuer.domain.signing import sign_credential
from b4g.issuer.domain.status import status_entry

CLIENTS = 32
SECONDS = 6
WARM_UP_SECONDS = 2
PACED_RATE = 500
REVOCATIONS = 20
BULK_JOB_ROWS = 10_000  # the API's maximum per job
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


async def revoke_to_published(
    base: str, auth: dict, bootstrap: str, prefix: str, issuer: dict, achievement: dict
) -> list[float]:
    """Seconds from a revoke request to the re-signed list with that bit on Kafka (what the
    verifier consumes), for credentials revoked one at a time."""
    consumer = AIOKafkaConsumer(
        topic_name(ISSUER_STATUS_LISTS, prefix),
        bootstrap_servers=bootstrap,
        auto_offset_reset="latest",
        enable_auto_commit=False,
        fetch_max_wait_ms=20,
    )
    await consumer.start()
    latencies = []
    try:
        await consumer.seek_to_end()
        async with httpx.AsyncClient(timeout=30) as client:
            body = {"achievementId": achievement["id"], "recipient": {"email": "r@example.org"}}
            for _ in range(REVOCATIONS):
                issued = await client.post(
                    f"{base}/issuers/{issuer['id']}/credentials", json=body, headers=auth
                )
                entry = issued.json()["credential"]["credentialStatus"]
                list_url, index = entry["statusListCredential"], int(entry["statusListIndex"])
                started = time.monotonic()
                revoked = await client.post(
                    f"{base}/credentials/{issued.json()['credentialId']}/revoke", headers=auth
                )
                assert revoked.status_code == 200, revoked.text
                while True:
                    data = decode_event((await consumer.getone()).value).data
                    subject = data["credential"]["credentialSubject"]
                    bits = decode_bits(subject["encodedList"])
                    if data["url"] == list_url and get_status(bits, index):
                        break
                latencies.append(time.monotonic() - started)
    finally:
        await consumer.stop()
    return latencies


async def bulk_run(
    base: str, auth: dict, issuer_id: str, achievement_id: str, rows: int
) -> tuple[float, float]:
    """Uploads `rows` rows as jobs of at most BULK_JOB_ROWS; seconds until all are issued,
    and how long the uploads took."""
    async with httpx.AsyncClient(timeout=120) as client:
        started = time.monotonic()
        jobs = []
        for first in range(0, rows, BULK_JOB_ROWS):
            upload = {
                "rows": [
                    {"achievementId": achievement_id, "recipient": {"email": f"l{n}@example.org"}}
                    for n in range(first, min(first + BULK_JOB_ROWS, rows))
                ]
            }
            created = await client.post(
                f"{base}/issuers/{issuer_id}/bulk-jobs", json=upload, headers=auth
            )
            assert created.status_code == 202, created.text
            jobs.append(f"{base}/issuers/{issuer_id}/bulk-jobs/{created.json()['id']}")
        accepted = time.monotonic() - started
        issued = 0
        for job_url in jobs:
            while True:  # polling is what a platform does too
                job = (await client.get(job_url, headers=auth)).json()
                if job["state"] == "completed":
                    break
                await asyncio.sleep(0.5)
            issued += job["issued"]
        wall = time.monotonic() - started
    assert issued == rows, f"{issued} of {rows} issued"
    return wall, accepted


def report(label: str, result: wrk.WrkResult) -> None:
    assert result.errors == 0, f"{result.errors} failed requests"
    print(f"{label:<52}{result.rate:>10.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}")


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
    rows = int(os.environ.get("B4G_BENCH_BULK_ROWS", "100000"))
    stack = BenchStack()
    _, bootstrap = await stack.start()
    prefix = "bench."
    await ensure_topics(bootstrap, prefix=prefix)
    issuer_service = await stack.start_service("b4g.issuer", prefix=prefix, env=SAMPLED)
    base, env = issuer_service.base, issuer_service.env
    try:
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

        print(f"service workers: {WORKERS} (B4G_WORKERS), 1% of traces sampled")
        print(f"{'run':<52}{'creds/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
        for fmt in FORMATS:
            print(
                f"{f'baseline: in-process build+sign, 1 core, {fmt}':<52}"
                f"{in_process_rate(fmt):>10.0f}"
            )
        url = f"{base}/issuers/{issuer['id']}/credentials"
        load = {"method": "POST", "connections": CLIENTS, "headers": auth}

        def body(fmt: str) -> bytes:
            recipient = {"email": "learner@example.org"}
            return json.dumps(
                {"achievementId": achievement["id"], "recipient": recipient, "proofFormats": [fmt]}
            ).encode()

        # Warm-up, not counted: each worker's pool connections prepare their statements and the
        # processes fill their caches during their first requests.
        await wrk.measure(url, body=body(FORMATS[0]), seconds=WARM_UP_SECONDS, **load)
        for fmt in FORMATS:
            result = await wrk.measure(url, body=body(fmt), seconds=SECONDS, **load)
            report(f"HTTP ({wrk.client()}), {CLIENTS} conns, {fmt}", result)
            if fmt == FORMATS[0] and wrk.available():  # the bar: p99 < 100 ms at 500/s
                paced = wrk.paced(url, rate=PACED_RATE, body=body(fmt), seconds=SECONDS, **load)
                report(f"HTTP (wrk), paced to {PACED_RATE}/s, {fmt}", paced)

        revocations = await revoke_to_published(base, auth, bootstrap, prefix, issuer, achievement)
        print(
            f"\nrevoke -> signed list on Kafka, {len(revocations)} revocations one at a time: "
            f"p50 {pct(revocations, 50):.0f} ms, max {max(revocations) * 1000:.0f} ms"
        )
        wall, accepted = await bulk_run(base, auth, issuer["id"], achievement["id"], rows)
        print(
            f"bulk, {rows:,} rows in {-(-rows // BULK_JOB_ROWS)} jobs (eddsa-rdfc-2022, "
            f"{WORKERS} process(es) x 2 loops): uploads accepted in "
            f"{accepted:.1f} s, all issued in {wall:.1f} s ({rows / wall:.0f} credentials/s)"
        )
    finally:
        issuer_service.stop()
        await stack.stop()


if __name__ == "__main__":
    asyncio.run(main())
