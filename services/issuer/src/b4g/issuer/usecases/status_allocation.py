"""Handing out status-list indexes: random, unused, safe across replicas and retries.

A claim is a row in `status_allocations` whose primary key (list, index) makes two claims of one
index impossible, whichever replica makes them. Random probes almost always hit a free index;
when they keep missing, a scan picks a random free one, and when none is left the next list is
opened by inserting the next list number (unique per issuer and purpose, so concurrent replicas
open one list, not two). No lock is held on list rows while issuing, and no claim waits for
another (see `store.try_allocate_many`). Claims and opened lists commit or roll back with the
credential that uses them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from b4g.core.infra.db import Conn
from b4g.core.statuslist import new_bits
from b4g.issuer.domain.status import random_indexes, status_list_url
from b4g.issuer.settings import STATUS_LIST_LENGTH
from b4g.issuer.store import status_lists as store
from b4g.issuer.usecases.context import IssuerContext


@dataclass(frozen=True, slots=True)
class Allocation:
    list_id: uuid.UUID
    index: int
    url: str
    # Lists this transaction opened: their first version must be signed and published.
    opened_lists: tuple[uuid.UUID, ...]


async def allocate(
    conn: Conn, ctx: IssuerContext, issuer_id: uuid.UUID, purpose: str, credential_id: uuid.UUID
) -> Allocation:
    opened: list[uuid.UUID] = []
    current = await store.current_list(conn, issuer_id, purpose)
    while True:
        if current is not None:
            index = await _claim(conn, ctx, current, credential_id)
            if index is not None:
                url = status_list_url(ctx.verifier_base_url, current.id)
                return Allocation(current.id, index, url, tuple(opened))
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


async def _claim(
    conn: Conn, ctx: IssuerContext, current: store.OpenList, credential_id: uuid.UUID
) -> int | None:
    for candidate in random_indexes(current.capacity, ctx.status_list_probes):
        if await store.try_allocate(conn, current.id, candidate, credential_id):
            return candidate
    # Several misses in a row: the list is nearly full. Scan for what is left (an index seen free
    # may still be held by an uncommitted claim: skipped, not asked for again).
    held: list[int] = []
    while (
        free := await store.random_free_index(conn, current.id, current.capacity, held)
    ) is not None:
        if await store.try_allocate(conn, current.id, free, credential_id):
            return free
        held.append(free)
    return None
