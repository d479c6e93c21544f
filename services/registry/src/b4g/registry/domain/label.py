"""The Quality Label for badge recognition: application and grant lifecycles (pure).

Process (DESIGN.md): express interest → complete the course → apply → assessment (decision
within the scheme's deadline) → granted for the scheme's validity, renewable by a shortened
procedure, monitored while valid. Decisions to grant or withdraw need a second person (four
eyes). Periods and thresholds are data: `scheme.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from b4g.core.trust import LabelInterval

# Application: (state, action) -> next state.
APPLICATION: Final = {
    ("interested", "complete_course"): "course_completed",
    ("course_completed", "apply"): "applied",
    ("applied", "start_assessment"): "under_assessment",
    ("under_assessment", "return_for_changes"): "returned",
    ("returned", "apply"): "applied",
    ("under_assessment", "approve"): "approved",
    ("under_assessment", "reject"): "rejected",
    **{
        (state, "withdraw"): "withdrawn"
        for state in ("interested", "course_completed", "applied", "under_assessment", "returned")
    },
}
# Renewals skip the course: a holder applies straight away (the shortened procedure).
RENEWAL_START: Final = "course_completed"

# Grant: (state, action) -> next state.
GRANT: Final = {
    ("active", "suspend"): "suspended",
    ("suspended", "reinstate"): "active",
    ("active", "withdraw"): "withdrawn",
    ("suspended", "withdraw"): "withdrawn",
    ("active", "expire"): "expired",
    ("suspended", "expire"): "expired",
    ("active", "supersede"): "superseded",
}
FOUR_EYES: Final = frozenset({"approve", "withdraw_grant"})


class InvalidTransition(ValueError):
    code = "invalid_transition"


def next_application_state(state: str, action: str) -> str:
    try:
        return APPLICATION[(state, action)]
    except KeyError:
        raise InvalidTransition(f"an application that is {state} cannot {action}") from None


def next_grant_state(state: str, action: str) -> str:
    try:
        return GRANT[(state, action)]
    except KeyError:
        raise InvalidTransition(f"a grant that is {state} cannot {action}") from None


def confirmable(proposed_by: str, confirmed_by: str) -> bool:
    """Four eyes: the person who proposed a decision may not confirm it."""
    return proposed_by != confirmed_by


@dataclass(frozen=True, slots=True)
class GrantChange:
    state: str  # the grant's state from `at` on
    at: datetime


def label_history(changes: list[GrantChange]) -> list[LabelInterval]:
    """Intervals of active / suspended label from a grant's ordered state changes."""
    intervals: list[LabelInterval] = []
    followers: list[GrantChange | None] = [*changes[1:], None]
    for change, following in zip(changes, followers[: len(changes)], strict=True):
        if change.state not in ("active", "suspended"):
            continue
        end = following.at if following is not None else None
        intervals.append(
            LabelInterval(
                status=change.state, start=_iso(change.at), end=_iso(end) if end else None
            )
        )
    return intervals


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
