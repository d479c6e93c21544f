"""Structural mutation fuzzing: valid signed credentials and presentations (and valid issuance
requests), mutated in structure — wrong JSON types, nesting, nulls, removed and duplicated keys,
odd contexts — thrown at the verifier's and the issuer's endpoints running in process. Whatever
the input, the answer is never a 5xx (issue 11 item 4, issue 15 defect 1)."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.infra.kafka import ensure_topics
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof
from b4g.core.proofs.vc_jwt import sign_vc_jwt
from b4g.verifier.app import service_spec
from b4g.verifier.settings import VerifierSettings
from tests.integration.test_issuer_issuance import setup_issuer
from tests.integration.test_issuer_support import issuer_app
from tests.integration.test_issuer_vc_api import VC2
from tests.integration.test_verifier_verify import KEY, VM, badge, publish, sign, verify_until
from tests.support.apps import service_client
from tests.support.mutations import mutated

pytestmark = [
    pytest.mark.integration,
    # A dependency of the services draws from `random` while an example runs in its thread.
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]

EXAMPLES = 100  # per endpoint: enough to reach every mutation kind, well under a minute in all
V2 = "https://www.w3.org/ns/credentials/v2"


def known_cases(credential: dict[str, Any]) -> list[dict[str, Any]]:
    """The malformed credentials that once gave 500s (issue 11 item 4, issue 15 defect 1)."""
    contexts = credential["@context"]
    return [
        {**credential, "validFrom": "the first of May"},
        {**credential, "type": ["VerifiableCredential", ["OpenBadgeCredential"]]},
        {**credential, "type": {}},
        {**credential, "type": [[]]},
        {**credential, "@context": [*contexts, "ctx.jsonld"]},
        {**credential, "@context": [V2, {"@vocab": None}]},
    ]


def run_examples(
    loop: asyncio.AbstractEventLoop,
    strategy: st.SearchStrategy[Any],
    send: Callable[[Any], Any],
    seen: list[int],
) -> None:
    """Hypothesis runs in a worker thread; each example's request runs on the app's loop."""

    @given(strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    def example(case: Any) -> None:
        status, text = asyncio.run_coroutine_threadsafe(send(case), loop).result(timeout=60)
        seen.append(status)
        assert status < 500, f"{status} for {case!r}: {text[:300]}"

    example()


def as_jwt(token: str, payload: bytes) -> bytes:
    """`token` with its payload replaced by `payload` (header and signature kept), as JSON."""
    header, _, signature = token.split(".")
    body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    return json.dumps(f"{header}.{body}.{signature}").encode()


def payload_of(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def jcs_signed(document: dict[str, Any]) -> dict[str, Any]:
    return add_proof(
        document,
        create_proof(
            document,
            key=KEY,
            verification_method=VM,
            created="2026-01-01T00:00:00Z",
            cryptosuite=JCS,
        ),
    )


def presentation(credentials: list[Any]) -> dict[str, Any]:
    holder = Ed25519KeyPair.from_seed(bytes(32))
    return {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "holder": f"did:key:{holder.public_multibase}",
        "verifiableCredential": credentials,
    }


async def test_the_verifier_never_answers_5xx_to_malformed_credentials(stack, prefix):
    await ensure_topics(stack.bootstrap, prefix=prefix)
    async with service_client(service_spec(), VerifierSettings, stack, prefix) as client:
        await publish(stack.bootstrap, prefix, revoked=set(), version=1)
        rdfc, jcs = sign(badge(3)), jcs_signed(badge(4))
        await verify_until(client, rdfc, lambda r: r.status_code == 200)
        loop = asyncio.get_running_loop()
        headers = {"Content-Type": "application/json"}

        async def verify_credential(body: bytes) -> tuple[int, str]:
            wrapped = b'{"verifiableCredential": ' + body + b"}"
            response = await client.post("/credentials/verify", content=wrapped, headers=headers)
            return response.status_code, response.text

        async def verify_presentation(body: bytes) -> tuple[int, str]:
            wrapped = b'{"verifiablePresentation": ' + body + b"}"
            response = await client.post("/presentations/verify", content=wrapped, headers=headers)
            return response.status_code, response.text

        seen: list[int] = []
        for case in known_cases(rdfc) + known_cases(jcs):
            status, text = await verify_credential(json.dumps(case).encode())
            assert status == 422, text  # a failed check with its reason, not a 5xx
            seen.append(status)
        token = sign_vc_jwt(badge(5), key=KEY, kid=VM)
        jwts = mutated(payload_of(token)).map(lambda payload: as_jwt(token, payload))
        credentials = st.one_of(mutated(rdfc), mutated(jcs), jwts)
        await asyncio.to_thread(run_examples, loop, credentials, verify_credential, seen)
        vp = presentation([rdfc, jcs])
        await asyncio.to_thread(run_examples, loop, mutated(vp), verify_presentation, seen)
    print(f"\n{len(seen)} requests, statuses {sorted(set(seen))}")
    assert len(seen) >= EXAMPLES and all(status < 500 for status in seen)
    assert {200, 422} & set(seen) and any(400 <= status < 500 for status in seen)


async def test_the_issuer_never_answers_5xx_to_malformed_credentials(stack, prefix):
    async with issuer_app(stack, prefix) as app:
        _, auth = await app.platform()
        issuer, achievement = await setup_issuer(app, auth)
        request = {
            "credential": {**VC2, "issuer": issuer["did"]},
            "options": {"cryptosuite": "eddsa-rdfc-2022"},
        }
        headers = {**auth, "Content-Type": "application/json"}
        first = await app.client.post("/credentials/issue", json=request, headers=auth)
        assert first.status_code == 201, first.text
        loop = asyncio.get_running_loop()

        async def issue(body: bytes) -> tuple[int, str]:
            response = await app.client.post("/credentials/issue", content=body, headers=headers)
            return response.status_code, response.text

        native_url = f"/issuers/{issuer['id']}/credentials"
        native = {
            "achievementId": achievement["id"],
            "recipient": {"email": "fuzz@example.org"},
            "proofFormats": ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"],
            "validUntil": "2030-01-01T00:00:00Z",
        }

        async def issue_native(body: bytes) -> tuple[int, str]:
            response = await app.client.post(native_url, content=body, headers=headers)
            return response.status_code, response.text

        seen: list[int] = []
        for case in known_cases(request["credential"]):
            status, text = await issue(json.dumps({**request, "credential": case}).encode())
            assert status < 500, text
            seen.append(status)
        vocab_null = {**request["credential"], "@context": [V2, {"@vocab": None}]}
        refused = await app.client.post(
            "/credentials/issue", json={**request, "credential": vocab_null}, headers=auth
        )
        assert refused.status_code in (400, 422), refused.text
        assert "@context" in refused.json().get("detail", refused.text)
        await asyncio.to_thread(run_examples, loop, mutated(request), issue, seen)
        assert (await app.client.post(native_url, json=native, headers=auth)).status_code == 201
        await asyncio.to_thread(run_examples, loop, mutated(native), issue_native, seen)
    print(f"\n{len(seen)} requests, statuses {sorted(set(seen))}")
    assert len(seen) >= EXAMPLES and all(status < 500 for status in seen)
    assert 201 in seen and any(400 <= status < 500 for status in seen)
