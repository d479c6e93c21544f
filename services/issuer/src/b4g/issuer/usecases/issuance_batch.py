"""Issuing concurrent requests together.

Each issuance request joins a queue; a few lanes take whatever has gathered and issue it in one
transaction with a fixed handful of statements (which Idempotency-Keys are taken; issuers,
achievements, active keys and open lists; status-index claims per list; credentials; events).
The round trips and the commit of a credential are shared by every request that arrived with
it, and nobody waits for a batch to fill: a lane takes what is there.

The outcome of a request is what `issuance.issue` would give it. Anything the shared path does
not handle goes through `issuance.issue` itself, after the batch: a replay or a second use of an
Idempotency-Key, an unknown issuer or achievement, an issuer without a list yet, a list that is
filling up, and any error of the shared transaction (which then issued nothing).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from opentelemetry import context as otel_context
from opentelemetry import trace

from b4g.core.infra.db import Conn
from b4g.core.infra.outbox import enqueue_many
from b4g.core.infra.telemetry import inject_headers
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.idempotency import request_fingerprint
from b4g.issuer.domain.status import REVOCATION, SUSPENSION, random_indexes, status_list_url
from b4g.issuer.store import achievements as achievement_store
from b4g.issuer.store import credentials as store
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.store import status_lists as list_store
from b4g.issuer.usecases import issuance
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuers import SigningKey, open_signing_key
from b4g.issuer.usecases.status_allocation import Allocation

log = logging.getLogger(__name__)


@dataclass(slots=True, eq=False)  # each job is itself (a dict key), however alike
class _Job:
    principal: Principal
    issuer_id: uuid.UUID
    request: issuance.IssueRequest
    idempotency_key: str | None
    fingerprint: bytes | None
    trace: otel_context.Context  # the request's, so its events continue its trace
    result: asyncio.Future[issuance.Issued]


class IssuanceBatcher:
    """The queue and its lanes; `issue` is what HTTP handlers call."""

    def __init__(
        self, ctx: IssuerContext, *, tracer: trace.Tracer | None = None, max_batch: int = 64
    ) -> None:
        self._ctx = ctx
        self._tracer = tracer or trace.get_tracer(__name__)
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._lanes = 0

    async def issue(
        self,
        principal: Principal,
        issuer_id: uuid.UUID,
        request: issuance.IssueRequest,
        idempotency_key: str | None = None,
    ) -> issuance.Issued:
        if self._lanes == 0:  # not serving (a tool, a test without the lifespan)
            return await issuance.issue(self._ctx, principal, issuer_id, request, idempotency_key)
        issuance.check(request)
        fingerprint = request_fingerprint(issuer_id, request.body) if idempotency_key else None
        result: asyncio.Future[issuance.Issued] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(
            _Job(
                principal,
                issuer_id,
                request,
                idempotency_key,
                fingerprint,
                otel_context.get_current(),
                result,
            )
        )
        return await result

    async def run(self, lanes: int) -> None:
        """Serve the queue with `lanes` concurrent batches until cancelled."""
        await asyncio.gather(*(self._lane() for _ in range(lanes)))

    async def _lane(self) -> None:
        self._lanes += 1
        try:
            while True:
                jobs = [await self._queue.get()]
                while len(jobs) < self._max_batch and not self._queue.empty():
                    jobs.append(self._queue.get_nowait())
                try:
                    await issue_jobs(self._ctx, self._tracer, jobs)
                finally:  # cancelled mid-batch (shutdown): nobody may wait forever
                    for job in jobs:
                        if not job.result.done():
                            job.result.set_exception(RuntimeError("the issuer is shutting down"))
        finally:
            self._lanes -= 1


async def issue_jobs(ctx: IssuerContext, tracer: trace.Tracer, jobs: list[_Job]) -> None:
    """One batch: issued together where possible, the rest alone; every job answered."""
    links = [trace.Link(trace.get_current_span(job.trace).get_span_context()) for job in jobs]
    with tracer.start_as_current_span(
        "issue credentials together", links=links, attributes={"b4g.batch.size": len(jobs)}
    ):
        alone: list[_Job]
        try:
            async with ctx.pool.acquire() as conn, conn.transaction():
                issued, alone = await _issue_together(conn, ctx, jobs)
        except Exception as exc:  # nothing was issued; each job goes alone
            log.debug("issuing together failed, one by one", extra={"error": repr(exc)})
            issued, alone = {}, jobs
        for job, row in issued.items():
            if not job.result.done():
                job.result.set_result(issuance.Issued(row, replayed=False))
        await asyncio.gather(*(_issue_alone(ctx, job) for job in alone))


async def _issue_alone(ctx: IssuerContext, job: _Job) -> None:
    token = otel_context.attach(job.trace)
    try:
        issued = await issuance.issue(
            ctx, job.principal, job.issuer_id, job.request, job.idempotency_key
        )
    except Exception as exc:  # the request's own answer (problem details)
        if not job.result.done():
            job.result.set_exception(exc)
    else:
        if not job.result.done():
            job.result.set_result(issued)
    finally:
        otel_context.detach(token)


@dataclass(frozen=True, slots=True)
class _Ready:
    job: _Job
    issuer: issuer_store.IssuerRow
    achievement: achievement_store.AchievementRow
    key: SigningKey
    credential_id: uuid.UUID


async def _issue_together(
    conn: Conn, ctx: IssuerContext, jobs: list[_Job]
) -> tuple[dict[_Job, store.CredentialRow], list[_Job]]:
    """Issues what it can in `conn`'s transaction; returns those rows and the jobs left over."""
    fresh, alone = await _first_uses(conn, jobs)
    ready, missing = await _inputs(conn, ctx, fresh)
    alone += missing
    claimed, unclaimed = await _claim_indexes(conn, ctx, ready)
    alone += [item.job for item in unclaimed]
    now = ctx.clock()
    made = [
        (
            item,
            issuance.new_credential_row(
                ctx,
                item.job.principal,
                item.issuer,
                item.achievement,
                item.key,
                item.job.request,
                credential_id=item.credential_id,
                status=claimed[item.credential_id],
                now=now,
                fingerprint=item.job.fingerprint,
            ),
        )
        for item in ready
        if item.credential_id in claimed
    ]
    await store.insert_credentials(conn, [(row, item.job.idempotency_key) for item, row in made])
    await enqueue_many(
        conn,
        [
            issuance.issued_event(ctx, row, item.issuer.did, _headers(item.job))
            for item, row in made
        ],
        ctx.outbox_shards,
    )
    return {item.job: row for item, row in made}, alone


