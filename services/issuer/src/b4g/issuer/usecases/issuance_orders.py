"""What the issuance pipeline takes and gives: orders (an Open Badges request against one of the
caller's achievements, or a W3C VC API request signing the caller's own credential) and their
outcomes. Every entrance — HTTP issue, bulk jobs, the VC API, the label consumer — makes orders
and hands them to `issuance_pipeline.issue_orders`; a single request is a batch of one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opentelemetry import context as otel_context

from b4g.core.proofs.data_integrity import JCS, RDFC
from b4g.issuer.domain import vc_api
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.credentials import Credential, Recipient
from b4g.issuer.domain.errors import InvalidCredential, InvalidRequest, IssuerError
from b4g.issuer.domain.signing import DEFAULT_FORMAT, PROOF_FORMATS

CRYPTOSUITES = (RDFC, JCS)


@dataclass(frozen=True, slots=True)
class IssueRequest:
    """An Open Badges credential for one recipient, of one of the issuer's achievements."""

    achievement_id: uuid.UUID
    recipient: Recipient
    formats: tuple[str, ...] = (DEFAULT_FORMAT,)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    awarded_date: datetime | None = None
    narrative: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    body: Any = None  # the request as received, for the idempotency fingerprint
    # False: a revocation entry only, whatever the issuer allows (the Quality Label badge: OB 3.0
    # allows one credentialStatus object, see docs/decisions.md).
    suspendable: bool = True


@dataclass(frozen=True, slots=True)
class VcApiIssue:
    """W3C VC API `POST /credentials/issue`: the caller's credential, signed by one of the
    platform's issuers (see `issuance_drafts.choose_issuer`)."""

    credential: dict[str, Any]
    cryptosuite: str = RDFC
    issuer: str | None = None  # options.issuer: an issuer id or DID of the platform
    created: str | None = None
    domain: str | None = None
    challenge: str | None = None
    credential_id: str | None = None  # options.credentialId: the id when the credential has none
    body: Any = None  # the request as received, for the idempotency fingerprint


@dataclass(frozen=True, slots=True)
class OpenBadgeDraft:
    issuer_id: uuid.UUID
    request: IssueRequest


@dataclass(frozen=True, slots=True)
class VcApiDraft:
    request: VcApiIssue


Draft = OpenBadgeDraft | VcApiDraft


@dataclass(frozen=True, slots=True, eq=False)  # each order is itself (a dict key), however alike
class IssueOrder:
    """One credential to issue, and the trace its `credential.issued` event continues."""

    principal: Principal
    draft: Draft
    idempotency_key: str | None = None
    fingerprint: bytes | None = None  # of the request, when it has an Idempotency-Key
    trace: otel_context.Context = field(default_factory=otel_context.get_current)


@dataclass(frozen=True, slots=True)
class Issued:
    credential: Credential
    replayed: bool  # an earlier request with the same Idempotency-Key made it


# An order's answer: its credential, or the error it would be refused with alone.
Outcome = Issued | IssuerError


def check(draft: Draft) -> None:
    """The checks that need nothing but the request; raises what the caller is answered."""
    if isinstance(draft, VcApiDraft):
        if draft.request.cryptosuite not in CRYPTOSUITES:
            raise InvalidRequest(f"options.cryptosuite must be one of {', '.join(CRYPTOSUITES)}")
        try:
            vc_api.check(draft.request.credential)
        except vc_api.CredentialRefused as exc:
            raise InvalidCredential(str(exc)) from exc
        return
    request = draft.request
    if not request.formats or any(f not in PROOF_FORMATS for f in request.formats):
        raise InvalidRequest(f"proof formats must be from {', '.join(PROOF_FORMATS)}")
    if (request.recipient.email is None) == (request.recipient.id is None):
        raise InvalidRequest("give the recipient's `email` or `id`, not both")
    if request.valid_from and request.valid_until and request.valid_until <= request.valid_from:
        raise InvalidRequest("validUntil must be after validFrom")
