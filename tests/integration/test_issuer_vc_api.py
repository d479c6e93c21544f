"""W3C VC API `POST /credentials/issue`: VC 2.0 and VC 1.1 credentials as the caller sends them,
signed by one of the platform's issuers in the cryptosuite asked for, with a status entry;
undefined terms refused; the issuer-choice rule; Idempotency-Key; stored, announced, revocable."""

from __future__ import annotations

import uuid

import pytest
from test_issuer_issuance import PROFILE, verify
from test_issuer_support import VERIFIER_BASE, issuer_app

from b4g.core.events.envelope import decode_event

pytestmark = pytest.mark.integration

VC2 = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Community gardener",
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.org/achievements/1",
            "type": ["Achievement"],
            "name": "Community gardener",
            "description": "Tended a garden.",
            "criteria": {"narrative": "A season of work."},
        },
    },
}
# The pinned examples/v1 context imports ODRL, which the service does not hold: an inline
# context defines the example's terms instead.
EXAMPLE_TERMS = {
    "UniversityDegreeCredential": "https://example.org/examples#UniversityDegreeCredential",
    "BachelorDegree": "https://example.org/examples#BachelorDegree",
    "degree": "https://example.org/examples#degree",
    "name": "https://schema.org/name",
}
VC1 = {
    "@context": ["https://www.w3.org/2018/credentials/v1", EXAMPLE_TERMS],
    "id": "http://example.edu/credentials/1872",
    "type": ["VerifiableCredential", "UniversityDegreeCredential"],
    "issuer": "did:example:somebody-else",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"},
    },
}


async def issued_events(app) -> int:
    async with app.pool.acquire() as conn:
        return await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE topic = 'b4g.issuer.credentials.v1'"
        )


