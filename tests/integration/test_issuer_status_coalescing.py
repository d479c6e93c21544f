"""Coalesced status-list publishing: a burst of 50 revocations sent to two replicas becomes a
few new list versions (not 50), versions stay contiguous and increasing, every revocation is in
the version its response named and in the final list the verifier-facing event carries, and each
revocation still gets its own `credential.status-changed`."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from test_issuer_bulk_jobs import replica
from test_issuer_issuance import PROFILE, published_lists, verify, wait_for_version

from b4g.core.events.envelope import decode_event
from b4g.core.infra.db import create_pool
from b4g.core.statuslist import check_status
from b4g.issuer.usecases import platforms

pytestmark = pytest.mark.integration


async def test_a_burst_of_revocations_coalesces_into_few_list_versions(stack, prefix):
    url = await stack.new_database("issuer")
    pool = await create_pool(url, max_size=2)
    try:
        async with (
            replica(url, stack, prefix, status_publish_interval=0.5) as first,
            replica(url, stack, prefix, status_publish_interval=0.5, run_relay=False) as second,
        ):
            platform = await platforms.create_platform(pool, "burst")
            key = await platforms.create_api_key(pool, platform.id)
            auth = {"Authorization": f"Bearer {key.token}"}
            issuer = (await first.post("/issuers", json=PROFILE, headers=auth)).json()
            achievement = (
                await first.post(
                    f"/issuers/{issuer['id']}/achievements",
                    json={"name": "Burst", "description": "d", "criteria": {"narrative": "n"}},
                    headers=auth,
                )
            ).json()
            issued = []
            for n in range(50):
                response = await first.post(
                    f"/issuers/{issuer['id']}/credentials",
                    json={
                        "achievementId": achievement["id"],
                        "recipient": {"email": f"r{n}@example.org"},
                    },
                    headers=auth,
                )
                issued.append(response.json())
            entries = [c["credential"]["credentialStatus"] for c in issued]
            [list_url] = {e["statusListCredential"] for e in entries}
            list_id = list_url.rsplit("/", 1)[1]

            revocations = await asyncio.gather(
                *(
                    (first if n % 2 else second).post(
                        f"/credentials/{c['credentialId']}/revoke",
                        json={"reason": "burst"},
                        headers=auth,
                    )
                    for n, c in enumerate(issued)
                )
            )
            assert {r.status_code for r in revocations} == {200}
            named = [r.json()["statusListVersion"] for r in revocations]

            harness = SimpleNamespace(pool=pool)  # what the shared helpers read
            versions = await wait_for_version(harness, list_id, max(named))

        numbers = [v["version"] for v in versions]
        assert numbers == list(range(1, len(numbers) + 1))  # contiguous, one publisher each
        assert len(numbers) - 1 < 25, numbers  # far fewer re-signs than revocations
        for entry, version in zip(entries, named, strict=True):
            # The version a response named is the first to carry its revocation.
            assert check_status(entry, versions[version - 1]["credential"]).active
            assert not check_status(entry, versions[version - 2]["credential"]).active
        final = versions[-1]["credential"]
        assert all(check_status(entry, final).active for entry in entries)
        async with pool.acquire() as conn:
            events = await conn.fetch(
                "SELECT value FROM outbox WHERE topic = 'b4g.issuer.credentials.v1'"
            )
            dirty = await conn.fetchval(
                "SELECT count(*) FROM status_lists WHERE dirty_since IS NOT NULL"
            )
        kinds = [decode_event(bytes(e["value"])).type for e in events]
        assert sum(k.endswith(".credential.status-changed") for k in kinds) == 50
        assert dirty == 0
        async with replica(url, stack, prefix, bulk_workers=0) as reader:
            assert await verify(reader, final) == [(True, "ok", "eddsa-rdfc-2022")]
        assert (await published_lists(harness, list_id))[-1]["credential"] == final
    finally:
        await pool.close()
        await stack.drop(url)
