"""The signed snapshot of the whole registry, and the key that signs it."""

from __future__ import annotations

import time

import msgspec

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.registry.domain.errors import SigningNotConfigured
from b4g.registry.domain.public import strong_etag
from b4g.registry.domain.snapshot import registry_key_document, snapshot_document
from b4g.registry.domain.trust_state import trust_state
from b4g.registry.store import public as store
from b4g.registry.usecases.context import BuiltSnapshot, RegistryContext


def _require_key(ctx: RegistryContext) -> Ed25519KeyPair:
    if ctx.signing_key is None:
        raise SigningNotConfigured(
            "set B4G_REGISTRY_SIGNING_SEED or B4G_REGISTRY_SIGNING_SEED_FILE"
        )
    return ctx.signing_key


def registry_key(ctx: RegistryContext) -> dict[str, object]:
    return registry_key_document(_require_key(ctx), ctx.authority_id)


def _fresh(ctx: RegistryContext) -> BuiltSnapshot | None:
    cached = ctx.snapshots.last
    interval = ctx.settings.snapshot_min_interval
    if cached is not None and time.monotonic() - cached.built_at < interval:
        return cached
    return None


async def snapshot(ctx: RegistryContext) -> BuiltSnapshot:
    """Rebuilt at most every `snapshot_min_interval` seconds, and only when the
    registry-wide sequence moved; concurrent callers share one build."""
    key = _require_key(ctx)
    cache = ctx.snapshots
    fresh = _fresh(ctx)
    if fresh is not None:
        return fresh
    async with cache.building:
        fresh = _fresh(ctx)
        if fresh is not None:
            return fresh
        cached = cache.last
        async with ctx.pool.acquire() as conn:
            sequence = await store.trust_sequence_total(conn)
            if cached is not None and cached.sequence == sequence:
                cache.last = BuiltSnapshot(cached.body, cached.etag, sequence, time.monotonic())
                return cache.last
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                sequence = await store.trust_sequence_total(conn)
                data = await store.everything(conn)
        states = []
        for did in data.dids:
            org = data.organisations[did.organisation_id]
            states.append(
                trust_state(
                    org,
                    did,
                    int(did.trust_sequence),
                    data.grants.get(org.id),
                    data.histories.get(org.id, []),
                )
            )
        document = snapshot_document(
            states,
            sequence=sequence,
            generated=ctx.clock(),
            authority_id=ctx.authority_id,
            key=key,
        )
        body = msgspec.json.encode(document)
        cache.last = BuiltSnapshot(body, strong_etag(body), sequence, time.monotonic())
        return cache.last
