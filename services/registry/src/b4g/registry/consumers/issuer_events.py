"""The registry's consumer of the issuer's events: monthly activity per DID and issuer profiles
(compromised keys), which the Quality Label's checks and monitoring read, and the issuance
witnesses verifiers read."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from b4g.core.events.topics import ISSUER_CREDENTIALS, ISSUER_PROFILES
from b4g.core.infra.inbox import ConsumerConfig, InboxConsumer
from b4g.core.infra.service import Runtime
from b4g.registry.settings import RegistrySettings
from b4g.registry.usecases.context import RegistryContext
from b4g.registry.usecases.label_evidence import apply_issuer_event


def consumers(runtime: Runtime[RegistrySettings], ctx: RegistryContext) -> Sequence[InboxConsumer]:
    settings = runtime.settings
    return [
        InboxConsumer(
            ctx.pool,
            ConsumerConfig(
                name="registry.issuer-activity",
                topics=(ISSUER_CREDENTIALS, ISSUER_PROFILES),
                bootstrap_servers=settings.kafka_bootstrap_servers,
                topic_prefix=settings.kafka_topic_prefix,
            ),
            partial(apply_issuer_event, ctx),
            runtime.telemetry.tracer("b4g.registry.consumers"),
        )
    ]
