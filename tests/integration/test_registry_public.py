"""The registry's public read side: an organisation's public record and the directory of
labelled organisations (paging, country filter, caching validators)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.registry.app import service_spec
from b4g.registry.settings import RegistrySettings
from tests.integration.test_registry_trust import bearer, keys, prove_did
from tests.support.apps import service_client

pytestmark = pytest.mark.integration


@dataclass
class Staff:
    admin: str
    assessors: tuple[str, str]
    committee: tuple[str, str]


async def staff_of(client) -> Staff:
    first = await keys(client, ["registry_admin", "assessor", "committee"])
    second = await keys(client, ["assessor", "committee"])
    return Staff(
        admin=first["registry_admin"],
        assessors=(first["assessor"], second["assessor"]),
        committee=(first["committee"], second["committee"]),
    )


def key_of(n: int) -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(bytes([n]) * 32)


async def organisation(
    client, staff: Staff, name: str, country: str, key: Ed25519KeyPair | None, *, label: bool
) -> tuple[str, str | None]:
    """An organisation registered through the API; with `key`, its did:key proven; with
    `label`, the Quality Label granted through the whole process. Returns (id, grant id)."""
    org = (
        await client.post(
            "/organisations",
            headers=bearer(staff.admin),
            json={
                "legalName": name,
                "country": country,
                "website": f"https://{country.lower()}.example",
                "contactEmail": "secret-contact@example.org",
            },
        )
    ).json()["id"]
    org_admin = (await keys(client, ["org_admin"], uuid.UUID(org)))["org_admin"]
    if key is not None:
        await prove_did(client, org, org_admin, key, proof_purpose="authentication")
    if not label:
        return org, None
    app = (
        await client.post(f"/organisations/{org}/applications", headers=bearer(org_admin), json={})
    ).json()["id"]
    step = f"/applications/{app}"
    await client.post(f"{step}/complete_course", headers=bearer(org_admin), json={})
    await client.post(
        f"{step}/apply", headers=bearer(org_admin), json={"submission": {"plan": "QA plan"}}
    )
    await client.post(f"{step}/start_assessment", headers=bearer(staff.assessors[0]), json={})
    proposal = (
        await client.post(
            f"{step}/decisions",
            headers=bearer(staff.assessors[0]),
            json={"decision": "approve", "reason": "meets all criteria"},
        )
    ).json()["id"]
    granted = await client.post(
        f"/decisions/{proposal}/confirm", headers=bearer(staff.assessors[1])
    )
    assert granted.status_code == 200, granted.text
    return org, granted.json()["grant"]


async def withdraw(client, staff: Staff, grant: str) -> None:
    proposal = (
        await client.post(
            f"/grants/{grant}/withdrawals",
            headers=bearer(staff.committee[0]),
            json={"reason": "values breached"},
        )
    ).json()["id"]
    done = await client.post(f"/decisions/{proposal}/confirm", headers=bearer(staff.committee[1]))
    assert done.status_code == 200, done.text


async def suspend(client, staff: Staff, grant: str) -> None:
    done = await client.post(
        f"/grants/{grant}/suspend",
        headers=bearer(staff.committee[0]),
        json={"reason": "complaint under review"},
    )
    assert done.status_code == 200, done.text


def registry(stack, prefix, **overrides):
    return service_client(
        service_spec(),
        RegistrySettings,
        stack,
        prefix,
        public_base_url="https://registry.example",
        **overrides,
    )


async def test_public_record_and_directory(stack, prefix):
    async with registry(stack, prefix) as client:
        staff = await staff_of(client)
        kyc, _ = await organisation(
            client, staff, "Kaunas Youth Centre", "LT", key_of(1), label=True
        )
        lab, lab_grant = await organisation(
            client, staff, "Alytus Lab", "LT", key_of(2), label=True
        )
        riga, riga_grant = await organisation(
            client, staff, "Riga Makers", "LV", key_of(3), label=True
        )
        plain, _ = await organisation(client, staff, "Birzai Club", "LT", key_of(4), label=False)
        gone, gone_grant = await organisation(client, staff, "Zarasai Hub", "LT", None, label=True)
        assert lab_grant and gone_grant and riga_grant
        await suspend(client, staff, lab_grant)
        await withdraw(client, staff, gone_grant)

        record = await client.get(f"/organisations/{kyc}/public")
        assert record.status_code == 200, record.text
        body = record.json()
        assert body["legalName"] == "Kaunas Youth Centre" and body["country"] == "LT"
        assert body["registryStatus"] == "active"
        assert [s["status"] for s in body["registryStatusHistory"]] == ["active"]
        assert body["dids"] == [
            {
                "did": f"did:key:{key_of(1).public_multibase}",
                "validFrom": body["dids"][0]["validFrom"],
                "validUntil": None,
            }
        ]
        assert body["label"]["status"] == "active" and body["label"]["heldNow"] is True
        assert body["label"]["validUntil"] and len(body["label"]["history"]) == 1
        assert "secret-contact" not in record.text and "contactEmail" not in body
        assert record.headers["cache-control"] == "public, max-age=60"
        again = await client.get(
            f"/organisations/{kyc}/public", headers={"If-None-Match": record.headers["etag"]}
        )
        assert again.status_code == 304 and again.content == b""

        suspended = (await client.get(f"/organisations/{lab}/public")).json()["label"]
        assert suspended["status"] == "suspended" and suspended["heldNow"] is False
        assert [i["status"] for i in suspended["history"]] == ["active", "suspended"]
        withdrawn = (await client.get(f"/organisations/{gone}/public")).json()
        assert withdrawn["label"]["status"] == "withdrawn" and withdrawn["dids"] == []
        assert (await client.get(f"/organisations/{plain}/public")).json()["label"] == {
            "status": "none",
            "heldNow": False,
            "validFrom": None,
            "validUntil": None,
            "history": [],
        }
        missing = await client.get(f"/organisations/{uuid.uuid4()}/public")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"

        listing = await client.get("/directory")
        assert listing.status_code == 200
        assert [i["legalName"] for i in listing.json()["items"]] == [
            "Kaunas Youth Centre",
            "Riga Makers",
        ]
        assert listing.json()["items"][0]["dids"] == [f"did:key:{key_of(1).public_multibase}"]
        assert listing.json()["nextCursor"] is None
        assert listing.headers["cache-control"] == "public, max-age=60"
        cached = await client.get("/directory", headers={"If-None-Match": listing.headers["etag"]})
        assert cached.status_code == 304
        latvia = (await client.get("/directory", params={"country": "LV"})).json()["items"]
        assert [i["id"] for i in latvia] == [riga]

        first = (await client.get("/directory", params={"limit": 1})).json()
        assert [i["id"] for i in first["items"]] == [kyc] and first["nextCursor"]
        second = (
            await client.get("/directory", params={"limit": 1, "cursor": first["nextCursor"]})
        ).json()
        assert [i["id"] for i in second["items"]] == [riga] and second["nextCursor"] is None

        # A change is a new representation: the old ETag no longer matches.
        await suspend(client, staff, riga_grant)
        changed = await client.get("/directory", headers={"If-None-Match": listing.headers["etag"]})
        assert changed.status_code == 200 and len(changed.json()["items"]) == 1

        for bad in (
            {"country": "Lithuania"},
            {"limit": 0},
            {"limit": 1000},
            {"cursor": "not-a-cursor"},
            {"cursor": "W10"},
        ):
            refused = await client.get("/directory", params=bad)
            assert refused.status_code == 400, (bad, refused.text)
            assert refused.headers["content-type"].startswith("application/problem+json")
