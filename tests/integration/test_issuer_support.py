"""Shared set-up of the issuer integration tests (imported by the other test_issuer_* modules)."""

from __future__ import annotations

import base64
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from b4g.core.infra.db import create_pool
from b4g.core.infra.migrate import migrate
from b4g.issuer.app import issuer_migrations, service_spec
from b4g.issuer.domain.sealing import LocalKeyProvider
from b4g.issuer.settings import IssuerSettings
from b4g.issuer.usecases import platforms
from b4g.issuer.usecases.context import IssuerContext
from tests.support.apps import service_client

MASTER_KEY = base64.b64encode(bytes(range(32))).decode()
ISSUER_BASE = "http://issuer.test:8001"
VERIFIER_BASE = "http://verifier.test:8002"


@dataclass
class Harness:
    client: AsyncTestClient[Any]
    pool: asyncpg.Pool  # the test's own pool on the service database (the app's lives elsewhere)

    async def platform(self, name: str = "platform") -> tuple[uuid.UUID, dict[str, str]]:
        """A new platform and the auth header of a key with every scope."""
        row = await platforms.create_platform(self.pool, name)
        key = await platforms.create_api_key(self.pool, row.id, name="admin")
        return row.id, {"Authorization": f"Bearer {key.token}"}


@contextlib.asynccontextmanager
async def issuer_app(
    stack: Any, prefix: str, span_exporter: Any = None, **overrides: Any
) -> AsyncIterator[Harness]:
    settings: dict[str, Any] = {
        "master_key": MASTER_KEY,
        "public_base_url": ISSUER_BASE,
        "verifier_base_url": VERIFIER_BASE,
        **overrides,
    }
    async with service_client(
        service_spec(), IssuerSettings, stack, prefix, span_exporter, **settings
    ) as client:
        pool = await create_pool(client.app.state.runtime.settings.database_url, max_size=2)
        try:
            yield Harness(client, pool)
        finally:
            await pool.close()


def rdf_canonizer():
    """The core's RDFC-1.0 canonicaliser over the pinned contexts, as the verifier uses it."""
    from b4g.core.jsonld.canon import rdf_canonizer as canonizer
    from b4g.core.jsonld.documents import ContextStore

    return canonizer(ContextStore())


async def issuer_context(database: str, **fields: Any) -> IssuerContext:
    """An IssuerContext on a migrated `database` (no service around it), for use-case tests;
    `fields` override the defaults (status-list capacity, probes)."""
    await migrate(database, issuer_migrations())
    return IssuerContext(
        pool=await create_pool(database, max_size=8),
        keys=LocalKeyProvider(bytes(32)),
        base_url="http://issuer.test",
        verifier_base_url="http://verifier.test",
        rdf=rdf_canonizer(),
        **{"status_list_capacity": 64, **fields},
    )
