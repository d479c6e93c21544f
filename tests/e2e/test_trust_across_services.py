"""Registry → Kafka → verifier, as separate processes: an organisation proves its DID at the
registry and, moments later, the verifier names it as a registered issuer; suspending the
organisation shows up in verification too."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.infra.kafka import ensure_topics
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof
from tests.e2e.test_services import start_service

pytestmark = pytest.mark.e2e

KEY = Ed25519KeyPair.from_seed(bytes(range(40, 72)))
DID = f"did:key:{KEY.public_multibase}"
VM = f"{DID}#{KEY.public_multibase}"


def badge() -> dict:
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Riga Learning Hub"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
                "type": ["Achievement"],
                "name": "Mentoring",
                "description": "Mentored a newcomer through their first season.",
                "criteria": {"narrative": "Mentored a newcomer."},
            },
        },
    }
    proof = create_proof(
        credential,
        key=KEY,
        verification_method=VM,
        created="2026-01-01T00:00:00Z",
        rdf=rdf_canonizer(ContextStore()),
    )
    return add_proof(credential, proof)


@pytest.fixture
async def services(stack, prefix):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    started = {}
    for name in ("registry", "verifier"):
        url = await stack.new_database(name)
        proc, base = start_service(name, url, stack.bootstrap, prefix)
        started[name] = (proc, base, url)
    bases = {name: base for name, (_, base, _) in started.items()}
    yield bases, started["registry"][2], {name: proc for name, (proc, _, _) in started.items()}
    for proc, _, url in started.values():
        proc.kill()
        proc.wait()
        Path(proc.log_path).unlink(missing_ok=True)
        await stack.drop(url)


async def trust_of(client: httpx.AsyncClient, verifier: str, credential: dict, code: str):
    """The first trust check (registered, label at issuance, label now) with `code`, once the
    verifier reports it."""
    async with asyncio.timeout(10):
        while True:
            body = (
                await client.post(
                    f"{verifier}/credentials/verify", json={"verifiableCredential": credential}
                )
            ).json()
            found = {r["name"]: r for r in body["results"]}
            for name in ("issuer_registered", "label_at_issuance", "label_now"):
                if name in found and found[name]["code"] == code:
                    return found[name], found
            await asyncio.sleep(0.1)


def registry_admin(registry_db: str) -> dict[str, str]:
    env = {**os.environ, "B4G_DATABASE_URL": registry_db}
    admin = subprocess.run(
        [sys.executable, "-m", "b4g.registry", "create-key", "--role", "registry_admin"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return {"Authorization": f"Bearer {admin}"}


async def register_and_prove(client: httpx.AsyncClient, registry: str, auth: dict) -> str:
    org = (
        await client.post(
            f"{registry}/organisations",
            headers=auth,
            json={"legalName": "Riga Learning Hub", "country": "LV"},
        )
    ).json()["id"]
    sign = (
        await client.post(f"{registry}/organisations/{org}/dids", headers=auth, json={"did": DID})
    ).json()["sign"]
    response = add_proof(
        sign,
        create_proof(
            sign,
            key=KEY,
            verification_method=VM,
            created="2026-01-01T00:00:00Z",
            cryptosuite=JCS,
            proof_purpose="assertionMethod",
        ),
    )
    proven = await client.post(
        f"{registry}/organisations/{org}/dids/proof", headers=auth, json=response
    )
    assert proven.status_code == 200, proven.text
    return str(org)


async def test_registry_trust_reaches_the_verifier(services):
    bases, registry_db, _ = services
    auth = registry_admin(registry_db)
    registry, verifier = bases["registry"], bases["verifier"]
    credential = badge()
    async with httpx.AsyncClient(timeout=10) as client:
        before, _ = await trust_of(client, verifier, credential, "issuer_not_registered")
        assert before["state"] == "fail"
        org = await register_and_prove(client, registry, auth)
        no_label, found = await trust_of(client, verifier, credential, "no_label")
        assert no_label["state"] == "fail"  # never "passed" without a label
        assert found["issuer_registered"]["state"] == "pass"
        assert "Riga Learning Hub is a registered issuer" in found["issuer_registered"]["message"]
        await client.post(
            f"{registry}/organisations/{org}/status",
            headers=auth,
            json={"status": "suspended", "reason": "under review"},
        )
        suspended, _ = await trust_of(client, verifier, credential, "issuer_not_trusted")
        assert "suspended" in suspended["message"]


async def test_a_verifier_without_a_fresh_copy_asks_the_registry(services, stack, prefix):
    """Consumers off: the event-fed copy never catches up, so trust comes over HTTP; with the
    registry gone it is "could not check", never "not registered"."""
    bases, registry_db, processes = services
    auth = registry_admin(registry_db)
    url = await stack.new_database("verifier_http")
    proc, verifier = start_service(
        "verifier",
        url,
        stack.bootstrap,
        prefix,
        extra_env={"B4G_RUN_CONSUMERS": "false", "B4G_REGISTRY_BASE_URL": bases["registry"]},
    )
    try:
        credential = badge()
        async with httpx.AsyncClient(timeout=10) as client:
            unknown, _ = await trust_of(client, verifier, credential, "issuer_not_registered")
            assert unknown["state"] == "fail"
            await register_and_prove(client, bases["registry"], auth)
            _, found = await trust_of(client, verifier, credential, "no_label")
            assert (
                "Riga Learning Hub is a registered issuer" in found["issuer_registered"]["message"]
            )
            registry_proc = processes["registry"]
            registry_proc.kill()
            registry_proc.wait()
            gone, _ = await trust_of(client, verifier, credential, "registry_unreachable")
            assert gone["state"] == "could_not_check"
    finally:
        proc.kill()
        proc.wait()
        Path(proc.log_path).unlink(missing_ok=True)
        await stack.drop(url)
