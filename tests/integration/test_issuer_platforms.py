"""Platforms and API keys: authentication, scopes, rotation, revocation, the admin CLI."""

from __future__ import annotations

import asyncio
import json

import pytest
from test_issuer_support import MASTER_KEY, issuer_app

from b4g.core.infra.db import create_pool
from b4g.core.infra.settings import SettingsError, load_settings
from b4g.issuer.__main__ import main
from b4g.issuer.app import key_provider
from b4g.issuer.domain.errors import InvalidApiKey
from b4g.issuer.settings import IssuerSettings
from b4g.issuer.usecases.platforms import authenticate, revoke_api_key

pytestmark = pytest.mark.integration


async def test_keys_authenticate_are_scoped_rotated_and_revoked(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        client = app.client
        _, admin = await app.platform("first")

        missing = await client.get("/platform/api-keys")
        assert missing.status_code == 401
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert missing.json()["code"] == "invalid_api_key"
        forged = await client.get(
            "/platform/api-keys", headers={"Authorization": "Bearer b4g_0123456789abcdef_nope"}
        )
        assert forged.status_code == 401

        created = await client.post(
            "/platform/api-keys", json={"name": "lms", "scopes": ["issue"]}, headers=admin
        )
        assert created.status_code == 201, created.text
        issue_only = {"Authorization": f"Bearer {created.json()['token']}"}
        assert created.json()["scopes"] == ["issue"]

        refused = await client.get("/platform/api-keys", headers=issue_only)
        assert refused.status_code == 403 and refused.json()["code"] == "missing_scope"

        listed = await client.get("/platform/api-keys", headers=admin)
        assert {k["name"] for k in listed.json()} == {"admin", "lms"}
        assert all("token" not in k and "secretHash" not in k for k in listed.json())

        bad_scope = await client.post(
            "/platform/api-keys", json={"scopes": ["everything"]}, headers=admin
        )
        assert bad_scope.status_code == 400

        # Rotation: a new admin key works, the old one is revoked and stops working.
        rotated = await client.post("/platform/api-keys", json={"name": "admin-2"}, headers=admin)
        new_admin = {"Authorization": f"Bearer {rotated.json()['token']}"}
        old_id = next(k["keyId"] for k in listed.json() if k["name"] == "admin")
        revoked = await client.delete(f"/platform/api-keys/{old_id}", headers=new_admin)
        assert revoked.status_code == 200 and revoked.json()["revokedAt"]
        assert (await client.get("/platform/api-keys", headers=admin)).status_code == 401
        assert (await client.get("/platform/api-keys", headers=new_admin)).status_code == 200


async def test_a_platform_cannot_touch_another_platforms_keys(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, first = await app.platform("first")
        _, second = await app.platform("second")
        first_keys = (await app.client.get("/platform/api-keys", headers=first)).json()
        key_id = first_keys[0]["keyId"]
        attempt = await app.client.delete(f"/platform/api-keys/{key_id}", headers=second)
        assert attempt.status_code == 404
        assert (await app.client.get("/platform/api-keys", headers=first)).status_code == 200


async def test_the_service_refuses_to_start_without_a_master_key(monkeypatch, capsys):
    for name in ("B4G_MASTER_KEY", "B4G_MASTER_KEY_FILE", "B4G_DEV_INSECURE_MASTER_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SettingsError, match="no master key"):
        load_settings(IssuerSettings, {})
    assert main(["serve"]) == 2
    assert "no master key" in capsys.readouterr().err
    insecure = load_settings(IssuerSettings, {"B4G_DEV_INSECURE_MASTER_KEY": "true"})
    assert insecure.dev_insecure_master_key
    with pytest.raises(SettingsError, match="32 bytes"):
        key_provider(load_settings(IssuerSettings, {"B4G_MASTER_KEY": "c2hvcnQ="}))


async def test_admin_cli_creates_platforms_and_keys(database, monkeypatch, capsys):
    monkeypatch.setenv("B4G_DATABASE_URL", database)
    monkeypatch.setenv("B4G_MASTER_KEY", MASTER_KEY)

    async def cli(*argv: str) -> int:
        return await asyncio.to_thread(main, list(argv))  # main() runs its own event loop

    assert await cli("create-platform", "Cities of Learning") == 0
    platform_id = json.loads(capsys.readouterr().out)["platformId"]
    assert await cli("create-key", "--platform", platform_id, "--scopes", "issue,revoke") == 0
    created = json.loads(capsys.readouterr().out)
    assert created["scopes"] == ["issue", "revoke"] and created["token"].startswith("b4g_")
    assert await cli("create-key", "--platform", platform_id, "--scopes", "root") == 2
    assert "unknown scope" in capsys.readouterr().err
    assert await cli("revoke-key", "--platform", platform_id, created["keyId"]) == 0
    assert json.loads(capsys.readouterr().out)["revokedAt"]
    assert await cli("list-keys", "--platform", platform_id) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [k["keyId"] for k in listed] == [created["keyId"]]
    assert created["token"] not in json.dumps(listed)
    # Shown once, stored as a hash, revoked: the token no longer authenticates.
    pool = await create_pool(database)
    try:
        with pytest.raises(InvalidApiKey):
            await authenticate(pool, created["token"])
    finally:
        await pool.close()


async def test_a_key_revoked_elsewhere_is_refused_within_a_second(stack, prefix):
    """The service keeps API-key rows for one second; a revocation by another process (the
    CLI, another replica) is refused once that second has passed."""
    async with issuer_app(stack, prefix) as app:
        platform_id, auth = await app.platform()
        assert (await app.client.get("/platform/api-keys", headers=auth)).status_code == 200
        key_id = auth["Authorization"].split("_")[1]
        await revoke_api_key(app.pool, platform_id, key_id)  # not through this service
        await asyncio.sleep(1.1)
        assert (await app.client.get("/platform/api-keys", headers=auth)).status_code == 401
