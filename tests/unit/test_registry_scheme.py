"""The Quality Label scheme's rules (pure): automatic checks and monitoring findings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec
import pytest

from b4g.registry.domain.scheme import (
    ActivityRule,
    Criterion,
    GrantActivity,
    MonitoringRule,
    OrganisationFacts,
    Platform,
    Scheme,
    automatic_checks,
    monitoring_findings,
)


def scheme(**changes) -> Scheme:
    base = {
        "name": "Quality Label",
        "criteria": [
            Criterion(id="platform_registration", kind="formal", check="automatic", text="p"),
            Criterion(id="organiser_verified", kind="formal", check="automatic", text="o"),
            Criterion(id="active_badge_use", kind="formal", check="automatic", text="a"),
            Criterion(id="new_criterion", kind="formal", check="automatic", text="n"),
            Criterion(id="quality_plan", kind="qualitative", check="assessor", text="q"),
        ],
        "validity_days": 1095,
        "assessment_days": 90,
        "renewal": "shortened",
        "activity": ActivityRule(min_active_months=3, min_credentials_per_month=2),
        "monitoring": MonitoringRule(),
    }
    return Scheme(**(base | changes))


def test_checks_follow_the_scheme_and_admit_what_they_cannot_check():
    facts = OrganisationFacts(
        platforms=[Platform(platform="Badgecraft", account_id="b-1", organiser_verified=False)],
        values_accepted=[],
        course_completed=False,
        monthly_issued={date(2026, 1, 1): 2, date(2026, 2, 1): 1, date(2026, 3, 1): 5},
    )
    found = {r.criterion: r for r in automatic_checks(scheme(), facts)}
    assert set(found) == {
        "platform_registration",
        "organiser_verified",
        "active_badge_use",
        "new_criterion",
    }
    assert found["platform_registration"].passed
    assert not found["organiser_verified"].passed
    assert not found["active_badge_use"].passed  # February had one credential, two are needed
    assert "2 active month(s)" in found["active_badge_use"].detail
    assert not found["new_criterion"].passed and "by hand" in found["new_criterion"].detail


def test_schemes_are_validated():
    with pytest.raises(ValueError, match="unique"):
        scheme(criteria=[Criterion(id="x", kind="formal", check="automatic", text="")] * 2)
    with pytest.raises(ValueError, match="validityDays"):
        scheme(validity_days=0)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"name": "x", "unexpected": 1}, Scheme)


NOW = datetime(2026, 10, 1, tzinfo=UTC)


def activity(**changes) -> GrantActivity:
    base = {
        "last_issued_month": date(2026, 9, 1),
        "granted_at": datetime(2026, 1, 1, tzinfo=UTC),
        "issued_in_window": 100,
        "revoked_in_window": 0,
        "unresolvable_dids": [],
    }
    return GrantActivity(**(base | changes))


def test_monitoring_findings():
    rule = MonitoringRule(inactivity_days=60, revocation_spike_min=20, revocation_spike_ratio=0.25)
    assert monitoring_findings(rule, activity(), NOW) == {}
    idle = monitoring_findings(rule, activity(last_issued_month=date(2026, 6, 1)), NOW)
    assert idle["inactivity"]["idleDays"] == 92  # from the end of June
    never = monitoring_findings(rule, activity(last_issued_month=None), NOW)
    assert never["inactivity"]["lastActiveMonth"] == "never"
    spike = monitoring_findings(rule, activity(revoked_in_window=30), NOW)
    assert spike["revocation_spike"]["revoked"] == 30
    assert "revocation_spike" not in monitoring_findings(
        rule, activity(revoked_in_window=19), NOW
    )  # below the minimum
    assert "revocation_spike" not in monitoring_findings(
        rule, activity(revoked_in_window=24, issued_in_window=1000), NOW
    )  # small against what was issued
    gone = monitoring_findings(rule, activity(unresolvable_dids=["did:web:gone.example"]), NOW)
    assert gone["did_unresolvable"] == {"dids": ["did:web:gone.example"]}
