"""Settings of the verifier service (environment variables prefixed `B4G_`)."""

from __future__ import annotations

from b4g.core.infra.settings import BaseSettings


class VerifierSettings(BaseSettings, frozen=True, kw_only=True):
    service_name: str = "verifier"
    port: int = 8002
    # Outbound fetching (did:web documents, other issuers' status lists) is https-only and
    # public-address-only; these relax it for local development, comma separated.
    fetch_allow_http_origins: str = ""
    fetch_allow_private_hosts: str = ""
