"""Issuing one credential: one transaction that claims its status entries, signs it, stores it
and writes `credential.issued` to the outbox. Idempotent per `Idempotency-Key`."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from b4g.core.events.payloads import CredentialIssuedV1
from b4g.core.events.topics import CREDENTIAL_ISSUED
from b4g.core.infra.db import Conn
from b4g.core.infra.outbox import OutboxEntry, enqueue_many
from b4g.core.infra.telemetry import current_trace_headers
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.credentials import (
    Recipient,
    build_credential,
    credential_subject,
)
from b4g.issuer.domain.idempotency import request_fingerprint
from b4g.issuer.domain.profiles import profile_document
from b4g.issuer.domain.signing import DEFAULT_FORMAT, PROOF_FORMATS, sign_credential
from b4g.issuer.domain.status import ACTIVE, REVOCATION, SUSPENSION, status_entry
from b4g.issuer.domain.timestamps import xsd_datetime
from b4g.issuer.store import achievements as achievement_store
from b4g.issuer.store import credentials as store
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.errors import (
    AchievementNotFound,
    IdempotencyKeyReused,
    InvalidRequest,
    IssuerNotFound,
)
from b4g.issuer.usecases.events import outbox_entry
from b4g.issuer.usecases.issuers import SigningKey, signing_key
from b4g.issuer.usecases.status_allocation import Allocation, allocate
from b4g.issuer.usecases.status_publishing import publish_list

_ATTEMPTS = 3  # deadlocks between two issuances' random claims are possible, if unlikely


@dataclass(frozen=True, slots=True)
class IssueRequest:
    achievement_id: uuid.UUID
    recipient: Recipient
    formats: tuple[str, ...] = (DEFAULT_FORMAT,)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    awarded_date: datetime | None = None
    narrative: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    body: Any = None  # the request as received, for the idempotency fingerprint
    # False: a revocation entry only, whatever the issuer allows (the Quality Label badge: OB 3.0
    # allows one credentialStatus object, see docs/decisions.md).
    suspendable: bool = True


@dataclass(frozen=True, slots=True)
class Issued:
    credential: store.CredentialRow
    replayed: bool  # an earlier request with the same Idempotency-Key made it


async def issue(
    ctx: IssuerContext,
    principal: Principal,
    issuer_id: uuid.UUID,
    request: IssueRequest,
    idempotency_key: str | None = None,
    *,
    conn: Conn | None = None,
) -> Issued:
    """Issues one credential in its own transaction, or in `conn`'s (bulk rows)."""
    check(request)
    fingerprint = request_fingerprint(issuer_id, request.body) if idempotency_key else None

    async def make(inner: Conn) -> tuple[store.CredentialRow, str]:
        return await _issue(inner, ctx, principal, issuer_id, request, fingerprint)

    return await issue_once(ctx, principal, make, idempotency_key, fingerprint, conn=conn)


# Builds the row of a new credential inside the transaction; returns it and the issuer's DID.
MakeCredential = Callable[[Conn], Awaitable[tuple[store.CredentialRow, str]]]


async def issue_once(
    ctx: IssuerContext,
    principal: Principal,
    make: MakeCredential,
    idempotency_key: str | None,
    fingerprint: bytes | None,
    *,
    conn: Conn | None = None,
) -> Issued:
    """One transaction: replay the credential of an earlier request with this Idempotency-Key,
    or make, store and announce a new one. Within the caller's transaction when `conn` is given
    (no retries there: the caller owns the transaction)."""
    if conn is not None:
        return await _store_new(conn, ctx, principal, make, idempotency_key, fingerprint)
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            async with ctx.pool.acquire() as own, own.transaction():
                return await _store_new(own, ctx, principal, make, idempotency_key, fingerprint)
        except asyncpg.UniqueViolationError:
            if idempotency_key is None or attempt == _ATTEMPTS:
                raise
            # A concurrent request with the same key won; the next attempt returns its result.
        except asyncpg.DeadlockDetectedError:
            if attempt == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def _store_new(
    conn: Conn,
    ctx: IssuerContext,
    principal: Principal,
    make: MakeCredential,
    idempotency_key: str | None,
    fingerprint: bytes | None,
) -> Issued:
    if idempotency_key is not None:
        earlier = await store.by_idempotency_key(conn, principal.platform_id, idempotency_key)
        if earlier is not None:
            return _replay(earlier, fingerprint)
    row, issuer_did = await make(conn)
    await store.insert_credential(conn, row, idempotency_key)
    await _announce(conn, ctx, row, issuer_did)
    return Issued(row, replayed=False)


def check(request: IssueRequest) -> None:
    if not request.formats or any(f not in PROOF_FORMATS for f in request.formats):
        raise InvalidRequest(f"proof formats must be from {', '.join(PROOF_FORMATS)}")
    if (request.recipient.email is None) == (request.recipient.id is None):
        raise InvalidRequest("give the recipient's `email` or `id`, not both")
    if request.valid_from and request.valid_until and request.valid_until <= request.valid_from:
        raise InvalidRequest("validUntil must be after validFrom")


def _replay(earlier: store.CredentialRow, fingerprint: bytes | None) -> Issued:
    if earlier.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was used with a different request; use a new key"
        )
    return Issued(earlier, replayed=True)


