"""Every route handler of the issuer, in the order the OpenAPI page shows them, under one router
that answers the issuer's errors as problem details."""

from __future__ import annotations

from litestar import Router
from litestar.types import ControllerRouterHandler

from .achievement_routes import AchievementsController
from .bulk_routes import BulkJobsController
from .credential_routes import CredentialsController
from .errors import EXCEPTION_HANDLERS
from .issuer_routes import IssuersController, PublicDocumentsController
from .platform_routes import PlatformKeysController
from .status_routes import CredentialStatusController
from .vc_api_routes import PlatformSettingsController, VcApiController

ROUTES: list[ControllerRouterHandler] = [
    Router(
        path="/",
        route_handlers=[
            IssuersController,
            AchievementsController,
            CredentialsController,
            CredentialStatusController,
            BulkJobsController,
            VcApiController,
            PlatformKeysController,
            PlatformSettingsController,
            PublicDocumentsController,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
    )
]
