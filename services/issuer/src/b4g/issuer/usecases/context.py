"""What every use case needs, built once in the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

from b4g.core.infra.fetch import FetchPolicy
from b4g.core.infra.ttl_cache import TtlCache
from b4g.core.proofs.data_integrity import RdfCanonizer
from b4g.issuer.domain.sealing import KeyProvider


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class IssuerContext:
    pool: asyncpg.Pool
    keys: KeyProvider
    base_url: str  # this service's public base URL; did:web identifiers derive from it
    verifier_base_url: str  # status-list URLs point here
    status_list_capacity: int
    rdf: RdfCanonizer  # RDFC-1.0 over the pinned contexts, built once per process
    status_list_probes: int = 8
    outbox_shards: int = 16
    clock: Callable[[], datetime] = utc_now
    source: str = "urn:b4g:issuer"  # CloudEvents `source`
    # Outbound requests (enrolment submissions to a registry): https and public addresses
    # unless the settings allow-list local origins.
    fetch_policy: FetchPolicy = field(default_factory=FetchPolicy)
    # The registries whose DID-control challenges are signed (their domains); empty: any.
    enrolment_registries: tuple[str, ...] = ()
    # API-key rows looked up in the last second, so requests do not each cost a query to
    # authenticate: another process may accept a key for that long after its revocation.
    known_keys: TtlCache[str, Any] = field(default_factory=lambda: TtlCache(1.0))
