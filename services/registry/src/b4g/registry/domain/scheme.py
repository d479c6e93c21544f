"""The Quality Label scheme (versioned data) and the decisions made from it (pure): the
automatic checks recorded as evidence for assessors, and the monitoring of valid grants."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import msgspec


class Criterion(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: Literal["formal", "qualitative"]
    check: Literal["automatic", "assessor"]
    text: str


class ActivityRule(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    min_active_months: int = 6
    min_credentials_per_month: int = 1


class MonitoringRule(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    inactivity_days: int = 120
    revocation_window_days: int = 7
    revocation_spike_min: int = 20
    revocation_spike_ratio: float = 0.25


class Scheme(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, rename="camel"):
    name: str
    criteria: list[Criterion]
    validity_days: int
    assessment_days: int
    renewal: str
    activity: ActivityRule
    monitoring: MonitoringRule

    def __post_init__(self) -> None:
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids must be unique")
        if not (0 < self.validity_days <= 3660 and 0 < self.assessment_days <= 365):
            raise ValueError("validityDays must be 1..3660 and assessmentDays 1..365")
        if self.activity.min_active_months < 0 or self.activity.min_credentials_per_month < 1:
            raise ValueError("activity thresholds must be positive")

    @property
    def validity(self) -> timedelta:
        return timedelta(days=self.validity_days)

    @property
    def assessment_deadline(self) -> timedelta:
        return timedelta(days=self.assessment_days)


# -- automatic checks ---------------------------------------------------------------------


class Platform(msgspec.Struct, frozen=True, kw_only=True):
    platform: str
    account_id: str
    organiser_verified: bool


@dataclass(frozen=True, slots=True)
class OrganisationFacts:
    platforms: list[Platform]
    values_accepted: list[str]  # versions, oldest first
    course_completed: bool
    monthly_issued: dict[date, int]  # over the organisation's proven DIDs


class CheckResult(msgspec.Struct, frozen=True, kw_only=True):
    criterion: str
    passed: bool
    detail: str


def automatic_checks(scheme: Scheme, facts: OrganisationFacts) -> list[CheckResult]:
    """One result per automatic criterion of the scheme; assessors judge the rest."""
    results = []
    for criterion in scheme.criteria:
        if criterion.check != "automatic":
            continue
        check = _CHECKS.get(criterion.id)
        if check is None:
            results.append(
                CheckResult(
                    criterion=criterion.id,
                    passed=False,
                    detail="no automatic check exists for this criterion: assess it by hand",
                )
            )
        else:
            results.append(check(scheme, facts))
    return results


def _platform_registration(scheme: Scheme, facts: OrganisationFacts) -> CheckResult:
    names = ", ".join(f"{p.platform} ({p.account_id})" for p in facts.platforms)
    return CheckResult(
        criterion="platform_registration",
        passed=bool(facts.platforms),
        detail=f"registered on {names}" if names else "no network platform registration",
    )


def _organiser_verified(scheme: Scheme, facts: OrganisationFacts) -> CheckResult:
    verified = [p.platform for p in facts.platforms if p.organiser_verified]
    return CheckResult(
        criterion="organiser_verified",
        passed=bool(verified),
        detail=f"verified organiser on {', '.join(verified)}"
        if verified
        else "no verified organiser account",
    )


def _values_accepted(scheme: Scheme, facts: OrganisationFacts) -> CheckResult:
    latest = facts.values_accepted[-1] if facts.values_accepted else None
    return CheckResult(
        criterion="values_accepted",
        passed=latest is not None,
        detail=f"accepted the values, version {latest}" if latest else "values not accepted",
    )


def _course_completed(scheme: Scheme, facts: OrganisationFacts) -> CheckResult:
    return CheckResult(
        criterion="course_completed",
        passed=facts.course_completed,
        detail="course completed (or a renewal, which skips it)"
        if facts.course_completed
        else "course not completed",
    )


def _active_badge_use(scheme: Scheme, facts: OrganisationFacts) -> CheckResult:
    rule = scheme.activity
    active = sorted(
        month
        for month, issued in facts.monthly_issued.items()
        if issued >= rule.min_credentials_per_month
    )
    passed = len(active) >= rule.min_active_months
    span = f", {active[0]:%Y-%m} to {active[-1]:%Y-%m}" if active else ""
    return CheckResult(
        criterion="active_badge_use",
        passed=passed,
        detail=f"{len(active)} active month(s) with at least {rule.min_credentials_per_month} "
        f"credential(s){span}; {rule.min_active_months} needed",
    )


_CHECKS = {
    "platform_registration": _platform_registration,
    "organiser_verified": _organiser_verified,
    "values_accepted": _values_accepted,
    "course_completed": _course_completed,
    "active_badge_use": _active_badge_use,
}


# -- monitoring ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GrantActivity:
    last_issued_month: date | None  # the latest month with credentials issued
    granted_at: datetime
    issued_in_window: int  # credentials issued during the revocation window
    revoked_in_window: int
    unresolvable_dids: list[str]
    compromised_dids: list[str] = dataclasses.field(default_factory=list)


def monitoring_findings(
    rule: MonitoringRule, activity: GrantActivity, now: datetime
) -> dict[str, dict[str, object]]:
    """Case kind → details, for what a committee should look at on a valid grant."""
    findings: dict[str, dict[str, object]] = {}
    since = activity.granted_at
    if activity.last_issued_month is not None:
        # The month's last day: credentials that month may have been issued up to its end.
        next_month = (activity.last_issued_month.replace(day=28) + timedelta(days=4)).replace(day=1)
        since = max(since, datetime.combine(next_month, datetime.min.time(), now.tzinfo))
    idle = now - since
    if idle > timedelta(days=rule.inactivity_days):
        findings["inactivity"] = {
            "idleDays": idle.days,
            "thresholdDays": rule.inactivity_days,
            "lastActiveMonth": str(activity.last_issued_month or "never"),
        }
    revoked = activity.revoked_in_window
    if revoked >= rule.revocation_spike_min and revoked >= rule.revocation_spike_ratio * max(
        activity.issued_in_window, 1
    ):
        findings["revocation_spike"] = {
            "revoked": revoked,
            "issued": activity.issued_in_window,
            "windowDays": rule.revocation_window_days,
        }
    if activity.unresolvable_dids:
        findings["did_unresolvable"] = {"dids": activity.unresolvable_dids}
    if activity.compromised_dids:  # the issuer service reported a key of these as compromised
        findings["key_compromised"] = {"dids": activity.compromised_dids}
    return findings
