"""Kafka clients as we use them: no idempotent producer (Tansu lacks it), manual offsets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from b4g.core.events.topics import TOPICS, TopicSpec, topic_name

log = logging.getLogger(__name__)


def new_producer(bootstrap: str) -> AIOKafkaProducer:
    # acks=all for durability; aiokafka keeps one in-flight batch per partition, so order holds.
    # A short request timeout surfaces outages to the relay, which then rebuilds the producer
    # (and the topics: Tansu forgets them on restart and would accept sends to stale partitions).
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=False,
        linger_ms=2,
        request_timeout_ms=5_000,
        retry_backoff_ms=200,
    )


def new_consumer(bootstrap: str, group_id: str, topics: Iterable[str]) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_uncommitted",
        max_poll_records=500,
        # Tansu answers a fetch only when the wait expires; keep it short for low latency.
        fetch_max_wait_ms=50,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=1_000,
    )


async def ensure_topics(
    bootstrap: str, *, prefix: str = "", specs: Iterable[TopicSpec] = TOPICS
) -> None:
    """Create missing topics, compacted ones with cleanup.policy=compact; keep existing ones."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                topic_name(spec.name, prefix),
                num_partitions=spec.partitions,
                replication_factor=1,
                topic_configs={"cleanup.policy": "compact"} if spec.compacted else {},
            )
            for spec in specs
            if topic_name(spec.name, prefix) not in existing
        ]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()


async def wait_for_broker(bootstrap: str, *, timeout: float = 30.0) -> None:
    """Block until the broker answers metadata requests."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2_000)
        try:
            await admin.start()
            await admin.list_topics()
            return
        except (KafkaError, OSError) as exc:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"Kafka broker at {bootstrap} not reachable") from exc
            await asyncio.sleep(0.3)
        finally:
            await admin.close()


async def broker_reachable(bootstrap: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2_000)
    try:
        await asyncio.wait_for(admin.start(), 3)
        await asyncio.wait_for(admin.list_topics(), 3)
        return True
    except (KafkaError, OSError, TimeoutError):
        return False
    finally:
        await admin.close()
