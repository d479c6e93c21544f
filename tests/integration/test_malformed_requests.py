"""Bodies no decoder can take and oversized headers get a 4xx problem on every service, before
any work is done; never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from b4g.issuer.app import service_spec as issuer_spec
from b4g.issuer.settings import IssuerSettings
from b4g.registry.app import service_spec as registry_spec
from b4g.registry.settings import RegistrySettings
from b4g.verifier.app import service_spec as verifier_spec
from b4g.verifier.settings import VerifierSettings
from tests.integration.test_issuer_support import MASTER_KEY
from tests.support.apps import service_client

pytestmark = pytest.mark.integration

DEEP = b'{"verifiableCredential":' + b"[" * 5000 + b"]" * 5000 + b"}"
NOT_UTF8 = b'{"verifiableCredential": {"name": "\xff\xfe badge"}}'
SERVICES = {
    "issuer": (issuer_spec, IssuerSettings, "/issuers", {"master_key": MASTER_KEY}),
    "verifier": (verifier_spec, VerifierSettings, "/credentials/verify", {}),
    "registry": (registry_spec, RegistrySettings, "/organisations", {}),
}


@pytest.mark.parametrize("service", SERVICES)
async def test_malformed_bodies_and_headers_are_refused_with_a_problem(
    service: str, stack: Any, prefix: str
) -> None:
    spec, settings, path, overrides = SERVICES[service]
    async with service_client(spec(), settings, stack, prefix, **overrides) as client:
        json = {"Content-Type": "application/json"}
        for auth in ({}, {"Authorization": "Bearer b4g_not_a_key"}):
            deep = await client.post(path, content=DEEP, headers={**json, **auth})
            assert deep.status_code in (400, 401), deep.text
            if deep.status_code == 400:
                assert deep.json()["code"] == "nesting_too_deep"
            garbled = await client.post(path, content=NOT_UTF8, headers={**json, **auth})
            assert garbled.status_code in (400, 401), garbled.text
            if garbled.status_code == 400:
                assert garbled.json()["code"] in ("invalid_utf8", "validation_failed")
        huge = await client.get("/health", headers={"X-Padding": "x" * 20_000})
        assert huge.status_code == 431
        assert huge.json()["code"] == "headers_too_large"
        assert (await client.get("/health", headers={"X-Padding": "x" * 4_000})).status_code == 200
