"""Every route handler of the issuer, in the order the OpenAPI page shows them."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from .platform_routes import PlatformKeysController

ROUTES: list[ControllerRouterHandler] = [PlatformKeysController]
