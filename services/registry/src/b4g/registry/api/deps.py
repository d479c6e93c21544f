"""Typed names of what every handler receives: the registry context (`ctx`, built once by the
composition root) and the authenticated caller (`principal`, from the bearer API key)."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import HeaderParameter

from b4g.core.infra.apikeys import bearer_token
from b4g.registry.domain.access import Principal
from b4g.registry.usecases.context import RegistryContext
from b4g.registry.usecases.keys import authenticate

Ctx = NamedDependency[RegistryContext]
Caller = NamedDependency[Principal]

# The OpenAPI security requirement of every authenticated route (scheme declared by the core).
API_KEY: list[dict[str, list[str]]] = [{"ApiKey": []}]

AuthorizationHeader = Annotated[
    str | None,
    HeaderParameter(
        name="Authorization",
        required=False,
        description="`Bearer b4g_<key id>_<secret>`: a registry API key.",
        include_in_schema=False,  # documented once, as the `ApiKey` security scheme
    ),
]


async def provide_principal(ctx: Ctx, authorization: AuthorizationHeader) -> Principal:
    return await authenticate(ctx, bearer_token(authorization))