def _headers(job: _Job) -> dict[str, str]:
    """The request's `traceparent`, for its event."""
    headers: dict[str, str] = {}
    inject_headers(headers, context=job.trace)
    return headers


async def _first_uses(conn: Conn, jobs: list[_Job]) -> tuple[list[_Job], list[_Job]]:
    """Splits off jobs whose Idempotency-Key is taken, or repeated within the batch: they are
    answered alone after the batch commits (a replay, or 409 for another body)."""
    keyed = {
        (job.principal.platform_id, job.idempotency_key) for job in jobs if job.idempotency_key
    }
    taken = await store.idempotency_keys_in_use(conn, list(keyed)) if keyed else set()
    fresh: list[_Job] = []
    alone: list[_Job] = []
    seen: set[tuple[uuid.UUID, str]] = set()
    for job in jobs:
        if job.idempotency_key is None:
            fresh.append(job)
            continue
        key = (job.principal.platform_id, job.idempotency_key)
        (alone if key in taken or key in seen else fresh).append(job)
        seen.add(key)
    return fresh, alone


async def _inputs(
    conn: Conn, ctx: IssuerContext, jobs: list[_Job]
) -> tuple[list[_Ready], list[_Job]]:
    """Issuer, achievement and open key of each job; jobs naming something that is not theirs
    (or an issuer without an active key) go alone, to be answered with the single path's error."""
    if not jobs:
        return [], []
    issuer_ids = sorted({job.issuer_id for job in jobs})
    issuers = await issuer_store.issuers_by_id(conn, issuer_ids)
    achievements = await achievement_store.current_achievements(
        conn, sorted({job.request.achievement_id for job in jobs})
    )
    keys = await issuer_store.active_keys(conn, issuer_ids)
    opened = {issuer_id: open_signing_key(ctx, key) for issuer_id, key in keys.items()}
    ready: list[_Ready] = []
    alone: list[_Job] = []
    for job in jobs:
        issuer = issuers.get(job.issuer_id)
        achievement = achievements.get(job.request.achievement_id)
        key = opened.get(job.issuer_id)
        platform = job.principal.platform_id
        if (
            issuer is None
            or issuer.platform_id != platform
            or achievement is None
            or achievement.platform_id != platform
            or achievement.issuer_id != job.issuer_id
            or key is None
        ):
            alone.append(job)
            continue
        ready.append(_Ready(job, issuer, achievement, key, uuid.uuid4()))
    return ready, alone


