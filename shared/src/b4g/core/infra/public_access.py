"""Public endpoints (DID documents, JWKS, status lists, verification, trust queries): readable
from any web origin (CORS) and rate-limited per client, so one client cannot take a service's
capacity from everyone else.

The limit is a token bucket per client address and process: `rate` requests a second on
average, `burst` at once. A client over it gets a 429 problem with `Retry-After`. Addresses
come from the connection (uvicorn rewrites them from X-Forwarded-For behind a proxy).
"""

from __future__ import annotations

import math
import re
import time
from collections import OrderedDict
from collections.abc import Sequence

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

MAX_CLIENTS = 100_000  # buckets kept; the least recently seen client is forgotten first
_CORS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"ETag, Retry-After, Location"),
]
_PREFLIGHT = [
    *_CORS,
    (b"access-control-allow-methods", b"GET, HEAD, POST, OPTIONS"),
    (b"access-control-allow-headers", b"Content-Type, Accept, Accept-Language, If-None-Match"),
    (b"access-control-max-age", b"86400"),
]


class TokenBuckets:
    """Per-client token buckets (pure bookkeeping; the clock is passed in)."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str, now: float) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        tokens, seen = self._buckets.pop(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - seen) * self.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self._buckets[client] = (tokens - 1 if wait == 0 else tokens, now)
        if len(self._buckets) > MAX_CLIENTS:
            self._buckets.popitem(last=False)
        return wait


class PublicAccess:
    """ASGI middleware: CORS headers and preflight answers on the public paths, and the
    per-client rate limit there (`rate` 0 turns the limit off)."""

    def __init__(
        self, app: ASGIApp, public_paths: Sequence[str], *, rate: float, burst: float
    ) -> None:
        self._app = app
        self._public = re.compile("|".join(f"(?:{p})" for p in public_paths) or "(?!)")
        self._buckets = TokenBuckets(rate, max(burst, 1.0)) if rate > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not self._public.fullmatch(scope["path"]):
            await self._app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await _answer(send, 204, _PREFLIGHT, b"")
            return
        if self._buckets is not None:
            client = scope.get("client")
            wait = self._buckets.take(client[0] if client else "?", time.monotonic())
            if wait > 0:
                await _too_many(send, math.ceil(wait))
                return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_CORS]
            await send(message)

        await self._app(scope, receive, with_cors)


async def _too_many(send: Send, retry_after: int) -> None:
    body = msgspec.json.encode(
        {
            "type": "https://badges4good.org/problems/too_many_requests",
            "title": "Too many requests",
            "status": 429,
            "code": "too_many_requests",
            "detail": f"This client sent more requests than allowed; retry in {retry_after} s.",
        }
    )
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"retry-after", str(retry_after).encode()),
        *_CORS,
    ]
    await _answer(send, 429, headers, body)


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
