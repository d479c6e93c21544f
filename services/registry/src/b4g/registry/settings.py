"""Settings of the registry service (environment variables prefixed `B4G_`)."""

from __future__ import annotations

from b4g.core.infra.settings import BaseSettings


class RegistrySettings(BaseSettings, frozen=True, kw_only=True):
    service_name: str = "registry"
    port: int = 8003
