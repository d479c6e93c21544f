"""`GET /trust/{did}/witnesses/{hash}`: whether, and when, the registry witnessed the issuance of
a credential of a DID (public; the hash is the hex sha256 of the credential's id, so the
registry answers about a badge only to someone who holds it)."""

from __future__ import annotations

from litestar import Response, get
from litestar.params import FromPath

from b4g.registry.api.deps import Ctx
from b4g.registry.usecases.witnesses import Witness, find_witness


@get(
    "/trust/{did:str}/witnesses/{credential_hash:str}",
    tags=["trust"],
    summary="When the registry witnessed a credential's issuance",
    description="The registry records, for each credential our issuer announces for a proven "
    "DID, the sha256 of the credential's `id` and when the registry saw it: a time the issuer "
    "cannot back-date. `credential_hash` is that sha256 in lower-case hex. 404 when the registry "
    "never saw that credential for that DID.",
)
async def issuance_witness(
    ctx: Ctx, did: FromPath[str], credential_hash: FromPath[str]
) -> Response[Witness]:
    found = await find_witness(ctx, did, credential_hash)
    # A witness never changes once written.
    return Response(found, headers={"Cache-Control": "public, max-age=86400, immutable"})


ROUTES = [issuance_witness]
