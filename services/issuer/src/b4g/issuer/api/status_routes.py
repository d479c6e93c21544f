"""A credential's status and history; revoking, suspending and reinstating it."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromPath

from b4g.issuer.domain.access import SCOPE_READ, SCOPE_REVOKE
from b4g.issuer.domain.credentials import Credential, StatusChange, credential_uri
from b4g.issuer.usecases import reading, status_changes

from .auth import require
from .deps import API_KEY, Caller, Ctx
from .models import CredentialStatusOut, StatusChangeIn, StatusChangeOut, body_with_examples

ReasonBody = Annotated[
    StatusChangeIn | None, body_with_examples("With a reason", {"reason": "awarded in error"})
]


def status_out(
    row: Credential, history: list[StatusChange], list_version: int | None = None
) -> CredentialStatusOut:
    return CredentialStatusOut(
        id=credential_uri(row.id),
        status=row.status,
        credential_status=row.status_entries,
        history=[
            StatusChangeOut(
                status=change.status,
                reason=change.reason,
                actor=change.actor,
                changed_at=change.changed_at,
            )
            for change in history
        ],
        status_list_version=list_version,
    )


class CredentialStatusController(Controller):
    tags = ["credentials"]  # noqa: RUF012 - Litestar reads it as a class attribute
    security = API_KEY

    @get("/credentials/{credential_id:uuid}/status", summary="Status and history of a credential")
    async def get_status(
        self, ctx: Ctx, principal: Caller, credential_id: FromPath[uuid.UUID]
    ) -> CredentialStatusOut:
        require(principal, SCOPE_READ)
        return status_out(*await reading.get_credential(ctx, principal, credential_id))

    async def _change(
        self,
        ctx: Ctx,
        principal: Caller,
        credential_id: uuid.UUID,
        operation: str,
        data: StatusChangeIn | None,
    ) -> CredentialStatusOut:
        require(principal, SCOPE_REVOKE)
        reason = data.reason if data is not None else None
        changed = await status_changes.change_status(
            ctx, principal, credential_id, operation, reason
        )
        _row, history = await reading.get_credential(ctx, principal, credential_id)
        return status_out(changed.credential, history, changed.list_version)

    @post(
        "/credentials/{credential_id:uuid}/revoke",
        summary="Revoke a credential (final)",
        description=(
            "Sets its bit in the revocation list, re-signs the list and publishes it (new "
            "version) with `credential.status-changed`. Needs the `revoke` scope."
        ),
        status_code=200,
    )
    async def revoke(
        self,
        ctx: Ctx,
        principal: Caller,
        credential_id: FromPath[uuid.UUID],
        data: ReasonBody = None,
    ) -> CredentialStatusOut:
        return await self._change(ctx, principal, credential_id, "revoke", data)

    @post(
        "/credentials/{credential_id:uuid}/suspend",
        summary="Suspend a credential (issuers created with allowSuspension)",
        status_code=200,
    )
    async def suspend(
        self,
        ctx: Ctx,
        principal: Caller,
        credential_id: FromPath[uuid.UUID],
        data: ReasonBody = None,
    ) -> CredentialStatusOut:
        return await self._change(ctx, principal, credential_id, "suspend", data)

    @post(
        "/credentials/{credential_id:uuid}/reinstate",
        summary="Reinstate a suspended credential",
        status_code=200,
    )
    async def reinstate(
        self,
        ctx: Ctx,
        principal: Caller,
        credential_id: FromPath[uuid.UUID],
        data: ReasonBody = None,
    ) -> CredentialStatusOut:
        return await self._change(ctx, principal, credential_id, "reinstate", data)
