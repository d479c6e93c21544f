"""The verifier's consumers: status lists, issuer keys and registry trust, into local state."""

from __future__ import annotations

from collections.abc import Sequence

from b4g.core.events.topics import ISSUER_PROFILES, ISSUER_STATUS_LISTS, REGISTRY_TRUST
from b4g.core.infra.inbox import ConsumerConfig, InboxConsumer
from b4g.core.infra.service import Runtime
from b4g.verifier.usecases.local_state import apply_event


def consumers(runtime: Runtime) -> Sequence[InboxConsumer]:
    settings = runtime.settings
    return [
        InboxConsumer(
            runtime.require_pool(),
            ConsumerConfig(
                name="verifier.local-state",
                topics=(ISSUER_STATUS_LISTS, ISSUER_PROFILES, REGISTRY_TRUST),
                bootstrap_servers=settings.kafka_bootstrap_servers,
                topic_prefix=settings.kafka_topic_prefix,
            ),
            apply_event,
            runtime.telemetry.tracer("b4g.verifier.consumers"),
        )
    ]
