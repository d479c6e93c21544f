"""The registry's public trust API, asked only when the event-fed copy is stale. The registry
URL is the operator's own setting (not user input), so this is a plain client with a short
timeout; answers are kept for a few seconds so a verification burst asks once per DID."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import msgspec

from b4g.core.infra.ttl_cache import TtlCache
from b4g.core.trust import TrustState

KEEP_SECONDS = 5.0


class RegistryUnreachable(Exception):
    pass


class RegistryTrustClient:
    def __init__(self, base_url: str, *, timeout: float = 2.0) -> None:
        self._base = base_url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=timeout, trust_env=False)
        self._recent: TtlCache[str, TrustState | None] = TtlCache(KEEP_SECONDS)

    async def trust_state(self, did: str) -> TrustState | None:
        """The DID's trust state, or None when the registry does not know it."""
        return await self._recent.get_or_load(did, lambda: self._ask(did))

    async def _ask(self, did: str) -> TrustState | None:
        try:
            response = await self._client.get(f"{self._base}/trust/{quote(did, safe=':')}")
        except httpx.HTTPError as exc:
            raise RegistryUnreachable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise RegistryUnreachable(f"answered {response.status_code}")
        try:
            return msgspec.json.decode(response.content, type=TrustState)
        except msgspec.ValidationError as exc:
            raise RegistryUnreachable(f"unexpected answer: {exc}") from exc
