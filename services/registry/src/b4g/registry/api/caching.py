"""HTTP validators of the public, cacheable answers."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from b4g.registry.domain.public import etag_matches, strong_etag

PUBLIC_CACHE = "public, max-age=60"


def cached_json(
    request: Request[Any, Any, Any], body: bytes, cache: str, etag: str | None = None
) -> Response[Any]:
    """200 with the body, or 304 when the client already holds this representation."""
    tag = etag or strong_etag(body)
    headers = {"Cache-Control": cache, "ETag": tag}
    if etag_matches(request.headers.get("if-none-match"), tag):
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
