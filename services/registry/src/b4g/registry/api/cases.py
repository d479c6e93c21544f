"""Monitoring cases on valid labels, for the committee."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from b4g.registry.api.deps import API_KEY, Caller, Ctx
from b4g.registry.usecases import cases
from b4g.registry.usecases.cases import Case, CaseClosure, ClosedCase


@get(
    "/cases",
    tags=["quality label"],
    security=API_KEY,
    summary="Monitoring cases on valid labels: inactivity, revocation spikes, DIDs that stopped "
    "resolving (committee)",
)
async def list_cases(
    ctx: Ctx,
    principal: Caller,
    open_only: Annotated[
        bool, QueryParameter(name="openOnly", description="Only open cases")
    ] = True,
) -> list[Case]:
    return await cases.cases(ctx, principal, open_only=open_only)


@post(
    "/cases/{case_id:uuid}/close",
    tags=["quality label"],
    security=API_KEY,
    summary="Close a monitoring case with a note (committee)",
)
async def close_case(
    ctx: Ctx, principal: Caller, case_id: FromPath[uuid.UUID], data: JSONBody[CaseClosure]
) -> ClosedCase:
    return await cases.close(ctx, principal, case_id, data)


ROUTES = [list_cases, close_case]
