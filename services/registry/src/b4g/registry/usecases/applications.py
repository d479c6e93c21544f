"""Quality Label applications: opened by an organisation (or a renewal), moved through the
process by the organisation and the assessors, with the automatic checks kept as evidence."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Annotated, Any

import msgspec

from b4g.registry.domain.access import Principal
from b4g.registry.domain.errors import Invalid, NotFound, TransitionRefused
from b4g.registry.domain.label import RENEWAL_START, InvalidTransition, next_application_state
from b4g.registry.domain.roles import APPLICATION_ACTIONS
from b4g.registry.store import applications as store
from b4g.registry.store import grants as grant_store
from b4g.registry.store.rows import ApplicationRow
from b4g.registry.usecases import audit, label_evidence
from b4g.registry.usecases.context import RegistryContext
from b4g.registry.usecases.organisations import require_organisation


class NewApplication(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"
):
    renewal_of: uuid.UUID | None = None


class ApplicationStep(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"
):
    reason: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    # With "apply": self-assessment, evidence links, good-practice examples, the 3-year plan.
    submission: dict[str, Any] | None = None


class Application(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: uuid.UUID
    organisation_id: uuid.UUID
    state: str
    renewal_of: uuid.UUID | None
    submission: Any
    applied_at: datetime | None
    decide_by: datetime | None


class Step(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    action: str
    state: str
    actor: str
    reason: str | None
    at: datetime


class Checks(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    checked_at: datetime
    scheme_version: int
    results: Any


class ApplicationView(Application, frozen=True, kw_only=True, rename="camel"):
    scheme_version: int
    created_at: datetime
    history: list[Step]
    checks: list[Checks]


class CheckRun(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    application: uuid.UUID
    results: list[dict[str, Any]]


def _view(row: ApplicationRow) -> Application:
    return Application(**dataclasses.asdict(row))


async def open_application(
    ctx: RegistryContext, who: Principal, org_id: uuid.UUID, command: NewApplication
) -> Application:
    who.require("label.apply", org_id)
    now = ctx.clock()
    app_id = uuid.uuid4()
    renewal_of = command.renewal_of
    # A renewal skips the course: the shortened procedure.
    state = RENEWAL_START if renewal_of else "interested"
    async with ctx.pool.acquire() as conn, conn.transaction():
        await require_organisation(conn, org_id)
        if renewal_of is not None:
            previous = await grant_store.grant(conn, renewal_of)
            if previous is None or previous.organisation_id != org_id:
                raise NotFound("a renewal must name a grant of this organisation")
        version, _ = await label_evidence.current_scheme(conn)
        await store.insert_application(conn, app_id, org_id, renewal_of, state, who.actor, version)
        await audit.record(
            conn, now, who.actor, "label.application.open", str(app_id), after={"state": state}
        )
        created = await store.application(conn, app_id)
    assert created is not None
    return _view(created)


async def move(
    ctx: RegistryContext, who: Principal, app_id: uuid.UUID, action: str, command: ApplicationStep
) -> Application:
    permission = APPLICATION_ACTIONS.get(action)
    if permission is None:
        raise Invalid(f"unknown action {action!r}")
    now = ctx.clock()
    async with ctx.pool.acquire() as conn, conn.transaction():
        app = await store.application(conn, app_id)
        if app is None:
            raise NotFound("no such application")
        who.require(permission, app.organisation_id)
        try:
            state = next_application_state(app.state, action)
        except InvalidTransition as exc:
            raise TransitionRefused(str(exc)) from exc
        applied = now if action == "apply" else None
        decide_by = (
            now + (await label_evidence.application_scheme(conn, app_id)).assessment_deadline
            if applied
            else None
        )
        await store.move_application(
            conn,
            app_id,
            action,
            state,
            who.actor,
            command.reason,
            command.submission if action == "apply" else None,
            applied,
            decide_by,
        )
        if applied:  # the automatic checks, as evidence for the assessors
            await label_evidence.record_checks(conn, app_id, app.organisation_id)
        await audit.record(
            conn,
            now,
            who.actor,
            f"label.application.{action}",
            str(app_id),
            reason=command.reason,
            before={"state": app.state},
            after={"state": state},
        )
        moved = await store.application(conn, app_id)
    assert moved is not None
    return _view(moved)


async def read(ctx: RegistryContext, who: Principal, app_id: uuid.UUID) -> ApplicationView:
    """An application with its history and automatic-check evidence."""
    async with ctx.pool.acquire() as conn:
        view = await store.application_view(conn, app_id)
        if view is None:
            raise NotFound("no such application")
        who.require("label.read", view.organisation_id)
        evidence = await store.checks(conn, app_id)
    fields = {k: v for k, v in dataclasses.asdict(view).items() if k != "history"}
    return ApplicationView(
        **fields,
        history=[Step(**dataclasses.asdict(h)) for h in view.history],
        checks=[Checks(**dataclasses.asdict(c)) for c in evidence],
    )


async def run_checks(ctx: RegistryContext, who: Principal, app_id: uuid.UUID) -> CheckRun:
    """Run the automatic checks again and keep the result as evidence."""
    now = ctx.clock()
    async with ctx.pool.acquire() as conn, conn.transaction():
        view = await store.application_view(conn, app_id)
        if view is None:
            raise NotFound("no such application")
        who.require("label.check", view.organisation_id)
        results = await label_evidence.record_checks(conn, app_id, view.organisation_id)
        await audit.record(
            conn, now, who.actor, "label.application.checks", str(app_id), after=results
        )
    return CheckRun(application=app_id, results=results)
