"""Every route handler of the issuer, in the order the OpenAPI page shows them."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from .achievement_routes import AchievementsController
from .credential_routes import CredentialsController
from .issuer_routes import IssuersController, PublicDocumentsController
from .platform_routes import PlatformKeysController

ROUTES: list[ControllerRouterHandler] = [
    IssuersController,
    AchievementsController,
    CredentialsController,
    PlatformKeysController,
    PublicDocumentsController,
]
