"""A campaign's progress: one row per request (the status CSV that WhatDoTheyKnow users keep
asking for), counts by status, the overdue list and each request's timeline. The web
dashboard, its CSV and `camwatch foi status` all read these."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils import timezone

from camwatch.foi.models import Campaign, Request
from camwatch.foi.states import COMPUTED_LABELS, LABELS, State, label

__all__ = ["StatusCount", "counts", "label", "status_rows", "timeline"]

# Display order: first the ones that need someone to act.
STATUS_ORDER = [
    "long_overdue",
    "overdue",
    State.ERROR_MESSAGE.value,
    State.WAITING_CLARIFICATION.value,
    State.WAITING_RESPONSE.value,
    State.INTERNAL_REVIEW.value,
    State.GONE_POSTAL.value,
    State.SUCCESSFUL.value,
    State.PARTIALLY_SUCCESSFUL.value,
    State.NOT_HELD.value,
    State.NEITHER_CONFIRM_NOR_DENY.value,
    State.REJECTED.value,
    State.USER_WITHDRAWN.value,
    State.DRAFT.value,
]
assert set(STATUS_ORDER) == set(LABELS) | set(COMPUTED_LABELS)


def status_rows(campaign: Campaign, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    requests = (
        campaign.requests.select_related("body", "body__kind")
        .annotate(last_message=Max("messages__date"))
        .order_by("body__name")
    )
    return [_row(request, today) for request in requests]


def _row(request: Request, today: dt.date) -> dict[str, Any]:
    status = request.status(today)
    return {
        "reference": request.reference,
        "body": request.body.name,
        "body_slug": request.body.slug,
        "kind": request.body.kind.label,
        "regime": request.regime,
        "state": request.state,
        "status": status,
        "status_label": label(status),
        "to_email": request.to_email,
        "sent": request.received,
        "due": request.due,
        "current_due": request.current_due(),  # the review's while a review is awaited
        "long_overdue_after": request.long_overdue_after,
        "review_due": request.review_due,
        "last_message": getattr(request, "last_message", None),
        "needs_attention": request.needs_attention,
        "whatdotheyknow_url": request.whatdotheyknow_url,
    }


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    share: float  # of all the campaign's requests


def counts(rows: list[dict[str, Any]]) -> list[StatusCount]:
    found = Counter(row["status"] for row in rows)
    total = len(rows) or 1
    return [
        StatusCount(status, label(status), found[status], found[status] / total)
        for status in STATUS_ORDER
        if found[status]
    ]


def timeline(request: Request) -> list[dict[str, Any]]:
    """Every event of a request, oldest first, with the message it concerns."""
    return [
        {
            "at": event.at,
            "actor": event.actor,
            "kind": event.kind,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "note": event.note,
            "message": event.message.subject if event.message else "",
            "message_id": event.message_id,
        }
        for event in request.events.select_related("message")
    ]
