"""Composition root of the verifier service: what it serves and which events it consumes."""

from __future__ import annotations

from pathlib import Path

from b4g.core.infra.fetch import SafeFetcher, policy_for
from b4g.core.infra.migrate import load_migrations
from b4g.core.infra.service import Runtime, ServiceSpec
from b4g.verifier.api.pages import verify_page, verify_submitted, verify_uploaded
from b4g.verifier.api.status_lists import get_status_list
from b4g.verifier.api.verify import (
    verify_baked,
    verify_bulk,
    verify_credential,
    verify_presentation,
)
from b4g.verifier.consumers.events import consumers
from b4g.verifier.settings import VerifierSettings
from b4g.verifier.store.registry_http import RegistryTrustClient
from b4g.verifier.usecases.verification import LocalVerification


def build_context(runtime: Runtime[VerifierSettings]) -> LocalVerification:
    """The verification context: the guarded fetcher, pinned schemas, the registry fallback."""
    settings = runtime.settings
    registry = (
        RegistryTrustClient(settings.registry_base_url) if settings.registry_base_url else None
    )
    return LocalVerification(
        runtime.require_pool(),
        SafeFetcher(policy_for(settings)),
        schema_dir=Path(settings.schema_dir) if settings.schema_dir else None,
        registry=registry,
        max_staleness=settings.trust_max_staleness_seconds,
    )


def service_spec() -> ServiceSpec[VerifierSettings, LocalVerification]:
    return ServiceSpec(
        name="verifier",
        title="Badges4Good verifier",
        description=(
            "Anyone verifies Open Badges 3.0 credentials: signature, validity, revocation"
            " and issuer trust."
        ),
        version="0.1.0",
        route_handlers=[
            get_status_list,
            verify_credential,
            verify_presentation,
            verify_bulk,
            verify_baked,
            verify_page,
            verify_submitted,
            verify_uploaded,
        ],
        build_context=build_context,
        public_paths=(
            r"/status/[^/]+",
            r"/credentials/verify(/baked|/bulk)?",
            r"/presentations/verify",
        ),
        migrations=load_migrations("b4g.verifier", "b4g.verifier.store.migrations"),
        consumers=consumers,
    )
