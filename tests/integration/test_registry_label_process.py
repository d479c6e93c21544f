"""The Quality Label process through the API: interest → course → application → assessment →
four-eyes approval → grant; suspension, reinstatement, withdrawal, expiry; events and trust."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.events.envelope import decode_event
from b4g.core.events.topics import REGISTRY_LABELS
from b4g.core.infra.db import create_pool
from b4g.core.infra.settings import load_settings
from b4g.core.trust import TrustState, label_held_at
from b4g.registry.app import service_spec
from b4g.registry.settings import RegistrySettings
from b4g.registry.usecases import grants
from b4g.registry.usecases.context import registry_context
from tests.integration import test_messaging
from tests.integration.test_registry_trust import bearer, keys, prove_did
from tests.support.apps import service_client

pytestmark = pytest.mark.integration

KEY = Ed25519KeyPair.from_seed(bytes(range(80, 112)))
DID = f"did:key:{KEY.public_multibase}"
VM = f"{DID}#{KEY.public_multibase}"


async def expire_everything(url: str) -> int:
    pool = await create_pool(url)
    try:
        later = datetime.now(UTC) + timedelta(days=4000)
        settings = load_settings(RegistrySettings, {}, database_url=url)
        return await grants.expire_due(registry_context(pool, settings, clock=lambda: later))
    finally:
        await pool.close()


async def test_label_lifecycle(stack, prefix):
    async with service_client(
        service_spec(), RegistrySettings, stack, prefix, public_base_url="https://registry.example"
    ) as client:
        staff = await keys(client, ["registry_admin", "committee", "auditor"])
        assessors = [(await keys(client, ["assessor"]))["assessor"] for _ in range(2)]
        committee2 = (await keys(client, ["committee"]))["committee"]
        org = (
            await client.post(
                "/organisations",
                headers=bearer(staff["registry_admin"]),
                json={"legalName": "Vilnius Badge Lab", "country": "LT"},
            )
        ).json()["id"]
        org_admin = (await keys(client, ["org_admin"], uuid.UUID(org)))["org_admin"]
        await prove_did(client, org, org_admin, KEY)

        app = (
            await client.post(
                f"/organisations/{org}/applications", headers=bearer(org_admin), json={}
            )
        ).json()
        assert app["state"] == "interested"
        step = f"/applications/{app['id']}"
        assert (await client.post(f"{step}/apply", headers=bearer(org_admin), json={})).json()[
            "code"
        ] == "invalid_transition"
        await client.post(f"{step}/complete_course", headers=bearer(org_admin), json={})
        applied = await client.post(
            f"{step}/apply",
            headers=bearer(org_admin),
            json={"submission": {"selfAssessment": "…", "plan": "three-year QA plan"}},
        )
        assert applied.json()["state"] == "applied" and applied.json()["decideBy"]
        assert (
            await client.post(f"{step}/start_assessment", headers=bearer(org_admin), json={})
        ).status_code == 403
        await client.post(f"{step}/start_assessment", headers=bearer(assessors[0]), json={})
        proposal = (
            await client.post(
                f"{step}/decisions",
                headers=bearer(assessors[0]),
                json={"decision": "approve", "reason": "meets all"},
            )
        ).json()
        confirm = f"/decisions/{proposal['id']}/confirm"
        own = await client.post(confirm, headers=bearer(assessors[0]))
        assert own.status_code == 403  # four eyes
        granted = (await client.post(confirm, headers=bearer(assessors[1]))).json()
        grant = granted["grant"]

        trust = (await client.get(f"/trust/{DID}")).json()
        assert trust["label_status"] == "active" and trust["label_valid_until"]

        assert (
            await client.post(
                f"/grants/{grant}/suspend", headers=bearer(assessors[0]), json={"reason": "x"}
            )
        ).status_code == 403
        await client.post(
            f"/grants/{grant}/suspend",
            headers=bearer(staff["committee"]),
            json={"reason": "complaint under review"},
        )
        assert (await client.get(f"/trust/{DID}")).json()["label_status"] == "suspended"
        await client.post(
            f"/grants/{grant}/reinstate",
            headers=bearer(staff["committee"]),
            json={"reason": "resolved"},
        )
        withdrawal = (
            await client.post(
                f"/grants/{grant}/withdrawals",
                headers=bearer(staff["committee"]),
                json={"reason": "values breached"},
            )
        ).json()
        await client.post(f"/decisions/{withdrawal['id']}/confirm", headers=bearer(committee2))
        final = msgspec.convert((await client.get(f"/trust/{DID}")).json(), TrustState)
        assert final.label_status == "withdrawn"
        # A badge issued while the label was held still shows that it was held then.
        first_start = datetime.fromisoformat(final.label_history[0].start)
        assert label_held_at(final, first_start + timedelta(milliseconds=1))
        assert not label_held_at(final, datetime.now(UTC))
        # The same questions over HTTP: what held at a past moment.
        moment = (first_start + timedelta(milliseconds=1)).isoformat().replace("+00:00", "Z")
        then = (await client.get(f"/trust/{DID}", params={"at": moment})).json()
        assert then["labelHeld"] and then["trustedIssuer"] and then["registryStatus"] == "active"
        assert then["state"]["label_status"] == "withdrawn"
        now = (await client.get(f"/trust/{DID}", params={"at": "2100-01-01T00:00:00Z"})).json()
        assert not now["labelHeld"]
        before = (await client.get(f"/trust/{DID}", params={"at": "1999-01-01T00:00:00Z"})).json()
        assert before["registryStatus"] is None and not before["trustedIssuer"]
        bad = await client.get(f"/trust/{DID}", params={"at": "yesterday"})
        assert bad.status_code == 400 and bad.headers["content-type"].startswith(
            "application/problem+json"
        )

        original = test_messaging.TOPIC
        test_messaging.TOPIC = REGISTRY_LABELS
        try:
            records = await test_messaging.read_topic(stack.bootstrap, prefix, 4)
        finally:
            test_messaging.TOPIC = original
        types = [decode_event(r.value).type.rsplit(".", 1)[-1] for r in records]
        assert types == ["granted", "suspended", "reinstated", "withdrawn"]
        assert decode_event(records[0].value).data["did"] == DID

        audit = (await client.get("/audit/verify", headers=bearer(staff["auditor"]))).json()
        assert audit["valid"]


async def test_grants_expire_at_the_end_of_validity(stack, prefix):
    async with service_client(service_spec(), RegistrySettings, stack, prefix) as client:
        staff = await keys(client, ["registry_admin", "assessor"])
        second = (await keys(client, ["assessor"]))["assessor"]
        org = (
            await client.post(
                "/organisations",
                headers=bearer(staff["registry_admin"]),
                json={"legalName": "Expiring Org", "country": "EE"},
            )
        ).json()["id"]
        app = (
            await client.post(
                f"/organisations/{org}/applications",
                headers=bearer(staff["registry_admin"]),
                json={},
            )
        ).json()
        for action in ("complete_course", "apply"):
            await client.post(
                f"/applications/{app['id']}/{action}",
                headers=bearer(staff["registry_admin"]),
                json={},
            )
        await client.post(
            f"/applications/{app['id']}/start_assessment",
            headers=bearer(staff["assessor"]),
            json={},
        )
        proposal = (
            await client.post(
                f"/applications/{app['id']}/decisions",
                headers=bearer(staff["assessor"]),
                json={"decision": "approve", "reason": "ok"},
            )
        ).json()
        await client.post(f"/decisions/{proposal['id']}/confirm", headers=bearer(second))
        url = client.app.state.runtime.settings.database_url
        assert await asyncio.to_thread(asyncio.run, expire_everything(url)) == 1
        assert await asyncio.to_thread(asyncio.run, expire_everything(url)) == 0  # idempotent
