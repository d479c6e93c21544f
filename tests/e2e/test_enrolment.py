"""The enrolment journey as processes (issuer, verifier, registry on PostgreSQL and the broker),
with the product's own commands and APIs only; no test code signs anything:

issuer profile (did:web, key sealed in the issuer) → the registry issues a DID-control challenge
→ the issuer signs and submits it (`POST /issuers/{id}/did-control-proofs`) → the Quality Label
is granted → a badge issued by the issuer API is reported with the label at the verifier. The
network's label-badge issuer is enrolled the same way (`b4g enrol`), so the label badge it
issues shows a registered issuer."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from b4g.core.infra.devstack import free_port
from b4g.core.infra.kafka import ensure_topics
from b4g.core.infra.localstack import write_stack
from tests.e2e.test_services import issuer_cli, service_cli, start_service

pytestmark = pytest.mark.e2e

STEPS: list[tuple[str, float]] = []


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def until(check, timeout: float):
    async with asyncio.timeout(timeout):
        while not (found := await check()):
            await asyncio.sleep(0.1)
    return found


class Clock:
    """Prints how long each journey step took (the figures of the closing note)."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def step(self, name: str) -> None:
        now = time.monotonic()
        print(f"journey step {name}: {now - self.last:.2f} s")
        self.last = now


