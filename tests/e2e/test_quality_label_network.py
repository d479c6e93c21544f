"""The whole network as processes (registry, issuer, verifier on PostgreSQL and the broker): an
organisation goes from interest to a granted Quality Label entirely through the registry's API;
the network's issuer issues the label badge, which verifies; the verifier reports the label for
the organisation's own badges; suspension and withdrawal reach verification within 2 s, and a
withdrawal revokes the label badge."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from b4g.core.infra.kafka import ensure_topics
from tests.e2e.test_services import issuer_cli, service_cli, start_service
from tests.e2e.test_trust_across_services import DID, badge, register_and_prove

pytestmark = pytest.mark.e2e


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def until(check, timeout: float):
    async with asyncio.timeout(timeout):
        while not (found := await check()):
            await asyncio.sleep(0.05)
    return found


@pytest.fixture
async def network(stack, prefix, monkeypatch):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    monkeypatch.setenv("B4G_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    started: list[tuple[subprocess.Popen[bytes], str]] = []

    async def start(name: str, url: str | None = None) -> tuple[str, str]:
        url = url or await stack.new_database(name)
        proc, base = start_service(name, url, stack.bootstrap, prefix)
        started.append((proc, url))
        return base, url

    verifier, _ = await start("verifier")
    monkeypatch.setenv("B4G_VERIFIER_BASE_URL", verifier)
    # The network's own issuer profile and label achievement, then the issuer restarted with
    # them as its Quality Label settings.
    issuer, issuer_db = await start("issuer")
    platform = issuer_cli(issuer_db, "create-platform", "Badges4Good")
    token = issuer_cli(issuer_db, "create-key", "--platform", platform["platformId"])["token"]
    async with httpx.AsyncClient(timeout=20, headers=bearer(token)) as client:
        profile = (await client.post(f"{issuer}/issuers", json={"name": "Badges4Good"})).json()
        label = (
            await client.post(
                f"{issuer}/issuers/{profile['id']}/achievements",
                json={
                    "name": "Quality Label for badge recognition",
                    "description": "Meets the network's quality standard for badges.",
                    "criteria": {"narrative": "Granted by the Badges4Good committee."},
                },
            )
        ).json()
    proc, _ = started.pop()
    proc.kill()
    proc.wait()
    monkeypatch.setenv("B4G_LABEL_PLATFORM_ID", platform["platformId"])
    monkeypatch.setenv("B4G_LABEL_ISSUER_ID", profile["id"])
    monkeypatch.setenv("B4G_LABEL_ACHIEVEMENT_ID", label["id"])
    issuer, _ = await start("issuer", issuer_db)
    registry, registry_db = await start("registry")
    yield {
        "registry": registry,
        "registry_db": registry_db,
        "issuer": issuer,
        "issuer_token": token,
        "verifier": verifier,
    }
    for proc, url in started:
        proc.kill()
        proc.wait()
        Path(proc.log_path).unlink(missing_ok=True)  # type: ignore[attr-defined]
        await stack.drop(url)


async def test_interest_to_label_badge_and_back(network):
    registry, verifier, issuer = network["registry"], network["verifier"], network["issuer"]
    db = network["registry_db"]
    admin = service_cli("b4g.registry", db, "create-key", "--role", "registry_admin")
    assessors = [
        service_cli("b4g.registry", db, "create-key", "--role", "assessor") for _ in range(2)
    ]
    committee = [
        service_cli("b4g.registry", db, "create-key", "--role", "committee") for _ in range(2)
    ]
    organisation_badge = badge()

    async with httpx.AsyncClient(timeout=20) as client:

        async def trust_code() -> str:
            body = (
                await client.post(
                    f"{verifier}/credentials/verify",
                    json={"verifiableCredential": organisation_badge},
                )
            ).json()
            # The label now: ok, no_label, label_suspended, label_withdrawn, …
            return next(r["code"] for r in body["results"] if r["name"] == "label_now")

        org = await register_and_prove(client, registry, bearer(admin))
        org_admin = service_cli(
            "b4g.registry", db, "create-key", "--role", "org_admin", "--organisation", org
        )
        await until(lambda: _is(trust_code, "no_label"), 20)

        application = (
            await client.post(
                f"{registry}/organisations/{org}/applications", headers=bearer(org_admin), json={}
            )
        ).json()
        step = f"{registry}/applications/{application['id']}"
        await client.post(f"{step}/complete_course", headers=bearer(org_admin), json={})
        applied = await client.post(
            f"{step}/apply",
            headers=bearer(org_admin),
            json={"submission": {"selfAssessment": "…", "plan": "three-year plan"}},
        )
        assert applied.json()["state"] == "applied"
        await client.post(f"{step}/start_assessment", headers=bearer(assessors[0]), json={})
        proposal = (
            await client.post(
                f"{step}/decisions",
                headers=bearer(assessors[0]),
                json={"decision": "approve", "reason": "meets the criteria"},
            )
        ).json()
        confirmed = await client.post(
            f"{registry}/decisions/{proposal['id']}/confirm", headers=bearer(assessors[1])
        )
        grant = confirmed.json()["grant"]

        # The verifier reports the label for the organisation's badges.
        await until(lambda: _is(trust_code, "ok"), 10)

        # The network's issuer has issued the label badge to the organisation's DID; it verifies.
        network_auth = bearer(network["issuer_token"])

        async def label_badges() -> list[dict]:
            found = await client.get(
                f"{issuer}/credentials", headers=network_auth, params={"recipientId": DID}
            )
            return found.json() if found.status_code == 200 else []

        [issued] = await until(label_badges, 20)
        label_badge = (
            await client.get(f"{issuer}/credentials/{issued['credentialId']}", headers=network_auth)
        ).json()

        async def label_badge_status() -> int:
            return (
                await client.post(
                    f"{verifier}/credentials/verify", json={"verifiableCredential": label_badge}
                )
            ).status_code

        await until(lambda: _equals(label_badge_status, 200), 20)

        # Suspension, then withdrawal (four eyes), reach verification within 2 s.
        started = time.monotonic()
        await client.post(
            f"{registry}/grants/{grant}/suspend",
            headers=bearer(committee[0]),
            json={"reason": "complaint under review"},
        )
        await until(lambda: _is(trust_code, "label_suspended"), 2.0)
        print(f"suspension visible at the verifier after {time.monotonic() - started:.2f} s")
        await client.post(
            f"{registry}/grants/{grant}/reinstate",
            headers=bearer(committee[0]),
            json={"reason": "resolved"},
        )
        await until(lambda: _is(trust_code, "ok"), 2.0)
        withdrawal = (
            await client.post(
                f"{registry}/grants/{grant}/withdrawals",
                headers=bearer(committee[0]),
                json={"reason": "values breached"},
            )
        ).json()
        started = time.monotonic()
        await client.post(
            f"{registry}/decisions/{withdrawal['id']}/confirm", headers=bearer(committee[1])
        )
        await until(lambda: _is(trust_code, "label_withdrawn"), 2.0)
        print(f"withdrawal visible at the verifier after {time.monotonic() - started:.2f} s")
        await until(lambda: _equals(label_badge_status, 422), 10)  # the label badge is revoked


async def _is(check, expected: str) -> bool:
    return await check() == expected


async def _equals(check, expected: int) -> bool:
    return await check() == expected
