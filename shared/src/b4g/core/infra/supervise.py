"""Supervision of a process's background work (outbox relays, consumers, loops).

Nothing in the background may die silently: a supervised task that raises is logged with its
traceback, backed off and started again, for as long as the process runs. Each one reports its
health (last progress, last error, restarts) so `/ready` can say which one is not making
progress, instead of answering 200 while revoked badges stop reaching verifiers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

RESET_AFTER_SECONDS = 60.0  # a run that lasted this long starts the next backoff from scratch


@dataclass
class Health:
    """What one background task last achieved; written by the task, read by `/ready`."""

    name: str
    # Seconds without progress after which the task counts as stuck (None: only crashes count,
    # for loops that legitimately sleep for long).
    stale_after: float | None = None
    last_progress: float = field(default_factory=time.monotonic)
    last_error: str | None = None
    failing_since: float | None = None
    restarts: int = 0
    detail: dict[str, float] = field(default_factory=dict)  # e.g. backlog age, lag

    def progressed(self) -> None:
        self.last_progress = time.monotonic()
        self.failing_since = None

    def failed(self, error: BaseException) -> None:
        self.last_error = describe(error)
        if self.failing_since is None:
            self.failing_since = time.monotonic()

    def problem(self, now: float | None = None) -> str | None:
        """Why this task is not healthy now, in a sentence; None when it is."""
        now = time.monotonic() if now is None else now
        if self.failing_since is not None and now - self.failing_since > 5.0:
            return f"{self.name} is failing: {self.last_error}"
        if self.stale_after is not None and now - self.last_progress > self.stale_after:
            stalled = now - self.last_progress
            reason = f" (last error: {self.last_error})" if self.last_error else ""
            return f"{self.name} has made no progress for {stalled:.0f} s{reason}"
        return None


def describe(error: BaseException) -> str:
    """An error as one line for logs and readiness: its class and message."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


async def supervise(
    run: Callable[[], Awaitable[None]],
    health: Health,
    *,
    first_backoff: float = 0.5,
    max_backoff: float = 30.0,
) -> None:
    """Run `run()` until it returns (a requested stop); restart it after any exception."""
    backoff = first_backoff
    while True:
        started = time.monotonic()
        try:
            await run()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            health.failed(exc)
            if time.monotonic() - started > RESET_AFTER_SECONDS:
                backoff = first_backoff
            log.error(
                "background task failed; restarting",
                exc_info=exc,
                extra={"task": health.name, "error": describe(exc), "backoff_s": backoff},
            )
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, max_backoff)
            health.restarts += 1
