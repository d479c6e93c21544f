"""Trust queries: `GET /trust/{did}` over HTTP at 32 concurrent connections against a registry
process, the question every verifier asks about every badge's issuer.

Baseline in the same run: `GET /health` on the same process (the HTTP stack doing no work and
never traced), so the trust rows show what answering costs on top of serving at all. The
registry runs twice: tracing every request (the default), and sampling 1% of traces with the
standard `OTEL_TRACES_SAMPLER=parentbased_traceidratio`, as a busy deployment would."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import wrk
from stack import SAMPLED, WORKERS, BenchStack

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.infra.kafka import ensure_topics
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof

SECONDS = int(os.environ.get("B4G_BENCH_SECONDS", "8"))
CONNECTIONS = 32
KEY = Ed25519KeyPair.from_seed(bytes(range(200, 232)))
DID = f"did:key:{KEY.public_multibase}"


async def registered(base: str, env: dict[str, str]) -> None:
    """An organisation with a proven DID, made through the API as an admin would."""
    made = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "b4g.registry", "create-key", "--role", "registry_admin"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    admin = made.stdout.strip()
    auth = {"Authorization": f"Bearer {admin}"}
    async with httpx.AsyncClient(base_url=base, headers=auth, timeout=10) as client:
        org = (
            await client.post("/organisations", json={"legalName": "Bench Org", "country": "LT"})
        ).json()["id"]
        sign = (await client.post(f"/organisations/{org}/dids", json={"did": DID})).json()["sign"]
        proof = create_proof(
            sign,
            key=KEY,
            created="2026-01-01T00:00:00Z",
            cryptosuite=JCS,
            verification_method=f"{DID}#{KEY.public_multibase}",
        )
        proven = await client.post(f"/organisations/{org}/dids/proof", json=add_proof(sign, proof))
        assert proven.status_code == 200, proven.text


async def main() -> None:
    if not wrk.available():
        print(
            "wrk is not installed (make bench installs it): a Python client cannot load the"
            " registry enough to measure it; skipped"
        )
        return
    stack = BenchStack()
    _, bootstrap = await stack.start()
    await ensure_topics(bootstrap, prefix="bench.")
    try:
        print(f"service workers: {WORKERS} (B4G_WORKERS)")
        print(f"{'run':<58}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
        for tracing, sampler in (("all traced", {}), ("1% traced", SAMPLED)):
            await measure(stack, tracing, sampler, first=not sampler)
    finally:
        await stack.stop()


async def measure(stack: BenchStack, tracing: str, sampler: dict[str, str], *, first: bool) -> None:
    registry = await stack.start_service("b4g.registry", prefix="bench.", env=sampler)
    base, env = registry.base, registry.env
    try:
        if first:
            await registered(base, env)
        runs = [
            ("baseline: GET /health (no work)", f"{base}/health", False),
            (f"GET /trust/{{did}}, proven DID, {tracing}", f"{base}/trust/{DID}", False),
            (
                f"GET /trust/{{did}}, unknown (404), {tracing}",
                f"{base}/trust/did:key:z6MkUnknown",
                True,
            ),
        ]
        for label, target, not_found in runs:
            result = wrk.run(target, seconds=SECONDS, connections=CONNECTIONS)
            if not not_found:
                assert result.errors == 0, f"{result.errors} failed requests"
            print(
                f"{f'{label}, {CONNECTIONS} conns':<58}{result.rate:>9.0f}"
                f"{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}"
            )
    finally:
        registry.stop()


if __name__ == "__main__":
    asyncio.run(main())
