"""Four-eyes decisions: proposals to grant, refuse or withdraw, confirmed by someone else."""

from __future__ import annotations

import uuid

from litestar import post
from litestar.params import FromPath, JSONBody

from b4g.registry.api.deps import API_KEY, Caller, Ctx
from b4g.registry.usecases import decisions
from b4g.registry.usecases.decisions import Proposal, Proposed
from b4g.registry.usecases.grants import Outcome, Reason


@post(
    "/applications/{app_id:uuid}/decisions",
    tags=["quality label"],
    status_code=201,
    security=API_KEY,
    summary="Propose to grant or refuse (an assessor; another confirms)",
)
async def propose_decision(
    ctx: Ctx, principal: Caller, app_id: FromPath[uuid.UUID], data: JSONBody[Proposal]
) -> Proposed:
    return await decisions.propose_decision(ctx, principal, app_id, data)


@post(
    "/grants/{grant_id:uuid}/withdrawals",
    tags=["quality label"],
    status_code=201,
    security=API_KEY,
    summary="Propose to withdraw a label (committee; another confirms)",
)
async def propose_withdrawal(
    ctx: Ctx, principal: Caller, grant_id: FromPath[uuid.UUID], data: JSONBody[Reason]
) -> Proposed:
    return await decisions.propose_withdrawal(ctx, principal, grant_id, data)


@post(
    "/decisions/{decision_id:uuid}/confirm",
    tags=["quality label"],
    status_code=200,
    security=API_KEY,
    summary="Confirm a decision (four eyes: not its proposer)",
)
async def confirm_decision(
    ctx: Ctx, principal: Caller, decision_id: FromPath[uuid.UUID]
) -> Outcome:
    return await decisions.confirm(ctx, principal, decision_id)


ROUTES = [propose_decision, propose_withdrawal, confirm_decision]
