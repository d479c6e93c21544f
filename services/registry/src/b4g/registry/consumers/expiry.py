"""Background work of the registry: labels expire at the end of their validity, and valid
labels are monitored (cases for the committee)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from b4g.core.infra.service import Loop, Runtime
from b4g.registry.settings import RegistrySettings
from b4g.registry.usecases import cases, grants
from b4g.registry.usecases.context import RegistryContext

log = logging.getLogger(__name__)
EXPIRY_INTERVAL_SECONDS = 60.0
MONITOR_INTERVAL_SECONDS = 3600.0


async def _expire_forever(ctx: RegistryContext) -> None:
    while True:
        try:
            expired = await grants.expire_due(ctx)
            if expired:
                log.info("labels expired", extra={"count": expired})
        except Exception as exc:  # the next round retries; one failure must not stop the loop
            log.warning("label expiry failed", extra={"error": str(exc)})
        await asyncio.sleep(EXPIRY_INTERVAL_SECONDS)


async def _monitor_forever(ctx: RegistryContext) -> None:
    while True:
        try:
            opened = await cases.monitor(ctx)
            if opened:
                log.info("monitoring cases opened", extra={"count": opened})
        except Exception as exc:  # the next round retries; one failure must not stop the loop
            log.warning("label monitoring failed", extra={"error": str(exc)})
        await asyncio.sleep(MONITOR_INTERVAL_SECONDS)


def expiry_loops(_runtime: Runtime[RegistrySettings], ctx: RegistryContext) -> Sequence[Loop]:
    return [
        Loop("label expiry", lambda: _expire_forever(ctx)),
        Loop("label monitoring", lambda: _monitor_forever(ctx)),
    ]
