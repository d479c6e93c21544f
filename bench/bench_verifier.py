"""Verification throughput: in-process per proof format, and over HTTP at 32 concurrent
clients against a verifier process whose keys and status lists come from events.

Baseline for the HTTP figures: the same verifications in-process on one core."""

from __future__ import annotations

import asyncio
import base64
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from stack import BenchStack

from b4g.core.infra.devstack import free_port
from b4g.core.infra.kafka import ensure_topics
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof
from b4g.core.proofs.vc_jwt import sign_vc_jwt
from tests.integration.test_verifier_verify import KEY, VM, badge, publish, sign

CLIENTS = 32
SECONDS = 8.0


def samples() -> dict[str, object]:
    rdf = rdf_canonizer(ContextStore())
    unsigned = badge(5)
    jcs = add_proof(unsigned, create_proof(unsigned, key=KEY, verification_method=VM,
                                           created="2026-01-01T00:00:00Z", cryptosuite=JCS,
                                           rdf=rdf))
    return {"eddsa-rdfc-2022": sign(badge(5)), "eddsa-jcs-2022": jcs,
            "vc-jwt": sign_vc_jwt(badge(5), key=KEY, kid=VM)}


async def http_run(base: str, credential: object) -> tuple[float, list[float]]:
    latencies: list[float] = []
    deadline = time.monotonic() + SECONDS

    async def client_loop(client: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline:
            started = time.monotonic()
            response = await client.post(f"{base}/credentials/verify",
                                         json={"verifiableCredential": credential})
            assert response.status_code == 200, response.text
            latencies.append(time.monotonic() - started)

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        started = time.monotonic()
        await asyncio.gather(*(client_loop(client) for _ in range(CLIENTS)))
        return len(latencies) / (time.monotonic() - started), latencies


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


async def main() -> None:
    stack = BenchStack()
    url, bootstrap = await stack.start()
    prefix = "bench."
    await ensure_topics(bootstrap, prefix=prefix)
    port = free_port()
    env = {**os.environ, "B4G_DATABASE_URL": url, "B4G_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
           "B4G_KAFKA_TOPIC_PREFIX": prefix, "B4G_PORT": str(port), "B4G_LOG_LEVEL": "WARNING",
           "B4G_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}
    proc = subprocess.Popen([sys.executable, "-m", "b4g.verifier"], env=env)  # noqa: ASYNC220
    base = f"http://127.0.0.1:{port}"
    try:
        await publish(bootstrap, prefix, revoked=set(), version=1)
        creds = samples()
        async with httpx.AsyncClient() as client, asyncio.timeout(60):
            while True:
                try:
                    r = await client.post(f"{base}/credentials/verify",
                                          json={"verifiableCredential": creds["vc-jwt"]})
                    if r.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        print(f"{'run':<46}{'verif./s':>10}{'p50 ms':>9}{'p99 ms':>9}")
        for name, credential in creds.items():
            rate, lat = await http_run(base, credential)
            print(f"{f'HTTP, {CLIENTS} clients, {name} (+status, trust)':<46}{rate:>10.0f}"
                  f"{pct(lat, 50):>9.1f}{pct(lat, 99):>9.1f}")
    finally:
        proc.terminate()
        proc.wait(20)
        stack.stop()


if __name__ == "__main__":
    asyncio.run(main())
