"""One verdict from many checks (pure): is the badge *genuine* (format, schema, proof, issuer
binding, dates, status) and is its issuer *trusted* (registered, label at issuance, label now)?

Every check passes with the code `ok`; a failing or uncheckable check carries the
specification's code where one exists (`PROOF_VERIFICATION_ERROR`, `STATUS_RETRIEVAL_ERROR`)
and our own snake_case otherwise. `facts` carries the values a page needs to say the same thing
in another language (dates, names, ids), with camelCase keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import msgspec

State = Literal["pass", "fail", "could_not_check"]

# The trust checks: whether the issuer is known and labelled. They answer "trusted", never
# "genuine"; a caller's trust policy can make them count for `verified`.
TRUST_CHECKS = ("issuer_registered", "label_at_issuance", "label_now")
# Reported, never required unless asked for: an endorsement is a third party's opinion.
ADVISORY = frozenset({*TRUST_CHECKS, "endorsement"})
# Counted when it could run: an unreachable schema does not fail a badge.
BEST_EFFORT = frozenset({"schema"})

# Trust policies a caller may ask for, and the checks each one requires to pass.
TRUST_POLICIES: dict[str, tuple[str, ...]] = {
    "none": (),
    "registered": ("issuer_registered",),
    "qualityLabel": ("issuer_registered", "label_now"),
    "qualityLabelAtIssuance": ("issuer_registered", "label_at_issuance"),
}


class Check(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    name: str
    state: State
    code: str
    message: str  # a sentence a person understands
    facts: dict[str, str] = msgspec.field(default_factory=dict)


def passed(name: str, message: str, **facts: str) -> Check:
    return Check(name=name, state="pass", code="ok", message=message, facts=facts)


def decide(checks: Iterable[Check], required: Iterable[str] | None = None) -> bool:
    """Whether every required check present passed (a best-effort one may be uncheckable) and
    at least one did. `required` defaults to every check that is not advisory; `structure`
    always counts (a document that is not a credential is never verified)."""
    checks = tuple(checks)
    wanted = (
        {c.name for c in checks if c.name not in ADVISORY}
        if required is None
        else {*required, "structure"}
    )
    counted = [c for c in checks if c.name in wanted]
    return bool(counted) and all(
        c.state == "pass" or (c.state == "could_not_check" and c.name in BEST_EFFORT)
        for c in counted
    )


def verdict_parts(
    checks: Iterable[Check], required: Iterable[str] | None = None
) -> tuple[list[Check], list[Check]]:
    """(errors, warnings): the failing or uncheckable required checks, and every other finding
    that is not a pass. Nothing that did not decide the answer is an error."""
    checks = tuple(checks)
    wanted = (
        {c.name for c in checks if c.name not in ADVISORY}
        if required is None
        else {*required, "structure"}
    )
    errors: list[Check] = []
    warnings: list[Check] = []
    for c in checks:
        if c.state == "pass":
            continue
        counts = c.name in wanted and not (c.state == "could_not_check" and c.name in BEST_EFFORT)
        (errors if counts else warnings).append(c)
    return errors, warnings
