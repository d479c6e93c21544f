"""Settings of the issuer service (environment variables prefixed `B4G_`)."""

from __future__ import annotations

from b4g.core.infra.settings import BaseSettings


class IssuerSettings(BaseSettings, frozen=True, kw_only=True):
    service_name: str = "issuer"
    port: int = 8001
