"""The request workflow (foi/states.py) and its audit log."""

from __future__ import annotations

import datetime as dt

import pytest

from camwatch.foi.states import (
    TRANSITIONS,
    State,
    TransitionError,
    check_transition,
    display_status,
    from_alaveteli,
    registry_outcome,
)

ALAVETELI = [
    "waiting_response", "waiting_clarification", "gone_postal", "not_held", "rejected",
    "successful", "partially_successful", "internal_review", "error_message", "user_withdrawn",
]  # fmt: skip


def test_alaveteli_states_are_ours_and_ncnd_is_an_outcome_of_its_own() -> None:
    assert set(ALAVETELI) <= {s.value for s in State}
    assert State.NEITHER_CONFIRM_NOR_DENY.label == "Neither confirmed nor denied"
    assert registry_outcome("neither_confirm_nor_deny", "in_time") == "ncnd"
    assert registry_outcome("rejected", "in_time") == "refused"
    assert from_alaveteli("vexatious") is State.REJECTED
    with pytest.raises(TransitionError, match="unknown WhatDoTheyKnow state"):
        from_alaveteli("on_the_moon")


def test_allowed_and_refused_transitions() -> None:
    assert check_transition("draft", "waiting_response") is State.WAITING_RESPONSE
    assert check_transition("successful", "internal_review") is State.INTERNAL_REVIEW
    with pytest.raises(TransitionError, match="cannot go from draft to successful"):
        check_transition("draft", "successful")
    with pytest.raises(TransitionError, match="none: it is final"):
        check_transition("user_withdrawn", "waiting_response")
    with pytest.raises(TransitionError, match="is not a request state"):
        check_transition("draft", "overdue")  # computed, never stored
    # Every state can be left, except a withdrawal; every state can be reached, but draft.
    reachable = set().union(*TRANSITIONS.values())
    assert set(State) - reachable == set()
    assert {s for s, targets in TRANSITIONS.items() if not targets} == {State.USER_WITHDRAWN}


def test_overdue_is_computed_while_the_authority_has_the_ball() -> None:
    assert display_status("waiting_response", "overdue") == "overdue"
    assert display_status("internal_review", "long_overdue") == "long_overdue"
    assert display_status("waiting_clarification", "overdue") == "waiting_clarification"
    assert display_status("successful", "long_overdue") == "successful"
    assert registry_outcome("waiting_response", "in_time") == "unknown"
    assert registry_outcome("waiting_response", "long_overdue") == "no_response"


@pytest.mark.django_db
def test_every_change_is_logged_with_who_and_when(tmp_path: object) -> None:
    from camwatch.foi.models import Campaign, Request
    from camwatch.registry.models import PublicBody

    campaign = Campaign.objects.create(slug="c", title="C", requester_name="R")
    request = Request.objects.create(
        campaign=campaign, body=PublicBody.objects.get(slug="camden"), reference="CW-9-1",
        regime="foia", subject="S", text="T",
    )  # fmt: skip
    before = dt.datetime.now(dt.UTC)
    request.move_to("waiting_response", "alice", "sent by hand")
    with pytest.raises(TransitionError):
        request.move_to("draft", "bob")
    request.refresh_from_db()
    assert request.state == "waiting_response"
    (event,) = request.events.all()
    assert (event.actor, event.from_state, event.to_state) == ("alice", "draft", "waiting_response")
    assert event.at >= before
    assert request.history.count() >= 2  # django-simple-history keeps every version too
