"""The one answer a person reads (pure): whether the badge is genuine and where its issuer
stands, as a headline key and the values it names. Pages word it in each language.

A badge that is not genuine is never described by its own claims: its headline says only that it
could not be verified (or that its issuer revoked or suspended it, when the signature holds).
"""

from __future__ import annotations

from typing import Literal

import msgspec

from b4g.core.verdict import ADVISORY, TRUST_POLICIES
from b4g.core.verification import VerificationResult

# The names a caller may put in `options.checks`: ours, and the VC API's where it has one.
CHECK_NAMES = {
    **{
        n: n
        for n in (
            "structure",
            "schema",
            "proof",
            "issuer_binding",
            "jwt_claims",
            "validity_window",
            "status",
            "endorsement",
            "issuer_registered",
            "label_at_issuance",
            "label_now",
        )
    },
    "credentialStatus": "status",
    "expiration": "validity_window",
    "validFrom": "validity_window",
    "validUntil": "validity_window",
    "issuerBinding": "issuer_binding",
    "credentialSchema": "schema",
}

REQUIRED_BY_DEFAULT = frozenset(CHECK_NAMES.values()) - ADVISORY


class UnknownCheckName(ValueError):
    """A caller asked for a check that does not exist."""


def requested_checks(checks: list[str] | None, policy: str | None) -> set[str] | None:
    """What decides `verified`: the checks asked for, plus the trust policy's; None for the
    default (every check that is not about trust)."""
    if checks is None and policy in (None, "none"):
        return None
    if checks is None:
        wanted = set(REQUIRED_BY_DEFAULT)
    else:
        unknown = [c for c in checks if c not in CHECK_NAMES]
        if unknown:
            raise UnknownCheckName(
                f"Unknown check {unknown[0]}; known checks: {', '.join(sorted(CHECK_NAMES))}."
            )
        wanted = {CHECK_NAMES[c] for c in checks}
    return wanted | set(TRUST_POLICIES[policy or "none"])


Standing = Literal[
    "qualityLabel",  # holds the label, and held it when it issued this badge
    "qualityLabelNow",  # holds it now; not shown to have held it at issuance
    "qualityLabelAtIssuance",  # held it at issuance (witnessed), not any more
    "issuanceNotWitnessed",  # dated inside a label period since broken, never witnessed
    "registered",  # registered, no label at issuance nor now
    "notTrusted",  # in the registry, but suspended, removed or its DID unproven
    "notRegistered",
    "unknown",  # the registry could not be asked
]


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    genuine: bool
    standing: Standing
    headline: str  # a key: genuine.<standing>, revoked, suspended, expired, not_yet_valid, …
    facts: dict[str, str]  # what the headline names (dates, the organisation)


def standing(result: VerificationResult) -> Standing:
    registered = result.first("issuer_registered")
    at = result.first("label_at_issuance")
    now = result.first("label_now")
    if registered is None or registered.state == "could_not_check":
        return "unknown"
    if registered.state == "fail":
        return "notRegistered" if registered.code == "issuer_not_registered" else "notTrusted"
    held_now = now is not None and now.state == "pass"
    held_then = at is not None and at.state == "pass"
    if held_now:
        return "qualityLabel" if held_then else "qualityLabelNow"
    if held_then:
        return "qualityLabelAtIssuance"
    if at is not None and at.code == "issuance_not_witnessed":
        return "issuanceNotWitnessed"
    return "registered"


def verdict(result: VerificationResult) -> Verdict:
    facts: dict[str, str] = {}
    for check in result.checks:
        if check.name in ("issuer_registered", "label_at_issuance", "label_now"):
            facts.update(check.facts)
    place = standing(result)
    if result.genuine:
        return Verdict(genuine=True, standing=place, headline=f"genuine.{place}", facts=facts)
    return Verdict(genuine=False, standing=place, headline=_failure(result), facts=facts)


def _failure(result: VerificationResult) -> str:
    """Why a badge is not genuine, in the one word the headline uses."""
    failed = {c.code for c in result.checks if c.state == "fail" and c.name != "endorsement"}
    signed = all(
        c.state == "pass" for c in result.checks if c.name in ("proof", "issuer_binding")
    ) and any(c.name == "proof" for c in result.checks)
    if signed and "revoked" in failed:
        return "revoked"
    if signed and "suspended" in failed:
        return "suspended"
    if signed and failed == {"expired"}:
        return "expired"
    if signed and failed == {"not_yet_valid"}:
        return "not_yet_valid"
    if failed:
        return "not_verified"
    return "incomplete"  # nothing failed, but a required check could not run
