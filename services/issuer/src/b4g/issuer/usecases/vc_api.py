"""W3C VC API issuance (`POST /credentials/issue`): the caller's credential, signed by one of the
platform's issuer profiles with a status entry, stored and announced like any other credential
(through the issuance pipeline; which issuer signs: `issuance_pipeline.choose_issuer`). The
credential's `issuer` is set to the chosen DID."""

from __future__ import annotations

import uuid

from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.errors import IssuerNotFound
from b4g.issuer.domain.idempotency import request_fingerprint
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.store import platforms as platform_store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuance_orders import IssueOrder, VcApiDraft, VcApiIssue


def vc_api_order(
    principal: Principal, request: VcApiIssue, idempotency_key: str | None = None
) -> IssueOrder:
    # One fingerprint per platform: the issuer is chosen inside the transaction.
    fingerprint = (
        request_fingerprint(principal.platform_id, request.body) if idempotency_key else None
    )
    return IssueOrder(principal, VcApiDraft(request), idempotency_key, fingerprint)


async def set_default_issuer(
    ctx: IssuerContext, principal: Principal, issuer_id: uuid.UUID
) -> uuid.UUID:
    async with ctx.pool.acquire() as conn, conn.transaction():
        issuer = await issuer_store.get_issuer(conn, issuer_id, platform_id=principal.platform_id)
        if issuer is None:
            raise IssuerNotFound(f"no issuer {issuer_id}")
        await platform_store.set_default_issuer(conn, principal.platform_id, issuer_id)
    return issuer_id
