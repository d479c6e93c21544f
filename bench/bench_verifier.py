"""Verification throughput: in-process per proof format, and over HTTP at 32 concurrent
connections against a verifier process whose keys and status lists come from events: first for
an issuer the registry does not know (no witness lookup: the path before issuance witnesses),
then for a registered, labelled issuer whose badge the registry witnessed, with the witness table
holding a million other witnesses (one primary-key probe per verification).

Baseline for the HTTP figures: the same verifications in-process on one core (the core
Verifier with in-memory key, list and trust sources). Load comes from `wrk` when installed
(`make bench` installs it where it can), else from an httpx client, which is slower than the
service and then measures itself."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
import httpx
import wrk
from stack import SAMPLED, WORKERS, BenchStack

from b4g.core.did.resolver import key_from_document
from b4g.core.infra.kafka import ensure_topics
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof
from b4g.core.proofs.vc_jwt import sign_vc_jwt
from b4g.core.statuslist import bits_with, status_list_credential
from b4g.core.verdict import TRUST_CHECKS, passed
from b4g.core.verification import Check, Verifier
from b4g.verifier.domain.did_documents import document_from_methods
from b4g.verifier.store import witnesses
from tests.integration.test_verifier_verify import (
    DID,
    KEY,
    LIST_URL,
    VM,
    badge,
    publish,
    publish_trust,
    publish_witness,
    sign,
)

CLIENTS = 32
SECONDS = 8.0
OTHER_WITNESSES = 1_000_000
TRUST = {
    "did": DID,
    "organisation_id": "o1",
    "organisation_name": "Issuer One Org",
    "registry_status": "active",
    "did_proven": True,
    "label_status": "active",
    "label_valid_until": "2029-01-01T00:00:00Z",
    "sequence": 1,
    "label_history": [{"status": "active", "start": "2025-01-01T00:00:00Z"}],
}


async def fill_witnesses(database_url: str, count: int) -> None:
    """`count` witnesses of other credentials, as a year of a busy registry would leave."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "INSERT INTO witness_issuers (did) VALUES ('did:web:others.example')"
            " ON CONFLICT DO NOTHING"
        )
        await conn.execute(
            "INSERT INTO issuance_witnesses (credential_hash, issuer, seen_at)"
            " SELECT sha256(('urn:uuid:other-' || g)::bytea),"
            " (SELECT id FROM witness_issuers WHERE did = 'did:web:others.example'),"
            " now() - make_interval(secs => g) FROM generate_series(1, $1) g"
            " ON CONFLICT DO NOTHING",
            count,
        )
        await conn.execute("ANALYZE issuance_witnesses")
    finally:
        await conn.close()


async def probe_rate(database_url: str) -> float:
    """The witness lookup alone, as a cache miss makes it: probes of random other hashes."""
    conn = await asyncpg.connect(database_url)
    try:
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < 2:
            digest = hashlib.sha256(f"urn:uuid:other-{count * 7919 % 999_983 + 1}".encode())
            await witnesses.witnessed_at(conn, digest.digest(), "did:web:others.example")
            count += 1
        return count / (time.perf_counter() - started)
    finally:
        await conn.close()


async def http_runs(base: str, creds: dict[str, object], what: str) -> None:
    for name, credential in creds.items():
        label = f"HTTP ({wrk.client()}), {CLIENTS} conns, {name} ({what})"
        result = await wrk.measure(
            f"{base}/credentials/verify",
            method="POST",
            body=json.dumps({"verifiableCredential": credential}).encode(),
            seconds=int(SECONDS),
            connections=CLIENTS,
        )
        assert result.errors == 0, f"{result.errors} failed requests"
        print(f"{label:<64}{result.rate:>10.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}")


async def until_standing(base: str, credential: object, standing: str) -> None:
    async with httpx.AsyncClient() as client, asyncio.timeout(60):
        while True:
            r = await client.post(
                f"{base}/credentials/verify", json={"verifiableCredential": credential}
            )
            if r.status_code == 200 and r.json()["standing"] == standing:
                return
            await asyncio.sleep(0.2)


def samples() -> dict[str, object]:
    rdf = rdf_canonizer(ContextStore())
    unsigned = badge(5)
    jcs = add_proof(
        unsigned,
        create_proof(
            unsigned,
            key=KEY,
            verification_method=VM,
            created="2026-01-01T00:00:00Z",
            cryptosuite=JCS,
            rdf=rdf,
        ),
    )
    return {
        "eddsa-rdfc-2022": sign(badge(5)),
        "eddsa-jcs-2022": jcs,
        "vc-jwt": sign_vc_jwt(badge(5), key=KEY, kid=VM),
    }


async def in_process_rate(credential: object) -> float:
    """The core Verifier alone: the key, the status list and trust from memory."""
    status_list = sign(
        status_list_credential(
            url=LIST_URL, issuer=DID, purpose="revocation", bits=bits_with(set())
        )
    )

    async def lists(url: str) -> dict:
        return status_list

    async def trust(credential: object) -> list[Check]:
        return [passed(name, "in memory") for name in TRUST_CHECKS]

    document = document_from_methods(DID, [(VM, KEY.public_multibase, "active")])

    async def keys(vm: str, purpose: str, controller: str | None) -> object:
        return key_from_document(document, vm, purpose)

    verifier = Verifier(
        store=ContextStore(),
        resolve_key=keys,  # type: ignore[arg-type]
        status_fetcher=lists,
        trust=trust,
    )
    now = datetime.now(UTC)
    first = await verifier.verify(credential, now=now)  # type: ignore[arg-type]
    assert first.verified, [c for c in first.checks if c.state != "pass"]
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < 2:
        await verifier.verify(credential, now=now)  # type: ignore[arg-type]
        count += 1
    return count / (time.perf_counter() - started)


async def main() -> None:
    stack = BenchStack()
    _, bootstrap = await stack.start()
    prefix = "bench."
    await ensure_topics(bootstrap, prefix=prefix)
    verifier = await stack.start_service("b4g.verifier", prefix=prefix, env=SAMPLED)
    base = verifier.base
    try:
        await publish(bootstrap, prefix, revoked=set(), version=1)
        creds = samples()
        async with httpx.AsyncClient() as client, asyncio.timeout(60):
            while True:
                try:
                    r = await client.post(
                        f"{base}/credentials/verify", json={"verifiableCredential": creds["vc-jwt"]}
                    )
                    if r.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        print(f"service workers: {WORKERS} (B4G_WORKERS), 1% of traces sampled")
        print(f"{'run':<64}{'verif./s':>10}{'p50 ms':>9}{'p99 ms':>9}")
        for name, credential in creds.items():
            rate = await in_process_rate(credential)
            print(f"{f'baseline: in-process, one core, {name}':<64}{rate:>10.0f}")
        await http_runs(base, creds, "+status, issuer not registered")
        await fill_witnesses(stack.database_url, OTHER_WITNESSES)
        rate = await probe_rate(stack.database_url)
        print(f"{'witness lookup alone (cache miss), 1M rows, one connection':<64}{rate:>10.0f}")
        await publish_trust(bootstrap, prefix, TRUST)
        for credential in creds.values():
            document = credential if isinstance(credential, dict) else badge(5)
            await publish_witness(bootstrap, prefix, str(document["id"]), "2026-01-02T00:00:00Z")
        for credential in creds.values():
            await until_standing(base, credential, "qualityLabel")
        await http_runs(base, creds, "+status, label, witness among 1M")
    finally:
        verifier.stop()
        await stack.stop()


if __name__ == "__main__":
    asyncio.run(main())
