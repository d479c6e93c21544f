"""`b4g-issuer rewrap-keys`: every sealed signing key moves to a new master key in one run of
the real command; the issuer started with the new key signs with the same profile as before,
credentials from before and after both verify, the old master key opens no row any more, and
a second run changes nothing."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from test_issuer_issuance import setup_issuer, verify
from test_issuer_support import ISSUER_BASE, MASTER_KEY, VERIFIER_BASE, Harness

from b4g.core.infra.db import create_pool
from b4g.core.infra.service import create_app
from b4g.core.infra.settings import load_settings
from b4g.core.infra.telemetry import setup_telemetry
from b4g.issuer.app import service_spec
from b4g.issuer.domain.sealing import LocalKeyProvider, SealedSecret, SealingError, unseal
from b4g.issuer.settings import IssuerSettings

pytestmark = pytest.mark.integration

NEW_KEY = bytes(range(100, 132))


@contextlib.asynccontextmanager
async def issuer_on(
    stack: Any, prefix: str, url: str, master_key: str, **overrides: Any
) -> AsyncIterator[Harness]:
    """The issuer in-process on an existing database, so it can be restarted with another key."""
    settings = load_settings(
        IssuerSettings,
        {},
        database_url=url,
        kafka_bootstrap_servers=stack.bootstrap,
        kafka_topic_prefix=prefix,
        relay_poll_interval=0.05,
        public_rate_limit=0,
        master_key=master_key,
        public_base_url=ISSUER_BASE,
        verifier_base_url=VERIFIER_BASE,
        **overrides,
    )
    app = create_app(service_spec(), settings, setup_telemetry("issuer"))
    async with AsyncTestClient(app, base_url="http://testserver.local") as client:
        pool = await create_pool(url, max_size=2)
        try:
            yield Harness(client, pool)
        finally:
            await pool.close()


async def rewrap(url: str, key_file: str, **settings: str) -> tuple[int, dict[str, Any], str]:
    """The command as an operator runs it, with the service's master key in its environment."""
    env = {**os.environ, "B4G_DATABASE_URL": url, "B4G_MASTER_KEY": MASTER_KEY, **settings}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "b4g.issuer", "rewrap-keys", "--new-master-key-file", key_file),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, json.loads(out) if out else {}, err.decode()


async def sealed_rows(pool) -> list[SealedSecret]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT sealed_seed, sealed_data_key, key_ref FROM issuer_keys")
    return [SealedSecret(bytes(r[0]), bytes(r[1]), r[2]) for r in rows]


def fields(row: SealedSecret) -> tuple[bytes, bytes, str]:
    return row.ciphertext, row.sealed_data_key, row.key_ref


async def test_rewrap_moves_every_key_to_the_new_master_key(stack, prefix, tmp_path):
    new_b64 = base64.b64encode(NEW_KEY).decode()
    key_file = tmp_path / "new-master-key"
    key_file.write_text(new_b64 + "\n")
    url = await stack.new_database("issuer")
    try:
        body: dict[str, Any] = {"recipient": {"email": "rewrap@example.org"}}
        async with issuer_on(stack, prefix, url, MASTER_KEY) as app:
            _, auth = await app.platform()
            issuer, achievement = await setup_issuer(app, auth)
            second, _ = await setup_issuer(app, auth, name="Second issuer")
            body["achievementId"] = achievement["id"]
            credentials = f"/issuers/{issuer['id']}/credentials"
            before = await app.client.post(credentials, json=body, headers=auth)
            assert before.status_code == 201, before.text
            old_rows = await sealed_rows(app.pool)
        assert len(old_rows) == 2

        code, counts, err = await rewrap(url, str(key_file))
        assert code == 0, err
        assert counts["rewrapped"] == 2 and counts["alreadyUnderNewKey"] == 0
        assert counts["heldInToken"] == 0
        assert "2 of 2 keys checked" in err
        # Never a key in what the command prints.
        for secret in (MASTER_KEY, new_b64):
            assert secret not in err and secret not in json.dumps(counts)

        async with issuer_on(stack, prefix, url, new_b64) as app:
            rows = await sealed_rows(app.pool)
            new_provider, old_provider = (
                LocalKeyProvider(NEW_KEY),
                LocalKeyProvider(bytes(range(32))),
            )
            assert {row.key_ref for row in rows} == {new_provider.key_ref}
            # The seeds' ciphertexts are untouched (only the data keys were re-sealed) ...
            assert {row.ciphertext for row in rows} == {row.ciphertext for row in old_rows}
            for row in rows:
                unseal(new_provider, row)
                with pytest.raises(SealingError):  # ... and the old master key opens none
                    unseal(old_provider, row)
                with pytest.raises(SealingError):  # not even by pretending the row is its own
                    unseal(
                        old_provider,
                        SealedSecret(row.ciphertext, row.sealed_data_key, old_provider.key_ref),
                    )

            after = await app.client.post(credentials, json=body, headers=auth)
            assert after.status_code == 201, after.text
            for issued in (before.json(), after.json()):
                assert await verify(app.client, issued["credential"]) == [
                    (True, "ok", "eddsa-rdfc-2022")
                ]
            assert (
                after.json()["credential"]["proof"]["verificationMethod"]
                == before.json()["credential"]["proof"]["verificationMethod"]
            )
            rotated = await app.client.post(f"/issuers/{second['id']}/keys/rotate", headers=auth)
            assert rotated.status_code in (200, 201), rotated.text

        # Run again (as after an interruption): all already moved, each checked, nothing written.
        code, counts, err = await rewrap(url, str(key_file))
        assert code == 0, err
        assert counts["rewrapped"] == 0 and counts["alreadyUnderNewKey"] == 3
    finally:
        await stack.drop(url)


