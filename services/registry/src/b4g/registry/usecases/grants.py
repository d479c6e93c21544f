"""Quality Label grants: suspended and reinstated by the committee, withdrawn after a
confirmed decision, expired at the end of their validity. Each change publishes a label event
and the trust of the organisation's DIDs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from b4g.core.events.envelope import new_event
from b4g.core.events.payloads import LabelEventV1
from b4g.core.events.topics import (
    LABEL_EXPIRED,
    LABEL_REINSTATED,
    LABEL_SUSPENDED,
    LABEL_WITHDRAWN,
    REGISTRY_LABELS,
)
from b4g.core.infra.db import Conn
from b4g.core.infra.outbox import enqueue
from b4g.registry.domain.access import Principal
from b4g.registry.domain.errors import Invalid, NotFound, TransitionRefused
from b4g.registry.domain.label import InvalidTransition, next_grant_state
from b4g.registry.store import dids as did_store
from b4g.registry.store import grants as store
from b4g.registry.store import organisations as org_store
from b4g.registry.usecases import audit, trust
from b4g.registry.usecases.context import RegistryContext

LABEL_EVENTS = {
    "suspend": LABEL_SUSPENDED,
    "reinstate": LABEL_REINSTATED,
    "withdraw": LABEL_WITHDRAWN,
    "expire": LABEL_EXPIRED,
}


class Reason(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class Outcome(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, rename="camel"):
    """What a confirmed decision or a grant change did."""

    state: str
    application: uuid.UUID | None = None
    grant: uuid.UUID | None = None


async def govern(
    ctx: RegistryContext,
    who: Principal,
    grant_id: uuid.UUID,
    action: str,
    command: Reason,
) -> Outcome:
    """Suspend or reinstate (committee); withdrawal goes through a confirmed decision."""
    who.require("label.govern")
    if action not in ("suspend", "reinstate"):
        raise Invalid("suspend or reinstate; withdrawals need a confirmed decision")
    now = ctx.clock()
    async with ctx.pool.acquire() as conn, conn.transaction():
        return await change(ctx, conn, now, grant_id, action, who.actor, command.reason)


async def expire_due(ctx: RegistryContext) -> int:
    """Expire grants at the end of their validity; safe on several replicas."""
    now = ctx.clock()
    async with ctx.pool.acquire() as conn, conn.transaction():
        due = await store.due_grants(conn, now)
        for grant_id in due:
            await change(ctx, conn, now, grant_id, "expire", "system", "validity ended")
    return len(due)


async def change(
    ctx: RegistryContext,
    conn: Conn,
    now: datetime,
    grant_id: uuid.UUID,
    action: str,
    actor: str,
    reason: str | None,
) -> Outcome:
    found = await store.grant(conn, grant_id)
    if found is None:
        raise NotFound("no such grant")
    try:
        state = next_grant_state(found.state, action)
    except InvalidTransition as exc:
        raise TransitionRefused(str(exc)) from exc
    await store.move_grant(conn, grant_id, state, actor, reason, now)
    await audit.record(
        conn,
        now,
        actor,
        f"label.grant.{action}",
        str(grant_id),
        reason=reason,
        before={"state": found.state},
        after={"state": state},
    )
    await announce(ctx, conn, grant_id, LABEL_EVENTS[action], reason)
    return Outcome(grant=grant_id, state=state)


async def announce(
    ctx: RegistryContext, conn: Conn, grant_id: uuid.UUID, event_type: str, reason: str | None
) -> None:
    """The label event of a grant change, and the new trust of the organisation's DIDs."""
    found = await store.grant(conn, grant_id)
    assert found is not None
    org = await org_store.organisation(conn, found.organisation_id)
    assert org is not None
    dids = await did_store.dids_of(conn, org.id)
    payload = LabelEventV1(
        grant_id=str(grant_id),
        organisation_id=str(org.id),
        did=dids[0] if dids else "",
        valid_from=_iso(found.valid_from),
        valid_until=_iso(found.valid_until),
        reason=reason,
    )
    event = new_event(source=ctx.source, type=event_type, subject=str(grant_id), data=payload)
    await enqueue(
        conn, topic=REGISTRY_LABELS, key=str(grant_id), event=event, shards=ctx.outbox_shards
    )
    for did in dids:
        await trust.publish(ctx, conn, org, did)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
