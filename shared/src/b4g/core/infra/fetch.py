"""The one outbound HTTP client (did:web documents, JWKS, status lists), guarded against SSRF.

- https only, except origins allow-listed for local development;
- every address the host resolves to must be public (no private, loopback, link-local, CGNAT,
  multicast, reserved or IPv4-mapped private addresses) unless the host is allow-listed; the
  connection goes to the address that was checked (TLS SNI and Host stay the name), so DNS
  rebinding between check and connect cannot redirect it;
- GET only, no cookies, a total time limit, a size limit enforced while streaming, few
  redirects (each target checked again);
- responses cached by `Cache-Control: max-age` or a caller's TTL, revalidated with ETag;
- fair: at most `per_host` requests to one host at a time (a slow host queues its own
  requests, never everyone's), and a caller may give a time budget for a whole unit of work
  (`budget`, e.g. one verification) that every fetch inside it shares.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import msgspec

from b4g.core.errors import B4GError
from b4g.core.infra.fetch_fairness import HostSlots, budget, remaining
from b4g.core.infra.settings import BaseSettings

Resolver = Callable[[str, int], Awaitable[list[str]]]


class FetchError(B4GError):
    code = "fetch_failed"


class BlockedAddress(FetchError):
    code = "fetch_blocked_address"


class SchemeNotAllowed(FetchError):
    code = "fetch_scheme_not_allowed"


class TooLarge(FetchError):
    code = "fetch_too_large"


class FetchTimeout(FetchError):
    code = "fetch_timeout"


class HttpStatus(FetchError):
    code = "fetch_http_status"


class TooManyRedirects(FetchError):
    code = "fetch_too_many_redirects"


class FetchPolicy(msgspec.Struct, frozen=True, kw_only=True):
    allow_http_origins: tuple[str, ...] = ()  # e.g. ("http://127.0.0.1:8001",) for local runs
    allow_private_hosts: tuple[str, ...] = ()  # hosts allowed to resolve to non-public addresses
    max_bytes: int = 1024 * 1024
    timeout: float = 5.0
    max_redirects: int = 3
    per_host: int = 6  # concurrent requests to one host name
    max_connections: int = 256
    cache_entries: int = 1000
    cache_bytes: int = 32 * 1024 * 1024
    user_agent: str = "Badges4Good-Verifier/0.1 (+https://badges4good.org)"


class FetchResponse(msgspec.Struct, frozen=True, kw_only=True):
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    from_cache: bool = False


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


class _Cached(msgspec.Struct, frozen=True):
    response: FetchResponse
    expires_at: float
    etag: str | None


class SafeFetcher:
    def __init__(self, policy: FetchPolicy, *, resolver: Resolver = system_resolver) -> None:
        self._policy = policy
        self._resolver = resolver
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,
            timeout=policy.timeout,
            cookies=None,
            limits=httpx.Limits(max_connections=policy.max_connections),
        )
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._cache_size = 0
        self._slots = HostSlots(policy.per_host)

    async def __aenter__(self) -> SafeFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._client.aclose()

    budget = staticmethod(budget)  # once spent, fetches fail at once without a request

    async def fetch_json(self, url: str) -> Any:
        response = await self.get(url, accept="application/json, application/ld+json")
        try:
            return json.loads(response.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FetchError(f"{url} did not return JSON") from exc

    async def get(
        self, url: str, *, accept: str, max_bytes: int | None = None, ttl: float | None = None
    ) -> FetchResponse:
        cached = self._cache.get(url)
        if cached is not None and cached.expires_at > time.monotonic():
            self._cache.move_to_end(url)
            return msgspec.structs.replace(cached.response, from_cache=True)
        limit, left = self._policy.timeout, remaining()
        if left is not None:
            if left <= 0:
                raise FetchTimeout(f"{url}: not fetched, the time for this verification is spent")
            limit = min(limit, left)
        try:
            async with asyncio.timeout(limit):
                response = await self._follow(
                    url,
                    accept,
                    max_bytes or self._policy.max_bytes,
                    cached.etag if cached else None,
                )
        except TimeoutError as exc:
            raise FetchTimeout(f"{url}: no answer within {limit:.1f} s") from exc
        except (httpx.HTTPError, OSError) as exc:  # includes DNS failures
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
        if response.status == 304 and cached is not None:
            response = cached.response
        self._remember(url, response, cached.etag if cached else None, ttl)
        return response

    async def _follow(
        self, url: str, accept: str, max_bytes: int, etag: str | None
    ) -> FetchResponse:
        for _ in range(self._policy.max_redirects + 1):
            response = await self._get_once(url, accept, max_bytes, etag)
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                etag = None
                continue
            if response.status != 304 and not 200 <= response.status < 300:
                raise HttpStatus(f"{url} answered {response.status}")
            return response
        raise TooManyRedirects(f"more than {self._policy.max_redirects} redirects")

    async def _get_once(
        self, url: str, accept: str, max_bytes: int, etag: str | None
    ) -> FetchResponse:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme != "https" and not (
            parts.scheme == "http" and origin in self._policy.allow_http_origins
        ):
            raise SchemeNotAllowed(f"{url}: only https is allowed")
        host = parts.hostname
        if not host or parts.username or parts.password:
            raise FetchError(f"{url}: no usable host")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        async with self._slots.slot(host.lower()):
            return await self._request(url, parts, host, port, accept, max_bytes, etag)

    async def _request(
        self,
        url: str,
        parts: Any,
        host: str,
        port: int,
        accept: str,
        max_bytes: int,
        etag: str | None,
    ) -> FetchResponse:
        addresses = await self._resolver(host, port)
        if not addresses:
            raise FetchError(f"{host} does not resolve")
        if host not in self._policy.allow_private_hosts:
            blocked = [a for a in addresses if not is_public_address(a)]
            if blocked:
                raise BlockedAddress(f"{host} resolves to a non-public address ({blocked[0]})")
        address = addresses[0]
        literal = f"[{address}]" if ":" in address else address
        target = parts._replace(netloc=f"{literal}:{port}").geturl()
        headers = {"Host": parts.netloc, "Accept": accept, "User-Agent": self._policy.user_agent}
        if etag:
            headers["If-None-Match"] = etag
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        async with self._client.stream(
            "GET", target, headers=headers, extensions=extensions
        ) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise TooLarge(f"{url}: {declared} bytes is over the {max_bytes}-byte limit")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise TooLarge(f"{url}: over the {max_bytes}-byte limit")
            return FetchResponse(
                url=url,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=bytes(body),
            )

    def _remember(
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
        entry = _Cached(response, time.monotonic() + (lifetime or 0.0), etag)
        self._cache[url] = entry
        self._cache_size += len(response.body)
        while self._cache and (
            len(self._cache) > self._policy.cache_entries
            or self._cache_size > self._policy.cache_bytes
        ):
            self._forget(next(iter(self._cache)))

    def _forget(self, url: str) -> None:
        entry = self._cache.pop(url, None)
        if entry is not None:
            self._cache_size -= len(entry.response.body)


def policy_for(settings: BaseSettings) -> FetchPolicy:
    """The outbound policy a service's settings ask for (https and public addresses unless
    relaxed for local development)."""

    def listed(value: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in value.split(",") if part.strip())

    return FetchPolicy(
        allow_http_origins=listed(settings.fetch_allow_http_origins),
        allow_private_hosts=listed(settings.fetch_allow_private_hosts),
    )
