"""Request limits enforced before any routing or decoding: the size of the request headers."""

from __future__ import annotations

import msgspec
from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    Scope,
    Send,
)

MAX_HEADER_BYTES = 16 * 1024  # as nginx's default large_client_header_buffers (4 × 8 KiB)
_TOO_LARGE = msgspec.json.encode(
    {
        "type": "https://badges4good.org/problems/headers_too_large",
        "title": "Request headers too large",
        "status": 431,
        "code": "headers_too_large",
        "detail": f"The request headers exceed {MAX_HEADER_BYTES} bytes in all.",
    }
)


class HeaderLimit:
    """ASGI middleware: 431 (a problem) for requests whose headers exceed `max_bytes` in all."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_HEADER_BYTES) -> None:
        self._app = app
        self._max = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            size = sum(len(name) + len(value) for name, value in scope["headers"])
            if size > self._max:
                start: HTTPResponseStartEvent = {
                    "type": "http.response.start",
                    "status": 431,
                    "headers": [(b"content-type", b"application/problem+json")],
                }
                await send(start)
                body: HTTPResponseBodyEvent = {
                    "type": "http.response.body",
                    "body": _TOO_LARGE,
                    "more_body": False,
                }
                await send(body)
                return
        await self._app(scope, receive, send)
