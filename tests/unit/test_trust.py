"""Issuer trust from the registry's trust state: registered, label at issuance (witnessed or
claimed), label now."""

from __future__ import annotations

from datetime import UTC, datetime

from b4g.core.trust import LabelInterval, TrustState, label_held_at, trusted_issuer, witness_hash
from b4g.core.trust_checks import trust_checks


def state(**changes) -> TrustState:
    base = {
        "did": "did:web:org.example",
        "organisation_id": "o1",
        "organisation_name": "Kaunas Youth Centre",
        "registry_status": "active",
        "did_proven": True,
        "label_status": "withdrawn",
        "label_history": [
            LabelInterval(
                status="active", start="2025-01-01T00:00:00Z", end="2026-03-01T00:00:00Z"
            ),
        ],
    }
    base.update(changes)
    return TrustState(**base)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def by_name(checks) -> dict:
    return {c.name: c for c in checks}


def test_witnessed_before_a_withdrawal_held_the_label_then_not_now():
    withdrawn = state()
    assert label_held_at(withdrawn, at("2025-06-01"))
    assert not label_held_at(withdrawn, at("2026-03-01"))  # the end is exclusive
    checks = by_name(
        trust_checks(withdrawn, now=at("2026-06-01"), claimed=None, witnessed=at("2025-06-01"))
    )
    assert (checks["issuer_registered"].state, checks["issuer_registered"].code) == ("pass", "ok")
    at_issue = checks["label_at_issuance"]
    assert (at_issue.state, at_issue.code) == ("pass", "ok")
    assert at_issue.facts["witnessedAt"].startswith("2025-06-01")
    assert "when the registry witnessed" in at_issue.message
    now = checks["label_now"]
    assert (now.state, now.code) == ("fail", "label_withdrawn")  # never a pass
    assert now.facts["labelEnded"] == "2026-03-01T00:00:00Z"
    assert "withdrawn on 2026-03-01" in now.message


def test_a_back_dated_badge_never_borrows_the_label():
    """Signed after the withdrawal, dated one minute before it, never witnessed."""
    checks = by_name(
        trust_checks(
            state(), now=at("2026-06-01"), claimed=at("2026-02-28T23:59:00"), witnessed=None
        )
    )
    at_issue = checks["label_at_issuance"]
    assert (at_issue.state, at_issue.code) == ("could_not_check", "issuance_not_witnessed")
    assert at_issue.message == (
        "The issuer dates this badge 2026-02-28, before its Quality Label was withdrawn on "
        "2026-03-01; the registry has no record of its issuance."
    )
    assert checks["label_now"].state == "fail"
    # The witness decides, not the date: witnessed after the withdrawal, it did not hold it.
    late = by_name(
        trust_checks(
            state(),
            now=at("2026-06-01"),
            claimed=at("2026-02-28T23:59:00"),
            witnessed=at("2026-03-02"),
        )
    )
    assert late["label_at_issuance"].code == "label_not_held_at_issuance"


def test_an_unbroken_label_needs_no_witness():
    active = state(
        label_status="active",
        label_valid_until="2028-01-01T00:00:00Z",
        label_history=[LabelInterval(status="active", start="2025-01-01T00:00:00Z")],
    )
    checks = by_name(trust_checks(active, now=at("2026-01-01"), claimed=at("2025-02-01")))
    assert checks["label_at_issuance"].state == "pass"
    assert checks["label_at_issuance"].facts == {
        "organisationId": "o1",
        "organisationName": "Kaunas Youth Centre",
        "claimedAt": "2025-02-01T00:00:00+00:00",
    }
    assert checks["label_now"].state == "pass"
    assert checks["label_now"].facts["labelValidUntil"] == "2028-01-01T00:00:00Z"
    before = by_name(trust_checks(active, now=at("2026-01-01"), claimed=at("2024-06-01")))
    assert before["label_at_issuance"].code == "label_not_held_at_issuance"


def test_suspension_interrupts_the_label():
    suspended = state(
        label_status="suspended",
        label_history=[
            LabelInterval(
                status="active", start="2025-01-01T00:00:00Z", end="2025-05-01T00:00:00Z"
            ),
            LabelInterval(status="suspended", start="2025-05-01T00:00:00Z"),
        ],
    )
    assert not label_held_at(suspended, at("2025-06-01"))
    checks = by_name(trust_checks(suspended, now=at("2025-06-01"), claimed=None))
    assert (checks["label_now"].state, checks["label_now"].code) == ("fail", "label_suspended")
    assert checks["label_at_issuance"].code == "no_issuance_date"


def test_unregistered_unproven_and_removed_issuers():
    [missing] = trust_checks(None, now=at("2026-01-01"), claimed=None)
    assert (missing.name, missing.state, missing.code) == (
        "issuer_registered",
        "fail",
        "issuer_not_registered",
    )
    assert not trusted_issuer(state(did_proven=False), at("2026-01-01"))
    [removed] = trust_checks(state(registry_status="removed"), now=at("2026-01-01"), claimed=None)
    assert (removed.state, removed.code) == ("fail", "issuer_not_trusted")
    assert (
        removed.message
        == "Kaunas Youth Centre is in the registry, but its registration is removed."
    )


def test_witnesses_are_keyed_by_the_sha256_of_the_credential_id():
    digest = witness_hash("urn:uuid:00000000-0000-4000-8000-000000000001")
    assert len(digest) == 32 and digest != witness_hash("urn:uuid:other")
