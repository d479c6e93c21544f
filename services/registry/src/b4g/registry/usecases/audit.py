"""The audit log: every registry change appends one entry to a hash chain, inside the change's
transaction. `record` is how any use case audits; `verify` checks the whole chain."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Any

import msgspec

from b4g.core.infra.db import Conn
from b4g.registry.domain.access import Principal
from b4g.registry.domain.audit import entry_hash, first_broken
from b4g.registry.store import audit as store
from b4g.registry.usecases.context import RegistryContext


async def record(
    conn: Conn,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    *,
    reason: str | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append an entry; `at` is the operation's one reading of the clock."""
    entry = {
        "at": at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "reason": reason,
        "before": before,
        "after": after,
    }
    previous = await store.last_audit_hash(conn)
    await store.append_audit(
        conn,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        reason=reason,
        before=before,
        after=after,
        prev_hash=previous,
        hash=entry_hash(entry, previous),
    )


def plain(row: Any) -> dict[str, Any]:
    """A store row as JSON for the audit log: times in ISO 8601, ids as strings."""
    return {k: _plain(v) for k, v in dataclasses.asdict(row).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


class AuditCheck(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    valid: bool
    entries: int
    first_broken: int | None  # the sequence number of the first entry that does not chain


async def verify(ctx: RegistryContext, who: Principal) -> AuditCheck:
    who.require("audit.read")
    async with ctx.pool.acquire() as conn:
        entries = await store.audit_entries(conn)
    broken = first_broken([dataclasses.asdict(e) for e in entries])
    return AuditCheck(valid=broken is None, entries=len(entries), first_broken=broken)
