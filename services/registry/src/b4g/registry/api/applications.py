"""Quality Label applications: opened by an organisation, moved through the process, read
with their history and check evidence."""

from __future__ import annotations

import uuid

from litestar import get, post
from litestar.params import FromPath, JSONBody

from b4g.registry.api.deps import API_KEY, Caller, Ctx
from b4g.registry.usecases import applications
from b4g.registry.usecases.applications import (
    Application,
    ApplicationStep,
    ApplicationView,
    CheckRun,
    NewApplication,
)


@post(
    "/organisations/{org_id:uuid}/applications",
    tags=["quality label"],
    status_code=201,
    security=API_KEY,
    summary="Express interest in the Quality Label (or start a renewal)",
)
async def open_application(
    ctx: Ctx, principal: Caller, org_id: FromPath[uuid.UUID], data: JSONBody[NewApplication]
) -> Application:
    return await applications.open_application(ctx, principal, org_id, data)


@post(
    "/applications/{app_id:uuid}/{action:str}",
    tags=["quality label"],
    status_code=200,
    security=API_KEY,
    summary="Move an application: complete_course, apply, withdraw (organisation); "
    "start_assessment, return_for_changes (assessor)",
)
async def move_application(
    ctx: Ctx,
    principal: Caller,
    app_id: FromPath[uuid.UUID],
    action: FromPath[str],
    data: JSONBody[ApplicationStep],
) -> Application:
    return await applications.move(ctx, principal, app_id, action, data)


@get(
    "/applications/{app_id:uuid}",
    tags=["quality label"],
    security=API_KEY,
    summary="An application with its history and automatic-check evidence",
)
async def application(ctx: Ctx, principal: Caller, app_id: FromPath[uuid.UUID]) -> ApplicationView:
    return await applications.read(ctx, principal, app_id)


@post(
    "/applications/{app_id:uuid}/checks",
    tags=["quality label"],
    status_code=201,
    security=API_KEY,
    summary="Run the automatic checks again and keep the result as evidence (assessor)",
)
async def run_checks(ctx: Ctx, principal: Caller, app_id: FromPath[uuid.UUID]) -> CheckRun:
    return await applications.run_checks(ctx, principal, app_id)


ROUTES = [open_application, move_application, application, run_checks]
