"""SQL of status lists and the indexes handed out on them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from b4g.core.infra.db import Conn


@dataclass(frozen=True, slots=True)
class OpenList:
    id: uuid.UUID
    seq: int
    capacity: int


@dataclass(frozen=True, slots=True)
class ListState:
    id: uuid.UUID
    issuer_id: uuid.UUID
    purpose: str
    length: int
    bits: bytes
    version: int
    credential: dict[str, Any] | None


async def current_list(conn: Conn, issuer_id: uuid.UUID, purpose: str) -> OpenList | None:
    """The list being filled: the highest-numbered one of the issuer and purpose."""
    row = await conn.fetchrow(
        "SELECT id, seq, capacity FROM status_lists WHERE issuer_id = $1 AND purpose = $2"
        " ORDER BY seq DESC LIMIT 1",
        issuer_id,
        purpose,
    )
    return OpenList(row["id"], row["seq"], row["capacity"]) if row is not None else None


async def insert_list(
    conn: Conn,
    *,
    list_id: uuid.UUID,
    issuer_id: uuid.UUID,
    purpose: str,
    seq: int,
    length: int,
    capacity: int,
    bits: bytes,
) -> bool:
    """Opens list number `seq`; False when another transaction opened that number first."""
    inserted = await conn.fetchval(
        "INSERT INTO status_lists (id, issuer_id, purpose, seq, length, capacity, bits)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING true",
        list_id,
        issuer_id,
        purpose,
        seq,
        length,
        capacity,
        bits,
    )
    return bool(inserted)


async def try_allocate_many(
    conn: Conn, list_id: uuid.UUID, claims: Sequence[tuple[int, uuid.UUID]]
) -> dict[uuid.UUID, int]:
    """Claims each (index, credential) it can in one statement; returns the credentials that
    got their index. An index another transaction has claimed but not committed is skipped, not
    waited for: every claim first takes a transaction-scoped advisory lock on (list, index), so
    a held lock means an open claim. Waiting would stall for the other transaction's whole
    batch, and two transactions claiming in several rounds could wait on each other in a cycle
    (a deadlock, detected only after a second)."""
    rows = await conn.fetch(
        "INSERT INTO status_allocations (list_id, index, credential_id)"
        " SELECT $1, i, c FROM unnest($2::integer[], $3::uuid[]) AS t(i, c)"
        " WHERE pg_try_advisory_xact_lock($4, i)"
        " ON CONFLICT DO NOTHING RETURNING index, credential_id",
        list_id,
        [index for index, _ in claims],
        [credential for _, credential in claims],
        _lock_space(list_id),
    )
    return {row["credential_id"]: row["index"] for row in rows}


def _lock_space(list_id: uuid.UUID) -> int:
    """The first key of a list's advisory locks (the index is the second): 32 bits of its id.
    Two lists sharing it only make a claim skip an index now and then."""
    return int.from_bytes(list_id.bytes[:4], "big", signed=True)


async def free_indexes(conn: Conn, list_id: uuid.UUID, candidates: Sequence[int]) -> list[int]:
    """Which of these indexes nobody has claimed (yet: a claim may still race). The claimed
    ones are looked up by key (`index = ANY`): an anti-join would be planned from the
    statistics of a young list as a hash of all its allocations, which grows with the list."""
    rows = await conn.fetch(
        "SELECT i FROM unnest($2::integer[]) WITH ORDINALITY AS c(i, n) WHERE i <> ALL (ARRAY("
        "SELECT a.index FROM status_allocations a WHERE a.list_id = $1 AND a.index = ANY($2)))"
        " ORDER BY n",
        list_id,
        candidates,
    )
    return [row["i"] for row in rows]


async def release_allocations(conn: Conn, claims: Sequence[tuple[uuid.UUID, int]]) -> None:
    """Gives back (list, index) claims of credentials that will not be stored after all."""
    await conn.execute(
        "DELETE FROM status_allocations a USING unnest($1::uuid[], $2::integer[]) AS r(l, i)"
        " WHERE a.list_id = r.l AND a.index = r.i",
        [list_id for list_id, _ in claims],
        [index for _, index in claims],
    )


async def random_free_indexes(
    conn: Conn, list_id: uuid.UUID, capacity: int, count: int, skip: Sequence[int] = ()
) -> list[int]:
    """Up to `count` uniformly random unclaimed indexes not in `skip`, by scanning; for lists
    where probing keeps missing."""
    rows = await conn.fetch(
        "SELECT i FROM generate_series(0, $2 - 1) AS i WHERE i <> ALL($3::integer[])"
        " AND NOT EXISTS (SELECT 1 FROM status_allocations a WHERE a.list_id = $1 AND a.index = i)"
        " ORDER BY random() LIMIT $4",
        list_id,
        capacity,
        list(skip),
        count,
    )
    return [row["i"] for row in rows]


async def lock_list(conn: Conn, list_id: uuid.UUID) -> ListState:
    row = await conn.fetchrow("SELECT * FROM status_lists WHERE id = $1 FOR UPDATE", list_id)
    assert row is not None
    return _state(row)


async def mark_bit(conn: Conn, list_id: uuid.UUID, pg_bit: int, value: bool) -> int:
    """Sets or clears one bit (PostgreSQL's `set_bit` numbering) and marks the list dirty;
    returns the version that will be the first to carry the change. The row lock lasts only
    the caller's transaction, which signs nothing."""
    version: int = await conn.fetchval(
        "UPDATE status_lists SET bits = set_bit(bits, $2, $3),"
        " dirty_since = coalesce(dirty_since, now()), updated_at = now()"
        " WHERE id = $1 RETURNING version + 1",
        list_id,
        pg_bit,
        int(value),
    )
    return version


_DUE = (
    "dirty_since IS NOT NULL"
    " AND (published_at IS NULL OR published_at <= now() - make_interval(secs => $1))"
)


async def due_lists(conn: Conn, interval: float, limit: int) -> list[uuid.UUID]:
    """Dirty lists not re-signed within the last `interval` seconds, longest waiting first."""
    rows = await conn.fetch(
        f"SELECT id FROM status_lists WHERE {_DUE} ORDER BY dirty_since LIMIT $2",  # noqa: S608
        interval,
        limit,
    )
    return [row["id"] for row in rows]


async def claim_due_list(conn: Conn, list_id: uuid.UUID, interval: float) -> ListState | None:
    """Locks the list if it is still due and no other publisher holds it (skip, never wait)."""
    row = await conn.fetchrow(
        f"SELECT * FROM status_lists WHERE {_DUE} AND id = $2 FOR UPDATE SKIP LOCKED",  # noqa: S608
        interval,
        list_id,
    )
    return _state(row) if row is not None else None


def _state(row: Any) -> ListState:
    return ListState(
        id=row["id"],
        issuer_id=row["issuer_id"],
        purpose=row["purpose"],
        length=row["length"],
        bits=bytes(row["bits"]),
        version=row["version"],
        credential=row["credential"],
    )


async def save_list(
    conn: Conn, list_id: uuid.UUID, *, bits: bytes, version: int, credential: dict[str, Any]
) -> None:
    await conn.execute(
        "UPDATE status_lists SET bits = $2, version = $3, credential = $4, updated_at = now(),"
        " dirty_since = NULL, published_at = now() WHERE id = $1",
        list_id,
        bits,
        version,
        credential,
    )


class PublishedList(msgspec.Struct, frozen=True):
    id: uuid.UUID
    purpose: str
    version: int
    credential: dict[str, Any]


async def published_lists(conn: Conn) -> list[PublishedList]:
    """Every list's latest signed credential (for publishing it again after a broker lost it)."""
    rows = await conn.fetch(
        "SELECT id, purpose, version, credential FROM status_lists"
        " WHERE credential IS NOT NULL ORDER BY id"
    )
    return [PublishedList(r["id"], r["purpose"], r["version"], r["credential"]) for r in rows]
