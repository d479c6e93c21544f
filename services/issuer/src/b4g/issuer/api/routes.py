"""Every route handler of the issuer, in the order the OpenAPI page shows them."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from .achievement_routes import AchievementsController
from .platform_routes import PlatformKeysController

ROUTES: list[ControllerRouterHandler] = [AchievementsController, PlatformKeysController]
