"""W3C VC API issuance (`POST /credentials/issue`): the caller's credential, signed by one of the
platform's issuer profiles with a status entry, stored and announced like any other credential.

Which issuer signs: `options.issuer` (an issuer's id or DID; it must be the platform's), else the
credential's `issuer` when it is one of the platform's issuers, else the platform's default
issuer, else the platform's only issuer. The credential's `issuer` is set to the chosen DID.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from b4g.core.infra.db import Conn
from b4g.core.jsonld.canon import DataLossError
from b4g.core.jsonld.documents import UnknownContextError
from b4g.core.jsonld.rdfc import CanonicalizationError
from b4g.core.proofs.data_integrity import JCS, RDFC
from b4g.issuer.domain import vc_api
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.idempotency import request_fingerprint
from b4g.issuer.domain.signing import sign_with_suite
from b4g.issuer.domain.status import ACTIVE
from b4g.issuer.domain.timestamps import xsd_datetime
from b4g.issuer.store import credentials as store
from b4g.issuer.store import issuers as issuer_store
from b4g.issuer.store import platforms as platform_store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.errors import (
    InvalidCredential,
    InvalidRequest,
    IssuerNotFound,
    IssuerRequired,
    UndefinedTerms,
)
from b4g.issuer.usecases.issuance import Issued, issue_once, status_entries
from b4g.issuer.usecases.issuers import signing_key

CRYPTOSUITES = (RDFC, JCS)


@dataclass(frozen=True, slots=True)
class VcApiIssue:
    credential: dict[str, Any]
    cryptosuite: str = RDFC
    issuer: str | None = None  # options.issuer: an issuer id or DID of the platform
    created: str | None = None
    domain: str | None = None
    challenge: str | None = None
    credential_id: str | None = None  # options.credentialId: the id when the credential has none
    body: Any = None  # the request as received, for the idempotency fingerprint


async def issue(
    ctx: IssuerContext,
    principal: Principal,
    request: VcApiIssue,
    idempotency_key: str | None = None,
) -> Issued:
    if request.cryptosuite not in CRYPTOSUITES:
        raise InvalidRequest(f"options.cryptosuite must be one of {', '.join(CRYPTOSUITES)}")
    try:
        vc_api.check(request.credential)
    except vc_api.CredentialRefused as exc:
        raise InvalidCredential(str(exc)) from exc
    # One fingerprint per platform: the issuer is chosen inside the transaction.
    fingerprint = (
        request_fingerprint(principal.platform_id, request.body) if idempotency_key else None
    )

    async def make(conn: Conn) -> tuple[store.CredentialRow, str]:
        return await _make(conn, ctx, principal, request, fingerprint)

    return await issue_once(ctx, principal, make, idempotency_key, fingerprint)


async def set_default_issuer(
    ctx: IssuerContext, principal: Principal, issuer_id: uuid.UUID
) -> uuid.UUID:
    async with ctx.pool.acquire() as conn, conn.transaction():
        issuer = await issuer_store.get_issuer(conn, issuer_id, platform_id=principal.platform_id)
        if issuer is None:
            raise IssuerNotFound(f"no issuer {issuer_id}")
        await platform_store.set_default_issuer(conn, principal.platform_id, issuer_id)
    return issuer_id


async def _choose_issuer(
    conn: Conn, principal: Principal, request: VcApiIssue
) -> issuer_store.IssuerRow:
    platform_id = principal.platform_id
    if request.issuer is not None:
        found = await issuer_store.find_issuer(conn, request.issuer, platform_id=platform_id)
        if found is None:
            raise IssuerNotFound(f"options.issuer {request.issuer!r} is none of your issuers")
        return found
    named = vc_api.named_issuer(request.credential)
    if named is not None:
        found = await issuer_store.find_issuer(conn, named, platform_id=platform_id)
        if found is not None:
            return found
    default = await issuer_store.default_issuer(conn, platform_id)
    if default is None:
        raise IssuerRequired(
            "name one of your issuers in options.issuer or the credential's issuer, or set a "
            "default with PUT /platform/default-issuer"
        )
    return default


async def _make(
    conn: Conn,
    ctx: IssuerContext,
    principal: Principal,
    request: VcApiIssue,
    fingerprint: bytes | None,
) -> tuple[store.CredentialRow, str]:
    issuer = await _choose_issuer(conn, principal, request)
    key = await signing_key(conn, ctx, issuer.id)
    now = ctx.clock()
    credential_id = uuid.uuid4()
    status = await status_entries(conn, ctx, issuer, key, credential_id)
    given = request.credential
    if request.credential_id is not None and "id" not in given:
        given = {**given, "id": request.credential_id}
    document = vc_api.prepare(
        given, issuer_did=issuer.did, status_entries=status.entries, now=xsd_datetime(now)
    )
    try:
        if request.cryptosuite == JCS:
            ctx.rdf(document)  # JCS signs bytes, not terms: still refuse what is undefined
        signed = sign_with_suite(
            document,
            key.pair,
            key.verification_method,
            cryptosuite=request.cryptosuite,
            created=request.created or xsd_datetime(now),
            domain=request.domain,
            challenge=request.challenge,
            rdf=ctx.rdf,
        )
    except DataLossError as exc:
        raise UndefinedTerms(str(exc)) from exc
    except (UnknownContextError, CanonicalizationError) as exc:
        raise InvalidCredential(str(exc)) from exc
    version = vc_api.data_model(document)
    row = store.CredentialRow(
        id=credential_id,
        platform_id=principal.platform_id,
        issuer_id=issuer.id,
        achievement_id=None,
        achievement_version=None,
        recipient=vc_api.subject_id(document),
        status=ACTIVE,
        formats=(request.cryptosuite,),
        document=signed,
        jwt=None,
        status_list_id=status.revocation.list_id,
        status_list_index=status.revocation.index,
        suspension_list_id=status.suspension.list_id if status.suspension else None,
        suspension_index=status.suspension.index if status.suspension else None,
        issued_at=now,
        valid_from=vc_api.instant(document, "validFrom" if version == "2.0" else "issuanceDate"),
        valid_until=vc_api.instant(
            document, "validUntil" if version == "2.0" else "expirationDate"
        ),
        request_hash=fingerprint,
    )
    return row, issuer.did
