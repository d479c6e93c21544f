"""Issuer trust from the registry's trust state: registered, label now, label at issuance."""

from __future__ import annotations

from datetime import UTC, datetime

from b4g.core.trust import LabelInterval, TrustState, label_held_at, trusted_issuer
from b4g.verifier.domain.trust import trust_check


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


def test_label_held_before_a_withdrawal_but_not_after():
    withdrawn = state()
    assert label_held_at(withdrawn, at("2025-06-01"))
    assert not label_held_at(withdrawn, at("2026-03-01"))  # the end is exclusive
    check = trust_check(withdrawn, now=at("2026-06-01"), issued=at("2025-06-01"))
    assert check.state == "pass" and check.code == "label_held_at_issue"
    assert "held the label when it issued" in check.message


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
    assert trust_check(suspended, now=at("2025-06-01"), issued=None).code == "no_label"


def test_unregistered_unproven_and_removed_issuers():
    assert trust_check(None, now=at("2026-01-01"), issued=None).code == "issuer_not_registered"
    assert not trusted_issuer(state(did_proven=False), at("2026-01-01"))
    check = trust_check(state(registry_status="removed"), now=at("2026-01-01"), issued=None)
    assert (check.state, check.code) == ("fail", "issuer_not_trusted")
    active = state(
        label_status="active",
        label_valid_until="2028-01-01T00:00:00Z",
        label_history=[LabelInterval(status="active", start="2025-01-01T00:00:00Z")],
    )
    assert trust_check(active, now=at("2026-01-01"), issued=at("2025-02-01")).code == "label_held"
