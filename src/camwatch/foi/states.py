"""Request states and the transitions allowed between them. Pure: no Django.

The stored states are Alaveteli's (WhatDoTheyKnow's), so that its pages and exports map
one to one, plus `draft` (prepared, not yet sent) and `neither_confirm_nor_deny`, an
outcome of its own: the authority would not say whether it holds the information, which
is neither a refusal of information it admits to holding nor a statement that it holds
none. `overdue` and `long_overdue` are computed from the clock, never stored.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    WAITING_RESPONSE = "waiting_response"
    WAITING_CLARIFICATION = "waiting_clarification"
    GONE_POSTAL = "gone_postal"
    NOT_HELD = "not_held"
    REJECTED = "rejected"
    SUCCESSFUL = "successful"
    PARTIALLY_SUCCESSFUL = "partially_successful"
    NEITHER_CONFIRM_NOR_DENY = "neither_confirm_nor_deny"
    INTERNAL_REVIEW = "internal_review"
    ERROR_MESSAGE = "error_message"
    USER_WITHDRAWN = "user_withdrawn"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    State.DRAFT: "Not yet sent",
    State.WAITING_RESPONSE: "Awaiting response",
    State.WAITING_CLARIFICATION: "Awaiting clarification",
    State.GONE_POSTAL: "Handled by post",
    State.NOT_HELD: "Information not held",
    State.REJECTED: "Refused",
    State.SUCCESSFUL: "Successful",
    State.PARTIALLY_SUCCESSFUL: "Partially successful",
    State.NEITHER_CONFIRM_NOR_DENY: "Neither confirmed nor denied",
    State.INTERNAL_REVIEW: "Awaiting internal review",
    State.ERROR_MESSAGE: "Delivery error",
    State.USER_WITHDRAWN: "Withdrawn",
}
COMPUTED_LABELS = {"overdue": "Overdue", "long_overdue": "Long overdue"}

# An answer, whole or in part: a person may correct one outcome to another, or ask for a
# review of it.
OUTCOMES = frozenset(
    {
        State.NOT_HELD,
        State.REJECTED,
        State.SUCCESSFUL,
        State.PARTIALLY_SUCCESSFUL,
        State.NEITHER_CONFIRM_NOR_DENY,
    }
)
# Whose clock is running: the authority's.
AWAITING = frozenset({State.WAITING_RESPONSE, State.INTERNAL_REVIEW})

TRANSITIONS: dict[State, frozenset[State]] = {
    State.DRAFT: frozenset({State.WAITING_RESPONSE, State.ERROR_MESSAGE, State.USER_WITHDRAWN}),
    State.WAITING_RESPONSE: frozenset(
        {
            State.WAITING_CLARIFICATION,
            State.GONE_POSTAL,
            State.INTERNAL_REVIEW,  # a review of a failure to answer
            State.ERROR_MESSAGE,
            State.USER_WITHDRAWN,
            *OUTCOMES,
        }
    ),
    State.WAITING_CLARIFICATION: frozenset(
        {State.WAITING_RESPONSE, State.GONE_POSTAL, State.USER_WITHDRAWN, *OUTCOMES}
    ),
    State.GONE_POSTAL: frozenset({State.WAITING_RESPONSE, State.USER_WITHDRAWN, *OUTCOMES}),
    State.INTERNAL_REVIEW: frozenset({State.GONE_POSTAL, State.USER_WITHDRAWN, *OUTCOMES}),
    State.ERROR_MESSAGE: frozenset({State.DRAFT, State.WAITING_RESPONSE, State.USER_WITHDRAWN}),
    State.USER_WITHDRAWN: frozenset(),
    **{
        outcome: frozenset({State.INTERNAL_REVIEW, State.WAITING_RESPONSE, *OUTCOMES} - {outcome})
        for outcome in OUTCOMES
    },
}


class TransitionError(ValueError):
    """A change of state the workflow does not allow, with the ones it does."""


def check_transition(current: str, new: str) -> State:
    """The new state, if the workflow allows moving to it from `current`."""
    try:
        source, target = State(current), State(new)
    except ValueError as error:
        raise TransitionError(f"{new!r} is not a request state") from error
    if target not in TRANSITIONS[source]:
        allowed = ", ".join(sorted(TRANSITIONS[source])) or "none: it is final"
        raise TransitionError(
            f"a request cannot go from {source.value} to {target.value} (allowed: {allowed})"
        )
    return target


def display_status(state: str, clock_status: str) -> str:
    """What a list shows: the stored state, or overdue/long_overdue while the authority's
    clock has run out (clock_status from calendar.Deadline.status())."""
    if State(state) in AWAITING and clock_status in COMPUTED_LABELS:
        return clock_status
    return state


def label(status: str) -> str:
    return COMPUTED_LABELS.get(status) or State(status).label


# How a request becomes an investigation target's outcome in the registry, so that a
# campaign's answers flow into the findings (registry Outcome values). A request still
# in progress has no outcome yet ("unknown") until its clock runs out ("no_response").
REGISTRY_OUTCOMES = {
    State.SUCCESSFUL: "provided",
    State.PARTIALLY_SUCCESSFUL: "partly_provided",
    State.NOT_HELD: "not_held",
    State.REJECTED: "refused",
    State.NEITHER_CONFIRM_NOR_DENY: "ncnd",
}


def registry_outcome(state: str, clock_status: str) -> str:
    """The registry outcome for a request in `state` whose clock is `clock_status`."""
    found = REGISTRY_OUTCOMES.get(State(state))
    if found:
        return found
    if State(state) in AWAITING and clock_status in COMPUTED_LABELS:
        return "no_response"
    return "unknown"


# WhatDoTheyKnow's described_state values (Alaveteli) that are not ours.
ALAVETELI_EXTRA = {
    "requires_admin": State.WAITING_RESPONSE,
    "attention_requested": State.WAITING_RESPONSE,
    "vexatious": State.REJECTED,
    "not_foi": State.REJECTED,
    "waiting_classification": State.WAITING_RESPONSE,
}


def from_alaveteli(described_state: str) -> State:
    """Our state for a WhatDoTheyKnow described_state."""
    if described_state in ALAVETELI_EXTRA:
        return ALAVETELI_EXTRA[described_state]
    try:
        return State(described_state)
    except ValueError as error:
        raise TransitionError(f"unknown WhatDoTheyKnow state {described_state!r}") from error
