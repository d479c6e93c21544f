"""Where JSON Schemas come from: an operator's directory of pinned copies first (named as the
last segment of their URL, e.g. `ob_v3p0_achievementcredential_schema.json`), else the
SSRF-guarded fetcher. Published schemas do not change under their URL, so a fetched one is kept
for a day; a failed fetch is remembered for a minute so a verification burst does not hammer
an unreachable host."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from b4g.core.infra.fetch import FetchError, SafeFetcher

_KEEP_SECONDS = 24 * 3600.0
_RETRY_AFTER_SECONDS = 60.0


class SchemaSource:
    def __init__(self, fetcher: SafeFetcher | None, directory: Path | None = None) -> None:
        self._fetcher = fetcher
        self._directory = directory
        self._known: dict[str, tuple[float, dict[str, Any] | str]] = {}

    async def __call__(self, url: str) -> dict[str, Any]:
        now = time.monotonic()
        known = self._known.get(url)
        if known is not None and known[0] > now:
            if isinstance(known[1], str):
                raise FetchError(known[1])
            return known[1]
        try:
            schema = self._pinned(url) or await self._fetch(url)
        except FetchError as exc:
            self._known[url] = (now + _RETRY_AFTER_SECONDS, str(exc))
            raise
        self._known[url] = (now + _KEEP_SECONDS, schema)
        return schema

    def _pinned(self, url: str) -> dict[str, Any] | None:
        if self._directory is None:
            return None
        name = url.rstrip("/").rsplit("/", 1)[-1]
        path = self._directory / name
        if not name or name.startswith(".") or not path.is_file():
            return None
        return _as_schema(url, path.read_bytes())

    async def _fetch(self, url: str) -> dict[str, Any]:
        if self._fetcher is None:
            raise FetchError(f"{url} is not among the pinned schemas and fetching is off")
        response = await self._fetcher.get(
            url, accept="application/schema+json, application/json", ttl=_KEEP_SECONDS
        )
        return _as_schema(url, response.body)


def _as_schema(url: str, body: bytes) -> dict[str, Any]:
    try:
        schema = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FetchError(f"{url} is not JSON") from exc
    if not isinstance(schema, dict):
        raise FetchError(f"{url} is not a JSON Schema object")
    return schema
