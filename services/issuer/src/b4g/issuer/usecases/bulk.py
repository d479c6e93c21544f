"""Bulk issuance jobs: stored at once, issued by workers on every replica.

A worker claims a few dozen pending rows with `FOR UPDATE SKIP LOCKED` (replicas and lanes split
the rows without coordinating) and, in that same transaction, issues their credentials with each
row's deterministic Idempotency-Key (one batch of the issuance pipeline, as concurrent HTTP
requests are) and records the results. Commit makes both durable together; a crash rolls
both back and the rows are pending again. So a restart resumes where the job was, and no row is
issued twice. Problems of one row (an unknown achievement, a bad date) are that row's error; the
job goes on.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime
from typing import Any

import asyncpg

from b4g.core.infra.db import Conn
from b4g.issuer.domain.access import SCOPE_ISSUE, Principal
from b4g.issuer.domain.bulk import BulkJob, RowResult, UploadRow, row_idempotency_key
from b4g.issuer.domain.credentials import Recipient
from b4g.issuer.domain.errors import (
    BulkJobNotFound,
    IdempotencyKeyReused,
    IssuerError,
    IssuerNotFound,
)
from b4g.issuer.domain.signing import DEFAULT_FORMAT
from b4g.issuer.store import bulk_jobs as store
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuance import open_badge_order
from b4g.issuer.usecases.issuance_orders import Issued, IssueOrder, IssueRequest, Outcome
from b4g.issuer.usecases.issuance_pipeline import issue_orders
from b4g.issuer.usecases.records import record

log = logging.getLogger(__name__)
# Worth another try later; any other error of a row is that row's failure (never a retry loop).
_TRANSIENT = (
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
    asyncpg.UniqueViolationError,  # a concurrent claim of the same status index
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    OSError,
    TimeoutError,
)


def _view(job: store.JobRow, progress: store.Progress, *, replayed: bool = False) -> BulkJob:
    """The job as its owners see it: what it is and how far it has got."""
    fixed = {"id": job.id, "issuer_id": job.issuer_id, "total": job.total}
    return record(BulkJob, progress, **fixed, created_at=job.created_at, replayed=replayed)


async def create_job(
    ctx: IssuerContext,
    principal: Principal,
    issuer_id: uuid.UUID,
    rows: list[UploadRow],
    *,
    idempotency_key: str | None,
    fingerprint: bytes | None,
) -> BulkJob:
    async with ctx.pool.acquire() as conn, conn.transaction():
        if idempotency_key is not None:
            earlier = await store.by_idempotency_key(conn, principal.platform_id, idempotency_key)
            if earlier is not None:
                if earlier.request_hash != fingerprint:
                    raise IdempotencyKeyReused(
                        "this Idempotency-Key was used with a different upload; use a new key"
                    )
                return _view(earlier, await store.progress(conn, earlier.id), replayed=True)
        issuer = await issuer_store.get_issuer(conn, issuer_id, platform_id=principal.platform_id)
        if issuer is None:
            raise IssuerNotFound(f"no issuer {issuer_id}")
        job = await store.insert_job(
            conn,
            job_id=uuid.uuid4(),
            platform_id=principal.platform_id,
            issuer_id=issuer_id,
            key_id=principal.key_id,
            rows=[record(store.NewRow, row) for row in rows],
            idempotency_key=idempotency_key,
            request_hash=fingerprint,
        )
        return _view(job, await store.progress(conn, job.id))


async def get_job(
    ctx: IssuerContext, principal: Principal, issuer_id: uuid.UUID, job_id: uuid.UUID
) -> BulkJob:
    async with ctx.pool.acquire() as conn:
        job = await _job(conn, principal, issuer_id, job_id)
        return _view(job, await store.progress(conn, job_id))


async def job_rows(
    ctx: IssuerContext,
    principal: Principal,
    issuer_id: uuid.UUID,
    job_id: uuid.UUID,
    *,
    state: str | None,
    limit: int,
    offset: int,
) -> list[RowResult]:
    async with ctx.pool.acquire() as conn:
        await _job(conn, principal, issuer_id, job_id)
        rows = await store.result_rows(conn, job_id, state=state, limit=limit, offset=offset)
    return [record(RowResult, row) for row in rows]


async def _job(
    conn: Conn, principal: Principal, issuer_id: uuid.UUID, job_id: uuid.UUID
) -> store.JobRow:
    job = await store.get_job(conn, job_id, platform_id=principal.platform_id, issuer_id=issuer_id)
    if job is None:
        raise BulkJobNotFound(f"issuer {issuer_id} has no bulk job {job_id}")
    return job


async def process_next_rows(ctx: IssuerContext, limit: int) -> int:
    """Issues (or refuses) up to `limit` pending rows of any jobs in one transaction, as one
    batch of the issuance pipeline; returns how many were processed."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        rows = await store.claim_rows(conn, limit)
        if not rows:
            return 0
        jobs = await store.jobs_by_id(conn, sorted({row.job_id for row in rows}))
        orders = [_order(jobs[row.job_id], row) for row in rows]
        try:
            async with conn.transaction():  # a savepoint: a failure leaves nothing behind
                outcomes: list[Outcome | Exception] = list(await issue_orders(conn, ctx, orders))
        except _TRANSIENT:
            raise  # the whole transaction rolls back: the rows stay pending for a retry
        except Exception as exc:  # perhaps one row's (a value the database refuses): alone
            log.debug("bulk rows not issued together", extra={"error": repr(exc)})
            outcomes = [await _alone(conn, ctx, order) for order in orders]
        pairs = list(zip(rows, outcomes, strict=True))
        await store.rows_issued(
            conn,
            [(r.job_id, r.row_number, o.credential.id) for r, o in pairs if isinstance(o, Issued)],
        )
        for row, outcome in pairs:
            if not isinstance(outcome, Issued):
                await _failed(conn, row, outcome)
        return len(rows)