async def test_vc2_and_vc1_credentials_are_issued_as_sent(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        issuer = (await app.client.post("/issuers", json=PROFILE, headers=auth)).json()

        for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
            # VC 2.0, naming our issuer by its object form: its other properties are kept.
            body = {
                "credential": {**VC2, "issuer": {"id": issuer["did"], "name": "Ours"}},
                "options": {"cryptosuite": suite},
            }
            response = await app.client.post("/credentials/issue", json=body, headers=auth)
            assert response.status_code == 201, response.text
            vc = response.json()["verifiableCredential"]
            assert vc["issuer"] == {"id": issuer["did"], "name": "Ours"}
            assert vc["@context"] == VC2["@context"]
            assert vc["credentialSubject"] == VC2["credentialSubject"]
            assert vc["proof"]["cryptosuite"] == suite
            status = vc["credentialStatus"]
            assert status["type"] == "BitstringStatusListEntry"
            assert status["statusPurpose"] == "revocation"
            assert status["statusListCredential"].startswith(f"{VERIFIER_BASE}/status/")
            assert await verify(app.client, vc) == [(True, "ok", suite)]
            location = response.headers["location"]
            fetched = await app.client.get(location, headers=auth)
            assert fetched.json() == vc

        # VC 1.1 with the examples context, naming an issuer that is not ours: the platform's
        # only issuer signs, and the credential is completed for VC 1.1.
        response = await app.client.post(
            "/credentials/issue",
            json={"credential": VC1, "options": {"credentialId": "urn:uuid:ignored"}},
            headers=auth,
        )
        assert response.status_code == 201, response.text
        vc = response.json()["verifiableCredential"]
        assert vc["id"] == VC1["id"]  # the caller's id wins over options.credentialId
        assert vc["issuer"] == issuer["did"]
        assert vc["issuanceDate"].endswith("Z")
        assert vc["@context"] == [
            *VC1["@context"],
            "https://www.w3.org/ns/credentials/status/v1",
            "https://w3id.org/security/data-integrity/v2",
        ]
        assert vc["credentialStatus"]["type"] == "BitstringStatusListEntry"
        assert await verify(app.client, vc) == [(True, "ok", "eddsa-rdfc-2022")]
        assert await issued_events(app) == 3

        # Revocable like any credential.
        revoked = await app.client.post(f"{response.headers['location']}/revoke", headers=auth)
        assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
        listed = await app.client.get(
            "/credentials", params={"recipientId": VC1["credentialSubject"]["id"]}, headers=auth
        )
        assert len(listed.json()) == 3 and listed.json()[0]["achievementId"] is None


async def test_undefined_terms_and_bad_input_are_refused_with_problem_codes(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        await app.client.post("/issuers", json=PROFILE, headers=auth)
        undefined = {
            **VC1,
            "credentialSubject": {**VC1["credentialSubject"], "favouriteColour": "teal"},
        }
        for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
            response = await app.client.post(
                "/credentials/issue",
                json={"credential": undefined, "options": {"cryptosuite": suite}},
                headers=auth,
            )
            assert response.status_code == 400, response.text
            assert response.json()["code"] == "data_loss_detected"
            assert "favouriteColour" in response.json()["detail"]
        for credential, code in (
            ({**VC2, "@context": ["https://example.org/unknown"]}, "invalid_credential"),
            (
                {**VC2, "@context": [*VC2["@context"], "https://example.org/x"]},
                "invalid_credential",
            ),
            ({**VC2, "type": ["OpenBadgeCredential"]}, "invalid_credential"),
            ({**VC2, "validFrom": "2026-01-01T00:00:00"}, "invalid_credential"),
            ({**VC2, "proof": {"type": "DataIntegrityProof"}}, "invalid_credential"),
            ({k: v for k, v in VC2.items() if k != "credentialSubject"}, "invalid_credential"),
        ):
            response = await app.client.post(
                "/credentials/issue", json={"credential": credential}, headers=auth
            )
            assert response.status_code == 400, (credential, response.text)
            assert response.json()["code"] == code
        unknown_option = await app.client.post(
            "/credentials/issue",
            json={"credential": VC2, "options": {"cryptosuite": "ecdsa-sd-2023"}},
            headers=auth,
        )
        assert unknown_option.status_code == 400
        async with app.pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM credentials") == 0
            # Allocations roll back with the refused credential.
            assert await conn.fetchval("SELECT count(*) FROM status_allocations") == 0


async def test_issuer_choice_idempotency_and_tenants(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform("first")
        _, other = await app.platform("second")
        first = (await app.client.post("/issuers", json=PROFILE, headers=auth)).json()
        second = (
            await app.client.post(
                "/issuers", json={**PROFILE, "name": "Second"} | {"didMethod": "key"}, headers=auth
            )
        ).json()
        body = {"credential": {k: v for k, v in VC2.items() if k != "issuer"}}

        # Two issuers and no default: the request must say which.
        ambiguous = await app.client.post("/credentials/issue", json=body, headers=auth)
        assert ambiguous.status_code == 422 and ambiguous.json()["code"] == "issuer_required"
        by_option = await app.client.post(
            "/credentials/issue",
            json={**body, "options": {"issuer": second["id"]}},
            headers=auth,
        )
        assert by_option.json()["verifiableCredential"]["issuer"] == second["did"]
        by_credential = await app.client.post(
            "/credentials/issue",
            json={"credential": {**body["credential"], "issuer": second["did"]}},
            headers=auth,
        )
        assert by_credential.json()["verifiableCredential"]["issuer"] == second["did"]
        assert await verify(app.client, by_credential.json()["verifiableCredential"]) == [
            (True, "ok", "eddsa-rdfc-2022")
        ]
        made_default = await app.client.put(
            "/platform/default-issuer", json={"issuerId": first["id"]}, headers=auth
        )
        assert made_default.status_code == 200, made_default.text
        defaulted = await app.client.post("/credentials/issue", json=body, headers=auth)
        assert defaulted.json()["verifiableCredential"]["issuer"] == first["did"]

        # Idempotency-Key: a retry returns the same credential; another body is 409.
        key = {"Idempotency-Key": str(uuid.uuid4())}
        once = await app.client.post("/credentials/issue", json=body, headers={**auth, **key})
        again = await app.client.post("/credentials/issue", json=body, headers={**auth, **key})
        assert once.status_code == again.status_code == 201
        assert again.json() == once.json() and again.headers["idempotent-replayed"] == "true"
        changed = await app.client.post(
            "/credentials/issue",
            json={**body, "options": {"cryptosuite": "eddsa-jcs-2022"}},
            headers={**auth, **key},
        )
        assert changed.status_code == 409 and changed.json()["code"] == "idempotency_key_reused"
        assert await issued_events(app) == 4

        # Another platform can neither sign as our issuers nor set them as its default.
        foreign = await app.client.post(
            "/credentials/issue",
            json={**body, "options": {"issuer": first["did"]}},
            headers=other,
        )
        assert foreign.status_code == 404
        none_of_its_own = await app.client.post(
            "/credentials/issue",
            json={"credential": {**body["credential"], "issuer": first["did"]}},
            headers=other,
        )
        assert none_of_its_own.status_code == 422
        refused = await app.client.put(
            "/platform/default-issuer", json={"issuerId": first["id"]}, headers=other
        )
        assert refused.status_code == 404
        fetched = await app.client.get(once.headers["location"], headers=other)
        assert fetched.status_code == 404
        async with app.pool.acquire() as conn:
            event = await conn.fetchval(
                "SELECT value FROM outbox WHERE topic = 'b4g.issuer.credentials.v1'"
                " ORDER BY id DESC LIMIT 1"
            )
        data = decode_event(bytes(event)).data
        assert data["issuer_did"] == first["did"] and "achievement_id" not in data
