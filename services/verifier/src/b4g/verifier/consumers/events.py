"""The verifier's consumers: status lists, issuer keys, registry trust and issuance witnesses,
into local state."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from b4g.core.events.topics import (
    ISSUER_PROFILES,
    ISSUER_STATUS_LISTS,
    REGISTRY_TRUST,
    REGISTRY_WITNESSES,
)
from b4g.core.infra.inbox import ConsumerConfig, InboxConsumer
from b4g.core.infra.service import Runtime
from b4g.verifier.settings import VerifierSettings
from b4g.verifier.usecases.local_state import LOCAL_STATE_CONSUMER, apply_event, mark_caught_up
from b4g.verifier.usecases.verification import LocalVerification

MARK_EVERY_SECONDS = 2.0  # the freshness mark need not be written on every idle poll


def consumers(
    runtime: Runtime[VerifierSettings], _ctx: LocalVerification
) -> Sequence[InboxConsumer]:
    settings = runtime.settings
    pool = runtime.require_pool()
    return [
        InboxConsumer(
            pool,
            ConsumerConfig(
                name=LOCAL_STATE_CONSUMER,
                topics=(ISSUER_STATUS_LISTS, ISSUER_PROFILES, REGISTRY_TRUST, REGISTRY_WITNESSES),
                bootstrap_servers=settings.kafka_bootstrap_servers,
                topic_prefix=settings.kafka_topic_prefix,
            ),
            apply_event,
            runtime.telemetry.tracer("b4g.verifier.consumers"),
            on_caught_up=throttled_mark(pool),
        )
    ]


def throttled_mark(pool: asyncpg.Pool) -> Callable[[], Awaitable[None]]:
    last = 0.0

    async def mark() -> None:
        nonlocal last
        if time.monotonic() - last >= MARK_EVERY_SECONDS:
            await mark_caught_up(pool)
            last = time.monotonic()

    return mark