@pytest.fixture
async def network(stack, prefix, monkeypatch):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    monkeypatch.setenv("B4G_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    ports = {name: free_port() for name in ("issuer", "verifier", "registry")}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    # As `make run` does: loopback origins allowed for did:web documents, status lists and the
    # issuer's submission to the registry.
    common = {
        "B4G_FETCH_ALLOW_HTTP_ORIGINS": ",".join(bases.values()),
        "B4G_FETCH_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "B4G_VERIFIER_BASE_URL": bases["verifier"],
    }
    started: list[tuple[subprocess.Popen[bytes], str]] = []

    async def start(name: str, url: str | None = None, **env: str) -> str:
        url = url or await stack.new_database(name)
        extra = {**common, "B4G_PUBLIC_BASE_URL": bases[name], **env}
        proc, _ = start_service(
            name, url, stack.bootstrap, prefix, extra_env=extra, port=ports[name]
        )
        started.append((proc, url))
        return url

    await start("verifier")
    registry_db = await start("registry")
    # The network's own platform, issuer profile and label achievement, then the issuer
    # restarted (same port, so the same did:web) with them as its Quality Label settings.
    issuer_db = await start("issuer")
    platform = issuer_cli(issuer_db, "create-platform", "Badges4Good")
    token = issuer_cli(issuer_db, "create-key", "--platform", platform["platformId"])["token"]
    async with httpx.AsyncClient(timeout=20, headers=bearer(token)) as client:
        profile = (
            await client.post(f"{bases['issuer']}/issuers", json={"name": "Badges4Good"})
        ).json()
        label = (
            await client.post(
                f"{bases['issuer']}/issuers/{profile['id']}/achievements",
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
    await start(
        "issuer",
        issuer_db,
        B4G_LABEL_PLATFORM_ID=platform["platformId"],
        B4G_LABEL_ISSUER_ID=profile["id"],
        B4G_LABEL_ACHIEVEMENT_ID=label["id"],
    )
    yield {
        **bases,
        "registry_db": registry_db,
        "issuer_db": issuer_db,
        "network_token": token,
        "network_issuer": profile,
    }
    for proc, url in started:
        proc.kill()
        proc.wait()
        Path(proc.log_path).unlink(missing_ok=True)  # type: ignore[attr-defined]
        await stack.drop(url)


def b4g(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "b4g.cli", *args], capture_output=True, text=True, timeout=60
    )


def b4g_verify_checks_a_local_badge_fully(badge: dict, network: dict, tmp_path: Path) -> None:
    """`b4g verify` with the local stack's origins allowed and its registry named: the badge
    verifies (did:web, status list) and its issuer's label is reported; without the flags the
    guarded fetcher refuses the plain-http loopback origins and the answer is "could not check"."""
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(badge))
    allowed = [
        "--allow-http-origin",
        network["issuer"],
        "--allow-http-origin",
        network["verifier"],
        "--allow-private-host",
        "127.0.0.1",
        "--registry",
        network["registry"],
    ]
    done = b4g("verify", *allowed, str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks["proof"]["state"] == "pass" and checks["status"]["state"] == "pass", checks
    assert checks["label_now"]["state"] == "pass", checks["label_now"]
    assert checks["label_at_issuance"]["state"] == "pass", checks["label_at_issuance"]
    plain = b4g("verify", str(path))
    assert plain.returncode == 3, plain.stdout
    # --local-stack reads the same from the state folder `make run` writes.
    state = tmp_path / "state"
    state.mkdir()
    write_stack(
        state,
        {
            name: {"B4G_PUBLIC_BASE_URL": network[name]}
            for name in ("issuer", "verifier", "registry")
        },
    )
    local = subprocess.run(
        [sys.executable, "-m", "b4g.cli", "verify", "--local-stack", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "B4G_STATE_DIR": str(state)},
    )
    assert local.returncode == 0, local.stdout + local.stderr
    trust = {c["name"]: c for c in json.loads(local.stdout)["checks"]}
    assert trust["label_now"]["state"] == "pass", trust


async def test_an_issuer_profile_enrols_and_its_badges_show_the_label(network, tmp_path):
    registry, issuer, verifier = network["registry"], network["issuer"], network["verifier"]
    db = network["registry_db"]
    clock = Clock()
    admin = service_cli("b4g.registry", db, "create-key", "--role", "registry_admin")
    assessors = [
        service_cli("b4g.registry", db, "create-key", "--role", "assessor") for _ in range(2)
    ]

    async with httpx.AsyncClient(timeout=20) as client:

        async def trust(credential: dict) -> dict[str, dict]:
            """The verifier's trust checks of a badge, by name."""
            body = (
                await client.post(
                    f"{verifier}/credentials/verify", json={"verifiableCredential": credential}
                )
            ).json()
            return {r["name"]: r for r in body["results"]}

        # The network's label issuer joins the registry with the product's command.
        network_org = (
            await client.post(
                f"{registry}/organisations",
                headers=bearer(admin),
                json={"legalName": "Badges4Good network", "country": "LT"},
            )
        ).json()["id"]
        enrolled = b4g(
            "enrol",
            "--issuer-url",
            issuer,
            "--api-key",
            network["network_token"],
            "--issuer",
            network["network_issuer"]["id"],
            "--registry",
            registry,
            "--organisation",
            network_org,
            "--token",
            admin,
        )
        assert enrolled.returncode == 0, enrolled.stderr
        assert json.loads(enrolled.stdout)["did"] == network["network_issuer"]["did"]
        clock.step("label issuer enrolled with `b4g enrol`")

        # A platform, its issuer profile (did:web, key sealed in the issuer) and a badge class.
        platform = issuer_cli(network["issuer_db"], "create-platform", "Kaunas badges")
        key = issuer_cli(network["issuer_db"], "create-key", "--platform", platform["platformId"])
        auth = bearer(key["token"])
        profile = (
            await client.post(
                f"{issuer}/issuers", headers=auth, json={"name": "Kaunas Youth Centre"}
            )
        ).json()
        assert profile["did"].startswith("did:web:127.0.0.1")
        achievement = (
            await client.post(
                f"{issuer}/issuers/{profile['id']}/achievements",
                headers=auth,
                json={
                    "name": "Volunteer",
                    "description": "Volunteered.",
                    "criteria": {"narrative": "Forty hours."},
                },
            )
        ).json()
        clock.step("issuer profile and achievement")

        # The registry admin registers the organisation and the DID: the challenge.
        org = (
            await client.post(
                f"{registry}/organisations",
                headers=bearer(admin),
                json={"legalName": "Kaunas Youth Centre", "country": "LT"},
            )
        ).json()["id"]
        sign = (
            await client.post(
                f"{registry}/organisations/{org}/dids",
                headers=bearer(admin),
                json={"did": profile["did"]},
            )
        ).json()["sign"]
        # The platform hands it to the issuer, which signs it and submits it.
        enrolment = await client.post(
            f"{issuer}/issuers/{profile['id']}/did-control-proofs",
            headers=auth,
            json={
                "document": sign,
                "submitTo": f"{registry}/organisations/{org}/dids/proof",
                "registryToken": admin,
            },
        )
        assert enrolment.status_code == 200, enrolment.text
        answer = enrolment.json()
        assert answer["submitted"] is True and answer["registry"]["status"] == 200
        trusted = await client.get(f"{registry}/trust/{quote(profile['did'], safe='')}")
        assert trusted.status_code == 200, trusted.text
        clock.step("DID enrolled through the issuer endpoint")

        # The same challenge cannot be used twice (the registry's single-use rule holds).
        again = await client.post(
            f"{issuer}/issuers/{profile['id']}/did-control-proofs",
            headers=auth,
            json={
                "document": sign,
                "submitTo": f"{registry}/organisations/{org}/dids/proof",
                "registryToken": admin,
            },
        )
        assert again.status_code == 422, again.text
        assert again.json()["code"] == "registry_refused_proof"
        # The problem carries what the registry said (its status and its own problem).
        said = again.json()["errors"][0]
        assert 400 <= said["registryStatus"] < 500, said
        assert isinstance(said["registryAnswer"]["code"], str), said

        # The Quality Label: application, course, assessment, four-eyes decision.
        org_admin = service_cli(
            "b4g.registry", db, "create-key", "--role", "org_admin", "--organisation", org
        )
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
        assert applied.status_code == 200, applied.text
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
        assert confirmed.status_code == 200, confirmed.text
        clock.step("label granted")

        # A badge from the issuer API: the verifier reports the label.
        issued = await client.post(
            f"{issuer}/issuers/{profile['id']}/credentials",
            headers=auth,
            json={"achievementId": achievement["id"], "recipient": {"email": "l@example.org"}},
        )
        assert issued.status_code == 201, issued.text
        badge = issued.json()["credential"]

        async def labelled() -> dict | None:
            # Both once the registry's witness of this badge has reached the verifier: the
            # badge's own date is written to the second and may fall just before the grant.
            checks = await trust(badge)
            names = ("label_now", "label_at_issuance")
            held = all(checks.get(name, {}).get("state") == "pass" for name in names)
            return checks if held else None

        held = await until(labelled, 20)
        assert "witnessedAt" in held["label_at_issuance"]["facts"], held
        assert "Kaunas Youth Centre" in held["label_now"]["message"]
        clock.step("badge verified with the label")
        b4g_verify_checks_a_local_badge_fully(badge, network, tmp_path)

        # The label badge from the network's issuer names a registered issuer.
        network_auth = bearer(network["network_token"])

        async def label_badges() -> list[dict]:
            found = await client.get(
                f"{issuer}/credentials",
                headers=network_auth,
                params={"recipientId": profile["did"]},
            )
            return found.json() if found.status_code == 200 else []

        [issued_label] = await until(label_badges, 20)
        label_badge = (
            await client.get(
                f"{issuer}/credentials/{issued_label['credentialId']}", headers=network_auth
            )
        ).json()

        async def registered() -> dict | None:
            check = (await trust(label_badge))["issuer_registered"]
            return None if check["code"] == "issuer_not_registered" else check

        check = await until(registered, 20)
        assert check["state"] == "pass", check
        assert "Badges4Good network is a registered issuer" in check["message"], check
        clock.step("label badge shows a registered issuer")

        # An organisation that holds its own key proves its did:key with `b4g prove-did`.
        keys = json.loads(b4g("keys", "generate").stdout)
        own = (
            await client.post(
                f"{registry}/organisations",
                headers=bearer(admin),
                json={"legalName": "Riga Makers", "country": "LV"},
            )
        ).json()["id"]
        proved = b4g(
            "prove-did",
            "--seed",
            keys["seed"],
            "--registry",
            registry,
            "--organisation",
            own,
            "--token",
            admin,
        )
        assert proved.returncode == 0, proved.stderr
        assert json.loads(proved.stdout)["did_proven"] is True
        clock.step("own did:key proved with `b4g prove-did`")