async def _claim_indexes(
    conn: Conn, ctx: IssuerContext, ready: list[_Ready]
) -> tuple[dict[uuid.UUID, issuance.StatusEntries], list[_Ready]]:
    """A revocation index (and a suspension index where the issuer allows suspension) for each
    credential, on the lists being filled. Credentials that could not get all of theirs give back
    what they got and go alone (the single path opens lists and scans nearly full ones)."""
    if not ready:
        return {}, []
    lists = await list_store.current_lists(conn, sorted({item.issuer.id for item in ready}))
    wanted: dict[tuple[uuid.UUID, str], list[uuid.UUID]] = defaultdict(list)
    for item in ready:
        wanted[(item.issuer.id, REVOCATION)].append(item.credential_id)
        if item.issuer.allow_suspension:
            wanted[(item.issuer.id, SUSPENSION)].append(item.credential_id)
    got: dict[tuple[uuid.UUID, str], dict[uuid.UUID, int]] = {}
    for group in sorted(wanted, key=lambda g: str(lists[g].id) if g in lists else ""):
        open_list = lists.get(group)
        got[group] = (
            await _claim_on(conn, ctx, open_list, wanted[group]) if open_list is not None else {}
        )
    claimed: dict[uuid.UUID, issuance.StatusEntries] = {}
    unclaimed: list[_Ready] = []
    for item in ready:
        revocation = _allocation(ctx, lists, got, item, REVOCATION)
        suspension = (
            _allocation(ctx, lists, got, item, SUSPENSION) if item.issuer.allow_suspension else None
        )
        if revocation is None or (item.issuer.allow_suspension and suspension is None):
            unclaimed.append(item)
        else:
            claimed[item.credential_id] = issuance.StatusEntries(revocation, suspension)
    given_back = [
        (lists[group].id, got[group][item.credential_id])
        for item in unclaimed
        for group in ((item.issuer.id, REVOCATION), (item.issuer.id, SUSPENSION))
        if item.credential_id in got.get(group, {})
    ]
    if given_back:
        await list_store.release_allocations(conn, given_back)
    return claimed, unclaimed


async def _claim_on(
    conn: Conn, ctx: IssuerContext, open_list: list_store.OpenList, credentials: list[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Random indexes for these credentials on one list: a few rounds of random probes for
    those still without one."""
    got: dict[uuid.UUID, int] = {}
    tried: set[int] = set()
    for _ in range(ctx.status_list_probes):
        waiting = [credential for credential in credentials if credential not in got]
        if not waiting:
            break
        candidates = _fresh(random_indexes(open_list.capacity, 2 * len(waiting)), tried)
        claims = list(zip(candidates, waiting, strict=False))
        tried.update(index for index, _ in claims)
        got |= await list_store.try_allocate_many(conn, open_list.id, claims)
    return got


def _fresh(candidates: Iterable[int], tried: set[int]) -> list[int]:
    """Distinct candidates not tried before, in their random order."""
    return [index for index in dict.fromkeys(candidates) if index not in tried]


def _allocation(
    ctx: IssuerContext,
    lists: dict[tuple[uuid.UUID, str], list_store.OpenList],
    got: dict[tuple[uuid.UUID, str], dict[uuid.UUID, int]],
    item: _Ready,
    purpose: str,
) -> Allocation | None:
    group = (item.issuer.id, purpose)
    index = got.get(group, {}).get(item.credential_id)
    if index is None:
        return None
    list_id = lists[group].id
    return Allocation(list_id, index, status_list_url(ctx.verifier_base_url, list_id), ())
