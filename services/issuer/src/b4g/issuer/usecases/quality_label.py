"""The Quality Label badge follows the registry's grant (`b4g.registry.labels.v1`).

granted → the network's issuer issues the label badge to the organisation's DID, valid for the
grant's period; suspended, withdrawn or expired → it is revoked; reinstated → a new label badge
is issued for the rest of the grant. The badge carries one revocation entry and no suspension
entry (OB 3.0 allows one credentialStatus object; docs/decisions.md), so a suspension shows at
every verifier as a badge that no longer holds, and a reinstatement as a new one that does.
Each badge of a grant is keyed by the grant id and its number (an Idempotency-Key), so a
redelivered event never issues or revokes twice; each effect runs in the label consumer's
transaction, which records the event in its inbox in the same commit.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from b4g.core.events.payloads import LabelEventV1
from b4g.core.events.topics import (
    LABEL_EXPIRED,
    LABEL_GRANTED,
    LABEL_REINSTATED,
    LABEL_SUSPENDED,
    LABEL_WITHDRAWN,
)
from b4g.core.infra.db import Conn
from b4g.issuer.domain.access import Principal
from b4g.issuer.domain.credentials import Recipient
from b4g.issuer.domain.status import REVOKED
from b4g.issuer.store import credentials as store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuance import issue
from b4g.issuer.usecases.issuance_orders import IssueRequest
from b4g.issuer.usecases.status_changes import change_status

log = logging.getLogger(__name__)

# Every change but a reinstatement ends the badge that holds now.
ENDS = {LABEL_WITHDRAWN, LABEL_EXPIRED, LABEL_SUSPENDED}
MAX_BADGES_PER_GRANT = 1000  # reinstatements of one grant; a bound for the lookup only


@dataclass(frozen=True, slots=True)
class LabelIssuer:
    platform_id: uuid.UUID
    issuer_id: uuid.UUID
    achievement_id: uuid.UUID

    @property
    def principal(self) -> Principal:
        return Principal(
            platform_id=self.platform_id,
            key_id="quality-label",
            scopes=frozenset({"read", "issue", "revoke"}),
        )


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _key(grant_id: str, number: int) -> str:
    return f"quality-label:{grant_id}" + (f":{number}" if number > 1 else "")


async def _latest(
    conn: Conn, network: LabelIssuer, grant_id: str
) -> tuple[int, store.CredentialRow | None]:
    """The newest label badge of a grant and its number (0 and None when none was issued)."""
    found: tuple[int, store.CredentialRow | None] = (0, None)
    for number in range(1, MAX_BADGES_PER_GRANT + 1):
        row = await store.by_idempotency_key(conn, network.platform_id, _key(grant_id, number))
        if row is None:
            return found
        found = (number, row)
    return found


async def _issue(
    conn: Conn,
    ctx: IssuerContext,
    network: LabelIssuer,
    label: LabelEventV1,
    number: int,
    valid_from: datetime | None,
) -> None:
    request = IssueRequest(
        achievement_id=network.achievement_id,
        recipient=Recipient(id=label.did),
        valid_from=valid_from,
        valid_until=_moment(label.valid_until),
        body={"qualityLabelGrant": label.grant_id, "did": label.did, "badge": number},
        suspendable=False,
    )
    key = _key(label.grant_id, number)
    await issue(ctx, network.principal, network.issuer_id, request, idempotency_key=key, conn=conn)


async def follow_label(
    conn: Conn, ctx: IssuerContext, network: LabelIssuer, event_type: str, label: LabelEventV1
) -> None:
    """The badge's change, in `conn`'s transaction: the consumer's, which records the event in
    its inbox in the same commit (so a crash between them cannot apply it twice or lose it)."""
    if event_type == LABEL_GRANTED:
        if not label.did:
            log.warning(
                "label granted to an organisation without a DID; no badge issued",
                extra={"grant_id": label.grant_id},
            )
            return
        await _issue(conn, ctx, network, label, 1, _moment(label.valid_from))
        return
    number, current = await _latest(conn, network, label.grant_id)
    if current is None:
        return  # nothing was issued for this grant
    if event_type in ENDS and current.status != REVOKED:
        reason = label.reason or event_type.rsplit(".", 1)[-1]
        await change_status(ctx, network.principal, current.id, "revoke", reason, conn=conn)
    elif event_type == LABEL_REINSTATED and current.status == REVOKED and label.did:
        # The rest of the grant, from now: the revoked badge stays revoked.
        await _issue(conn, ctx, network, label, number + 1, None)
