"""Helpers of the outage tests: a private PostgreSQL server to stop and start, and the outbox."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import asyncpg

OUTAGE_SECONDS = 3.0


async def unpublished(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        count: int = await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        return count
    finally:
        await conn.close()


async def wait_until_drained(
    url: str, why: Callable[[], object] = str, timeout: float = 60.0
) -> float:
    """Seconds until no outbox row is left unpublished; `why` explains a failure."""
    started = time.monotonic()
    while await unpublished(url):
        assert time.monotonic() - started < timeout, f"the outbox never drained ({why()})"
        await asyncio.sleep(0.2)
    return time.monotonic() - started
