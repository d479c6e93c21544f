"""Where JSON Schemas come from: an operator's directory of pinned copies first (named as the
last segment of their URL, e.g. `ob_v3p0_achievementcredential_schema.json`), then the OB 3.0
schemas b4g-core ships, else the SSRF-guarded fetcher. 1EdTech's site is never contacted: an
OB schema that is not pinned cannot be checked.

A fetched schema's own `$ref`s are fetched the same way (pinned first, then the safe fetcher,
at most `MAX_REFERENCES` of them) and bundled into it, so validation never retrieves anything.
Published schemas do not change under their URL, so a fetched one is kept for a day; a failed
fetch is remembered for a minute so a verification burst does not hammer an unreachable host.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs

from b4g.core.infra.fetch import FetchError, SafeFetcher
from b4g.core.pinned_schemas import PINNED

_KEEP_SECONDS = 24 * 3600.0
_RETRY_AFTER_SECONDS = 60.0
MAX_REFERENCES = 8  # other schemas one fetched schema may pull in
NEVER_FETCHED = ("purl.imsglobal.org", "imsglobal.org", "1edtech.org", "www.1edtech.org")


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
            local = self._local(url)
            schema = PINNED.get(url) if local is None else None
            if schema is None:
                found = local if local is not None else await self._fetch(url)
                schema = await self._bundled(url, found)
        except FetchError as exc:
            self._known[url] = (now + _RETRY_AFTER_SECONDS, str(exc))
            raise
        self._known[url] = (now + _KEEP_SECONDS, schema)
        return schema

    def _local(self, url: str) -> dict[str, Any] | None:
        if self._directory is None:
            return None
        name = url.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        path = self._directory / name
        if not name or name.startswith(".") or not path.is_file():
            return None
        return _as_schema(url, path.read_bytes())

    async def _fetch(self, url: str) -> dict[str, Any]:
        host = (urlsplit(url).hostname or "").lower()
        if host in NEVER_FETCHED:
            raise FetchError(
                f"{url.rsplit('/', 1)[-1]} is not among the Open Badges schemas shipped with "
                "Badges4Good, and 1EdTech's site is never contacted while verifying; an "
                "operator can provide a copy with B4G_SCHEMA_DIR"
            )
        if self._fetcher is None:
            raise FetchError(f"{url} is not among the pinned schemas and fetching is off")
        response = await self._fetcher.get(
            url, accept="application/schema+json, application/json", ttl=_KEEP_SECONDS
        )
        return _as_schema(url, response.body)

    async def _bundled(self, url: str, schema: dict[str, Any]) -> dict[str, Any]:
        """`schema` with every schema it refers to embedded, each got as above."""
        fetched: dict[str, Any] = {}
        for _ in range(MAX_REFERENCES + 1):
            missing: list[str] = []

            def serve(uri: str, missing: list[str] = missing) -> Any:
                found = fetched.get(uri) or self._local(uri) or PINNED.get(uri)
                if found is None:
                    missing.append(uri)
                    raise LookupError(uri)
                return found

            try:
                return _with_id(jsonschema_rs.bundle(schema, retriever=serve, base_uri=url), url)
            except (ValueError, TypeError, jsonschema_rs.ReferencingError) as exc:
                if not missing:
                    first = str(exc).split("\n", 1)[0][:200]
                    raise FetchError(f"the schema {url} cannot be used: {first}") from exc
            if len(fetched) >= MAX_REFERENCES:
                raise FetchError(
                    f"the schema {url} refers to more than {MAX_REFERENCES} other schemas"
                )
            reference = missing[0].split("#", 1)[0]
            fetched[reference] = _with_id(await self._fetch(reference), reference)
        raise FetchError(f"the schema {url} refers to more than {MAX_REFERENCES} other schemas")


def _with_id(schema: dict[str, Any], url: str) -> dict[str, Any]:
    """A schema that names no base URL resolves its relative `$ref`s against where it came
    from."""
    if "$id" in schema or "id" in schema:
        return schema
    return {"$id": url, **schema}


def _as_schema(url: str, body: bytes) -> dict[str, Any]:
    try:
        schema = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FetchError(f"{url} is not JSON") from exc
    except RecursionError as exc:
        raise FetchError(f"{url} is nested too deeply to be a schema") from exc
    if not isinstance(schema, dict):
        raise FetchError(f"{url} is not a JSON Schema object")
    return schema
