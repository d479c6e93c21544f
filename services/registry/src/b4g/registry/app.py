"""Composition root of the registry service: what it serves and which events it consumes."""

from __future__ import annotations

from b4g.core.infra.migrate import load_migrations
from b4g.core.infra.service import ServiceSpec
from b4g.registry.api.quality_routes import QUALITY_ROUTES
from b4g.registry.api.routes import ROUTES
from b4g.registry.api.witnesses import WITNESS_ROUTES
from b4g.registry.consumers.expiry import expiry_loops
from b4g.registry.consumers.issuer_events import consumers
from b4g.registry.settings import RegistrySettings


def service_spec() -> ServiceSpec[RegistrySettings, None]:
    return ServiceSpec(
        name="registry",
        title="Badges4Good registry",
        description=(
            "The trust registry of badge issuers and their Quality Label for badge recognition."
        ),
        version="0.1.0",
        route_handlers=[*ROUTES, *QUALITY_ROUTES, *WITNESS_ROUTES],
        build_context=lambda _runtime: None,
        migrations=load_migrations("b4g.registry", "b4g.registry.store.migrations"),
        background=expiry_loops,
        consumers=consumers,
    )
