"""Trust over IP Trust Registry Query Protocol v2: the authorization and recognition questions
this registry answers, decided from a DID's trust state (pure).

Authorization: "is `entity_id` (an issuer DID) authorized by our authority to `action` the
`resource` at `time`?". Recognition: "does our authority recognise the authority `entity_id`
for `action` on `resource`?".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final

import msgspec

from b4g.core.trust import TrustState, label_held_at, trusted_issuer

ISSUE: Final = "issue"
BADGE: Final = "badge"
QUALITY_LABEL: Final = "quality-label"
# (action, resource) pairs this registry has records for; anything else is unknown to it.
KNOWN: Final = frozenset({(ISSUE, BADGE), (ISSUE, QUALITY_LABEL)})

# TRQP: RFC 3339 in UTC ("Z", or its +00:00 spelling).
_RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d{1,9})?([Zz]|\+00:00)")


class InvalidTime(ValueError):
    pass


def parse_time(value: str) -> datetime:
    """`context.time` as an aware UTC datetime; InvalidTime when it is not RFC 3339 UTC."""
    if not _RFC3339_UTC.fullmatch(value):
        raise InvalidTime(
            "context.time must be an RFC 3339 date-time in UTC, e.g. 2026-01-01T00:00:00Z"
        )
    try:
        moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidTime(f"context.time is not a valid date-time: {exc}") from None
    return moment.astimezone(UTC)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class Answer(msgspec.Struct, frozen=True):
    yes: bool
    message: str


def authorization(
    state: TrustState | None, status_then: str | None, resource: str, moment: datetime
) -> Answer:
    """`state`: the DID's current trust state (None when the DID is not a proven DID of a
    registered organisation); `status_then`: the organisation's registry status at `moment`."""
    if state is None:
        return Answer(False, "this DID is not a proven DID of an organisation in the registry")
    if status_then is None:
        return Answer(False, f"{state.organisation_name} was not registered at that time")
    then = trust_at_moment(state, status_then, moment)
    if not then.trusted_issuer:
        if status_then != "active":
            return Answer(False, f"{state.organisation_name} was {status_then} in the registry")
        return Answer(False, "the DID was not valid for this organisation at that time")
    if resource == BADGE:
        return Answer(True, f"{state.organisation_name} is a registered issuer of badges")
    if then.label_held:
        return Answer(
            True, f"{state.organisation_name} held the Quality Label for badge recognition"
        )
    return Answer(False, f"{state.organisation_name} did not hold the Quality Label at that time")


def recognition(entity_id: str, own_authority: str, recognised: frozenset[str]) -> Answer:
    if entity_id == own_authority:
        return Answer(True, "an authority recognises itself")
    if entity_id in recognised:
        return Answer(True, "this registry recognises that authority")
    return Answer(False, "this registry does not recognise that authority")


class TrustAtMoment(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    at: str
    registry_status: str | None  # the organisation's registry status then (None: not yet)
    trusted_issuer: bool  # registered, active, DID proven and valid then
    label_held: bool  # the Quality Label was active then
    state: TrustState  # the DID's full state now, with its label history


def trust_at_moment(state: TrustState, status_then: str | None, moment: datetime) -> TrustAtMoment:
    then = msgspec.structs.replace(state, registry_status=status_then or "unregistered")
    trusted = status_then is not None and trusted_issuer(then, moment)
    return TrustAtMoment(
        at=rfc3339(moment),
        registry_status=status_then,
        trusted_issuer=trusted,
        label_held=label_held_at(then, moment),
        state=state,
    )
