"""Typed names of the dependencies every handler receives (declared in the app's ServiceSpec)."""

from __future__ import annotations

from litestar.di import NamedDependency

from b4g.issuer.domain.access import Principal
from b4g.issuer.usecases.context import IssuerContext

Ctx = NamedDependency[IssuerContext]
Caller = NamedDependency[Principal]

# The OpenAPI security requirement of every authenticated route (scheme declared by the core).
API_KEY: list[dict[str, list[str]]] = [{"ApiKey": []}]
