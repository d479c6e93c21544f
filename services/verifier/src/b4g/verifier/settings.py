"""Settings of the verifier service (environment variables prefixed `B4G_`)."""

from __future__ import annotations

from b4g.core.infra.settings import BaseSettings


class VerifierSettings(BaseSettings, frozen=True, kw_only=True):
    service_name: str = "verifier"
    port: int = 8002
    # A directory of pinned JSON Schemas (files named as the last segment of their URL) used
    # before fetching; the OB 3.0 schemas are published at purl.imsglobal.org.
    schema_dir: str = ""
    # The registry's base URL, asked over HTTP only when the event-fed trust copy has not caught
    # up for `trust_max_staleness_seconds` (consumer down or lagging).
    registry_base_url: str = ""
    trust_max_staleness_seconds: float = 30.0
    # Where people open the registry's pages (links on the verification page); defaults to
    # `registry_base_url`.
    registry_public_url: str = ""
