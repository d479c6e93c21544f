"""Handing out status-list indexes: random, unused, safe across replicas and retries.

A claim is a row in `status_allocations` whose primary key (list, index) makes two claims of one
index impossible, whichever replica makes them. Rounds of random claims (`claim_random`, for
the credentials of a batch) almost always place every credential; when they keep missing, a scan
picks random free indexes, and when none is left the next list is opened by inserting the next
list number (unique per issuer and purpose, so concurrent replicas open one list, not two). No
lock is held on list rows while issuing, and no claim waits for another (see
`store.try_allocate_many`). Claims and opened lists commit or roll back with the credential
that uses them.
"""

from __future__ import annotations

import math
import secrets
import uuid
from dataclasses import dataclass

from b4g.core.infra.db import Conn
from b4g.core.statuslist import new_bits
from b4g.issuer.domain.status import random_indexes, status_list_url
from b4g.issuer.settings import STATUS_LIST_LENGTH
from b4g.issuer.store import status_lists as store
from b4g.issuer.usecases.context import IssuerContext

# Candidate indexes asked about at once, and the smallest share of free indexes assumed (a
# list with fewer free indexes than that is scanned).
_MAX_CANDIDATES = 8192
_MIN_FREE_SHARE = 0.01
# Below this share of free candidates a round asks which are free before claiming.
_ASK_BELOW_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Allocation:
    list_id: uuid.UUID
    index: int
    url: str


@dataclass(frozen=True, slots=True)
class Allocations:
    by_credential: dict[uuid.UUID, Allocation]
    # Lists this transaction opened: their first version must be signed and published.
    opened_lists: tuple[uuid.UUID, ...]


async def allocate(
    conn: Conn,
    ctx: IssuerContext,
    issuer_id: uuid.UUID,
    purpose: str,
    credentials: list[uuid.UUID],
    current: store.OpenList | None,
) -> Allocations:
    """An index for each credential on the issuer's list of this purpose being filled
    (`current`, None when the issuer has none yet): random claims, then a scan of what is left
    when they keep missing, then the next list."""
    got: dict[uuid.UUID, Allocation] = {}
    opened: list[uuid.UUID] = []
    waiting = list(credentials)
    while True:
        if current is not None:
            got |= await _fill(conn, ctx, current, waiting)
            waiting = [credential for credential in waiting if credential not in got]
            if not waiting:
                return Allocations(got, tuple(opened))
        seq = current.seq + 1 if current is not None else 1
        list_id = uuid.uuid4()
        if await store.insert_list(
            conn,
            list_id=list_id,
            issuer_id=issuer_id,
            purpose=purpose,
            seq=seq,
            length=STATUS_LIST_LENGTH,
            capacity=ctx.status_list_capacity,
            bits=bytes(new_bits(STATUS_LIST_LENGTH)),
        ):
            opened.append(list_id)
        # Else lost the race: someone else's list number `seq` is now committed; fill that one.
        current = await store.current_list(conn, issuer_id, purpose)


async def _fill(
    conn: Conn, ctx: IssuerContext, current: store.OpenList, credentials: list[uuid.UUID]
) -> dict[uuid.UUID, Allocation]:
    url = status_list_url(ctx.verifier_base_url, current.id)
    got = await claim_random(conn, ctx, current, credentials)
    # Rounds kept missing: the list is nearly full. Scan for what is left (an index seen free
    # may still be held by an uncommitted claim: skipped, not asked for again).
    held: list[int] = []
    while waiting := [credential for credential in credentials if credential not in got]:
        free = await store.random_free_indexes(
            conn, current.id, current.capacity, len(waiting), held
        )
        if not free:
            break
        claimed = await store.try_allocate_many(
            conn, current.id, list(zip(free, waiting, strict=False))
        )
        held += [index for index in free if index not in claimed.values()]
        got |= claimed
    return {credential: Allocation(current.id, index, url) for credential, index in got.items()}


async def claim_random(
    conn: Conn, ctx: IssuerContext, open_list: store.OpenList, credentials: list[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Random indexes for these credentials on one list, in at most `status_list_probes` rounds
    (those it could not place are missing from the result). While most candidates turn out
    free, a round claims one random candidate each; once fewer do, a round first asks which of
    enough candidates are free (as many as the share of free indexes seen so far calls for), so
    a list that is filling up still costs two statements a round rather than a probe per index."""
    got: dict[uuid.UUID, int] = {}
    tried: set[int] = set()
    asked = found = 0  # candidates so far, and how many of them were free
    for _ in range(ctx.status_list_probes):
        waiting = [credential for credential in credentials if credential not in got]
        if not waiting:
            break
        share = max((found + 1) / (asked + 1), _MIN_FREE_SHARE)
        ask_first = share < _ASK_BELOW_SHARE
        wanted = min(_MAX_CANDIDATES, math.ceil(4 * len(waiting) / share))
        candidates = _untried(open_list.capacity, wanted if ask_first else len(waiting), tried)
        if ask_first:
            free = await store.free_indexes(conn, open_list.id, candidates)
            asked, found = asked + len(candidates), found + len(free)
            candidates = free
        claims = list(zip(candidates, waiting, strict=False))
        claimed = await store.try_allocate_many(conn, open_list.id, claims)
        if not ask_first:
            asked, found = asked + len(claims), found + len(claimed)
        got |= claimed
    return got


def _untried(capacity: int, wanted: int, tried: set[int]) -> list[int]:
    """Up to `wanted` random indexes below `capacity` not tried before (all of those left, in
    random order, when that is about as many); marks them tried."""
    if wanted >= capacity - len(tried):
        candidates = [index for index in range(capacity) if index not in tried]
        secrets.SystemRandom().shuffle(candidates)
    else:
        candidates = [i for i in dict.fromkeys(random_indexes(capacity, wanted)) if i not in tried]
    tried.update(candidates)
    return candidates
