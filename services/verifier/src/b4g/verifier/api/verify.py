"""`POST /credentials/verify` (W3C VC API shape)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Response, post
from litestar.datastructures import State
from litestar.openapi.spec import Example
from litestar.params import Body

from b4g.verifier.domain.summary import BadgeSummary, recipient_matches, summarize
from b4g.verifier.usecases.verification import LocalVerification


class VerifyOptions(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=False):
    checks: list[str] | None = None
    recipientEmail: str | None = msgspec.field(default=None)


class VerifyCredentialRequest(msgspec.Struct, frozen=True, kw_only=True):
    verifiableCredential: dict[str, Any] | str
    options: VerifyOptions | None = None


class CheckOut(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    state: str
    code: str
    message: str


class VerifyCredentialResponse(msgspec.Struct, frozen=True, kw_only=True):
    verified: bool
    format: str
    checks: list[str]
    warnings: list[dict[str, str]]
    errors: list[dict[str, str]]
    results: list[CheckOut]
    summary: BadgeSummary | None = None
    recipientMatches: bool | None = None


EXAMPLE = Example(
    summary="A VC-JWT",
    value={
        "verifiableCredential": "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJkaWQ6a2V5"
        "Ono2TWsuLi4ifQ.c2lnbmF0dXJl"
    },
)


def verification_of(state: State) -> LocalVerification:
    """Built on first use (the pool exists only once the app has started), then reused."""
    if "verification" not in state:
        state.verification = LocalVerification.for_runtime(state.runtime)
    verification: LocalVerification = state.verification
    return verification


@post(
    "/credentials/verify",
    tags=["verification"],
    summary="Verify a credential",
    description=(
        "Verifies an Open Badges 3.0 / VC credential: JSON-LD with Data Integrity proofs"
        " (eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020) or a compact VC-JWT. Every"
        " check is listed with pass, fail or could_not_check and a reason code. 200 when"
        " verified, 422 with the same body when not."
    ),
    status_code=200,
)
async def verify_credential(
    state: State,
    data: Annotated[VerifyCredentialRequest, Body(examples=[EXAMPLE])],
) -> Response[VerifyCredentialResponse]:
    result = await verification_of(state).verify(data.verifiableCredential)
    email = data.options.recipientEmail if data.options else None
    body = VerifyCredentialResponse(
        verified=result.verified,
        format=result.format,
        checks=[c.name for c in result.checks if c.state == "pass"],
        warnings=[
            {"name": c.name, "message": c.message}
            for c in result.checks
            if c.state == "could_not_check"
        ],
        errors=[
            {"name": c.name, "code": c.code, "message": c.message}
            for c in result.checks
            if c.state == "fail"
        ],
        results=[
            CheckOut(name=c.name, state=c.state, code=c.code, message=c.message)
            for c in result.checks
        ],
        summary=summarize(result.credential) if result.credential else None,
        recipientMatches=(
            recipient_matches(result.credential, email) if result.credential and email else None
        ),
    )
    return Response(body, status_code=200 if result.verified else 422)
