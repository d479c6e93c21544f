"""DIDs of organisations: registration with a challenge, proof of control, validity."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import post
from litestar.openapi.spec import Example
from litestar.params import Body, FromPath, JSONBody

from b4g.core.trust import TrustState
from b4g.registry.api.deps import API_KEY, Caller, Ctx
from b4g.registry.usecases import dids
from b4g.registry.usecases.dids import Challenge, DidValidity, NewDid


@post(
    "/organisations/{org_id:uuid}/dids",
    tags=["dids"],
    security=API_KEY,
    status_code=201,
    summary="Register a DID and get the challenge that proves control of it",
    description=(
        "Returns the document to sign (`sign`): add a Data Integrity proof "
        "(eddsa-jcs-2022 or eddsa-rdfc-2022) made with a key the DID lists under "
        "`authentication` or `assertionMethod`, and POST it to `…/dids/proof`."
    ),
)
async def register_did(
    ctx: Ctx, principal: Caller, org_id: FromPath[uuid.UUID], data: JSONBody[NewDid]
) -> Challenge:
    return await dids.register(ctx, principal, org_id, data)


@post(
    "/organisations/{org_id:uuid}/dids/proof",
    tags=["dids"],
    security=API_KEY,
    status_code=200,
    summary="Prove control of a DID with the signed challenge",
)
async def prove_did(
    ctx: Ctx, principal: Caller, org_id: FromPath[uuid.UUID], data: JSONBody[dict[str, Any]]
) -> TrustState:
    return await dids.prove(ctx, principal, org_id, data)


@post(
    "/organisations/{org_id:uuid}/dids/{did:str}/validity",
    tags=["organisations"],
    status_code=200,
    security=API_KEY,
    summary="Set when a DID speaks for its organisation (e.g. retire a DID whose key was lost)",
    description="Badges issued before `validUntil` keep their issuer's trust; later ones do "
    "not. Published to verifiers at once.",
)
async def set_did_validity(
    ctx: Ctx,
    principal: Caller,
    org_id: FromPath[uuid.UUID],
    did: FromPath[str],
    data: Annotated[
        DidValidity,
        Body(
            examples=[
                Example(
                    summary="Retire a DID",
                    value={"validUntil": "2026-12-31T23:59:59Z", "reason": "key lost"},
                )
            ]
        ),
    ],
) -> TrustState:
    return await dids.set_validity(ctx, principal, org_id, did, data)


ROUTES = [register_did, prove_did, set_did_validity]