async def test_rewrap_refuses_and_writes_nothing_when_a_row_does_not_open(stack, prefix, tmp_path):
    key_file = tmp_path / "new-master-key"
    key_file.write_text(base64.b64encode(NEW_KEY).decode())
    url = await stack.new_database("issuer")
    try:
        async with issuer_on(stack, prefix, url, MASTER_KEY) as app:
            _, auth = await app.platform()
            await setup_issuer(app, auth)
            await setup_issuer(app, auth, name="Other")
            async with app.pool.acquire() as conn:  # one row sealed by a key nobody has
                await conn.execute(
                    "UPDATE issuer_keys SET key_ref = 'local:0000000000000000' WHERE id ="
                    " (SELECT max(id::text)::uuid FROM issuer_keys)"
                )
            before = await sealed_rows(app.pool)
            code, counts, err = await rewrap(url, str(key_file))
            assert code == 2 and counts == {}
            assert "local:0000000000000000" in err and len(err.strip().splitlines()) == 2
            assert set(map(fields, await sealed_rows(app.pool))) == set(map(fields, before))

        code, _, err = await rewrap(url, str(tmp_path / "missing"))
        assert code == 2 and "--new-master-key-file cannot be read" in err
    finally:
        await stack.drop(url)


async def test_rotation_without_downtime_through_the_previous_master_key(stack, prefix, tmp_path):
    """Restart on the new key with the old one as B4G_PREVIOUS_MASTER_KEY_FILE (it only opens),
    re-wrap while the issuer serves, then drop the old key: every step issues."""
    new_b64 = base64.b64encode(NEW_KEY).decode()
    (old_file := tmp_path / "old-master-key").write_text(MASTER_KEY)
    (new_file := tmp_path / "new-master-key").write_text(new_b64)
    url = await stack.new_database("issuer")
    try:
        async with issuer_on(stack, prefix, url, MASTER_KEY) as app:
            _, auth = await app.platform()
            first, first_achievement = await setup_issuer(app, auth)

        def issue(app, issuer, achievement):
            body = {"achievementId": achievement["id"], "recipient": {"email": "z@example.org"}}
            return app.client.post(f"/issuers/{issuer['id']}/credentials", json=body, headers=auth)

        during = str(old_file)
        async with issuer_on(stack, prefix, url, new_b64, previous_master_key_file=during) as app:
            assert (await issue(app, first, first_achievement)).status_code == 201
            second, second_achievement = await setup_issuer(app, auth, name="Made meanwhile")
            code, counts, err = await rewrap(
                url, str(new_file), B4G_MASTER_KEY=new_b64, B4G_PREVIOUS_MASTER_KEY_FILE=during
            )
            assert code == 0, err
            assert (counts["rewrapped"], counts["alreadyUnderNewKey"]) == (1, 1)
            assert (await issue(app, first, first_achievement)).status_code == 201

        async with issuer_on(stack, prefix, url, new_b64) as app:
            for issuer, achievement in ((first, first_achievement), (second, second_achievement)):
                response = await issue(app, issuer, achievement)
                assert response.status_code == 201, response.text
                assert await verify(app.client, response.json()["credential"]) == [
                    (True, "ok", "eddsa-rdfc-2022")
                ]
            rows = await sealed_rows(app.pool)
        assert {row.key_ref for row in rows} == {LocalKeyProvider(NEW_KEY).key_ref}
    finally:
        await stack.drop(url)
