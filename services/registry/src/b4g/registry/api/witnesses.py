"""`GET /trust/{did}/witnesses/{hash}`: whether, and when, the registry witnessed the issuance of
a credential of a DID (public; the hash is the hex sha256 of the credential's id, so the
registry answers about a badge only to someone who holds it)."""

from __future__ import annotations

import re

from litestar import Response, get
from litestar.datastructures import State
from litestar.params import FromPath

from b4g.core.infra.problems import ApiError, NotFound
from b4g.registry.usecases.witnesses import Witness, find_witness

HASH = re.compile(r"^[0-9a-f]{64}$")


class InvalidWitnessHash(ApiError):
    status, code, title = 400, "invalid_witness_hash", "Not a credential hash"


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
    state: State, did: FromPath[str], credential_hash: FromPath[str]
) -> Response[Witness]:
    if not HASH.match(credential_hash):
        raise InvalidWitnessHash("The hash must be 64 lower-case hex digits (a sha256).")
    found = await find_witness(state.runtime.require_pool(), did, bytes.fromhex(credential_hash))
    if found is None:
        raise NotFound("The registry has no record of that credential's issuance for this DID.")
    # A witness never changes once written.
    return Response(found, headers={"Cache-Control": "public, max-age=86400, immutable"})


WITNESS_ROUTES = [issuance_witness]
