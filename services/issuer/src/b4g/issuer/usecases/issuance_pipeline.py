"""The issuance pipeline: every credential the issuer signs is issued here, in the caller's
transaction, whether it came alone or with others (a single request is a batch of one).

A fixed handful of statements however many orders: which Idempotency-Keys are taken (replays
and 409s); one read of the issuers, achievements, active keys and open status lists; status-index
claims per list, opening the next list where one is full or missing (a new list is signed and
announced before anything points at it); the credentials; their `credential.issued` events.
Each order gets the answer it would get alone: its own credential and status indexes, its event
carrying its own trace, or the error refusing it (which leaves nothing of it behind). An order
repeating another's Idempotency-Key is answered after that one, in the same transaction.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from b4g.core.infra.db import Conn
from b4g.core.infra.outbox import enqueue_many
from b4g.issuer.domain import vc_api
from b4g.issuer.domain.credentials import Credential
from b4g.issuer.domain.errors import (
    AchievementNotFound,
    IdempotencyKeyReused,
    IssuerError,
    IssuerNotFound,
    IssuerRequired,
    KeyNotFound,
)
from b4g.issuer.domain.status import REVOCATION, SUSPENSION
from b4g.issuer.store import credentials as store
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.store import issuing as issuing_store
from b4g.issuer.store import status_lists as list_store
from b4g.issuer.store.issuers import IssuerRow
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuance_drafts import Signer, StatusEntries, credential_row, issued_event
from b4g.issuer.usecases.issuance_orders import (
    Issued,
    IssueOrder,
    OpenBadgeDraft,
    Outcome,
    VcApiDraft,
    check,
)
from b4g.issuer.usecases.issuers import open_signing_key
from b4g.issuer.usecases.records import record
from b4g.issuer.usecases.status_allocation import Allocation, allocate
from b4g.issuer.usecases.status_publishing import publish_list

_Key = tuple[uuid.UUID, str]  # (platform, Idempotency-Key)


@dataclass(frozen=True, slots=True)
class _Ready:
    order: IssueOrder
    signer: Signer
    credential_id: uuid.UUID


async def issue_orders(conn: Conn, ctx: IssuerContext, orders: list[IssueOrder]) -> list[Outcome]:
    """Issues `orders` in `conn`'s transaction; one outcome per order, in order. Errors of the
    database are raised (the transaction is then the caller's to roll back)."""
    outcomes: dict[IssueOrder, Outcome] = {}
    fresh: list[IssueOrder] = []
    later: list[IssueOrder] = []  # repeating the Idempotency-Key of an earlier order
    seen: set[_Key] = set()
    for order in orders:
        try:
            check(order.draft)
        except IssuerError as exc:
            outcomes[order] = exc
            continue
        key = _key(order)
        (later if key is not None and key in seen else fresh).append(order)
        if key is not None:
            seen.add(key)
    fresh = await _replays(conn, fresh, outcomes)
    ready, lists = await _signers(conn, ctx, fresh, outcomes)
    made = await _issue(conn, ctx, ready, lists, outcomes)
    await store.insert_credentials(conn, [(row, item.order.idempotency_key) for item, row in made])
    await enqueue_many(
        conn,
        [issued_event(ctx, item.order, row, item.signer.issuer.did) for item, row in made],
        ctx.outbox_shards,
    )
    if later:  # they find the credentials just stored (a replay or 409), or issue their own
        outcomes.update(zip(later, await issue_orders(conn, ctx, later), strict=True))
    return [outcomes[order] for order in orders]


def _key(order: IssueOrder) -> _Key | None:
    if order.idempotency_key is None:
        return None
    return (order.principal.platform_id, order.idempotency_key)


async def _replays(
    conn: Conn, orders: list[IssueOrder], outcomes: dict[IssueOrder, Outcome]
) -> list[IssueOrder]:
    """Answers the orders whose Idempotency-Key names a credential already (its replay, or 409
    for another request); returns the others."""
    keys = {key for order in orders if (key := _key(order)) is not None}
    earlier = await store.by_idempotency_keys(conn, sorted(keys)) if keys else {}
    fresh: list[IssueOrder] = []
    for order in orders:
        key = _key(order)
        row = earlier.get(key) if key is not None else None
        if row is None:
            fresh.append(order)
        elif row.request_hash != order.fingerprint:
            outcomes[order] = IdempotencyKeyReused(
                "this Idempotency-Key was used with a different request; use a new key"
            )
        else:
            outcomes[order] = Issued(record(Credential, row), replayed=True)
    return fresh


async def _signers(
    conn: Conn, ctx: IssuerContext, orders: list[IssueOrder], outcomes: dict[IssueOrder, Outcome]
) -> tuple[list[_Ready], dict[tuple[uuid.UUID, str], list_store.OpenList]]:
    """The issuer, its active key and the achievement of each order, read at once, and the
    lists being filled; orders naming what is not the caller's get the error saying so."""
    if not orders:
        return [], {}
    chosen: dict[IssueOrder, uuid.UUID] = {}
    for order in orders:
        if isinstance(order.draft, OpenBadgeDraft):
            chosen[order] = order.draft.issuer_id
            continue
        try:
            chosen[order] = (await choose_issuer(conn, order, order.draft)).id
        except IssuerError as exc:
            outcomes[order] = exc
    if not chosen:
        return [], {}
    wanted = {o.draft.request.achievement_id for o in chosen if isinstance(o.draft, OpenBadgeDraft)}
    found = await issuing_store.issuing_inputs(conn, sorted(set(chosen.values())), sorted(wanted))
    keys = {issuer_id: open_signing_key(ctx, key) for issuer_id, key in found.keys.items()}
    ready: list[_Ready] = []
    for order, issuer_id in chosen.items():
        platform = order.principal.platform_id
        issuer = found.issuers.get(issuer_id)
        if issuer is None or issuer.platform_id != platform:
            outcomes[order] = IssuerNotFound(f"no issuer {issuer_id}")
            continue
        achievement = None
        if isinstance(order.draft, OpenBadgeDraft):
            achievement_id = order.draft.request.achievement_id
            achievement = found.achievements.get(achievement_id)
            if achievement is None or (achievement.platform_id, achievement.issuer_id) != (
                platform,
                issuer_id,
            ):
                outcomes[order] = AchievementNotFound(
                    f"issuer {issuer_id} has no achievement {achievement_id}"
                )
                continue
        key = keys.get(issuer_id)
        if key is None:
            outcomes[order] = KeyNotFound(f"issuer {issuer_id} has no active key")
            continue
        ready.append(_Ready(order, Signer(issuer, key, achievement), uuid.uuid4()))
    return ready, found.lists


async def choose_issuer(conn: Conn, order: IssueOrder, draft: VcApiDraft) -> IssuerRow:
    """Which issuer signs a VC API credential: `options.issuer` (an issuer's id or DID; it must
    be the platform's), else the credential's `issuer` when it is one of the platform's, else
    the platform's default issuer, else its only issuer."""
    platform_id, request = order.principal.platform_id, draft.request
    if request.issuer is not None:
        found = await issuer_store.find_issuer(conn, request.issuer, platform_id=platform_id)
        if found is None:
            raise IssuerNotFound(f"options.issuer {request.issuer!r} is none of your issuers")
        return found
    named = vc_api.named_issuer(request.credential)
    if named is not None:
        found = await issuer_store.find_issuer(conn, named, platform_id=platform_id)
        if found is not None:
            return found
    default = await issuer_store.default_issuer(conn, platform_id)
    if default is None:
        raise IssuerRequired(
            "name one of your issuers in options.issuer or the credential's issuer, or set a "
            "default with PUT /platform/default-issuer"
        )
    return default


async def _issue(
    conn: Conn,
    ctx: IssuerContext,
    ready: list[_Ready],
    lists: dict[tuple[uuid.UUID, str], list_store.OpenList],
    outcomes: dict[IssueOrder, Outcome],
) -> list[tuple[_Ready, store.CredentialRow]]:
    """Status entries for every credential (the lists opened for them signed and announced
    first), then each signed; an order refused while signing gives its indexes back."""
    if not ready:
        return []
    wanted: dict[tuple[uuid.UUID, str], list[uuid.UUID]] = defaultdict(list)
    signers: dict[uuid.UUID, Signer] = {}
    for item in ready:
        wanted[(item.signer.issuer.id, REVOCATION)].append(item.credential_id)
        if _suspendable(item):
            wanted[(item.signer.issuer.id, SUSPENSION)].append(item.credential_id)
        signers[item.signer.issuer.id] = item.signer
    got: dict[tuple[uuid.UUID, str], dict[uuid.UUID, Allocation]] = {}
    # In one order everywhere: two batches opening lists of the same issuers never wait on
    # each other in a cycle.
    for (issuer_id, purpose), credentials in sorted(wanted.items()):
        allocations = await allocate(
            conn, ctx, issuer_id, purpose, credentials, lists.get((issuer_id, purpose))
        )
        got[(issuer_id, purpose)] = allocations.by_credential
        signer = signers[issuer_id]
        for list_id in allocations.opened_lists:  # announced before anything points at it
            await publish_list(conn, ctx, list_id, signer.issuer.did, signer.key)
    now = ctx.clock()
    made: list[tuple[_Ready, store.CredentialRow]] = []
    refused: list[tuple[uuid.UUID, int]] = []
    for item in ready:
        issuer = item.signer.issuer
        status = StatusEntries(
            got[(issuer.id, REVOCATION)][item.credential_id],
            got[(issuer.id, SUSPENSION)][item.credential_id] if _suspendable(item) else None,
        )
        try:
            row = credential_row(
                ctx, item.order, item.signer, credential_id=item.credential_id, status=status,
                now=now,
            )  # fmt: skip
        except IssuerError as exc:
            outcomes[item.order] = exc
            refused += [(a.list_id, a.index) for a in (status.revocation, status.suspension) if a]
            continue
        outcomes[item.order] = Issued(record(Credential, row), replayed=False)
        made.append((item, row))
    if refused:
        await list_store.release_allocations(conn, refused)
    return made


def _suspendable(item: _Ready) -> bool:
    """Whether the credential gets a suspension entry: its issuer allows suspension and the
    request does not ask for a revocation entry only (the Quality Label badge)."""
    if not item.signer.issuer.allow_suspension:
        return False
    draft = item.order.draft
    return not isinstance(draft, OpenBadgeDraft) or draft.request.suspendable
