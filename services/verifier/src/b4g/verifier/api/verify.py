"""`POST /credentials/verify` (W3C VC API shape)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec
from litestar import Response, post
from litestar.datastructures import State, UploadFile
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import Body, JSONBody

from b4g.core.baking import BakingError, unbake
from b4g.core.infra.problems import ApiError
from b4g.core.verdict import ADVISORY, Check, decide, verdict_parts
from b4g.core.verification import VerificationResult
from b4g.verifier.domain.summary import BadgeSummary, recipient_matches, summarize
from b4g.verifier.domain.verdict import UnknownCheckName, requested_checks, standing
from b4g.verifier.usecases.verification import LocalVerification


class VerifyOptions(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=False):
    checks: list[str] | None = None  # which checks decide `verified` (default: all of "genuine")
    recipientEmail: str | None = None
    # A trust policy makes the issuer's standing decide `verified` too.
    trustPolicy: Literal["none", "registered", "qualityLabel", "qualityLabelAtIssuance"] | None = (
        None
    )


class VerifyCredentialRequest(msgspec.Struct, frozen=True, kw_only=True):
    verifiableCredential: dict[str, Any] | str
    options: VerifyOptions | None = None


class CheckOut(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    state: str
    code: str
    message: str
    facts: dict[str, str] = msgspec.field(default_factory=dict)


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    code: str
    message: str


class VerifyCredentialResponse(msgspec.Struct, frozen=True, kw_only=True):
    verified: bool  # the answer to the checks asked for (and the trust policy, if any)
    genuine: bool  # authentic and valid: every check that is not about trust passed
    standing: str  # where the issuer stands: qualityLabel, registered, notRegistered, …
    format: str
    checks: list[str]  # the checks that decided `verified` and passed
    warnings: list[Finding]  # findings that did not decide `verified`
    errors: list[Finding]  # the checks that decided `verified` and did not pass
    results: list[CheckOut]
    summary: BadgeSummary | None = None
    recipientMatches: bool | None = None


class UnknownCheck(ApiError):
    status, code, title = 400, "unknown_check", "Unknown check"


def required_checks(options: VerifyOptions | None) -> set[str] | None:
    if options is None:
        return None
    try:
        return requested_checks(options.checks, options.trustPolicy)
    except UnknownCheckName as exc:
        raise UnknownCheck(str(exc)) from exc


EXAMPLE = Example(
    summary="A VC-JWT",
    value={
        "verifiableCredential": "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJkaWQ6a2V5"
        "Ono2TWsuLi4ifQ.c2lnbmF0dXJl"
    },
)


@dataclass
class BadgeUpload:
    """A multipart upload: the badge image in the field `file`."""

    file: UploadFile


class NotABakedBadge(ApiError):
    status, code, title = 400, "not_a_baked_badge", "No badge in that file"


NOT_VERIFIED = ResponseSpec(
    data_container=VerifyCredentialResponse,
    description="Not verified: the same report, with the failing checks under `errors`",
)


def verification_of(state: State) -> LocalVerification:
    """The process's verification context, built at start-up (ServiceSpec.build_context)."""
    verification: LocalVerification = state.runtime.context
    return verification


@post(
    "/credentials/verify",
    tags=["verification"],
    summary="Verify a credential",
    description=(
        "Verifies an Open Badges 3.0 / VC credential: JSON-LD with Data Integrity proofs"
        " (eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020) or a compact VC-JWT. Every"
        " check is listed with pass, fail or could_not_check and a reason code (`ok` when it"
        " passed). `verified` answers the checks in `options.checks` (default: every check of"
        " `genuine`) and the `options.trustPolicy` (`registered`, `qualityLabel`,"
        " `qualityLabelAtIssuance`); the failing ones are `errors`, every other finding a"
        " warning. 200 when verified, 422 with the same body when not."
    ),
    status_code=200,
    responses={422: NOT_VERIFIED},
)
async def verify_credential(
    state: State,
    data: Annotated[VerifyCredentialRequest, Body(examples=[EXAMPLE])],
) -> Response[VerifyCredentialResponse]:
    required = required_checks(data.options)
    result = await verification_of(state).verify(data.verifiableCredential)
    body = report(result, data.options.recipientEmail if data.options else None, required)
    return Response(body, status_code=200 if body.verified else 422)


def _finding(check: Check) -> Finding:
    return Finding(name=check.name, code=check.code, message=check.message)


