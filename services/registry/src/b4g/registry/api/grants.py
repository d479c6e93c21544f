"""Quality Label grants: suspension and reinstatement by the committee."""

from __future__ import annotations

import uuid

from litestar import post
from litestar.params import FromPath, JSONBody

from b4g.registry.api.deps import API_KEY, Caller, Ctx
from b4g.registry.usecases import grants
from b4g.registry.usecases.grants import Outcome, Reason


@post(
    "/grants/{grant_id:uuid}/{action:str}",
    tags=["quality label"],
    status_code=200,
    security=API_KEY,
    summary="Suspend or reinstate a label (committee)",
)
async def govern_grant(
    ctx: Ctx,
    principal: Caller,
    grant_id: FromPath[uuid.UUID],
    action: FromPath[str],
    data: JSONBody[Reason],
) -> Outcome:
    return await grants.govern(ctx, principal, grant_id, action, data)


ROUTES = [govern_grant]
