"""The registry writes its outbox rows into the shards its relay polls: with
B4G_OUTBOX_SHARDS=8, a DID whose key falls in shard 8–15 of the old default of 16 still has its
trust event published (it used to wait in a shard no relay reads, forever)."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.events.envelope import decode_event
from b4g.core.infra.outbox import shard_of
from b4g.registry.app import service_spec
from b4g.registry.settings import RegistrySettings
from tests.integration.test_registry_trust import (
    bearer,
    database_of,
    keys,
    prove_did,
    read_topic_for,
)
from tests.support.apps import service_client

pytestmark = pytest.mark.integration

SHARDS = 8


def key_beyond_the_relays_shards() -> Ed25519KeyPair:
    """The first seeded key whose did:key lands in shard 8–15 when split 16 ways."""
    for n in range(256):
        key = Ed25519KeyPair.from_seed(bytes([n]) * 32)
        if shard_of(f"did:key:{key.public_multibase}", 16) >= SHARDS:
            return key
    raise AssertionError("no such key among 256 seeds")


async def test_trust_events_reach_the_broker_with_eight_shards(stack, prefix):
    key = key_beyond_the_relays_shards()
    did = f"did:key:{key.public_multibase}"
    async with service_client(
        service_spec(), RegistrySettings, stack, prefix, outbox_shards=SHARDS
    ) as client:
        admin = (await keys(client, ["registry_admin"]))["registry_admin"]
        org = (
            await client.post(
                "/organisations",
                headers=bearer(admin),
                json={"legalName": "Sharded Centre", "country": "LT"},
            )
        ).json()["id"]
        org_admin = (await keys(client, ["org_admin"], uuid.UUID(org)))["org_admin"]
        await prove_did(client, org, org_admin, key)

        conn = await asyncpg.connect(database_of(client))
        try:
            shards = await conn.fetch("SELECT DISTINCT shard FROM outbox WHERE key = $1", did)
        finally:
            await conn.close()
        assert [r["shard"] for r in shards] == [shard_of(did, SHARDS)]

        records = await read_topic_for(stack.bootstrap, prefix, 1)
        event = decode_event(records[0].value)
        assert event.subject == did and event.data["state"]["did_proven"] is True
