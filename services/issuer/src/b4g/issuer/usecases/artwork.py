"""Achievement artwork: a platform uploads its badge image, or names a URL that the issuer
fetches once, now, through the safe fetcher (never when a badge is downloaded); baked badges are
drawn from it."""

from __future__ import annotations

import hashlib
import uuid

from b4g.core.infra.fetch import FetchError, SafeFetcher
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.artwork import MAX_ARTWORK_BYTES, checked_artwork
from b4g.issuer.domain.badge_images import ImageKind
from b4g.issuer.domain.errors import AchievementNotFound, ArtworkRefused
from b4g.issuer.store import achievements as achievement_store
from b4g.issuer.store import artwork as store
from b4g.issuer.usecases.context import IssuerContext


async def upload_artwork(
    ctx: IssuerContext,
    principal: Principal,
    achievement_id: uuid.UUID,
    content: bytes,
    media_type: str | None,
    *,
    source: str = "upload",
) -> ImageKind:
    kind = checked_artwork(content, media_type)
    async with ctx.pool.acquire() as conn, conn.transaction():
        found = await achievement_store.get_achievement(
            conn, achievement_id, platform_id=principal.platform_id, version=None
        )
        if found is None:
            raise AchievementNotFound(f"no achievement {achievement_id}")
        digest = hashlib.sha256(content).hexdigest()
        await store.put_artwork(conn, achievement_id, kind, content, digest, source)
    return kind


async def fetch_artwork(
    ctx: IssuerContext, principal: Principal, achievement_id: uuid.UUID, url: str
) -> ImageKind:
    """The image at `url`, fetched through the safe fetcher (https, public addresses, time and
    size limits) and validated by its content, as the achievement's artwork."""
    async with ctx.pool.acquire() as conn:
        found = await achievement_store.get_achievement(
            conn, achievement_id, platform_id=principal.platform_id, version=None
        )
    if found is None:
        raise AchievementNotFound(f"no achievement {achievement_id}")
    async with SafeFetcher(ctx.fetch_policy) as fetcher:
        try:
            response = await fetcher.get(
                url, accept="image/png, image/svg+xml", max_bytes=MAX_ARTWORK_BYTES
            )
        except FetchError as exc:
            raise ArtworkRefused(f"the image could not be fetched: {exc}") from exc
    return await upload_artwork(
        ctx,
        principal,
        achievement_id,
        response.body,
        response.headers.get("content-type"),
        source=url,
    )
