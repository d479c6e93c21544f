"""A small in-process cache whose entries live a fixed time: for hot reads of local state
that may be a little stale (the bound is the TTL) but must not cost a query per request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
MISSING = object()


class TtlCache(Generic[K, V]):
    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._entries: dict[K, tuple[float, V]] = {}
        self._loading: dict[K, asyncio.Future[V]] = {}

    def get(self, key: K) -> V | object:
        """The value, or `MISSING` when absent or expired (None is a value: "known absent")."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= time.monotonic():
            return MISSING
        return entry[1]

    def put(self, key: K, value: V) -> V:
        if len(self._entries) >= self._max:
            now = time.monotonic()
            self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
            if len(self._entries) >= self._max:
                self._entries.clear()
        self._entries[key] = (time.monotonic() + self._ttl, value)
        return value

    def discard(self, key: K) -> None:
        self._entries.pop(key, None)

    async def get_or_load(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value, or `load()`'s; callers that miss together share one load, so an
        expiring hot key costs one query, not one per waiting request. The load runs as its
        own task: a caller that goes away does not cancel it for the others."""
        cached = self.get(key)
        if cached is not MISSING:
            return cached  # type: ignore[return-value]
        task = self._loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load_into(key, load))
            task.add_done_callback(_retrieve)
            self._loading[key] = task
        return await asyncio.shield(task)

    async def _load_into(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        try:
            return self.put(key, await load())
        finally:
            self._loading.pop(key, None)


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Mark a failed load's exception as seen: its callers got it, or all went away."""
    if not task.cancelled():
        task.exception()
