"""Trust by DID (public, cacheable) and the audit chain's verification (auditor)."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get
from litestar.openapi.spec import Example
from litestar.params import FromPath, Parameter

from b4g.core.trust import TrustState
from b4g.registry.api.deps import API_KEY, Caller, Ctx
from b4g.registry.domain.trqp import TrustAtMoment
from b4g.registry.usecases import audit, trust
from b4g.registry.usecases.audit import AuditCheck


@get(
    "/trust/{did:str}",
    tags=["trust"],
    summary="Trust state of an issuer DID",
    description="Public and cacheable. 404 for DIDs that are unknown or not proven. With "
    "`?at=`, also what held at that moment.",
)
async def trust_of(
    ctx: Ctx,
    did: FromPath[str],
    at: Annotated[
        str | None,
        Parameter(
            max_length=64,
            description="An RFC 3339 moment: also answer what held then (registry status, "
            "trusted issuer, label held), e.g. a badge's validFrom",
            examples=[Example(value="2026-03-01T09:00:00Z")],
        ),
    ] = None,
) -> Response[TrustState | TrustAtMoment]:
    if at is not None:
        then = await trust.trust_at(ctx, did, at)
        return Response(then, headers={"Cache-Control": "public, max-age=60"})
    found = await trust.trust(ctx, did)
    return Response(
        found,
        headers={"Cache-Control": "public, max-age=60", "ETag": f'"{found.did}-{found.sequence}"'},
    )


@get(
    "/audit/verify",
    tags=["audit"],
    summary="Verify the audit log's hash chain",
    security=API_KEY,
)
async def verify_audit(ctx: Ctx, principal: Caller) -> AuditCheck:
    return await audit.verify(ctx, principal)


ROUTES = [trust_of, verify_audit]
