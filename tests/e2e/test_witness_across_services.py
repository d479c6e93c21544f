"""Issuance witnessed across processes (registry and verifier on PostgreSQL and the broker): the
registry sees `credential.issued` for an organisation's proven DID and the verifier reports "held
the label when it issued this badge" from that moment; after a withdrawal, a badge signed then
but dated one minute before the withdrawal is not reported as labelled.

The `credential.issued` events are published onto the broker as the issuer publishes them: the
DID here is a did:key whose key the test holds, because an issuer profile's DID cannot yet be
proven without enrolment (issue 13, another part)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import httpx
import pytest

from b4g.core.events.envelope import encode_event, new_event
from b4g.core.events.payloads import CredentialIssuedV1
from b4g.core.events.topics import CREDENTIAL_ISSUED, ISSUER_CREDENTIALS, topic_name
from b4g.core.infra.kafka import new_producer
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import add_proof, create_proof
from b4g.core.trust import witness_hash
from tests.e2e.test_quality_label_network import bearer, until
from tests.e2e.test_services import service_cli
from tests.e2e.test_trust_across_services import (
    DID,
    KEY,
    VM,
    badge,
    register_and_prove,
    registry_admin,
    services,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.e2e


def signed_badge(valid_from: str) -> dict:
    """A new badge of the organisation, signed now with its own key, dated `valid_from`."""
    document = {k: v for k, v in badge().items() if k != "proof"}
    document |= {"id": f"urn:uuid:{uuid.uuid4()}", "validFrom": valid_from}
    proof = create_proof(
        document,
        key=KEY,
        verification_method=VM,
        created=valid_from,
        rdf=rdf_canonizer(ContextStore()),
    )
    return add_proof(document, proof)


async def announce(bootstrap: str, prefix: str, credential: dict) -> None:
    """What the issuer's outbox sends when it issues a credential."""
    producer = new_producer(bootstrap)
    await producer.start()
    try:
        event = new_event(
            source="urn:b4g:issuer",
            type=CREDENTIAL_ISSUED,
            data=CredentialIssuedV1(
                credential_id=credential["id"],
                issuer_id="i1",
                issuer_did=DID,
                issued_at=credential["validFrom"],
            ),
        )
        await producer.send_and_wait(
            topic_name(ISSUER_CREDENTIALS, prefix),
            encode_event(event),
            key=credential["id"].encode(),
        )
    finally:
        await producer.stop()


async def grant_label(client: httpx.AsyncClient, registry: str, db: str, org: str) -> str:
    """The Quality Label through the registry's process: apply, assess, four-eyes decision."""
    org_admin = service_cli(
        "b4g.registry", db, "create-key", "--role", "org_admin", "--organisation", org
    )
    assessors = [
        service_cli("b4g.registry", db, "create-key", "--role", "assessor") for _ in range(2)
    ]
    application = (
        await client.post(
            f"{registry}/organisations/{org}/applications", headers=bearer(org_admin), json={}
        )
    ).json()
    step = f"{registry}/applications/{application['id']}"
    await client.post(f"{step}/complete_course", headers=bearer(org_admin), json={})
    await client.post(
        f"{step}/apply",
        headers=bearer(org_admin),
        json={"submission": {"selfAssessment": "…", "plan": "three-year plan"}},
    )
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
    return str(confirmed.json()["grant"])


async def withdraw(client: httpx.AsyncClient, registry: str, db: str, grant: str) -> None:
    committee = [
        service_cli("b4g.registry", db, "create-key", "--role", "committee") for _ in range(2)
    ]
    withdrawal = (
        await client.post(
            f"{registry}/grants/{grant}/withdrawals",
            headers=bearer(committee[0]),
            json={"reason": "values breached"},
        )
    ).json()
    await client.post(
        f"{registry}/decisions/{withdrawal['id']}/confirm", headers=bearer(committee[1])
    )


async def test_the_witness_decides_label_at_issuance(services, stack, prefix):  # noqa: F811
    bases, registry_db, _ = services
    registry, verifier = bases["registry"], bases["verifier"]
    async with httpx.AsyncClient(timeout=20) as client:

        async def result(credential: dict) -> dict:
            response = await client.post(
                f"{verifier}/credentials/verify", json={"verifiableCredential": credential}
            )
            return response.json()

        def check(found: dict, name: str) -> dict:
            return next(r for r in found["results"] if r["name"] == name)

        org = await register_and_prove(client, registry, registry_admin(registry_db))
        grant = await grant_label(client, registry, registry_db, org)

        # Issued (and announced) while the label holds: the registry witnesses it.
        # (dated a second on: the date is written to the second, and must not fall before the
        # grant, which began moments ago)
        now = datetime.now().astimezone() + timedelta(seconds=1)
        issued = signed_badge(now.isoformat(timespec="seconds"))
        await announce(stack.bootstrap, prefix, issued)
        digest = witness_hash(issued["id"]).hex()

        async def witnessed() -> bool:
            answer = await client.get(f"{registry}/trust/{DID}/witnesses/{digest}")
            return answer.status_code == 200

        await until(witnessed, 20)

        async def labelled_by_witness() -> dict | None:
            # The verifier learns of the witness from the registry's event, a moment after the
            # registry answers for it (and keeps a lookup for half a second).
            found = await _standing(result, issued, "qualityLabel")
            facts = check(found, "label_at_issuance")["facts"] if found else {}
            return found if "witnessedAt" in facts else None

        await until(labelled_by_witness, 20)

        await withdraw(client, registry, registry_db, grant)
        after = await until(lambda: _standing(result, issued, "qualityLabelAtIssuance"), 20)
        ended = check(after, "label_now")["facts"]["labelEnded"]
        assert check(after, "label_now")["code"] == "label_withdrawn"

        # Signed after the withdrawal, dated one minute before it (or, as this grant is younger
        # than a minute, when the first badge was), never witnessed.
        withdrawn_at = datetime.fromisoformat(ended.replace("Z", "+00:00"))
        dated = max(withdrawn_at - timedelta(minutes=1), now)
        back_dated = signed_badge(dated.isoformat(timespec="seconds"))
        found = await result(back_dated)
        assert found["genuine"] and found["standing"] == "issuanceNotWitnessed"
        at_issuance = check(found, "label_at_issuance")
        assert (at_issuance["state"], at_issuance["code"]) == (
            "could_not_check",
            "issuance_not_witnessed",
        )
        assert "the registry has no record of its issuance" in at_issuance["message"]
        # A caller that requires the label at issuance gets "no".
        strict = await client.post(
            f"{verifier}/credentials/verify",
            json={
                "verifiableCredential": back_dated,
                "options": {"trustPolicy": "qualityLabelAtIssuance"},
            },
        )
        assert strict.status_code == 422
        page = await client.post(
            f"{verifier}/verify", data={"credential": json.dumps(back_dated), "lang": "en"}
        )
        assert "but the registry has no record of its issuance" in page.text
        assert "Genuine badge from a Quality Label holder" not in page.text


async def _standing(result, credential: dict, standing: str) -> dict | None:
    found = await result(credential)
    return found if found.get("standing") == standing else None
