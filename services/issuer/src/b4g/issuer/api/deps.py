"""Typed names of the dependencies every handler receives (declared in the app's ServiceSpec)."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import NamedDependency

from b4g.issuer.domain.access import Principal
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuance_queue import IssuanceBatcher

Ctx = NamedDependency[IssuerContext]
Caller = NamedDependency[Principal]


def issuance_queue(state: State) -> IssuanceBatcher:
    """The process's issuance queue. Read from the app state, not injected: a third dependency
    beside `ctx` and `principal` makes Litestar resolve them in a task group, on every request."""
    batcher: IssuanceBatcher | None = state.issuer.batcher
    if batcher is None:
        raise RuntimeError("issuance queue used before start-up")
    return batcher


# The OpenAPI security requirement of every authenticated route (scheme declared by the core).
API_KEY: list[dict[str, list[str]]] = [{"ApiKey": []}]
