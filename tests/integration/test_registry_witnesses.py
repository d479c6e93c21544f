"""The registry witnesses the issuance of credentials of proven DIDs (from the issuer's
`credential.issued`), once each, at its own time; answers it at GET /trust/{did}/witnesses/{hash}
and publishes it to verifiers on b4g.registry.witnesses.v1."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.events.envelope import decode_event, encode_event, new_event
from b4g.core.events.payloads import CredentialIssuedV1, IssuanceWitnessedV1, decode_payload
from b4g.core.events.topics import CREDENTIAL_ISSUED, ISSUER_CREDENTIALS, REGISTRY_WITNESSES
from b4g.core.infra.kafka import ensure_topics, new_producer, topic_name
from b4g.core.trust import witness_hash
from b4g.registry.app import service_spec
from b4g.registry.settings import RegistrySettings
from tests.integration.test_registry_trust import bearer, keys, prove_did
from tests.support.apps import service_client

pytestmark = pytest.mark.integration

KEY = Ed25519KeyPair.from_seed(bytes(range(160, 192)))
DID = f"did:key:{KEY.public_multibase}"
STRANGER = "did:key:z6MkhWqdDBPojHA7cprTGTt5yHv5yUi1B8cnXn8ReLumkw6E"  # never proven


async def announce(bootstrap: str, prefix: str, credential_id: str, did: str, times: int = 1):
    producer = new_producer(bootstrap)
    await producer.start()
    try:
        event = new_event(
            source="urn:test:issuer",
            type=CREDENTIAL_ISSUED,
            data=CredentialIssuedV1(
                credential_id=credential_id,
                issuer_id="i1",
                issuer_did=did,
                issued_at="2020-01-01T00:00:00Z",  # what the issuer says: not what is kept
            ),
        )
        for _ in range(times):
            await producer.send_and_wait(
                topic_name(ISSUER_CREDENTIALS, prefix), encode_event(event), key=did.encode()
            )
    finally:
        await producer.stop()


async def published_witnesses(bootstrap: str, prefix: str, quiet: float = 2.0) -> list:
    """Every witness on the topic, read until it has been quiet for `quiet` seconds."""
    consumer = AIOKafkaConsumer(
        topic_name(REGISTRY_WITNESSES, prefix),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found = []
    try:
        idle = 0.0
        while idle < quiet:
            batch = await consumer.getmany(timeout_ms=200)
            records = [r for part in batch.values() for r in part]
            idle = 0.0 if records else idle + 0.2
            found += [decode_payload(decode_event(r.value).data) for r in records]
    finally:
        await consumer.stop()
    return found


async def test_issuances_of_proven_dids_are_witnessed_once(stack, prefix):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    async with service_client(service_spec(), RegistrySettings, stack, prefix) as client:
        admin = (await keys(client, ["registry_admin"]))["registry_admin"]
        org = (
            await client.post(
                "/organisations",
                headers=bearer(admin),
                json={"legalName": "Vilnius Makers", "country": "LT"},
            )
        ).json()["id"]
        org_admin = (await keys(client, ["org_admin"], uuid.UUID(org)))["org_admin"]
        await prove_did(client, org, org_admin, KEY)

        seen_from = datetime.now(UTC)
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        digest = witness_hash(credential_id).hex()
        await announce(stack.bootstrap, prefix, credential_id, DID, times=2)  # redelivered
        await announce(stack.bootstrap, prefix, f"urn:uuid:{uuid.uuid4()}", STRANGER)

        url = f"/trust/{DID}/witnesses/{digest}"
        async with asyncio.timeout(20):
            while (response := await client.get(url)).status_code != 200:
                await asyncio.sleep(0.1)
        witness = response.json()
        assert set(witness) == {"credentialHash", "issuerDid", "seenAt"}
        assert (witness["credentialHash"], witness["issuerDid"]) == (digest, DID)
        seen = datetime.fromisoformat(witness["seenAt"].replace("Z", "+00:00"))
        assert seen >= seen_from.replace(microsecond=0)  # the registry's time, not the claim
        assert "immutable" in response.headers["cache-control"]

        # Another DID never gets this witness, nor does a DID the registry has not proven.
        other = await client.get(f"/trust/{STRANGER}/witnesses/{digest}")
        assert other.status_code == 404 and other.json()["code"] == "not_found"
        bad = await client.get(f"/trust/{DID}/witnesses/not-a-hash")
        assert bad.status_code == 400 and bad.json()["code"] == "invalid_witness_hash"

        published = await published_witnesses(stack.bootstrap, prefix)
        assert published == [
            IssuanceWitnessedV1(credential_hash=digest, issuer_did=DID, seen_at=witness["seenAt"])
        ]  # once, though delivered twice; nothing for the unproven DID
