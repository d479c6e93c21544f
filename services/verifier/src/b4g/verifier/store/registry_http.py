"""The registry's public trust API, asked only when the event-fed copy is stale. The registry
URL is the operator's own setting (not user input), so this is a plain client with a short
timeout; answers are kept for a few seconds so a verification burst asks once per DID."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import httpx
import msgspec

from b4g.core.infra.ttl_cache import TtlCache
from b4g.core.trust import TrustState

KEEP_SECONDS = 5.0


class RegistryUnreachable(Exception):
    pass


class WitnessAnswer(msgspec.Struct, frozen=True, kw_only=True):
    seenAt: str


class RegistryTrustClient:
    def __init__(self, base_url: str, *, timeout: float = 2.0) -> None:
        self._base = base_url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=timeout, trust_env=False)
        self._recent: TtlCache[str, TrustState | None] = TtlCache(KEEP_SECONDS)

    async def trust_state(self, did: str) -> TrustState | None:
        """The DID's trust state, or None when the registry does not know it."""
        return await self._recent.get_or_load(did, lambda: self._ask(did))

    async def witnessed_at(self, did: str, credential_hash: bytes) -> datetime | None:
        """When the registry witnessed the credential's issuance for `did`; None if never."""
        url = f"{self._base}/trust/{quote(did, safe=':')}/witnesses/{credential_hash.hex()}"
        try:
            response = await self._client.get(url)
        except httpx.HTTPError as exc:
            raise RegistryUnreachable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise RegistryUnreachable(f"answered {response.status_code}")
        try:
            seen = msgspec.json.decode(response.content, type=WitnessAnswer).seenAt
            return datetime.fromisoformat(seen.replace("Z", "+00:00"))
        except (msgspec.ValidationError, ValueError) as exc:
            raise RegistryUnreachable(f"unexpected answer: {exc}") from exc

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
