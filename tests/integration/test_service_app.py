"""The app factory in-process: lifespan against the real stack, problem details for errors."""

from __future__ import annotations

import pytest

from b4g.registry.app import service_spec
from b4g.registry.settings import RegistrySettings
from tests.support.apps import service_client

pytestmark = pytest.mark.integration


async def test_lifespan_migrates_and_serves(stack, prefix):
    async with service_client(service_spec(), RegistrySettings, stack, prefix) as client:
        ready = await client.get("/ready")
        assert ready.status_code == 200, ready.text
        wrong = await client.post("/health")
        assert wrong.status_code == 405
        assert wrong.headers["content-type"].startswith("application/problem+json")
        assert wrong.json()["code"] == "method_not_allowed"
