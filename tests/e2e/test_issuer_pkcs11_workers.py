"""The PKCS#11 key provider in the real service with `B4G_WORKERS=2`: the token is opened in
each forked worker (never before the fork), keys made by either worker sign in both, and every
credential verifies against the issuer's DID document served by the process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from b4g.core.crypto.multikey import decode_public
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import ResolvedKey, verify_document
from tests.e2e.test_services import start_service
from tests.support.softhsm import hsm_settings, init_token, softhsm_module

pytestmark = pytest.mark.e2e

RECIPIENT = {"email": "worker@example.org"}
ACHIEVEMENT = {
    "name": "Token keeper",
    "description": "Signed inside a hardware token.",
    "criteria": {"narrative": "Issued by the e2e test."},
}


async def test_two_workers_sign_with_keys_in_the_token(stack, prefix, tmp_path):
    module = softhsm_module()
    conf = init_token(tmp_path)
    env = {
        f"B4G_{name.upper()}": value for name, value in hsm_settings(module, master_key="").items()
    }
    env |= {"SOFTHSM2_CONF": str(conf), "B4G_WORKERS": "2"}
    url = await stack.new_database("issuer_hsm")
    proc, base = start_service("issuer", url, stack.bootstrap, prefix, extra_env=env)
    try:
        made = subprocess.run(
            [sys.executable, "-m", "b4g.issuer", "create-platform", "HSM", "--with-key"],
            env={**os.environ, **env, "B4G_DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=True,
        )
        auth = {"Authorization": f"Bearer {json.loads(made.stdout)['token']}"}
        rdf = rdf_canonizer(ContextStore())
        async with httpx.AsyncClient(base_url=base, timeout=20) as client:
            issuers = []
            for name in ("First", "Second", "Third", "Fourth"):  # keys made by either worker
                issuer = (await client.post("/issuers", json={"name": name}, headers=auth)).json()
                achievement = await client.post(
                    f"/issuers/{issuer['id']}/achievements", json=ACHIEVEMENT, headers=auth
                )
                issuers.append((issuer, achievement.json()))

            async def resolve(vm: str, purpose: str, controller: str | None):
                did = vm.split("#", 1)[0]
                path = "/" + "/".join(did.removeprefix("did:web:").split(":")[1:]) + "/did.json"
                document = (await client.get(path)).json()
                method = next(m for m in document["verificationMethod"] if m["id"] == vm)
                public = decode_public(method["publicKeyMultibase"])
                return ResolvedKey(public_key=public, controller=method["controller"])

            signed = 0
            for _ in range(4):  # each issuer's key signs in whichever worker takes the request
                for issuer, achievement in issuers:
                    response = await client.post(
                        f"/issuers/{issuer['id']}/credentials",
                        json={
                            "achievementId": achievement["id"],
                            "recipient": {"email": "w@e.org"},
                        },
                        headers=auth,
                    )
                    assert response.status_code == 201, response.text
                    credential = response.json()["credential"]
                    results = await verify_document(
                        credential, resolve_key=resolve, rdf=rdf, expected_controller=issuer["did"]
                    )
                    assert [(r.verified, r.code) for r in results] == [(True, "ok")]
                    signed += 1
            assert signed == 16
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log = Path(proc.log_path).read_text()  # type: ignore[attr-defined]
        Path(proc.log_path).unlink(missing_ok=True)  # type: ignore[attr-defined]
        await stack.drop(url)
    assert "Traceback" not in log, log
