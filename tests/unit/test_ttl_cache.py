"""The in-process TTL cache: expiry, known-absent values, and one shared load per miss."""

from __future__ import annotations

import asyncio

import pytest

from b4g.core.infra.ttl_cache import MISSING, TtlCache


async def test_concurrent_misses_share_one_load_and_none_is_a_value():
    cache: TtlCache[str, int | None] = TtlCache(ttl=60)
    calls = 0

    async def load() -> int | None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return None

    results = await asyncio.gather(*(cache.get_or_load("k", load) for _ in range(20)))
    assert results == [None] * 20 and calls == 1
    assert cache.get("k") is None and await cache.get_or_load("k", load) is None and calls == 1


async def test_expiry_discard_and_failed_loads():
    cache: TtlCache[str, int] = TtlCache(ttl=0.05)
    cache.put("a", 1)
    assert cache.get("a") == 1
    await asyncio.sleep(0.06)
    assert cache.get("a") is MISSING
    cache.put("b", 2)
    cache.discard("b")
    assert cache.get("b") is MISSING

    async def broken() -> int:
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        await cache.get_or_load("c", broken)

    async def works() -> int:
        return 3

    assert await cache.get_or_load("c", works) == 3  # a failure is not cached


async def test_a_caller_going_away_does_not_cancel_the_shared_load():
    cache: TtlCache[str, int] = TtlCache(ttl=60)
    release = asyncio.Event()

    async def slow() -> int:
        await release.wait()
        return 7

    first = asyncio.ensure_future(cache.get_or_load("k", slow))
    second = asyncio.ensure_future(cache.get_or_load("k", slow))
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    assert await second == 7
    assert cache.get("k") == 7