async def _issue(
    conn: Conn,
    ctx: IssuerContext,
    principal: Principal,
    issuer_id: uuid.UUID,
    request: IssueRequest,
    fingerprint: bytes | None,
) -> tuple[store.CredentialRow, str]:
    issuer = await issuer_store.get_issuer(conn, issuer_id, platform_id=principal.platform_id)
    if issuer is None:
        raise IssuerNotFound(f"no issuer {issuer_id}")
    achievement = await achievement_store.get_achievement(
        conn, request.achievement_id, platform_id=principal.platform_id
    )
    if achievement is None or achievement.issuer_id != issuer_id:
        raise AchievementNotFound(f"issuer {issuer_id} has no achievement {request.achievement_id}")
    key = await signing_key(conn, ctx, issuer_id)
    now = ctx.clock()
    credential_id = uuid.uuid4()
    status = await status_entries(
        conn, ctx, issuer, key, credential_id, suspendable=request.suspendable
    )
    row = new_credential_row(
        ctx,
        principal,
        issuer,
        achievement,
        key,
        request,
        credential_id=credential_id,
        status=status,
        now=now,
        fingerprint=fingerprint,
    )
    return row, issuer.did


def new_credential_row(
    ctx: IssuerContext,
    principal: Principal,
    issuer: issuer_store.IssuerRow,
    achievement: achievement_store.AchievementRow,
    key: SigningKey,
    request: IssueRequest,
    *,
    credential_id: uuid.UUID,
    status: StatusEntries,
    now: datetime,
    fingerprint: bytes | None,
) -> store.CredentialRow:
    """Builds and signs the credential; the row to store (no database work)."""
    valid_from = request.valid_from or now
    document = build_credential(
        credential_id=credential_id,
        issuer_profile=profile_document(issuer.did, issuer.profile),
        subject=credential_subject(
            request.recipient,
            achievement.document,
            results=request.results,
            narrative=request.narrative,
        ),
        status_entries=status.entries,
        valid_from=valid_from,
        valid_until=request.valid_until,
        awarded_date=request.awarded_date,
        evidence=request.evidence,
    )
    signed = sign_credential(
        document,
        key.pair,
        key.verification_method,
        formats=request.formats,
        created=xsd_datetime(now),
        rdf=ctx.rdf,
    )
    revocation, suspension = status.revocation, status.suspension
    return store.CredentialRow(
        id=credential_id,
        platform_id=principal.platform_id,
        issuer_id=issuer.id,
        achievement_id=achievement.id,
        achievement_version=achievement.version,
        recipient=request.recipient.lookup_key(),
        status=ACTIVE,
        formats=request.formats,
        document=signed.document,
        jwt=signed.jwt,
        status_list_id=revocation.list_id,
        status_list_index=revocation.index,
        suspension_list_id=suspension.list_id if suspension else None,
        suspension_index=suspension.index if suspension else None,
        issued_at=now,
        valid_from=valid_from,
        valid_until=request.valid_until,
        request_hash=fingerprint,
    )


@dataclass(frozen=True, slots=True)
class StatusEntries:
    revocation: Allocation
    suspension: Allocation | None

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The BitstringStatusListEntry objects the credential carries."""
        entries = [status_entry(self.revocation.url, self.revocation.index, REVOCATION)]
        if self.suspension is not None:
            entries.append(status_entry(self.suspension.url, self.suspension.index, SUSPENSION))
        return entries


async def status_entries(
    conn: Conn,
    ctx: IssuerContext,
    issuer: issuer_store.IssuerRow,
    key: SigningKey,
    credential_id: uuid.UUID,
    *,
    suspendable: bool = True,
) -> StatusEntries:
    """A revocation entry (and a suspension entry when the issuer allows suspension) at random
    unused indexes; lists opened for them are signed and announced first."""
    revocation = await allocate(conn, ctx, issuer.id, REVOCATION, credential_id)
    opened = list(revocation.opened_lists)
    suspension = None
    if issuer.allow_suspension and suspendable:
        suspension = await allocate(conn, ctx, issuer.id, SUSPENSION, credential_id)
        opened += suspension.opened_lists
    for list_id in opened:  # a new list is announced before anything points at it
        await publish_list(conn, ctx, list_id, issuer.did, key)
    return StatusEntries(revocation, suspension)


async def _announce(
    conn: Conn, ctx: IssuerContext, row: store.CredentialRow, issuer_did: str
) -> None:
    await enqueue_many(
        conn, [issued_event(ctx, row, issuer_did, current_trace_headers())], ctx.outbox_shards
    )


def issued_event(
    ctx: IssuerContext, row: store.CredentialRow, issuer_did: str, trace_headers: dict[str, str]
) -> OutboxEntry:
    """The `credential.issued` event of a new credential."""
    payload = CredentialIssuedV1(
        credential_id=f"urn:uuid:{row.id}",
        issuer_id=str(row.issuer_id),
        issuer_did=issuer_did,
        achievement_id=f"urn:uuid:{row.achievement_id}" if row.achievement_id else None,
        issued_at=xsd_datetime(row.issued_at),
        valid_from=xsd_datetime(row.valid_from) if row.valid_from else None,
        valid_until=xsd_datetime(row.valid_until) if row.valid_until else None,
    )
    return outbox_entry(
        ctx,
        event_type=CREDENTIAL_ISSUED,
        key=f"urn:uuid:{row.id}",
        payload=payload,
        subject=f"urn:uuid:{row.id}",
        trace_headers=trace_headers,
    )
