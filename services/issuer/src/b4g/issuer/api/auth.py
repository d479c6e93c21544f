"""Authentication of platform API keys as a Litestar dependency; scope checks for handlers."""

from __future__ import annotations

from typing import Annotated

from litestar.params import HeaderParameter

from b4g.core.infra.apikeys import bearer_token
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.errors import MissingScope
from b4g.issuer.usecases.platforms import authenticate

from .deps import Ctx

AuthorizationHeader = Annotated[
    str | None,
    HeaderParameter(
        name="Authorization",
        required=False,
        description="`Bearer b4g_<key id>_<secret>`: an API key of your platform.",
        include_in_schema=False,  # documented once, as the `ApiKey` security scheme
    ),
]


async def provide_principal(ctx: Ctx, authorization: AuthorizationHeader) -> Principal:
    return await authenticate(ctx.pool, bearer_token(authorization), ctx.known_keys)


def require(principal: Principal, scope: str) -> None:
    if not principal.may(scope):
        raise MissingScope(f"this operation needs the `{scope}` scope")
