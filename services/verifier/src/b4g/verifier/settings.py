"""Settings of the verifier service (environment variables prefixed `B4G_`)."""

from __future__ import annotations

from b4g.core.infra.settings import BaseSettings


class VerifierSettings(BaseSettings, frozen=True, kw_only=True):
    service_name: str = "verifier"
    port: int = 8002
