"""The safe fetcher's response cache: `Cache-Control: max-age` or a caller's TTL, ETags kept for
revalidation, bounded in entries and bytes (least recently used first out)."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from b4g.core.infra.fetch import FetchResponse


@dataclass(frozen=True, slots=True)
class Cached:
    response: FetchResponse
    expires_at: float
    etag: str | None

    @property
    def fresh(self) -> bool:
        return self.expires_at > time.monotonic()


class ResponseCache:
    def __init__(self, *, entries: int, size: int) -> None:
        self._entries, self._size = entries, size
        self._cache: OrderedDict[str, Cached] = OrderedDict()
        self._bytes = 0

    def get(self, url: str) -> Cached | None:
        cached = self._cache.get(url)
        if cached is not None and cached.fresh:
            self._cache.move_to_end(url)
        return cached

    def remember(
        self, url: str, response: FetchResponse, old_etag: str | None, ttl: float | None
    ) -> None:
        control = response.headers.get("cache-control", "").lower()
        if "no-store" in control:
            return
        lifetime = ttl
        for directive in control.split(","):
            name, _, value = directive.strip().partition("=")
            if name == "max-age" and value.isdigit():
                lifetime = float(value) if ttl is None else min(ttl, float(value))
            if name == "no-cache":
                lifetime = 0.0
        etag = response.headers.get("etag") or old_etag
        if lifetime is None and etag is None:
            return
        self._forget(url)
        self._cache[url] = Cached(response, time.monotonic() + (lifetime or 0.0), etag)
        self._bytes += len(response.body)
        while self._cache and (len(self._cache) > self._entries or self._bytes > self._size):
            self._forget(next(iter(self._cache)))

    def _forget(self, url: str) -> None:
        entry = self._cache.pop(url, None)
        if entry is not None:
            self._bytes -= len(entry.response.body)
