"""Public endpoints answer any web origin (CORS, preflight included) and limit each client's
rate with a 429 problem and Retry-After; authenticated endpoints get neither."""

from __future__ import annotations

from typing import Any

import pytest

from b4g.core.infra.public_access import TokenBuckets
from b4g.registry.app import service_spec
from b4g.registry.settings import RegistrySettings
from tests.support.apps import service_client

pytestmark = pytest.mark.integration


def test_token_buckets_allow_a_burst_then_the_rate() -> None:
    buckets = TokenBuckets(rate=2.0, burst=3.0)
    assert [buckets.take("a", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a", 0.0) == pytest.approx(0.5)
    assert buckets.take("b", 0.0) == 0.0  # another client has its own bucket
    assert buckets.take("a", 0.5) == 0.0  # half a second later: one more request


async def test_cors_and_rate_limit_on_public_endpoints(stack: Any, prefix: str) -> None:
    async with service_client(
        service_spec(),
        RegistrySettings,
        stack,
        prefix,
        public_rate_limit=1.0,
        public_rate_burst=5.0,
    ) as client:
        trust = "/trust/did:key:z6MkUnknown"
        preflight = await client.options(trust, headers={"Origin": "https://employer.example"})
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "*"
        assert "POST" in preflight.headers["access-control-allow-methods"]
        answers = [await client.get(trust) for _ in range(8)]
        assert [a.status_code for a in answers[:5]] == [404] * 5
        assert answers[0].headers["access-control-allow-origin"] == "*"
        limited = answers[-1]
        assert limited.status_code == 429
        assert limited.json()["code"] == "too_many_requests"
        assert int(limited.headers["retry-after"]) >= 1
        private = await client.post("/organisations", json={})
        assert private.status_code == 401
        assert "access-control-allow-origin" not in private.headers
