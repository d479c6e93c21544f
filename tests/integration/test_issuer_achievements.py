"""Achievements over HTTP: OB 3.0 shape, versions, validation, tenant isolation."""

from __future__ import annotations

import uuid

import pytest
from test_issuer_support import issuer_app

from b4g.issuer.store import issuers as issuer_store

pytestmark = pytest.mark.integration

ACHIEVEMENT = {
    "name": "Urban Gardener",
    "description": "Tended a community garden for a season.",
    "criteria": {"narrative": "Ten sessions and a harvest presentation."},
    "achievementType": "Badge",
    "tag": ["sustainability"],
    "alignment": [{"targetName": "Sustainability", "targetUrl": "https://esco.example/s1"}],
    "resultDescription": [{"name": "Score", "resultType": "Percent"}],
    "creditsAvailable": 1.5,
}


async def _issuer_row(app, platform_id) -> uuid.UUID:
    """An issuer row made directly in the store: achievements do not depend on signing keys."""
    issuer_id = uuid.uuid4()
    async with app.pool.acquire() as conn:
        await issuer_store.insert_issuer(
            conn,
            issuer_id=issuer_id,
            platform_id=platform_id,
            did=f"did:web:issuer.test%3A8001:issuers:{issuer_id}",
            did_method="web",
            profile={"name": "Test issuer"},
            allow_suspension=False,
        )
    return issuer_id


async def test_achievements_are_ob3_objects_and_versioned(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        platform_id, auth = await app.platform()
        issuer_id = await _issuer_row(app, platform_id)
        created = await app.client.post(
            f"/issuers/{issuer_id}/achievements", json=ACHIEVEMENT, headers=auth
        )
        assert created.status_code == 201, created.text
        body = created.json()
        achievement = body["achievement"]
        assert body["version"] == 1
        assert achievement["id"] == f"urn:uuid:{body['id']}"
        assert achievement["type"] == ["Achievement"]
        assert achievement["criteria"] == ACHIEVEMENT["criteria"]
        assert achievement["alignment"][0]["type"] == ["Alignment"]
        described = achievement["resultDescription"][0]
        assert described["type"] == ["ResultDescription"] and described["id"].startswith("urn:")

        changed = {**ACHIEVEMENT, "description": "Tended a garden for a whole year."}
        updated = await app.client.put(f"/achievements/{body['id']}", json=changed, headers=auth)
        assert updated.status_code == 200, updated.text
        assert updated.json()["version"] == 2
        # The generated result-description id is stable across versions.
        assert updated.json()["achievement"]["resultDescription"][0]["id"] == described["id"]

        first = await app.client.get(f"/achievements/{body['id']}?version=1", headers=auth)
        assert first.json()["achievement"]["description"] == ACHIEVEMENT["description"]
        current = await app.client.get(f"/achievements/{body['id']}", headers=auth)
        assert current.json()["version"] == 2
        listed = await app.client.get(f"/issuers/{issuer_id}/achievements", headers=auth)
        assert [a["version"] for a in listed.json()] == [2]


async def test_bad_achievements_are_400_problems(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        platform_id, auth = await app.platform()
        issuer_id = await _issuer_row(app, platform_id)
        path = f"/issuers/{issuer_id}/achievements"
        for bad in (
            {**ACHIEVEMENT, "achievementType": "Trophy"},
            {**ACHIEVEMENT, "criteria": {}},
            {**ACHIEVEMENT, "name": ""},
            {**ACHIEVEMENT, "unknownField": 1},
            {**ACHIEVEMENT, "image": {"id": "not a uri"}},
            {**ACHIEVEMENT, "creditsAvailable": -1},
        ):
            response = await app.client.post(path, json=bad, headers=auth)
            assert response.status_code == 400, (bad, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
        garbage = await app.client.post(
            path, content=b"{not json", headers={**auth, "content-type": "application/json"}
        )
        assert garbage.status_code == 400


async def test_another_platform_gets_404(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        platform_id, auth = await app.platform("first")
        _, other = await app.platform("second")
        issuer_id = await _issuer_row(app, platform_id)
        created = await app.client.post(
            f"/issuers/{issuer_id}/achievements", json=ACHIEVEMENT, headers=auth
        )
        achievement_id = created.json()["id"]
        for method, path, body in (
            ("GET", f"/achievements/{achievement_id}", None),
            ("PUT", f"/achievements/{achievement_id}", ACHIEVEMENT),
            ("GET", f"/issuers/{issuer_id}/achievements", None),
            ("POST", f"/issuers/{issuer_id}/achievements", ACHIEVEMENT),
        ):
            response = await app.client.request(method, path, json=body, headers=other)
            assert response.status_code == 404, (method, path, response.text)
