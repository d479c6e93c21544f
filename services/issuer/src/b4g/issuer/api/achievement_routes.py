"""Achievements of an issuer, versioned."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, post, put
from litestar.params import FromPath, QueryParameter

from b4g.issuer.domain.access import SCOPE_MANAGE, SCOPE_READ
from b4g.issuer.domain.achievements import ACHIEVEMENT_TYPES, Achievement, valid_achievement_type
from b4g.issuer.domain.errors import InvalidRequest
from b4g.issuer.usecases import achievements

from .auth import require
from .deps import API_KEY, Caller, Ctx
from .models import AchievementIn, AchievementOut, body_with_examples, fields_of
from .paging import Limit, Offset

ACHIEVEMENT_EXAMPLE = {
    "name": "Urban Gardener",
    "description": "Planned and tended a community garden plot for a full season.",
    "criteria": {"narrative": "Attend 10 sessions and present the harvest at the city fair."},
    "achievementType": "Badge",
    "image": {"id": "https://example.org/badges/urban-gardener.png"},
    "tag": ["sustainability", "community"],
    "alignment": [
        {
            "targetName": "Sustainability competence",
            "targetUrl": "https://esco.ec.europa.eu/en/classification/skill_main",
            "targetFramework": "ESCO",
        }
    ],
    "resultDescription": [
        {"name": "Final score", "resultType": "Percent", "valueMin": "0", "valueMax": "100"}
    ],
}

AchievementBody = Annotated[
    AchievementIn, body_with_examples("A community badge", ACHIEVEMENT_EXAMPLE)
]
Version = Annotated[
    int | None, QueryParameter(ge=1, description="A past version (default: the current one).")
]


def achievement_out(row: Achievement) -> AchievementOut:
    return AchievementOut(
        id=str(row.id),
        issuer_id=str(row.issuer_id),
        version=row.version,
        achievement=row.document,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _checked(data: AchievementIn) -> AchievementIn:
    if data.achievement_type is not None and not valid_achievement_type(data.achievement_type):
        known = ", ".join(sorted(ACHIEVEMENT_TYPES))
        raise InvalidRequest(f"achievementType must be an `ext:` term or one of {known}")
    if data.criteria.id is None and data.criteria.narrative is None:
        raise InvalidRequest("criteria needs an `id` or a `narrative`")
    return data


class AchievementsController(Controller):
    tags = ["achievements"]  # noqa: RUF012 - Litestar reads it as a class attribute
    security = API_KEY

    @post(
        "/issuers/{issuer_id:uuid}/achievements",
        summary="Create an achievement (OB 3.0 Achievement)",
        description="Needs `manage`. Credentials embed the achievement as it is when issued.",
    )
    async def create_achievement(
        self,
        ctx: Ctx,
        principal: Caller,
        issuer_id: FromPath[uuid.UUID],
        data: AchievementBody,
    ) -> AchievementOut:
        require(principal, SCOPE_MANAGE)
        fields = fields_of(_checked(data))
        return achievement_out(
            await achievements.create_achievement(ctx, principal, issuer_id, fields)
        )

    @get("/issuers/{issuer_id:uuid}/achievements", summary="List an issuer's achievements")
    async def list_achievements(
        self,
        ctx: Ctx,
        principal: Caller,
        issuer_id: FromPath[uuid.UUID],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> list[AchievementOut]:
        require(principal, SCOPE_READ)
        rows = await achievements.list_achievements(
            ctx, principal, issuer_id, limit=limit, offset=offset
        )
        return [achievement_out(row) for row in rows]

    @get("/achievements/{achievement_id:uuid}", summary="Get an achievement (current or a version)")
    async def get_achievement(
        self,
        ctx: Ctx,
        principal: Caller,
        achievement_id: FromPath[uuid.UUID],
        version: Version = None,
    ) -> AchievementOut:
        require(principal, SCOPE_READ)
        row = await achievements.get_achievement(ctx, principal, achievement_id, version)
        return achievement_out(row)

    @put(
        "/achievements/{achievement_id:uuid}",
        summary="Update an achievement (creates a new version)",
        description="Credentials issued earlier keep embedding the version they were issued with.",
    )
    async def update_achievement(
        self,
        ctx: Ctx,
        principal: Caller,
        achievement_id: FromPath[uuid.UUID],
        data: AchievementBody,
    ) -> AchievementOut:
        require(principal, SCOPE_MANAGE)
        fields = fields_of(_checked(data))
        return achievement_out(
            await achievements.update_achievement(ctx, principal, achievement_id, fields)
        )
