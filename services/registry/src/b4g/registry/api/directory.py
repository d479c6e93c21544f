"""The directory of organisations holding the Quality Label now (public, cacheable)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import QueryParameter

from b4g.registry.api.caching import PUBLIC_CACHE, cached_json
from b4g.registry.api.deps import Ctx
from b4g.registry.api.examples import DID_EXAMPLE, ORG_ID
from b4g.registry.domain.public import DirectoryPage
from b4g.registry.usecases import directory as listing

DIRECTORY_EXAMPLE = Example(
    summary="One page of labelled organisations",
    value={
        "items": [
            {
                "id": ORG_ID,
                "legalName": "Kaunas Youth Centre",
                "country": "LT",
                "website": "https://kyc.example",
                "labelValidFrom": "2026-01-15T09:00:00Z",
                "labelValidUntil": "2029-01-14T09:00:00Z",
                "dids": [DID_EXAMPLE],
            }
        ],
        "nextCursor": "WyJLYXVuYXMgWW91dGggQ2VudHJlIiwiNWYwYyJd",
    },
)
Country = Annotated[
    str | None,
    QueryParameter(pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2, e.g. LT"),
]
Cursor = Annotated[
    str | None,
    QueryParameter(max_length=600, description="`nextCursor` of the previous page"),
]
Limit = Annotated[int, QueryParameter(ge=1, le=200, description="Page size (1–200).")]


@get(
    "/directory",
    tags=["public"],
    summary="Organisations holding the Quality Label now",
    description=(
        "Active organisations whose Quality Label is active and within its validity, by name."
        " Page with `limit` and the `nextCursor` of the previous page; filter by `country`."
        " Cacheable for a minute; send `If-None-Match` for 304."
    ),
    responses={
        200: ResponseSpec(
            data_container=DirectoryPage,
            description="One page of the directory",
            examples=[DIRECTORY_EXAMPLE],
        )
    },
)
async def directory(
    ctx: Ctx,
    request: Request[Any, Any, Any],
    country: Country = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Response[DirectoryPage]:
    page = await listing.directory(ctx, country=country, cursor=cursor, limit=limit)
    return cached_json(request, msgspec.json.encode(page), PUBLIC_CACHE)


ROUTES = [directory]
