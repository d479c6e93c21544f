"""Achievement artwork for baked badges: uploaded (PNG or SVG) or fetched once from a URL."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example, RequestBody
from litestar.params import FromPath

from b4g.issuer.domain.access import SCOPE_MANAGE
from b4g.issuer.domain.artwork import MAX_ARTWORK_BYTES, MAX_DIMENSION
from b4g.issuer.usecases import artwork

from .auth import require
from .deps import API_KEY, Caller, Ctx
from .models import Body, body_with_examples


class ArtworkUrlIn(Body, frozen=True, kw_only=True):
    url: Annotated[str, msgspec.Meta(pattern="^https?://", max_length=2000)]


class ArtworkOut(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    achievement_id: str
    kind: str  # png | svg
    baked_png: str  # what a credential's baked.png is drawn from now
    baked_svg: str


def _out(achievement_id: uuid.UUID, kind: str) -> ArtworkOut:
    # An SVG download shows PNG artwork inside an SVG; a PNG download cannot rasterise an SVG.
    return ArtworkOut(
        achievement_id=str(achievement_id),
        kind=kind,
        baked_png="artwork" if kind == "png" else "default badge with the achievement's name",
        baked_svg="artwork",
    )


RULES = (
    f"PNG or SVG of at most {MAX_ARTWORK_BYTES // 1024} KiB, checked by content: a PNG must "
    f"parse completely and be at most {MAX_DIMENSION}×{MAX_DIMENSION}; an SVG must be "
    "well-formed with an `svg` root and nothing active (no scripts, event handlers, "
    "DOCTYPE/entities, foreign objects or external references). Refusals: "
    "`achievement_image_unusable` (422) with the reason; `achievement_not_found` (404)."
)
REFUSED = ResponseSpec(
    data_container=dict[str, Any],
    description="The image cannot be used (RFC 9457 problem)",
    media_type="application/problem+json",
    examples=[
        Example(
            summary="achievement_image_unusable",
            value={
                "type": "https://badges4good.org/problems/achievement_image_unusable",
                "title": "The image cannot be used",
                "status": 422,
                "code": "achievement_image_unusable",
                "detail": "SVG images may not contain <script>",
            },
        )
    ],
)


class ArtworkController(Controller):
    path = "/achievements"
    tags = ["achievements"]  # noqa: RUF012 - Litestar reads it as a class attribute
    security = API_KEY

    @put(
        "/{achievement_id:uuid}/image",
        summary="Upload the achievement's artwork (PNG or SVG) for baked badges",
        description="Send the image itself as the body with `Content-Type: image/png` or "
        f"`image/svg+xml`. Replaces earlier artwork of that kind. Needs `manage`. {RULES}",
        request_body=RequestBody(
            content={"image/png": {}, "image/svg+xml": {}},  # type: ignore[dict-item]
            description="The image bytes",
            required=True,
        ),
        responses={422: REFUSED},
        status_code=200,
    )
    async def upload(
        self,
        ctx: Ctx,
        principal: Caller,
        achievement_id: FromPath[uuid.UUID],
        request: Request[Any, Any, Any],
    ) -> ArtworkOut:
        require(principal, SCOPE_MANAGE)
        content = await request.body()
        # ArtworkRefused (domain) answers 422 achievement_image_unusable through api/errors.py.
        kind = await artwork.upload_artwork(
            ctx, principal, achievement_id, content, request.headers.get("content-type")
        )
        return _out(achievement_id, kind)

    @put(
        "/{achievement_id:uuid}/image-url",
        summary="Fetch the achievement's artwork from a URL, once, now",
        description="The issuer fetches the image through its guarded fetcher (https, public "
        "addresses only, time and size limits) and keeps it; badge downloads never fetch "
        f"anything. Needs `manage`. {RULES}",
        responses={422: REFUSED},
        status_code=200,
    )
    async def from_url(
        self,
        ctx: Ctx,
        principal: Caller,
        achievement_id: FromPath[uuid.UUID],
        data: Annotated[
            ArtworkUrlIn,
            body_with_examples("The badge's artwork", {"url": "https://example.org/badge.png"}),
        ],
    ) -> ArtworkOut:
        require(principal, SCOPE_MANAGE)
        kind = await artwork.fetch_artwork(ctx, principal, achievement_id, data.url)
        return _out(achievement_id, kind)
