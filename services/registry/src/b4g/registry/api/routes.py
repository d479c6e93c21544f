"""Every route of the registry, by resource, under one router that maps the registry's domain
errors to problem details and authenticates `principal` for the routes that ask for it."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from b4g.registry.api import (
    applications,
    cases,
    decisions,
    dids,
    directory,
    grants,
    organisations,
    pages,
    scheme,
    snapshot,
    trqp,
    trust,
    witnesses,
)
from b4g.registry.api.deps import provide_principal
from b4g.registry.api.errors import EXCEPTION_HANDLERS

ROUTES = [
    Router(
        path="/",
        route_handlers=[
            *organisations.ROUTES,
            *dids.ROUTES,
            *applications.ROUTES,
            *decisions.ROUTES,
            *grants.ROUTES,
            *scheme.ROUTES,
            *cases.ROUTES,
            *trust.ROUTES,
            *witnesses.ROUTES,
            *directory.ROUTES,
            *trqp.ROUTES,
            *snapshot.ROUTES,
            *pages.ROUTES,
        ],
        dependencies={"principal": Provide(provide_principal)},
        exception_handlers=EXCEPTION_HANDLERS,
    )
]
