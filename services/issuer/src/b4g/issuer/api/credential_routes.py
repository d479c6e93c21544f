"""Issuing and reading credentials (status changes: `status_routes.py`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, HeaderParameter, QueryParameter

from b4g.issuer.domain.access import SCOPE_ISSUE, SCOPE_READ
from b4g.issuer.domain.badge_images import MEDIA_TYPES, ImageKind
from b4g.issuer.domain.credentials import (
    Credential,
    CredentialQuery,
    Recipient,
    credential_uri,
    recipient_lookup_key,
)
from b4g.issuer.domain.errors import InvalidRequest, NotAcceptable
from b4g.issuer.usecases import issuance, reading
from b4g.issuer.usecases.issuance_orders import IssueRequest

from .auth import require
from .deps import API_KEY, Caller, Ctx, issuance_queue
from .models import CredentialSummaryOut, IssuedOut, IssueIn, body_with_examples, fields_of
from .paging import Limit, Offset

VC_JWT = "application/vc+jwt"
VC_LD = "application/vc+ld+json"

ISSUE_EXAMPLE = {
    "achievementId": "6f1c3a0e-3c0b-4b8e-9a51-0d7c2b2f5d11",
    "recipient": {"email": "learner@example.org"},
    "proofFormats": ["eddsa-rdfc-2022"],
    "narrative": "Led the spring planting with 12 neighbours.",
    "evidence": [{"id": "https://example.org/portfolio/42", "name": "Garden photo diary"}],
    "results": [{"value": "92"}],
}

IssueBody = Annotated[IssueIn, body_with_examples("By email, with evidence", ISSUE_EXAMPLE)]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        max_length=200,
        description=(
            "Any unique string (e.g. a UUID) per credential you mean to issue. Retrying with the "
            "same key and body returns the same credential; the same key with another body is "
            "409 `idempotency_key_reused`."
        ),
    ),
]


def issued_out(row: Credential) -> IssuedOut:
    return IssuedOut(
        id=credential_uri(row.id),
        credential_id=str(row.id),
        status=row.status,
        proof_formats=list(row.formats),
        issued_at=row.issued_at,
        credential=row.document,
        jwt=row.jwt,
    )


def summary_out(row: Credential) -> CredentialSummaryOut:
    return CredentialSummaryOut(
        id=credential_uri(row.id),
        credential_id=str(row.id),
        issuer_id=str(row.issuer_id),
        achievement_id=str(row.achievement_id) if row.achievement_id else None,
        achievement_version=row.achievement_version,
        status=row.status,
        proof_formats=list(row.formats),
        issued_at=row.issued_at,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


class CredentialsController(Controller):
    tags = ["credentials"]  # noqa: RUF012 - Litestar reads it as a class attribute
    security = API_KEY

    @post(
        "/issuers/{issuer_id:uuid}/credentials",
        summary="Issue an Open Badges 3.0 credential",
        description=(
            "Signs an OpenBadgeCredential for one recipient with the issuer's current key, "
            "with a revocation entry at a random index of the issuer's status list. "
            "`proofFormats`: `eddsa-rdfc-2022` (default), `eddsa-jcs-2022`, `vc-jwt`, or "
            "several (Data Integrity proofs form a proof set; a JWT is returned beside it). "
            "Needs the `issue` scope. Send an `Idempotency-Key` to retry safely."
        ),
    )
    async def issue_credential(
        self,
        state: State,
        principal: Caller,
        issuer_id: FromPath[uuid.UUID],
        data: IssueBody,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[IssuedOut]:
        require(principal, SCOPE_ISSUE)
        if data.recipient.email is None and data.recipient.id is None:
            raise InvalidRequest("recipient needs an `email` or an `id`")
        request = IssueRequest(
            achievement_id=data.achievement_id,
            recipient=Recipient(email=data.recipient.email, id=data.recipient.id),
            formats=tuple(dict.fromkeys(data.proof_formats)),
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            awarded_date=data.awarded_date,
            narrative=data.narrative,
            evidence=[fields_of(e) for e in data.evidence or []],
            results=[fields_of(r) for r in data.results or []],
            body=msgspec.to_builtins(data),
        )
        order = issuance.open_badge_order(principal, issuer_id, request, idempotency_key)
        issued = await issuance_queue(state).issue(order)
        headers = {"Location": f"/credentials/{issued.credential.id}"}
        if issued.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(issued_out(issued.credential), status_code=201, headers=headers)

    @get(
        "/credentials/{credential_id:uuid}",
        summary="Get a signed credential",
        description=(
            "JSON-LD (with its Data Integrity proofs) by default; `Accept: application/vc+jwt` "
            "returns the compact VC-JWT when the credential was issued in that format."
        ),
        media_type=VC_LD,
    )
    async def get_credential(
        self,
        ctx: Ctx,
        principal: Caller,
        request: Request[Any, Any, Any],
        credential_id: FromPath[uuid.UUID],
    ) -> Response[Any]:
        require(principal, SCOPE_READ)
        row, _history = await reading.get_credential(ctx, principal, credential_id)
        wants_jwt = VC_JWT in (request.headers.get("accept") or "")
        if wants_jwt or row.document is None:
            if row.jwt is None:
                raise NotAcceptable("this credential was not issued as a VC-JWT")
            if not wants_jwt and "json" in (request.headers.get("accept") or "json"):
                raise NotAcceptable(
                    "this credential exists only as a VC-JWT: send Accept: application/vc+jwt"
                )
            return Response(row.jwt, media_type=VC_JWT)
        return Response(row.document, media_type=VC_LD)

    @get(
        "/credentials/{credential_id:uuid}/baked.png",
        summary="Download the credential baked into a PNG badge",
        description=(
            "Open Badges 3.0 §5.3: the credential in an `iTXt` chunk with keyword "
            "`openbadgecredential` (the JSON-LD credential, or the compact VC-JWT when it was "
            "issued only as one). The image is the achievement's when it is a PNG `data:` URI; "
            "otherwise a default badge (remote image URLs are never fetched). `b4g unbake` and "
            "the verifier read it back."
        ),
        media_type="image/png",
        responses={200: ResponseSpec(None, description="A baked PNG", media_type="image/png")},
    )
    async def baked_png(
        self, ctx: Ctx, principal: Caller, credential_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        return await self._baked(ctx, principal, credential_id, "png")

    @get(
        "/credentials/{credential_id:uuid}/baked.svg",
        summary="Download the credential baked into an SVG badge",
        description=(
            "Open Badges 3.0 §5.3: an `<openbadges:credential>` element holding the JSON-LD "
            "credential (CDATA) or, for a credential issued only as a VC-JWT, the JWT in its "
            "`verify` attribute. The image is the achievement's when it is an SVG `data:` URI; "
            "otherwise a default badge showing the achievement's name."
        ),
        media_type="image/svg+xml",
        responses={200: ResponseSpec(None, description="A baked SVG", media_type="image/svg+xml")},
    )
    async def baked_svg(
        self, ctx: Ctx, principal: Caller, credential_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        return await self._baked(ctx, principal, credential_id, "svg")

    async def _baked(
        self, ctx: Ctx, principal: Caller, credential_id: uuid.UUID, kind: ImageKind
    ) -> Response[bytes]:
        require(principal, SCOPE_READ)
        image = await reading.baked_credential(ctx, principal, credential_id, kind)
        return Response(
            image,
            media_type=MEDIA_TYPES[kind],
            headers={"Content-Disposition": f'attachment; filename="badge-{credential_id}.{kind}"'},
        )

    @get(
        "/credentials",
        summary="List issued credentials",
        description="Newest first. Filter by issuer, achievement, recipient, status and date.",
    )
    async def list_credentials(
        self,
        ctx: Ctx,
        principal: Caller,
        issuer_id: Annotated[uuid.UUID | None, QueryParameter(name="issuerId")] = None,
        achievement_id: Annotated[uuid.UUID | None, QueryParameter(name="achievementId")] = None,
        recipient_email: Annotated[str | None, QueryParameter(name="recipientEmail")] = None,
        recipient_id: Annotated[str | None, QueryParameter(name="recipientId")] = None,
        status: Annotated[
            str | None, QueryParameter(enum=["active", "revoked", "suspended"])
        ] = None,
        issued_after: Annotated[datetime | None, QueryParameter(name="issuedAfter")] = None,
        issued_before: Annotated[datetime | None, QueryParameter(name="issuedBefore")] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> list[CredentialSummaryOut]:
        require(principal, SCOPE_READ)
        if recipient_email and recipient_id:
            raise InvalidRequest("filter by recipientEmail or recipientId, not both")
        recipient = (
            recipient_lookup_key(email=recipient_email, id=recipient_id)
            if recipient_email or recipient_id
            else None
        )
        where = CredentialQuery(
            issuer_id=issuer_id,
            achievement_id=achievement_id,
            recipient=recipient,
            status=status,
            issued_after=issued_after,
            issued_before=issued_before,
        )
        rows = await reading.list_credentials(ctx, principal, where, limit=limit, offset=offset)
        return [summary_out(row) for row in rows]
