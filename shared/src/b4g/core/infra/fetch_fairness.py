"""Fair outbound fetching: at most a few requests to one host at a time (a slow host queues
its own requests, never everyone's), and a time budget for a whole unit of work (one
verification) that every fetch inside it shares, so many slow hosts cannot add up."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections.abc import AsyncIterator, Iterator

# The monotonic instant the current unit of work must be done by (None: no budget).
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "b4g_fetch_deadline", default=None
)


@contextlib.contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Every fetch inside this block (and in the tasks it starts) ends by `seconds` from now,
    whatever its own limit. A budget inside another never extends it."""
    deadline = time.monotonic() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left in the current budget, or None outside any."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline - time.monotonic()


class HostSlots:
    """`per_host` slots per host name; a host's entry goes when nobody holds or awaits it."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._hosts: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore, users = self._hosts.get(host) or (asyncio.Semaphore(self._per_host), 0)
        self._hosts[host] = (semaphore, users + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, users = self._hosts[host]
            if users <= 1:
                del self._hosts[host]
            else:
                self._hosts[host] = (semaphore, users - 1)

    def __len__(self) -> int:
        return len(self._hosts)
