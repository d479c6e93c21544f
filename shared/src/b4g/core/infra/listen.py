"""LISTEN for commits of new outbox rows, so a relay's latency isn't bound to its poll interval.

The listening connection is the relay's own; after a database restart it is gone (the pool has
taken it back), so a new one is taken on the next pass. Polling alone still works while this
fails."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from b4g.core.infra.outbox import NOTIFY_CHANNEL


class CommitListener:
    def __init__(self, pool: asyncpg.Pool, wakeup: asyncio.Event) -> None:
        self._pool = pool
        self._wakeup = wakeup
        self._conn: PoolConnectionProxy[asyncpg.Record] | None = None

    async def ensure(self) -> None:
        """Listen on a live connection, taking a new one if the last one died."""
        if self._conn is not None and _alive(self._conn):
            return
        await self.close()
        try:
            conn = await self._pool.acquire()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            return
        try:
            await conn.add_listener(NOTIFY_CHANNEL, self._wake)
        except BaseException:
            await self._pool.release(conn)
            raise
        self._conn = conn

    def _wake(self, *_: object) -> None:
        self._wakeup.set()

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        # A connection that died with the database has been taken back by the pool already.
        with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            if _alive(conn):
                await conn.remove_listener(NOTIFY_CHANNEL, self._wake)
            await self._pool.release(conn)


def _alive(conn: PoolConnectionProxy[asyncpg.Record]) -> bool:
    try:
        return not conn.is_closed()
    except asyncpg.InterfaceError:  # released by the pool when its connection was lost
        return False
