"""`GET /status/{list_id}`: the newest signed status-list credential, cacheable."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.params import PathParameter

from b4g.core.infra.problems import NotFound
from b4g.verifier.domain.status_lists import etag_matches
from b4g.verifier.usecases.local_state import read_status_list

VC_MEDIA_TYPE = "application/vc"


@get(
    "/status/{list_id:str}",
    tags=["status lists"],
    summary="A status-list credential",
    description=(
        "The newest signed BitstringStatusListCredential an issuer of ours published for this"
        " list. `Cache-Control` follows the list's `ttl`; send `If-None-Match` with the ETag"
        " to get 304 when nothing changed. Credentials point at this URL in"
        " `credentialStatus.statusListCredential`."
    ),
    media_type=VC_MEDIA_TYPE,
    responses={},
)
async def get_status_list(
    state: State,
    request: Request[Any, Any, Any],
    list_id: Annotated[str, PathParameter(description="The list's id", max_length=200)],
) -> Response[bytes]:
    stored = await read_status_list(state.runtime.require_pool(), list_id)
    if stored is None:
        raise NotFound(f"no status list {list_id!r}")
    headers = {
        "ETag": stored.etag,
        "Cache-Control": f"public, max-age={stored.ttl_seconds}",
    }
    if etag_matches(request.headers.get("if-none-match"), stored.etag):
        return Response(b"", status_code=304, headers=headers)
    return Response(stored.body, media_type=VC_MEDIA_TYPE, headers=headers)