def report(
    result: VerificationResult, email: str | None = None, required: set[str] | None = None
) -> VerifyCredentialResponse:
    errors, warnings = verdict_parts(result.checks, required)
    # The checks that decided and passed, as asked (structure counts but is named only when
    # the caller asked for it).
    counted = (
        {c.name for c in result.checks if c.name not in ADVISORY} if required is None else required
    )
    return VerifyCredentialResponse(
        verified=decide(result.checks, required),
        genuine=result.genuine,
        standing=standing(result),
        format=result.format,
        checks=sorted({c.name for c in result.checks if c.state == "pass" and c.name in counted}),
        warnings=[_finding(c) for c in warnings],
        errors=[_finding(c) for c in errors],
        results=[
            CheckOut(name=c.name, state=c.state, code=c.code, message=c.message, facts=c.facts)
            for c in result.checks
        ],
        summary=summarize(result.credential) if result.credential else None,
        recipientMatches=(
            recipient_matches(result.credential, email) if result.credential and email else None
        ),
    )


class VerifyPresentationRequest(msgspec.Struct, frozen=True, kw_only=True):
    verifiablePresentation: dict[str, Any]


class VerifyPresentationResponse(msgspec.Struct, frozen=True, kw_only=True):
    verified: bool
    credentialResults: list[VerifyCredentialResponse]
    errors: list[dict[str, str]]
    warnings: list[dict[str, str]]


PRESENTATION_NOT_VERIFIED = ResponseSpec(
    data_container=VerifyPresentationResponse,
    description="Not verified: the same report",
)


@post(
    "/presentations/verify",
    tags=["verification"],
    summary="Verify the credentials a presentation carries",
    description=(
        "Verifies every credential in `verifiableCredential` (JSON-LD or VC-JWT). The"
        " presentation's own proof (holder binding) is not checked yet and is reported as a"
        " warning. 200 when every credential verifies, 422 otherwise."
    ),
    status_code=200,
    responses={422: PRESENTATION_NOT_VERIFIED},
)
async def verify_presentation(
    state: State, data: JSONBody[VerifyPresentationRequest]
) -> Response[VerifyPresentationResponse]:
    carried = data.verifiablePresentation.get("verifiableCredential")
    credentials = carried if isinstance(carried, list) else [carried] if carried else []
    errors = (
        []
        if credentials
        else [
            {
                "name": "structure",
                "code": "no_credentials",
                "message": "the presentation carries no credential",
            }
        ]
    )
    warnings = (
        [
            {
                "name": "presentation_proof",
                "code": "not_checked",
                "message": "the presentation's own proof is not verified",
            }
        ]
        if "proof" in data.verifiablePresentation
        else []
    )
    verification = verification_of(state)
    results = [
        report(await verification.verify(c)) for c in credentials if isinstance(c, (dict, str))
    ]
    verified = (
        bool(results) and all(r.verified for r in results) and len(results) == len(credentials)
    )
    body = VerifyPresentationResponse(
        verified=verified,
        credentialResults=results,
        errors=errors,
        warnings=warnings,
    )
    return Response(body, status_code=200 if verified else 422)


@post(
    "/credentials/verify/baked",
    tags=["verification"],
    status_code=200,
    summary="Verify a baked badge image (PNG or SVG)",
    description="Multipart upload, field `file`: the credential baked into the image (OB 3.0"
    " §5.3) is extracted and verified. 200 verified, 422 not verified, 400 when no"
    " credential can be extracted.",
    responses={422: NOT_VERIFIED},
)
async def verify_baked(
    state: State, data: Annotated[BadgeUpload, Body(media_type=RequestEncodingType.MULTI_PART)]
) -> Response[VerifyCredentialResponse]:
    try:
        presented = unbake(await data.file.read())
    except BakingError as exc:
        raise NotABakedBadge(str(exc)) from exc
    result = await verification_of(state).verify(presented)
    return Response(report(result), status_code=200 if result.verified else 422)


class BulkVerifyRequest(msgspec.Struct, frozen=True, kw_only=True):
    verifiableCredentials: Annotated[
        list[dict[str, Any] | str], msgspec.Meta(min_length=1, max_length=1000)
    ]


class BulkVerifyResponse(msgspec.Struct, frozen=True, kw_only=True):
    verified: int
    failed: int
    results: list[VerifyCredentialResponse]


@post(
    "/credentials/verify/bulk",
    tags=["verification"],
    status_code=200,
    summary="Verify up to 1,000 credentials in one call",
    description="Results in request order; the call itself succeeds whatever they say.",
)
async def verify_bulk(state: State, data: JSONBody[BulkVerifyRequest]) -> BulkVerifyResponse:
    verification = verification_of(state)
    results = [report(await verification.verify(c)) for c in data.verifiableCredentials]
    ok = sum(r.verified for r in results)
    return BulkVerifyResponse(verified=ok, failed=len(results) - ok, results=results)
