"""Registry: roles, organisations, proof of control of a DID, trust events, the audit chain."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import asyncpg
import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.events.envelope import decode_event
from b4g.core.events.topics import REGISTRY_TRUST
from b4g.core.infra.settings import load_settings
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof
from b4g.registry.__main__ import create_key
from b4g.registry.app import service_spec
from b4g.registry.settings import RegistrySettings
from tests.integration.test_messaging import read_topic
from tests.support.apps import service_client

pytestmark = pytest.mark.integration

KEY = Ed25519KeyPair.from_seed(bytes(range(7, 39)))
DID = f"did:key:{KEY.public_multibase}"
VM = f"{DID}#{KEY.public_multibase}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def database_of(client) -> str:
    """The registry's database: the in-process app's, or one a test set on an HTTP client."""
    return getattr(client, "b4g_database_url", None) or (
        client.app.state.runtime.settings.database_url
    )


async def operator_keys(client, roles, organisation=None) -> dict[str, str]:
    """Keys made the way an operator makes them: the `b4g-registry create-key` command."""
    env = {**os.environ, "B4G_DATABASE_URL": database_of(client)}
    tokens = {}
    for role in roles:
        extra = ["--organisation", str(organisation)] if role == "org_admin" else []
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "b4g.registry", "create-key", "--role", role, *extra],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        tokens[role] = done.stdout.strip()
    return tokens


async def prove_did(
    client, org: str, org_admin: str, key: Ed25519KeyPair, proof_purpose: str = "assertionMethod"
) -> None:
    """Adds the did:key of `key` to the organisation and proves control of it."""
    did = f"did:key:{key.public_multibase}"
    sign = (
        await client.post(
            f"/organisations/{org}/dids", headers=bearer(org_admin), json={"did": did}
        )
    ).json()["sign"]
    proof = create_proof(
        sign,
        key=key,
        verification_method=f"{did}#{key.public_multibase}",
        created="2026-01-01T00:00:00Z",
        cryptosuite=JCS,
        proof_purpose=proof_purpose,
    )
    proven = await client.post(
        f"/organisations/{org}/dids/proof", headers=bearer(org_admin), json=add_proof(sign, proof)
    )
    assert proven.status_code == 200, proven.text


async def keys(client, roles, organisation=None) -> dict[str, str]:
    """Keys made by the function behind `b4g-registry create-key`, in this process (a command
    per key costs a second of start-up; `operator_keys` runs the command itself)."""
    settings = load_settings(RegistrySettings, {}, database_url=database_of(client))
    org = str(organisation) if organisation else None
    return {
        role: await create_key(settings, role, org if role == "org_admin" else None, "")
        for role in roles
    }


async def tamper(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "UPDATE audit_log SET reason = 'rewritten' WHERE action = 'organisation.status'"
        )
    finally:
        await conn.close()


async def test_organisation_proves_its_did_and_trust_is_published(stack, prefix):
    async with service_client(
        service_spec(), RegistrySettings, stack, prefix, public_base_url="https://registry.example"
    ) as client:
        admin = (await operator_keys(client, ["registry_admin"]))["registry_admin"]
        assert (
            await client.post("/organisations", json={"legalName": "X", "country": "LT"})
        ).status_code == 401
        created = await client.post(
            "/organisations",
            headers=bearer(admin),
            json={
                "legalName": "Kaunas Youth Centre",
                "country": "LT",
                "website": "https://kyc.example",
                "contactEmail": "info@kyc.example",
            },
        )
        assert created.status_code == 201, created.text
        org = created.json()["id"]
        others = await keys(client, ["assessor", "auditor", "org_admin"], uuid.UUID(org))
        refused = await client.post(
            "/organisations",
            headers=bearer(others["assessor"]),
            json={"legalName": "Y", "country": "LV"},
        )
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
        bad = await client.post(
            "/organisations", headers=bearer(admin), json={"legalName": "Y", "country": "Latvia"}
        )
        assert bad.status_code == 400 and bad.json()["code"] == "validation_failed"

        challenge = await client.post(
            f"/organisations/{org}/dids", headers=bearer(others["org_admin"]), json={"did": DID}
        )
        assert challenge.status_code == 201, challenge.text
        document = challenge.json()["sign"]
        assert (await client.get(f"/trust/{DID}")).status_code == 404  # not proven yet

        forged = add_proof(
            document,
            create_proof(
                document,
                key=Ed25519KeyPair.from_seed(bytes(32)),
                verification_method=VM,
                created="2026-01-01T00:00:00Z",
                cryptosuite=JCS,
                proof_purpose="authentication",
            ),
        )
        rejected = await client.post(
            f"/organisations/{org}/dids/proof", headers=bearer(others["org_admin"]), json=forged
        )
        assert rejected.status_code == 422 and rejected.json()["code"] == "proof_of_control_failed"

        signed = add_proof(
            document,
            create_proof(
                document,
                key=KEY,
                verification_method=VM,
                created="2026-01-01T00:00:00Z",
                cryptosuite=JCS,
                proof_purpose="authentication",
            ),
        )
        proven = await client.post(
            f"/organisations/{org}/dids/proof", headers=bearer(others["org_admin"]), json=signed
        )
        assert proven.status_code == 200, proven.text
        assert proven.json()["did_proven"] is True
        trust = await client.get(f"/trust/{DID}")
        assert trust.json()["organisation_name"] == "Kaunas Youth Centre"
        assert trust.headers["cache-control"] == "public, max-age=60"

        suspended = await client.post(
            f"/organisations/{org}/status",
            headers=bearer(admin),
            json={"status": "suspended", "reason": "complaint"},
        )
        assert suspended.json()["status"] == "suspended"
        assert (
            await client.post(
                f"/organisations/{org}/status",
                headers=bearer(others["org_admin"]),
                json={"status": "active", "reason": "me"},
            )
        ).status_code == 403

        records = await read_topic_for(stack.bootstrap, prefix, 2)
        states = [decode_event(r.value).data["state"] for r in records]
        assert [s["registry_status"] for s in states] == ["active", "suspended"]
        assert [s["sequence"] for s in states] == [1, 2]

        assert (
            await client.get("/audit/verify", headers=bearer(others["org_admin"]))
        ).status_code == 403
        audit = await client.get("/audit/verify", headers=bearer(others["auditor"]))
        assert audit.json()["valid"] is True and audit.json()["entries"] >= 6
        # The app runs on the test client's own loop; touch its database from a fresh one.
        url = client.app.state.runtime.settings.database_url
        await asyncio.to_thread(asyncio.run, tamper(url))
        audit = await client.get("/audit/verify", headers=bearer(others["auditor"]))
        assert audit.json()["valid"] is False and audit.json()["firstBroken"] is not None


async def read_topic_for(bootstrap, prefix, count):
    from tests.integration import test_messaging

    original = test_messaging.TOPIC
    test_messaging.TOPIC = REGISTRY_TRUST
    try:
        async with asyncio.timeout(30):
            return await read_topic(bootstrap, prefix, count)
    finally:
        test_messaging.TOPIC = original
