"""Revoke, suspend, reinstate: the credential's status, its status-list bit and
`credential.status-changed` change in one transaction; the list is marked dirty and re-signed by
the publisher within an interval (bursts coalesce). Revocation is final."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from b4g.core.events.payloads import CredentialStatusChangedV1
from b4g.core.events.topics import CREDENTIAL_STATUS_CHANGED
from b4g.core.infra.db import Conn
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.credentials import Credential, StatusChange, credential_uri
from b4g.issuer.domain.errors import (
    CredentialNotFound,
    InvalidRequest,
    InvalidTransition,
    SuspensionNotEnabled,
)
from b4g.issuer.domain.status import (
    EVENT_STATUS,
    OPERATIONS,
    REVOKED,
    SUSPENDED,
    may_change,
)
from b4g.issuer.domain.timestamps import xsd_datetime
from b4g.issuer.store import credentials as store
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.events import record_event
from b4g.issuer.usecases.records import record
from b4g.issuer.usecases.status_publishing import mark_status


@dataclass(frozen=True, slots=True)
class StatusChanged:
    credential: Credential
    change: StatusChange
    list_version: int  # the first status-list version that carries the change


async def change_status(
    ctx: IssuerContext,
    principal: Principal,
    credential_id: uuid.UUID,
    operation: str,
    reason: str | None,
    *,
    conn: Conn | None = None,
) -> StatusChanged:
    """In a transaction of its own, or in `conn`'s (the label consumer's, with its inbox row)."""
    target = OPERATIONS.get(operation)
    if target is None:
        raise InvalidRequest(f"operation must be one of {', '.join(OPERATIONS)}")
    if conn is not None:
        return await _change(conn, ctx, principal, credential_id, target, operation, reason)
    async with ctx.pool.acquire() as own, own.transaction():
        return await _change(own, ctx, principal, credential_id, target, operation, reason)


async def _change(
    conn: Conn,
    ctx: IssuerContext,
    principal: Principal,
    credential_id: uuid.UUID,
    target: str,
    operation: str,
    reason: str | None,
) -> StatusChanged:
    credential = await store.get_credential(conn, credential_id, principal.platform_id, lock=True)
    if credential is None:
        raise CredentialNotFound(f"no credential {credential_id}")
    if target == SUSPENDED and credential.suspension_list_id is None:
        raise SuspensionNotEnabled(
            "this credential has no suspension entry; its issuer was created without "
            "allowSuspension"
        )
    if not may_change(credential.status, target):
        raise InvalidTransition(f"a {credential.status} credential cannot be {operation}d")
    issuer = await issuer_store.get_issuer(
        conn, credential.issuer_id, platform_id=principal.platform_id
    )
    assert issuer is not None
    if target == REVOKED:
        version = await mark_status(
            conn, credential.status_list_id, credential.status_list_index, True
        )
    else:  # suspend sets, reinstate clears the suspension entry
        assert credential.suspension_list_id is not None
        assert credential.suspension_index is not None
        version = await mark_status(
            conn, credential.suspension_list_id, credential.suspension_index,
            target == SUSPENDED,
        )  # fmt: skip
    change = await store.set_status(
        conn, credential_id, target, reason=reason, actor=principal.actor
    )
    payload = CredentialStatusChangedV1(
        credential_id=credential_uri(credential_id),
        issuer_did=issuer.did,
        status=EVENT_STATUS[target],
        reason=reason,
        actor=principal.actor,
        changed_at=xsd_datetime(change.changed_at),
    )
    await record_event(
        conn,
        ctx,
        event_type=CREDENTIAL_STATUS_CHANGED,
        key=credential_uri(credential_id),
        payload=payload,
        subject=credential_uri(credential_id),
    )
    updated = await store.get_credential(conn, credential_id, principal.platform_id)
    assert updated is not None
    return StatusChanged(record(Credential, updated), record(StatusChange, change), version)
