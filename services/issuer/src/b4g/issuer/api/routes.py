"""Every route handler of the issuer, in the order the OpenAPI page shows them."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from .achievement_routes import AchievementsController
from .artwork_routes import ArtworkController
from .bulk_routes import BulkJobsController
from .credential_routes import CredentialsController
from .enrolment_routes import EnrolmentController
from .issuer_routes import IssuersController, PublicDocumentsController
from .platform_routes import PlatformKeysController
from .vc_api_routes import PlatformSettingsController, VcApiController

ROUTES: list[ControllerRouterHandler] = [
    IssuersController,
    EnrolmentController,
    AchievementsController,
    ArtworkController,
    CredentialsController,
    BulkJobsController,
    VcApiController,
    PlatformKeysController,
    PlatformSettingsController,
    PublicDocumentsController,
]
