"""POST /credentials/verify against the verifier's event-fed state."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.events.envelope import encode_event, new_event
from b4g.core.events.payloads import IssuerUpsertedV1, StatusListPublishedV1, VerificationMethodV1
from b4g.core.events.topics import (
    ISSUER_PROFILES,
    ISSUER_STATUS_LISTS,
    ISSUER_UPSERTED,
    STATUS_LIST_PUBLISHED,
    topic_name,
)
from b4g.core.infra.kafka import ensure_topics, new_producer
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import add_proof, create_proof
from b4g.core.proofs.vc_jwt import sign_vc_jwt
from b4g.core.statuslist import bits_with, status_list_credential
from b4g.verifier.app import service_spec
from b4g.verifier.settings import VerifierSettings
from tests.support.apps import service_client

pytestmark = pytest.mark.integration

KEY = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
DID = "did:web:issuer.example%3A8001:issuers:i1"
VM = f"{DID}#key-1"
LIST_URL = "http://verifier.example/status/l1"
RDF = rdf_canonizer(ContextStore())


def sign(document: dict) -> dict:
    return add_proof(
        document,
        create_proof(
            document, key=KEY, verification_method=VM, created="2026-01-01T00:00:00Z", rdf=RDF
        ),
    )


def badge(index: int) -> dict:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Issuer One"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:9e1b0c2d-3f4a-4b5c-8d6e-7f8091a2b3c4",
                "type": ["Achievement"],
                "name": "Verified",
                "description": "Passed the verification tests.",
                "criteria": {"narrative": "Passed."},
            },
        },
        "credentialStatus": {
            "id": f"{LIST_URL}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": LIST_URL,
        },
    }


async def publish(bootstrap: str, prefix: str, revoked: set[int], version: int) -> None:
    producer = new_producer(bootstrap)
    await producer.start()
    try:
        issuer = IssuerUpsertedV1(
            issuer_id="i1",
            did=DID,
            profile={"name": "Issuer One"},
            verification_methods=[
                VerificationMethodV1(
                    id=VM, public_key_multibase=KEY.public_multibase, state="active"
                )
            ],
        )
        await producer.send_and_wait(
            topic_name(ISSUER_PROFILES, prefix),
            encode_event(new_event(source="urn:test", type=ISSUER_UPSERTED, data=issuer)),
            key=b"i1",
        )
        listing = sign(
            status_list_credential(
                url=LIST_URL, issuer=DID, purpose="revocation", bits=bits_with(revoked)
            )
        )
        published = StatusListPublishedV1(
            list_id="l1", url=LIST_URL, purpose="revocation", version=version, credential=listing
        )
        await producer.send_and_wait(
            topic_name(ISSUER_STATUS_LISTS, prefix),
            encode_event(new_event(source="urn:test", type=STATUS_LIST_PUBLISHED, data=published)),
            key=b"l1",
        )
    finally:
        await producer.stop()


async def verify_until(client, credential, predicate, timeout=20):
    async with asyncio.timeout(timeout):
        while True:
            response = await client.post(
                "/credentials/verify", json={"verifiableCredential": credential}
            )
            if predicate(response):
                return response
            await asyncio.sleep(0.1)


async def test_verify_then_revoke_then_tamper(stack, prefix):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    async with service_client(service_spec(), VerifierSettings, stack, prefix) as client:
        await publish(stack.bootstrap, prefix, revoked=set(), version=1)
        credential = sign(badge(7))
        ok = await verify_until(client, credential, lambda r: r.status_code == 200)
        body = ok.json()
        assert body["verified"] and body["genuine"] and body["errors"] == []
        assert {"proof", "issuer_binding", "status"} <= set(body["checks"])
        assert body["summary"]["name"] == "Verified"
        assert body["summary"]["issuerName"] == "Issuer One"
        # Its issuer is not in the registry: a warning beside verified, never an error.
        assert body["standing"] in ("notRegistered", "unknown")
        assert "issuer_registered" in {w["name"] for w in body["warnings"]}
        assert all(r["code"] == "ok" for r in body["results"] if r["state"] == "pass")

        jwt = sign_vc_jwt(badge(8), key=KEY, kid=VM)
        assert (
            await client.post("/credentials/verify", json={"verifiableCredential": jwt})
        ).status_code == 200

        await publish(stack.bootstrap, prefix, revoked={7}, version=2)
        revoked = await verify_until(client, credential, lambda r: r.status_code == 422)
        assert {
            "name": "status",
            "code": "revoked",
            "message": "The issuer has revoked this badge.",
        } in revoked.json()["errors"]
        # Asked only for the proof, the revocation is a warning and the answer is yes.
        only_proof = await client.post(
            "/credentials/verify",
            json={"verifiableCredential": credential, "options": {"checks": ["proof"]}},
        )
        assert only_proof.status_code == 200, only_proof.text
        assert only_proof.json()["verified"] and only_proof.json()["checks"] == ["proof"]
        assert not only_proof.json()["genuine"]
        assert "revoked" in {w["code"] for w in only_proof.json()["warnings"]}
        unknown = await client.post(
            "/credentials/verify",
            json={"verifiableCredential": credential, "options": {"checks": ["nonsense"]}},
        )
        assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_check"

        tampered = {**credential, "validFrom": "2025-01-01T00:00:00Z"}
        response = await client.post("/credentials/verify", json={"verifiableCredential": tampered})
        assert response.status_code == 422
        assert any(e["name"] == "proof" for e in response.json()["errors"])

        malformed = await client.post("/credentials/verify", json={"nope": 1})
        assert malformed.status_code == 400 and malformed.json()["code"] == "validation_failed"


async def test_page_refuses_to_fetch_private_or_plain_http_links(stack, prefix):
    async with service_client(service_spec(), VerifierSettings, stack, prefix) as client:
        page = await client.get("/verify", params={"url": "http://127.0.0.1:9/badge.json"})
        assert page.status_code == 200
        assert "Could not fetch the badge" in page.text and "only https" in page.text
        page = await client.get("/verify", params={"url": "https://127.0.0.1:9/badge.json"})
        assert "non-public address" in page.text
        empty = await client.get("/verify")
        assert 'name="credential"' in empty.text
        assert empty.headers["content-security-policy"].startswith("default-src 'none'")


async def publish_trust(bootstrap: str, prefix: str, state: dict) -> None:
    from b4g.core.events.payloads import TrustUpdatedV1
    from b4g.core.events.topics import REGISTRY_TRUST, TRUST_UPDATED

    producer = new_producer(bootstrap)
    await producer.start()
    try:
        event = new_event(
            source="urn:test:registry",
            type=TRUST_UPDATED,
            data=TrustUpdatedV1(did=DID, state=state),
        )
        await producer.send_and_wait(
            topic_name(REGISTRY_TRUST, prefix), encode_event(event), key=DID.encode()
        )
    finally:
        await producer.stop()


async def publish_witness(bootstrap: str, prefix: str, credential_id: str, seen_at: str) -> None:
    from b4g.core.events.payloads import IssuanceWitnessedV1
    from b4g.core.events.topics import ISSUANCE_WITNESSED, REGISTRY_WITNESSES
    from b4g.core.trust import witness_hash

    digest = witness_hash(credential_id).hex()
    producer = new_producer(bootstrap)
    await producer.start()
    try:
        event = new_event(
            source="urn:test:registry",
            type=ISSUANCE_WITNESSED,
            data=IssuanceWitnessedV1(credential_hash=digest, issuer_did=DID, seen_at=seen_at),
        )
        await producer.send_and_wait(
            topic_name(REGISTRY_WITNESSES, prefix), encode_event(event), key=digest.encode()
        )
    finally:
        await producer.stop()


async def test_registry_label_changes_reach_verification(stack, prefix):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    trust = {
        "did": DID,
        "organisation_id": "o1",
        "organisation_name": "Issuer One Org",
        "registry_status": "active",
        "did_proven": True,
        "label_status": "active",
        "label_valid_until": "2029-01-01T00:00:00Z",
        "sequence": 1,
        "label_history": [{"status": "active", "start": "2025-01-01T00:00:00Z"}],
    }
    async with service_client(service_spec(), VerifierSettings, stack, prefix) as client:
        await publish(stack.bootstrap, prefix, revoked=set(), version=1)
        await publish_trust(stack.bootstrap, prefix, trust)
        credential = sign(badge(3))

        def looked(response, name="label_now"):
            found = {r["name"]: r for r in response.json()["results"]}
            return found.get(name, {}).get("state"), found.get(name, {}).get("code")

        held = await verify_until(client, credential, lambda r: looked(r) == ("pass", "ok"))
        assert held.status_code == 200 and held.json()["standing"] == "qualityLabel"
        assert looked(held, "label_at_issuance") == ("pass", "ok")
        suspended = {
            **trust,
            "label_status": "suspended",
            "sequence": 2,
            "label_history": [
                {
                    "status": "active",
                    "start": "2025-01-01T00:00:00Z",
                    "end": "2026-01-15T00:00:00Z",
                },
                {"status": "suspended", "start": "2026-01-15T00:00:00Z"},
            ],
        }
        await publish_trust(stack.bootstrap, prefix, suspended)
        after = await verify_until(
            client, credential, lambda r: looked(r) == ("fail", "label_suspended"), timeout=2
        )
        assert after.status_code == 200  # trust is advisory: the badge itself is still valid
        # Dated before the suspension, but never witnessed: only the issuer's claim.
        assert looked(after, "label_at_issuance") == ("could_not_check", "issuance_not_witnessed")
        assert after.json()["standing"] == "issuanceNotWitnessed"
        assert {"label_at_issuance", "label_now"} <= {w["name"] for w in after.json()["warnings"]}
        # A caller that requires the label gets its answer, with the reason under errors.
        required = await client.post(
            "/credentials/verify",
            json={"verifiableCredential": credential, "options": {"trustPolicy": "qualityLabel"}},
        )
        assert required.status_code == 422 and not required.json()["verified"]
        assert [e["code"] for e in required.json()["errors"]] == ["label_suspended"]

        # The registry witnessed its issuance before the suspension: that time decides.
        await publish_witness(stack.bootstrap, prefix, credential["id"], "2026-01-02T00:00:00Z")
        witnessed = await verify_until(
            client,
            credential,
            lambda r: looked(r, "label_at_issuance") == ("pass", "ok"),
            timeout=5,
        )
        assert witnessed.json()["standing"] == "qualityLabelAtIssuance"
        at_issuance = next(
            r for r in witnessed.json()["results"] if r["name"] == "label_at_issuance"
        )
        assert at_issuance["facts"]["witnessedAt"].startswith("2026-01-02")

        # A back-dated badge: dated before the suspension, witnessed after it.
        late = sign({**badge(4), "validFrom": "2026-01-14T23:59:00Z"})
        await publish_witness(stack.bootstrap, prefix, late["id"], "2026-01-20T00:00:00Z")
        reported = await verify_until(
            client,
            late,
            lambda r: looked(r, "label_at_issuance") == ("fail", "label_not_held_at_issuance"),
            timeout=5,
        )
        assert reported.json()["standing"] == "registered"


async def test_presentations_bulk_and_baked_images(stack, prefix):
    from b4g.core.baking import bake_png, bake_svg
    from tests.unit.test_baking import tiny_png

    await ensure_topics(stack.bootstrap, prefix=prefix)
    async with service_client(service_spec(), VerifierSettings, stack, prefix) as client:
        await publish(stack.bootstrap, prefix, revoked={21}, version=1)
        good, revoked = sign(badge(20)), sign(badge(21))
        await verify_until(client, good, lambda r: r.status_code == 200)

        presentation = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [good, sign_vc_jwt(badge(22), key=KEY, kid=VM)],
        }
        ok = await client.post(
            "/presentations/verify", json={"verifiablePresentation": presentation}
        )
        assert ok.status_code == 200 and len(ok.json()["credentialResults"]) == 2
        assert ok.json()["warnings"] == []
        presentation["verifiableCredential"].append(revoked)
        bad = await client.post(
            "/presentations/verify", json={"verifiablePresentation": presentation}
        )
        assert bad.status_code == 422

        bulk = await client.post(
            "/credentials/verify/bulk", json={"verifiableCredentials": [good, revoked, "x.y.z"]}
        )
        assert bulk.status_code == 200
        assert (bulk.json()["verified"], bulk.json()["failed"]) == (1, 2)
        too_many = await client.post(
            "/credentials/verify/bulk", json={"verifiableCredentials": [good] * 1001}
        )
        assert too_many.status_code == 400

        png = bake_png(tiny_png(), good)
        baked = await client.post(
            "/credentials/verify/baked", files={"file": ("badge.png", png, "image/png")}
        )
        assert baked.status_code == 200, baked.text
        svg = bake_svg('<svg xmlns="http://www.w3.org/2000/svg"/>', revoked)
        baked = await client.post(
            "/credentials/verify/baked",
            files={"file": ("badge.svg", svg.encode(), "image/svg+xml")},
        )
        assert baked.status_code == 422
        plain = await client.post(
            "/credentials/verify/baked", files={"file": ("x.png", tiny_png(), "image/png")}
        )
        assert plain.status_code == 400 and "no Open Badges" in plain.json()["detail"]
        page = await client.post("/verify/upload", files={"file": ("badge.png", png, "image/png")})
        assert "Genuine badge; its issuer" in page.text


VECTOR = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "vc"
    / "vectors"
    / "w3c-vc-di-eddsa"
    / "Ed25519Signature2020"
    / "signedEdSig.json"
)


async def test_a_proof_by_a_key_not_the_issuers_holds_only_as_a_proof(stack, prefix):
    """The W3C Ed25519Signature2020 vector: signed by a did:key, issued by an https URL."""
    if not VECTOR.exists():
        pytest.skip("no reference copy of the W3C vectors in ../shared/vc/vectors")
    credential = json.loads(VECTOR.read_text())
    async with service_client(service_spec(), VerifierSettings, stack, prefix) as client:
        asked = await client.post(
            "/credentials/verify",
            json={"verifiableCredential": credential, "options": {"checks": ["proof"]}},
        )
        assert asked.status_code == 200, asked.text
        assert asked.json()["verified"] and asked.json()["checks"] == ["proof"]
        assert "issuer_not_signer" in {w["code"] for w in asked.json()["warnings"]}
        default = await client.post(
            "/credentials/verify", json={"verifiableCredential": credential}
        )
        assert default.status_code == 422 and not default.json()["genuine"]
        assert ("issuer_binding", "issuer_not_signer") in {
            (e["name"], e["code"]) for e in default.json()["errors"]
        }
        page = await client.post("/verify", data={"credential": json.dumps(credential)})
        assert "This badge could not be verified." in page.text
        assert "Genuine badge" not in page.text
