"""Composition root of the issuer service: what it serves and which events it consumes."""

from __future__ import annotations

from b4g.core.infra.service import ServiceSpec


def service_spec() -> ServiceSpec:
    return ServiceSpec(
        name="issuer",
        title="Badges4Good issuer",
        description="Badge platforms issue, revoke and bake Open Badges 3.0 credentials.",
        version="0.1.0",
        route_handlers=[],
    )
