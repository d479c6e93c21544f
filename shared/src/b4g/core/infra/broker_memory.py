"""Noticing that the broker forgot events it had acknowledged.

A broker that keeps its log in memory (the local Tansu broker), or a cluster restored from an
old backup, can come back without topics or with partitions shorter than the offsets it gave
our sends. Sends then succeed again and nothing fails, but the events in between are gone. The
relay remembers the highest offset acknowledged per partition and, every few seconds, asks the
broker whether those topics still exist and reach that far; if not, it publishes the outbox
rows it still keeps again (consumers skip what they had already applied).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import RecordMetadata

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 5.0


class BrokerMemory:
    def __init__(self, bootstrap_servers: str) -> None:
        self._bootstrap = bootstrap_servers
        self._acked: dict[TopicPartition, int] = {}
        # What had been acknowledged at the previous check: a broker may report a partition's
        # end a little behind its latest acknowledgements (Tansu does, by an offset or a few
        # under load), never behind what it acknowledged a whole check period ago.
        self._settled: dict[TopicPartition, int] = {}
        self._probe: AIOKafkaConsumer | None = None

    def note(self, sent: Iterable[RecordMetadata]) -> None:
        for metadata in sent:
            partition = TopicPartition(metadata.topic, metadata.partition)
            if metadata.offset > self._acked.get(partition, -1):
                self._acked[partition] = metadata.offset

    def forget(self) -> None:
        self._acked.clear()
        self._settled.clear()

    async def lost_events(self) -> str | None:
        """Why the broker no longer holds an event it acknowledged before the previous check,
        or None while it does."""
        settled, self._settled = self._settled, dict(self._acked)
        if not settled:
            return None
        probe = await self._ensure_probe()
        topics = await asyncio.wait_for(probe.topics(), timeout=10)
        missing = {p.topic for p in settled} - topics
        if missing:
            return f"topics {', '.join(sorted(missing))} are gone"
        ends = await asyncio.wait_for(probe.end_offsets(list(settled)), timeout=10)
        for partition, offset in settled.items():
            end = ends.get(partition)
            if end is not None and end < offset:
                return (
                    f"{partition.topic}[{partition.partition}] ends at offset {end}, but the"
                    f" broker had acknowledged offset {offset}"
                )
        return None

    async def _ensure_probe(self) -> AIOKafkaConsumer:
        if self._probe is None:
            probe = AIOKafkaConsumer(
                bootstrap_servers=self._bootstrap, enable_auto_commit=False, request_timeout_ms=5000
            )
            await asyncio.wait_for(probe.start(), timeout=10)
            self._probe = probe
        return self._probe

    async def close(self) -> None:
        probe, self._probe = self._probe, None
        if probe is not None:
            try:
                await asyncio.wait_for(probe.stop(), timeout=5)
            except Exception as exc:  # closing a client of a broker that is gone
                log.debug("closing the broker probe failed", extra={"error": str(exc)})
