"""Four-eyes decisions on the Quality Label: an assessor proposes to grant or refuse, a
committee member proposes to withdraw, and someone else confirms."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from b4g.core.events.topics import LABEL_GRANTED
from b4g.core.infra.db import Conn
from b4g.registry.domain.access import Principal
from b4g.registry.domain.errors import Forbidden, NotFound, TransitionRefused
from b4g.registry.domain.label import confirmable, next_application_state, next_grant_state
from b4g.registry.store import applications as application_store
from b4g.registry.store import decisions as store
from b4g.registry.store import grants as grant_store
from b4g.registry.store.rows import DecisionRow
from b4g.registry.usecases import audit, grants, label_evidence
from b4g.registry.usecases.context import RegistryContext
from b4g.registry.usecases.grants import Outcome, Reason

Kind = Literal["approve", "reject", "withdraw_grant"]


class Proposal(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"
):
    decision: Literal["approve", "reject"]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class Proposed(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: uuid.UUID
    kind: str
    target: uuid.UUID
    proposed_by: str
    confirmed: bool


async def propose_decision(
    ctx: RegistryContext, who: Principal, app_id: uuid.UUID, command: Proposal
) -> Proposed:
    """Grant or refuse an application under assessment (an assessor; another confirms)."""
    return await _propose(ctx, who, command.decision, app_id, command.reason)


async def propose_withdrawal(
    ctx: RegistryContext, who: Principal, grant_id: uuid.UUID, command: Reason
) -> Proposed:
    """Withdraw an active or suspended label (the committee; another member confirms)."""
    return await _propose(ctx, who, "withdraw_grant", grant_id, command.reason)


async def _propose(
    ctx: RegistryContext, who: Principal, kind: Kind, target: uuid.UUID, reason: str
) -> Proposed:
    """One person proposes, another confirms (four eyes)."""
    who.require("label.govern" if kind == "withdraw_grant" else "label.assess")
    now = ctx.clock()
    decision_id = uuid.uuid4()
    async with ctx.pool.acquire() as conn, conn.transaction():
        if kind == "withdraw_grant":
            found = await grant_store.grant(conn, target)
            if found is None or found.state not in ("active", "suspended"):
                raise TransitionRefused("only an active or suspended grant can be withdrawn")
            await store.insert_decision(conn, decision_id, kind, None, target, reason, who.actor)
        else:
            app = await application_store.application(conn, target)
            if app is None or app.state != "under_assessment":
                raise TransitionRefused("only an application under assessment can be decided")
            await store.insert_decision(conn, decision_id, kind, target, None, reason, who.actor)
        await audit.record(
            conn, now, who.actor, f"label.decision.propose.{kind}", str(target), reason=reason
        )
    return Proposed(
        id=decision_id, kind=kind, target=target, proposed_by=who.actor, confirmed=False
    )


async def confirm(ctx: RegistryContext, who: Principal, decision_id: uuid.UUID) -> Outcome:
    who.require("label.confirm")
    now = ctx.clock()
    async with ctx.pool.acquire() as conn, conn.transaction():
        found = await store.decision(conn, decision_id)
        if found is None:
            raise NotFound("no such decision")
        if found.confirmed_by is not None:
            raise TransitionRefused("this decision is already confirmed")
        if not confirmable(found.proposed_by, who.actor):
            raise Forbidden("four eyes: a decision must be confirmed by someone else")
        if found.kind == "withdraw_grant" and who.role != "committee":
            raise Forbidden("the committee confirms withdrawals")
        await store.confirm_decision(conn, decision_id, who.actor)
        if found.kind == "withdraw_grant":
            assert found.grant_id is not None
            return await grants.change(
                ctx, conn, now, found.grant_id, "withdraw", who.actor, found.reason
            )
        return await _decide(ctx, conn, now, found, who.actor)


async def _decide(
    ctx: RegistryContext, conn: Conn, now: datetime, found: DecisionRow, actor: str
) -> Outcome:
    assert found.application_id is not None
    app = await application_store.application(conn, found.application_id)
    assert app is not None
    action = "approve" if found.kind == "approve" else "reject"
    state = next_application_state(app.state, action)
    await application_store.move_application(
        conn, app.id, action, state, actor, found.reason, None, None, None
    )
    await audit.record(
        conn,
        now,
        actor,
        f"label.application.{action}",
        str(app.id),
        reason=found.reason,
        after={"state": state},
    )
    if action == "reject":
        return Outcome(application=app.id, state=state)
    if app.renewal_of is not None:  # renewal supersedes the previous grant
        previous = await grant_store.grant(conn, app.renewal_of)
        if previous is not None and previous.state == "active":
            await grant_store.move_grant(
                conn, previous.id, next_grant_state("active", "supersede"), actor, "renewed", now
            )
    grant_id = uuid.uuid4()
    valid_until = now + (await label_evidence.application_scheme(conn, app.id)).validity
    await grant_store.insert_grant(
        conn, grant_id, app.organisation_id, app.id, now, valid_until, actor
    )
    await audit.record(
        conn,
        now,
        actor,
        "label.grant",
        str(grant_id),
        after={
            "organisation_id": str(app.organisation_id),
            "valid_until": valid_until.isoformat(),
        },
    )
    await grants.announce(ctx, conn, grant_id, LABEL_GRANTED, None)
    return Outcome(application=app.id, state=state, grant=grant_id)
