"""Issuer and verifier as processes on the real stack: a platform issues a badge in every proof
format, the verifier verifies it from event-fed keys and status lists, and a revocation is
reported within 2 s; a tampered badge fails; the same holds for `b4g verify` offline checks."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from pathlib import Path

import httpx
import pytest

from b4g.core.did.did_web import did_web_url
from b4g.core.infra.kafka import ensure_topics
from tests.e2e.test_services import issuer_cli, start_service
from tests.interop.js_reference import JsReference, JsUnavailable

pytestmark = pytest.mark.e2e


@pytest.fixture
async def services(stack, prefix, monkeypatch):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    master = base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("B4G_MASTER_KEY", master)
    verifier_db = await stack.new_database("verifier")
    verifier, verifier_base = start_service("verifier", verifier_db, stack.bootstrap, prefix)
    monkeypatch.setenv("B4G_VERIFIER_BASE_URL", verifier_base)
    issuer_db = await stack.new_database("issuer")
    issuer, issuer_base = start_service("issuer", issuer_db, stack.bootstrap, prefix)
    platform = issuer_cli(issuer_db, "create-platform", "Cities of Learning")["platformId"]
    token = issuer_cli(issuer_db, "create-key", "--platform", platform)["token"]
    yield issuer_base, verifier_base, {"Authorization": f"Bearer {token}"}
    for proc in (issuer, verifier):
        proc.kill()
        proc.wait()
        Path(proc.log_path).unlink(missing_ok=True)
    for url in (issuer_db, verifier_db):
        await stack.drop(url)


async def verify(client, verifier: str, presented) -> httpx.Response:
    return await client.post(
        f"{verifier}/credentials/verify", json={"verifiableCredential": presented}
    )


async def until(predicate, timeout: float):
    async with asyncio.timeout(timeout):
        while not await predicate():
            await asyncio.sleep(0.05)


async def javascript_verifies(
    client: httpx.AsyncClient, issuer: str, auth: dict[str, str], profile_id: str, achievement: str
) -> None:
    """The JavaScript reference stack verifies what the service issued, with the issuer's
    did:web document as the running service serves it."""
    try:
        js = JsReference()
    except JsUnavailable as exc:
        pytest.skip(str(exc))
    try:
        profile = (await client.get(f"{issuer}/issuers/{profile_id}", headers=auth)).json()
        did = profile["did"]
        served = did_web_url(did).replace("https://", "http://", 1)  # local runs serve plain http
        document = (await client.get(served)).json()
        for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
            issued = (
                await client.post(
                    f"{issuer}/issuers/{profile_id}/credentials",
                    headers=auth,
                    json={
                        "achievementId": achievement,
                        "recipient": {"email": "js@example.org"},
                        "proofFormats": [suite],
                    },
                )
            ).json()["credential"]
            assert js.verify(issued, {did: document}) == (True, None), suite
            issued["name"] = "Tampered"
            assert js.verify(issued, {did: document})[0] is False
    finally:
        js.close()


async def test_issue_verify_tamper_revoke(services):
    issuer, verifier, auth = services
    async with httpx.AsyncClient(timeout=20) as client:
        profile = (
            await client.post(
                f"{issuer}/issuers",
                headers=auth,
                json={"name": "Cities of Learning Vilnius", "url": "https://col.example.org"},
            )
        ).json()
        achievement = (
            await client.post(
                f"{issuer}/issuers/{profile['id']}/achievements",
                headers=auth,
                json={
                    "name": "Urban Gardener",
                    "description": "Tended a community garden.",
                    "criteria": {"narrative": "Ten sessions."},
                },
            )
        ).json()
        issued = await client.post(
            f"{issuer}/issuers/{profile['id']}/credentials",
            headers=auth,
            json={
                "achievementId": achievement["id"],
                "recipient": {"email": "learner@example.org"},
                "proofFormats": ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"],
            },
        )
        assert issued.status_code == 201, issued.text
        body = issued.json()
        credential, jwt = body["credential"], body["jwt"]

        async def verified() -> bool:
            return (await verify(client, verifier, credential)).status_code == 200

        await until(verified, 20)  # the issuer's keys and list have reached the verifier
        assert (await verify(client, verifier, jwt)).status_code == 200
        ok = (await verify(client, verifier, credential)).json()
        assert ok["summary"]["recipient"].startswith("hidden")

        await javascript_verifies(client, issuer, auth, profile["id"], achievement["id"])

        tampered = json.loads(json.dumps(credential))
        tampered["credentialSubject"]["achievement"]["name"] = "Master Gardener"
        assert (await verify(client, verifier, tampered)).status_code == 422

        revoked_at = time.monotonic()
        response = await client.post(
            f"{issuer}/credentials/{body['credentialId']}/revoke",
            headers=auth,
            json={"reason": "awarded in error"},
        )
        assert response.status_code in (200, 201), response.text

        async def reported_revoked() -> bool:
            result = await verify(client, verifier, credential)
            return any(e["code"] == "revoked" for e in result.json()["errors"])

        await until(reported_revoked, 2.0)
        print(f"revocation visible at the verifier after {time.monotonic() - revoked_at:.2f} s")


async def test_suspend_and_reinstate_reach_the_verifier(services):
    issuer, verifier, auth = services
    async with httpx.AsyncClient(timeout=20) as client:
        profile = (
            await client.post(
                f"{issuer}/issuers",
                headers=auth,
                json={"name": "Badgecraft Academy", "allowSuspension": True},
            )
        ).json()
        achievement = (
            await client.post(
                f"{issuer}/issuers/{profile['id']}/achievements",
                headers=auth,
                json={
                    "name": "Peer Mentor",
                    "description": "Mentored peers.",
                    "criteria": {"narrative": "Five sessions."},
                },
            )
        ).json()
        body = (
            await client.post(
                f"{issuer}/issuers/{profile['id']}/credentials",
                headers=auth,
                json={"achievementId": achievement["id"], "recipient": {"email": "m@example.org"}},
            )
        ).json()
        credential = body["credential"]

        async def codes() -> set[str]:
            result = (await verify(client, verifier, credential)).json()
            return {e["code"] for e in result["errors"]} | ({"ok"} if result["verified"] else set())

        async def verified() -> bool:
            return "ok" in await codes()

        await until(verified, 20)
        for action, expected in (("suspend", "suspended"), ("reinstate", "ok")):
            changed_at = time.monotonic()
            response = await client.post(
                f"{issuer}/credentials/{body['credentialId']}/{action}",
                headers=auth,
                json={"reason": "under review" if action == "suspend" else "cleared"},
            )
            assert response.status_code in (200, 201), response.text

            async def reported(expected: str = expected) -> bool:
                return expected in await codes()

            await until(reported, 2.0)
            print(f"{action} visible at the verifier after {time.monotonic() - changed_at:.2f} s")
