"""What every registry use case needs, built once per process by the composition root."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.did.resolver import DidResolver, DocumentFetcher
from b4g.core.infra.ttl_cache import TtlCache
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import RdfCanonizer
from b4g.core.trust import TrustState
from b4g.registry.settings import RegistrySettings

# What time it is; read once per operation, so one operation never sees two instants.
Clock = Callable[[], datetime]
# Other replicas' changes reach this one's trust answers within this time.
TRUST_CACHE_SECONDS = 0.5


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class BuiltSnapshot:
    body: bytes
    etag: str
    sequence: int
    built_at: float  # monotonic


@dataclass
class SnapshotCache:
    """The last signed snapshot; concurrent callers share one build."""

    last: BuiltSnapshot | None = None
    building: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass(frozen=True)
class RegistryContext:
    pool: asyncpg.Pool
    settings: RegistrySettings
    domain: str  # the `domain` of proof-of-control challenges
    authority_id: str  # the TRQP authority this registry answers for
    recognised: frozenset[str]  # the other authorities it recognises
    signing_key: Ed25519KeyPair | None  # signs the snapshot; None: not configured (503)
    outbox_shards: int  # what the relay polls: every enqueue uses this, never a default
    resolver: DidResolver  # did:web documents through the guarded fetcher
    rdf: RdfCanonizer
    clock: Clock = utc_now
    source: str = "urn:b4g:registry"  # CloudEvents `source`
    trust_cache: TtlCache[str, TrustState | None] = field(
        default_factory=lambda: TtlCache(TRUST_CACHE_SECONDS)
    )
    snapshots: SnapshotCache = field(default_factory=SnapshotCache)


def registry_context(
    pool: asyncpg.Pool,
    settings: RegistrySettings,
    *,
    fetch: DocumentFetcher | None = None,
    signing_key: Ed25519KeyPair | None = None,
    clock: Clock = utc_now,
) -> RegistryContext:
    """The context of one process; `fetch` fetches did:web documents (the safe fetcher)."""
    return RegistryContext(
        pool=pool,
        settings=settings,
        domain=settings.public_base_url or "badges4good-registry",
        authority_id=settings.authority_id(),
        recognised=settings.recognised_authorities(),
        signing_key=signing_key,
        outbox_shards=settings.outbox_shards,
        resolver=DidResolver(fetch),
        rdf=rdf_canonizer(ContextStore()),
        clock=clock,
    )