async def _failed(conn: Conn, row: store.ClaimedRow, outcome: Exception) -> None:
    if isinstance(outcome, IssuerError):  # the row's own problem (an unknown achievement, …)
        code, message = outcome.code, str(outcome)
    else:  # not the row's fault and not transient (a bug): fail the row rather than retrying
        # it forever, and leave the details to the log
        log.error(
            "bulk row failed",
            extra={"job": str(row.job_id), "row": row.row_number, "error": repr(outcome)},
        )
        code, message = "internal_error", "the row could not be issued"
    await store.row_failed(conn, row.job_id, row.row_number, code, message)


def _order(job: store.JobRow, row: store.ClaimedRow) -> IssueOrder:
    """A row as an issue order, with the issuing right of the key that created its job and
    the row's deterministic Idempotency-Key."""
    principal = Principal(job.platform_id, job.key_id, frozenset({SCOPE_ISSUE}))
    key = row_idempotency_key(job.id, row.row_number)
    return open_badge_order(principal, job.issuer_id, issue_request(row.request), key)


async def _alone(conn: Conn, ctx: IssuerContext, order: IssueOrder) -> Outcome | Exception:
    """One row as a batch of one, in a savepoint: a refused row leaves no partial writes."""
    try:
        async with conn.transaction():
            [outcome] = await issue_orders(conn, ctx, [order])
            return outcome
    except _TRANSIENT:
        raise
    except Exception as exc:
        return exc


async def run_worker(ctx: IssuerContext, *, lanes: int, batch: int, poll_interval: float) -> None:
    """`lanes` concurrent loops in this process, each taking up to `batch` rows at a time;
    each sleeps when no row is pending."""

    async def lane() -> None:
        while True:
            try:
                if await process_next_rows(ctx, batch):
                    continue
            except Exception as exc:  # transient (deadlock, lost connection): the rows rolled
                # back and stay pending; the lane must outlive it
                log.warning("bulk rows not processed, will retry", extra={"error": str(exc)})
            await asyncio.sleep(poll_interval)

    await asyncio.gather(*(lane() for _ in range(lanes)))


def issue_request(stored: dict[str, Any]) -> IssueRequest:
    """The issue request of a stored row (validated at upload, camelCase, no nulls)."""
    recipient = stored.get("recipient") or {}
    return IssueRequest(
        achievement_id=uuid.UUID(stored["achievementId"]),
        recipient=Recipient(email=recipient.get("email"), id=recipient.get("id")),
        formats=tuple(dict.fromkeys(stored.get("proofFormats") or [DEFAULT_FORMAT])),
        valid_from=_instant(stored.get("validFrom")),
        valid_until=_instant(stored.get("validUntil")),
        awarded_date=_instant(stored.get("awardedDate")),
        narrative=stored.get("narrative"),
        evidence=list(stored.get("evidence") or []),
        results=list(stored.get("results") or []),
        body=stored,
    )


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
