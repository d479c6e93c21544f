"""The network's own label-badge issuer, set up in one step: its platform and API key, its
issuer profile (did:web under this service) and the Quality Label achievement. The three ids
are what B4G_LABEL_PLATFORM_ID / _ISSUER_ID / _ACHIEVEMENT_ID name."""

from __future__ import annotations

from dataclasses import dataclass

from b4g.issuer.domain.access import ALL_SCOPES, Principal
from b4g.issuer.usecases import achievements, issuers, platforms
from b4g.issuer.usecases.context import IssuerContext

LABEL_ACHIEVEMENT = {
    "name": "Quality Label for badge recognition",
    "description": "The organisation meets the Badges4Good network's quality standard for "
    "issuing badges.",
    "criteria": {
        "narrative": "Granted by the Badges4Good committee after an assessment against the "
        "Quality Label criteria."
    },
}


@dataclass(frozen=True, slots=True)
class LabelIssuer:
    platform_id: str
    issuer_id: str
    achievement_id: str
    did: str
    key_id: str
    token: str  # the platform's API key, shown once

    def __repr__(self) -> str:
        return f"LabelIssuer(issuer_id={self.issuer_id!r}, did={self.did!r}, token=<hidden>)"


async def create_label_issuer(ctx: IssuerContext, name: str) -> LabelIssuer:
    platform = await platforms.create_platform(ctx.pool, name)
    key = await platforms.create_api_key(ctx.pool, platform.id, name="label issuer")
    caller = Principal(platform_id=platform.id, key_id=key.key_id, scopes=frozenset(ALL_SCOPES))
    profile = await issuers.create_issuer(ctx, caller, profile={"name": name})
    label = await achievements.create_achievement(
        ctx, caller, profile.issuer.id, dict(LABEL_ACHIEVEMENT)
    )
    return LabelIssuer(
        platform_id=str(platform.id),
        issuer_id=str(profile.issuer.id),
        achievement_id=str(label.id),
        did=profile.issuer.did,
        key_id=key.key_id,
        token=key.token,
    )
