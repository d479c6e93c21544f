"""Quality Label lifecycles: every allowed and every refused transition, four eyes, history."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from b4g.core.trust import TrustState, label_held_at
from b4g.registry.domain.label import (
    APPLICATION,
    GRANT,
    GrantChange,
    InvalidTransition,
    confirmable,
    label_history,
    next_application_state,
    next_grant_state,
)

APP_STATES = sorted({s for s, _ in APPLICATION} | set(APPLICATION.values()))
APP_ACTIONS = sorted({a for _, a in APPLICATION})
GRANT_STATES = sorted({s for s, _ in GRANT} | set(GRANT.values()))
GRANT_ACTIONS = sorted({a for _, a in GRANT})


def test_the_happy_path_from_interest_to_approval():
    state = "interested"
    for action in (
        "complete_course",
        "apply",
        "start_assessment",
        "return_for_changes",
        "apply",
        "start_assessment",
        "approve",
    ):
        state = next_application_state(state, action)
    assert state == "approved"


@pytest.mark.parametrize(("state", "action"), list(itertools.product(APP_STATES, APP_ACTIONS)))
def test_every_application_transition_is_allowed_or_refused(state, action):
    if (state, action) in APPLICATION:
        assert next_application_state(state, action) == APPLICATION[(state, action)]
    else:
        with pytest.raises(InvalidTransition):
            next_application_state(state, action)


def test_final_application_states_accept_nothing():
    for final in ("approved", "rejected", "withdrawn"):
        assert not any(s == final for s, _ in APPLICATION)


@pytest.mark.parametrize(("state", "action"), list(itertools.product(GRANT_STATES, GRANT_ACTIONS)))
def test_every_grant_transition_is_allowed_or_refused(state, action):
    if (state, action) in GRANT:
        assert next_grant_state(state, action) == GRANT[(state, action)]
    else:
        with pytest.raises(InvalidTransition):
            next_grant_state(state, action)


def test_four_eyes():
    assert not confirmable("assessor-a", "assessor-a")
    assert confirmable("assessor-a", "assessor-b")


def test_history_answers_held_at_any_moment():
    changes = [
        GrantChange("active", datetime(2025, 1, 1, tzinfo=UTC)),
        GrantChange("suspended", datetime(2025, 6, 1, tzinfo=UTC)),
        GrantChange("active", datetime(2025, 7, 1, tzinfo=UTC)),
        GrantChange("withdrawn", datetime(2026, 2, 1, tzinfo=UTC)),
    ]
    state = TrustState(
        did="did:web:x",
        organisation_id="o",
        organisation_name="O",
        registry_status="active",
        did_proven=True,
        label_status="withdrawn",
        label_history=label_history(changes),
    )

    def held(y, m, d):
        return label_held_at(state, datetime(y, m, d, tzinfo=UTC))

    assert held(2025, 3, 1) and not held(2025, 6, 15) and held(2025, 12, 1)
    assert not held(2026, 3, 1)  # a badge issued after the withdrawal


def test_no_grant_means_no_history():
    assert label_history([]) == []
