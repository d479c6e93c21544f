"""Consumes the registry's label events and lets the label badge follow them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from b4g.core.events.envelope import CloudEvent
from b4g.core.events.payloads import LabelEventV1, decode_payload
from b4g.core.events.topics import REGISTRY_LABELS
from b4g.core.infra.db import Conn
from b4g.core.infra.inbox import ConsumerConfig, Handler, InboxConsumer
from b4g.core.infra.service import Runtime
from b4g.issuer.settings import IssuerSettings
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.quality_label import LabelIssuer, follow_label


def label_handler(ctx: IssuerContext, network: LabelIssuer) -> Handler:
    """The badge's change in the inbox's transaction (`conn`): the effect and the event's inbox
    row commit together, or neither does."""

    async def handle(conn: Conn, event: CloudEvent) -> None:
        payload = decode_payload(event.data)
        if isinstance(payload, LabelEventV1):
            await follow_label(conn, ctx, network, event.type, payload)

    return handle


def label_consumers(
    runtime: Runtime[IssuerSettings], ctx: IssuerContext
) -> Sequence[InboxConsumer]:
    settings = runtime.settings
    ids = (settings.label_platform_id, settings.label_issuer_id, settings.label_achievement_id)
    if not all(ids):
        return []
    network = LabelIssuer(*(uuid.UUID(value) for value in ids))
    return [
        InboxConsumer(
            runtime.require_pool(),
            ConsumerConfig(
                name="issuer.labels",
                topics=(REGISTRY_LABELS,),
                bootstrap_servers=settings.kafka_bootstrap_servers,
                topic_prefix=settings.kafka_topic_prefix,
            ),
            label_handler(ctx, network),
            runtime.telemetry.tracer("b4g.issuer.consumers"),
        )
    ]
