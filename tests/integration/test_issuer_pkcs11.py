"""Issuer signing keys in a PKCS#11 token (SoftHSM2): a key generated inside the token through
the issuer's provider signs credentials on the normal issuance path, the credential verifies with
the core's verifier, the private key cannot be read out, and misconfiguration fails in one line.

Skipped when Debian's softhsm2 is not installed (`make test` installs it when run as root)."""

from __future__ import annotations

import pytest
from test_issuer_issuance import setup_issuer, vc_jwt_verifies, verify
from test_issuer_rewrap import issuer_on
from test_issuer_support import MASTER_KEY, issuer_app

from b4g.core.infra.settings import SettingsError, load_settings
from b4g.issuer.settings import IssuerSettings
from tests.support.softhsm import PIN, TOKEN, hsm_settings, init_token, softhsm_module

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    """A fresh SoftHSM2 token. SoftHSM reads SOFTHSM2_CONF once, when the library is first
    loaded in this process, so one token serves the module."""
    module = softhsm_module()
    conf = init_token(tmp_path_factory.mktemp("softhsm"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOFTHSM2_CONF", str(conf))
        yield module


async def test_keys_made_and_used_in_the_token(stack, prefix, token):
    import pkcs11
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.exceptions import AttributeSensitive, UserAlreadyLoggedIn

    async with issuer_app(stack, prefix, **hsm_settings(token, master_key="")) as app:
        _, auth = await app.platform()
        issuer, achievement = await setup_issuer(app, auth)
        response = await app.client.post(
            f"/issuers/{issuer['id']}/credentials",
            json={
                "achievementId": achievement["id"],
                "recipient": {"email": "hsm@example.org"},
                "proofFormats": ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"],
            },
            headers=auth,
        )
        assert response.status_code == 201, response.text
        issued = response.json()
        assert await verify(app.client, issued["credential"]) == [
            (True, "ok", "eddsa-rdfc-2022"),
            (True, "ok", "eddsa-jcs-2022"),
        ]
        jwks = (await app.client.get(f"/issuers/{issuer['id']}/jwks.json")).json()
        assert vc_jwt_verifies(app.client, issued["jwt"], jwks)

        async with app.pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT sealed_seed, sealed_data_key, key_ref, public_key_multibase"
                " FROM issuer_keys WHERE issuer_id = $1",
                issuer["id"],
            )
    # The issuer keeps only the key's name and public half: nothing secret is in the database.
    assert bytes(row["sealed_seed"]) == b"" and bytes(row["sealed_data_key"]) == b""
    assert row["key_ref"].startswith(f"pkcs11:token={TOKEN};object=b4g-issuer-")
    label = row["key_ref"].rsplit("object=", 1)[1]
    assert issued["credential"]["proof"][0]["verificationMethod"].endswith(
        "#" + row["public_key_multibase"]
    )

    found = pkcs11.lib(token).get_token(token_label=TOKEN)
    try:
        session = found.open(user_pin=PIN)
    except UserAlreadyLoggedIn:  # the issuer's session of this process is still logged in
        session = found.open()
    with session:
        private = session.get_key(ObjectClass.PRIVATE_KEY, label=label)
        assert private[Attribute.SENSITIVE] is True
        assert private[Attribute.EXTRACTABLE] is False
        assert private[Attribute.NEVER_EXTRACTABLE] is True
        assert private[Attribute.LOCAL] is True  # generated inside the token
        with pytest.raises(AttributeSensitive):
            private[Attribute.VALUE]


async def test_rotation_makes_the_new_key_in_the_token(stack, prefix, token):
    async with issuer_app(stack, prefix, **hsm_settings(token)) as app:
        _, auth = await app.platform()
        issuer, achievement = await setup_issuer(app, auth)
        body = {"achievementId": achievement["id"], "recipient": {"email": "r@example.org"}}
        url = f"/issuers/{issuer['id']}/credentials"
        before = (await app.client.post(url, json=body, headers=auth)).json()
        rotated = await app.client.post(f"/issuers/{issuer['id']}/keys/rotate", headers=auth)
        assert rotated.status_code in (200, 201), rotated.text
        after = (await app.client.post(url, json=body, headers=auth)).json()
        vm_before = before["credential"]["proof"]["verificationMethod"]
        vm_after = after["credential"]["proof"]["verificationMethod"]
        assert vm_before != vm_after
        assert await verify(app.client, before["credential"]) == [(True, "ok", "eddsa-rdfc-2022")]
        assert await verify(app.client, after["credential"]) == [(True, "ok", "eddsa-rdfc-2022")]
        async with app.pool.acquire() as conn:
            refs = await conn.fetch(
                "SELECT key_ref FROM issuer_keys WHERE issuer_id = $1", issuer["id"]
            )
        assert len(refs) == 2 and all(r["key_ref"].startswith("pkcs11:") for r in refs)


async def test_keys_sealed_before_the_switch_keep_signing(stack, prefix, token):
    """Switching a running deployment to the token: with the master key still configured, an
    issuer's sealed key signs on; its next key (rotation) is made in the token."""
    url = await stack.new_database("issuer")
    try:
        async with issuer_on(stack, prefix, url, MASTER_KEY) as app:
            _, auth = await app.platform()
            issuer, achievement = await setup_issuer(app, auth)
        body = {"achievementId": achievement["id"], "recipient": {"email": "s@example.org"}}
        url_issue = f"/issuers/{issuer['id']}/credentials"
        async with issuer_on(stack, prefix, url, MASTER_KEY, **hsm_settings(token)) as app:
            sealed = (await app.client.post(url_issue, json=body, headers=auth)).json()
            rotated = await app.client.post(f"/issuers/{issuer['id']}/keys/rotate", headers=auth)
            assert rotated.status_code in (200, 201), rotated.text
            in_token = (await app.client.post(url_issue, json=body, headers=auth)).json()
            for issued in (sealed, in_token):
                assert await verify(app.client, issued["credential"]) == [
                    (True, "ok", "eddsa-rdfc-2022")
                ]
            async with app.pool.acquire() as conn:
                refs = await conn.fetch(
                    "SELECT key_ref, state FROM issuer_keys WHERE issuer_id = $1"
                    " ORDER BY created_at",
                    issuer["id"],
                )
        assert [r["key_ref"].split(":", 1)[0] for r in refs] == ["local", "pkcs11"]
        assert [r["state"] for r in refs] == ["retired", "active"]
    finally:
        await stack.drop(url)


def test_misconfiguration_fails_in_one_line(token):
    from b4g.issuer.app import key_provider

    def fails(**fields: str) -> str:
        with pytest.raises((SettingsError, ValueError)) as caught:
            key_provider(load_settings(IssuerSettings, {}, **fields))
        message = str(caught.value)
        assert "\n" not in message
        return message

    assert "B4G_PKCS11_MODULE" in fails(key_provider="pkcs11", pkcs11_token_label=TOKEN)
    assert "_PIN" in fails(key_provider="pkcs11", pkcs11_module=token, pkcs11_token_label=TOKEN)
    assert "cannot be loaded" in fails(**hsm_settings("/nonexistent/libpkcs11.so"))
    assert "no PKCS#11 token labelled 'nope'" in fails(
        **hsm_settings(token, pkcs11_token_label="nope")
    )
    assert "cannot log in" in fails(**hsm_settings(token, pkcs11_pin="000000"))
    assert "B4G_PKCS11_PIN_FILE cannot be read" in fails(
        **hsm_settings(token, pkcs11_pin="", pkcs11_pin_file="/nonexistent/pin")
    )
    assert "local or pkcs11" in fails(key_provider="vault", master_key="x")
