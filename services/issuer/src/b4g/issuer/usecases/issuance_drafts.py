"""Turning an order into the signed row of its credential (no database work), and the
`credential.issued` event announcing it: an Open Badges credential built from the achievement,
or the caller's VC API credential completed with its issuer and status entries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from b4g.core.events.payloads import CredentialIssuedV1
from b4g.core.events.topics import CREDENTIAL_ISSUED
from b4g.core.infra.outbox import OutboxEntry
from b4g.core.infra.telemetry import inject_headers
from b4g.core.jsonld.canon import DataLossError
from b4g.core.jsonld.documents import UnknownContextError
from b4g.core.jsonld.rdfc import CanonicalizationError
from b4g.core.proofs.data_integrity import JCS
from b4g.issuer.domain import vc_api
from b4g.issuer.domain.credentials import build_credential, credential_subject
from b4g.issuer.domain.errors import InvalidCredential, UndefinedTerms
from b4g.issuer.domain.profiles import profile_document
from b4g.issuer.domain.signing import sign_credential, sign_with_suite
from b4g.issuer.domain.status import ACTIVE, REVOCATION, SUSPENSION, status_entry
from b4g.issuer.domain.timestamps import xsd_datetime
from b4g.issuer.store.achievements import AchievementRow
from b4g.issuer.store.credentials import CredentialRow
from b4g.issuer.store.issuers import IssuerRow
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.events import outbox_entry
from b4g.issuer.usecases.issuance_orders import IssueOrder, OpenBadgeDraft, VcApiDraft
from b4g.issuer.usecases.issuers import SigningKey
from b4g.issuer.usecases.status_allocation import Allocation


@dataclass(frozen=True, slots=True)
class StatusEntries:
    revocation: Allocation
    suspension: Allocation | None

    @property
    def entries(self) -> list[dict[str, Any]]:
        """The BitstringStatusListEntry objects the credential carries."""
        entries = [status_entry(self.revocation.url, self.revocation.index, REVOCATION)]
        if self.suspension is not None:
            entries.append(status_entry(self.suspension.url, self.suspension.index, SUSPENSION))
        return entries


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signs an order's credential, and with what (an Open Badges order's achievement)."""

    issuer: IssuerRow
    key: SigningKey
    achievement: AchievementRow | None


def credential_row(
    ctx: IssuerContext,
    order: IssueOrder,
    signer: Signer,
    *,
    credential_id: uuid.UUID,
    status: StatusEntries,
    now: datetime,
) -> CredentialRow:
    """Builds and signs the order's credential; the row to store."""
    if isinstance(order.draft, VcApiDraft):
        return _vc_api_row(ctx, order, order.draft, signer, credential_id, status, now)
    assert signer.achievement is not None
    return _open_badge_row(ctx, order, order.draft, signer, credential_id, status, now)


def _open_badge_row(
    ctx: IssuerContext,
    order: IssueOrder,
    draft: OpenBadgeDraft,
    signer: Signer,
    credential_id: uuid.UUID,
    status: StatusEntries,
    now: datetime,
) -> CredentialRow:
    request, issuer, achievement = draft.request, signer.issuer, signer.achievement
    assert achievement is not None
    valid_from = request.valid_from or now
    document = build_credential(
        credential_id=credential_id,
        issuer_profile=profile_document(issuer.did, issuer.profile),
        subject=credential_subject(
            request.recipient,
            achievement.document,
            results=request.results,
            narrative=request.narrative,
        ),
        status_entries=status.entries,
        valid_from=valid_from,
        valid_until=request.valid_until,
        awarded_date=request.awarded_date,
        evidence=request.evidence,
    )
    signed = sign_credential(
        document,
        signer.key.pair,
        signer.key.verification_method,
        formats=request.formats,
        created=xsd_datetime(now),
        rdf=ctx.rdf,
    )
    return _row(
        order,
        signer,
        credential_id,
        status,
        now,
        achievement=(achievement.id, achievement.version),
        recipient=request.recipient.lookup_key(),
        formats=request.formats,
        document=signed.document,
        jwt=signed.jwt,
        valid=(valid_from, request.valid_until),
    )


def _vc_api_row(
    ctx: IssuerContext,
    order: IssueOrder,
    draft: VcApiDraft,
    signer: Signer,
    credential_id: uuid.UUID,
    status: StatusEntries,
    now: datetime,
) -> CredentialRow:
    request, key = draft.request, signer.key
    given = request.credential
    if request.credential_id is not None and "id" not in given:
        given = {**given, "id": request.credential_id}
    document = vc_api.prepare(
        given, issuer_did=signer.issuer.did, status_entries=status.entries, now=xsd_datetime(now)
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
    v2 = vc_api.data_model(document) == "2.0"
    return _row(
        order,
        signer,
        credential_id,
        status,
        now,
        achievement=(None, None),
        recipient=vc_api.subject_id(document),
        formats=(request.cryptosuite,),
        document=signed,
        jwt=None,
        valid=(
            vc_api.instant(document, "validFrom" if v2 else "issuanceDate"),
            vc_api.instant(document, "validUntil" if v2 else "expirationDate"),
        ),
    )


def _row(
    order: IssueOrder,
    signer: Signer,
    credential_id: uuid.UUID,
    status: StatusEntries,
    now: datetime,
    *,
    achievement: tuple[uuid.UUID | None, int | None],
    recipient: str,
    formats: tuple[str, ...],
    document: dict[str, Any] | None,
    jwt: str | None,
    valid: tuple[datetime | None, datetime | None],
) -> CredentialRow:
    revocation, suspension = status.revocation, status.suspension
    return CredentialRow(
        id=credential_id,
        platform_id=order.principal.platform_id,
        issuer_id=signer.issuer.id,
        achievement_id=achievement[0],
        achievement_version=achievement[1],
        recipient=recipient,
        status=ACTIVE,
        formats=formats,
        document=document,
        jwt=jwt,
        status_list_id=revocation.list_id,
        status_list_index=revocation.index,
        suspension_list_id=suspension.list_id if suspension else None,
        suspension_index=suspension.index if suspension else None,
        issued_at=now,
        valid_from=valid[0],
        valid_until=valid[1],
        request_hash=order.fingerprint,
    )


def issued_event(
    ctx: IssuerContext, order: IssueOrder, row: CredentialRow, issuer_did: str
) -> OutboxEntry:
    """The `credential.issued` event of a new credential, continuing its order's trace."""
    payload = CredentialIssuedV1(
        credential_id=f"urn:uuid:{row.id}",
        issuer_id=str(row.issuer_id),
        issuer_did=issuer_did,
        achievement_id=f"urn:uuid:{row.achievement_id}" if row.achievement_id else None,
        issued_at=xsd_datetime(row.issued_at),
        valid_from=xsd_datetime(row.valid_from) if row.valid_from else None,
        valid_until=xsd_datetime(row.valid_until) if row.valid_until else None,
    )
    headers: dict[str, str] = {}
    inject_headers(headers, context=order.trace)
    return outbox_entry(
        ctx,
        event_type=CREDENTIAL_ISSUED,
        key=f"urn:uuid:{row.id}",
        payload=payload,
        subject=f"urn:uuid:{row.id}",
        trace_headers=headers,
    )
