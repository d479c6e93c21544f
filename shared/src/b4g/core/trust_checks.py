"""The trust checks of a badge's issuer from the registry's trust state (pure): is it registered,
did it hold the Quality Label when it issued the badge, does it hold it now.

"When it issued the badge" is the moment the registry witnessed the issuance when there is a
witness. Without one the badge's own date is only the issuer's claim: it is enough while the
label has lasted without a break from that date until now (whenever the badge was signed since,
the label was held), and never enough across a suspension, withdrawal or expiry, because a
back-dated badge would then borrow a label its issuer has lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from b4g.core.trust import TrustState, label_held_at, trusted_issuer
from b4g.core.verdict import Check, passed

LABEL_LOST = {
    "suspended": "label_suspended",
    "withdrawn": "label_withdrawn",
    "expired": "label_expired",
}


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _day(moment: str | datetime | None) -> str:
    if moment is None:
        return "?"
    text = moment.isoformat() if isinstance(moment, datetime) else moment
    return text[:10]


def unknown_trust(code: str, message: str) -> list[Check]:
    return [Check(name="issuer_registered", state="could_not_check", code=code, message=message)]


def label_ended(state: TrustState, now: datetime) -> str | None:
    """When the label last stopped being active (suspension, withdrawal or expiry), if it did."""
    ends = [
        i.end
        for i in state.label_history
        if i.status == "active" and i.end is not None and _at(i.end) <= now
    ]
    return max(ends, key=_at) if ends else None


def _held_without_break(state: TrustState, since: datetime) -> bool:
    """Whether the active interval holding `since` is still open."""
    return any(
        i.status == "active" and i.end is None and _at(i.start) <= since
        for i in state.label_history
    )


def claimed_issuance(credential: Mapping[str, Any]) -> datetime | None:
    """The issuance date the badge gives (the issuer's own claim), when it is a full timestamp."""
    issued = credential.get("validFrom") or credential.get("issuanceDate")
    if not isinstance(issued, str):
        return None
    try:
        moment = datetime.fromisoformat(issued.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def trust_checks(
    state: TrustState | None,
    *,
    now: datetime,
    claimed: datetime | None,
    witnessed: datetime | None = None,
) -> list[Check]:
    if state is None:
        return [
            Check(
                name="issuer_registered",
                state="fail",
                code="issuer_not_registered",
                message="The issuer is not in the Badges4Good registry.",
            )
        ]
    org = {"organisationId": state.organisation_id, "organisationName": state.organisation_name}
    if not trusted_issuer(state, now):
        reason = (
            "its DID is not proven"
            if not state.did_proven
            else f"its registration is {state.registry_status}"
        )
        return [
            Check(
                name="issuer_registered",
                state="fail",
                code="issuer_not_trusted",
                message=f"{state.organisation_name} is in the registry, but {reason}.",
                facts={**org, "registryStatus": state.registry_status},
            )
        ]
    registered = passed(
        "issuer_registered",
        f"{state.organisation_name} is a registered issuer in the Badges4Good registry.",
        **org,
    )
    # Each check names the organisation, so each can be worded on its own.
    return [
        registered,
        _named(_at_issuance(state, now, claimed, witnessed), org),
        _named(_now(state, now), org),
    ]


def _named(check: Check, org: dict[str, str]) -> Check:
    return msgspec.structs.replace(check, facts={**org, **check.facts})


def _now(state: TrustState, now: datetime) -> Check:
    if label_held_at(state, now):
        until = state.label_valid_until or ""
        return passed(
            "label_now",
            f"{state.organisation_name} holds the Quality Label (valid until {_day(until)}).",
            labelValidUntil=until,
        )
    ended = label_ended(state, now)
    code = LABEL_LOST.get(state.label_status, "no_label")
    if code == "no_label":
        message = f"{state.organisation_name} does not hold the Quality Label."
    else:
        message = (
            f"{state.organisation_name} no longer holds the Quality Label: it was "
            f"{state.label_status.replace('_', ' ')} on {_day(ended)}."
        )
    facts = {"labelStatus": state.label_status}
    if ended:
        facts["labelEnded"] = ended
    return Check(name="label_now", state="fail", code=code, message=message, facts=facts)


def _at_issuance(
    state: TrustState, now: datetime, claimed: datetime | None, witnessed: datetime | None
) -> Check:
    name = state.organisation_name
    if witnessed is not None:
        seen = witnessed.isoformat()
        if label_held_at(state, witnessed):
            return passed(
                "label_at_issuance",
                f"{name} held the Quality Label when the registry witnessed the issuance of "
                f"this badge on {_day(seen)}.",
                witnessedAt=seen,
            )
        return Check(
            name="label_at_issuance",
            state="fail",
            code="label_not_held_at_issuance",
            message=f"{name} did not hold the Quality Label when the registry witnessed the "
            f"issuance of this badge on {_day(seen)}.",
            facts={"witnessedAt": seen},
        )
    if claimed is None:
        return Check(
            name="label_at_issuance",
            state="could_not_check",
            code="no_issuance_date",
            message="The badge gives no date and the registry has no record of its issuance.",
        )
    dated = claimed.isoformat()
    if not label_held_at(state, claimed):
        return Check(
            name="label_at_issuance",
            state="fail",
            code="label_not_held_at_issuance",
            message=f"{name} did not hold the Quality Label on {_day(dated)}, the date the "
            "issuer gives this badge.",
            facts={"claimedAt": dated},
        )
    if _held_without_break(state, claimed):
        return passed(
            "label_at_issuance",
            f"{name} has held the Quality Label without a break since {_day(dated)}, the date "
            "the issuer gives this badge.",
            claimedAt=dated,
        )
    ended = label_ended(state, now) or ""
    change = state.label_status if state.label_status in LABEL_LOST else "interrupted"
    return Check(
        name="label_at_issuance",
        state="could_not_check",
        code="issuance_not_witnessed",
        message=f"The issuer dates this badge {_day(dated)}, before its Quality Label was "
        f"{change} on {_day(ended)}; the registry has no record of its issuance.",
        facts={"claimedAt": dated, "labelEnded": ended, "labelStatus": state.label_status},
    )
