"""The Quality Label badge follows the registry's grant (`b4g.registry.labels.v1`).

granted → the network's issuer issues the label badge to the organisation's DID, valid for the
grant's period; withdrawn or expired → it is revoked; suspended / reinstated → the badge is
suspended / reinstated when the network issuer has suspension enabled (otherwise it stays, and
verifiers learn of the suspension from the registry's trust state). Each effect is keyed by the
grant id (an Idempotency-Key), so a redelivered event never issues or revokes twice.
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
from b4g.issuer.domain.status import ACTIVE, REVOKED, SUSPENDED
from b4g.issuer.store import credentials as store
from b4g.issuer.usecases.context import IssuerContext
from b4g.issuer.usecases.issuance import issue
from b4g.issuer.usecases.issuance_orders import IssueRequest
from b4g.issuer.usecases.status_changes import change_status

log = logging.getLogger(__name__)

FOLLOW = {
    LABEL_WITHDRAWN: "revoke",
    LABEL_EXPIRED: "revoke",
    LABEL_SUSPENDED: "suspend",
    LABEL_REINSTATED: "reinstate",
}
AFTER = {"revoke": REVOKED, "suspend": SUSPENDED, "reinstate": ACTIVE}


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


async def follow_label(
    conn: Conn, ctx: IssuerContext, network: LabelIssuer, event_type: str, label: LabelEventV1
) -> None:
    """The badge's change, in `conn`'s transaction: the consumer's, which records the event in
    its inbox in the same commit (so a crash between them cannot apply it twice or lose it)."""
    key = f"quality-label:{label.grant_id}"
    if event_type == LABEL_GRANTED:
        if not label.did:
            log.warning(
                "label granted to an organisation without a DID; no badge issued",
                extra={"grant_id": label.grant_id},
            )
            return
        request = IssueRequest(
            achievement_id=network.achievement_id,
            recipient=Recipient(id=label.did),
            valid_from=_moment(label.valid_from),
            valid_until=_moment(label.valid_until),
            body={"qualityLabelGrant": label.grant_id, "did": label.did},
        )
        await issue(
            ctx, network.principal, network.issuer_id, request, idempotency_key=key, conn=conn
        )
        return
    operation = FOLLOW.get(event_type)
    if operation is None:
        return
    credential = await store.by_idempotency_key(conn, network.platform_id, key)
    if credential is None or credential.status in (AFTER[operation], REVOKED):
        return  # nothing issued, already in that state, or revoked for good
    if operation == "suspend" and credential.suspension_list_id is None:
        return  # the network issuer does not suspend; the registry's trust state tells
    await change_status(ctx, network.principal, credential.id, operation, label.reason, conn=conn)
