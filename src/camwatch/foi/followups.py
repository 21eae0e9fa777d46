"""After sending: polite chasers for overdue requests, internal reviews, clarifications and
fees notices, and publishing a campaign's outcomes into the registry for the findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from camwatch.foi import calendar, wording
from camwatch.foi.mail import outgoing
from camwatch.foi.models import Campaign, Request
from camwatch.foi.states import State, check_transition, registry_outcome
from camwatch.registry import models as m

# A request is chased again only after this many working days since the last chaser.
CHASE_EVERY_WORKING_DAYS = 10


@dataclass
class Overdue:
    request: Request
    status: str  # overdue or long_overdue
    due: dt.date
    chase_now: bool


def overdue(campaign: Campaign | None = None, today: dt.date | None = None) -> list[Overdue]:
    """Requests whose authority's clock has run out (for a first reply, or for a review
    that has been asked for), oldest first."""
    today = today or timezone.localdate()
    waiting = Q(state=State.WAITING_RESPONSE, due__lt=today)
    reviewing = Q(state=State.INTERNAL_REVIEW, review_due__lt=today)
    requests = Request.objects.filter(waiting | reviewing)
    if campaign is not None:
        requests = requests.filter(campaign=campaign)
    found = []
    for request in requests.select_related("body", "campaign").order_by("due", "reference"):
        status = request.clock_status(today)
        if status in ("overdue", "long_overdue"):
            due = request.review_due if request.state == State.INTERNAL_REVIEW else request.due
            assert due is not None  # a clock that has run out has a due date
            found.append(Overdue(request, status, due, _chase_now(request, today)))
    return found


def _chase_now(request: Request, today: dt.date) -> bool:
    if request.last_chased is None:
        return True
    days = calendar.working_days_between(
        request.last_chased, today, calendar.calendar_for(calendar.Regime(request.regime))
    )
    return days >= CHASE_EVERY_WORKING_DAYS


def _values(request: Request, **extra: str) -> dict[str, str]:
    regime = calendar.Regime(request.regime)
    return {
        "body_name": request.body.name,
        "reference": request.reference,
        "requester_name": request.campaign.requester_name,
        "reply_to": request.reply_address,
        "campaign_title": request.campaign.title,
        "law": regime.label,
        "law_short": wording.SHORT_LAW[regime],
        "subject": request.subject,
        "sent_date": request.received.isoformat() if request.received else "",
        "due_date": request.due.isoformat() if request.due else "",
        **extra,
    }


@dataclass
class ChaseReport:
    chased: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # chased recently
    failed: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"chased": self.chased, "waiting": self.waiting, "failed": self.failed}


def chaser(request: Request) -> tuple[str, str]:
    """The subject and text of a chaser: for a first reply, or for a review."""
    regime = calendar.Regime(request.regime)
    if request.state == State.INTERNAL_REVIEW and request.review_requested:
        values = _values(
            request,
            sent_date=request.review_requested.isoformat(),
            due_date=request.review_due.isoformat() if request.review_due else "",
        )
        subject = wording.render(wording.REVIEW_CHASER_SUBJECT, values, "review chaser subject")
        return subject, wording.render(wording.REVIEW_CHASER[regime], values, "review chaser")
    values = _values(request)
    subject = wording.render(wording.CHASER_SUBJECT, values, "chaser subject")
    return subject, wording.render(wording.CHASER[regime], values, f"{regime.value} chaser")


def chase(items: Iterable[Overdue], actor: str, today: dt.date | None = None) -> ChaseReport:
    """Send the regime's chaser to every overdue request not chased recently."""
    today = today or timezone.localdate()
    report = ChaseReport()
    for item in items:
        request = item.request
        if not item.chase_now:
            report.waiting.append(request.reference)
            continue
        subject, text = chaser(request)
        try:
            message = outgoing.send(request, "chaser", subject, text, actor)
        except outgoing.SendError as error:  # a refused address is recorded on the request
            report.failed[request.reference] = str(error)
            continue
        with transaction.atomic():
            request.last_chased = today
            request.save(update_fields=["last_chased", "modified"])
            request.log("chased", actor, f"{item.status}: due {item.due}", message=message)
        report.chased.append(request.reference)
    return report


def request_review(request: Request, reason: str, actor: str, send: bool = True) -> str:
    """Ask for an internal review (a FOISA requirement for review, EIR representations)
    from the regime's template; the review clock starts the day it is sent."""
    regime = calendar.Regime(request.regime)
    if not reason.strip():
        raise ValueError("say why a review is asked for (--reason)")
    check_transition(request.state, State.INTERNAL_REVIEW)  # before anything is sent
    values = _values(request, reason=reason.strip())
    subject = wording.render(wording.REVIEW_SUBJECT[regime], values, "review subject")
    text = wording.render(wording.REVIEW[regime], values, f"{regime.value} review")
    if not send:
        return text
    message = outgoing.send(request, "review", subject, text, actor)
    with transaction.atomic():
        request.review_requested = None  # this review starts today, not an earlier one
        request.start_review(timezone.localdate(message.date))
        request.move_to(
            State.INTERNAL_REVIEW, actor, f"review due {request.review_due}", message=message
        )
    return text


def record_clarification(request: Request, received: dt.date, actor: str) -> None:
    """The requester's clarification reached the authority: the clock restarts."""
    calendar.check_date(received, "the clarification date")
    with transaction.atomic():
        request.clarified = sorted({*request.clarified, received.isoformat()})
        request.refresh_clock()
        request.move_to(
            State.WAITING_RESPONSE, actor, f"clarified on {received}; due {request.due}"
        )


def record_extension(request: Request, actor: str) -> None:
    """The authority notified an extension (EIR reg 7, or a FOIA public interest
    extension): the reply is due by the 40th working day."""
    if request.state != State.WAITING_RESPONSE:
        raise ValueError(f"{request.reference} is {request.state}: only a request awaiting "
                         "its first reply can be extended")  # fmt: skip
    if request.extended:
        return
    with transaction.atomic():
        request.extended = True
        request.refresh_clock()
        request.save()
        request.log("extended", actor, f"an extension was notified; due {request.due}")


def record_fee(request: Request, given: dt.date, paid: dt.date | None, actor: str) -> None:
    """A fees notice (and, later, its payment): the clock pauses in between."""
    calendar.check_date(given, "the fees notice date")
    pauses = [p for p in request.fee_pauses if p[0] != given.isoformat()]
    pauses.append([given.isoformat(), paid.isoformat() if paid else None])
    with transaction.atomic():
        request.fee_pauses = sorted(pauses)
        request.refresh_clock()
        request.save()
        note = f"fees notice {given}" + (f", paid {paid}" if paid else ", not yet paid")
        request.log("fee", actor, f"{note}; due {request.due or 'paused'}")


class NotYetPublic(ValueError):
    """A campaign under embargo cannot be published into the public registry."""


def publish(campaign: Campaign, actor: str, today: dt.date | None = None) -> m.Investigation:
    """Put the campaign's outcomes into the registry as an investigation, so that the
    findings count them: each target cites its request's correspondence as a Source.
    Refused while the campaign is under embargo; a rerun updates in place."""
    today = today or timezone.localdate()
    if not campaign.is_public(today):
        raise NotYetPublic(f"{campaign.slug} is under embargo until {campaign.embargo_until}")
    sent = list(campaign.requests.exclude(state=State.DRAFT).select_related("body"))
    started = min((r.received for r in sent if r.received), default=None)
    with transaction.atomic():
        investigation, _ = m.Investigation.all_objects.update_or_create(
            slug=f"campaign-{campaign.slug}"[:120],
            defaults={
                "title": campaign.title,
                "kind": m.InvestigationKind.FOI_CAMPAIGN,
                "conducted_by": campaign.requester_name,
                "summary": campaign.description,
                "stated_target_count": len(sent),
                "started": started,
                "started_precision": "day" if started else "",
                "notes": f"Published from the camwatch FOI campaign {campaign.slug} by {actor}.",
            },
        )
        for request in sent:
            source = _correspondence(request)
            investigation.sources.add(source)
            m.InvestigationTarget.all_objects.update_or_create(
                investigation=investigation,
                body=request.body,
                defaults={
                    "outcome": registry_outcome(request.state, request.clock_status(today)),
                    "source": source,
                },
            )
        campaign.investigation = investigation
        campaign.save(update_fields=["investigation", "modified"])
    return investigation


def _correspondence(request: Request) -> m.Source:
    """The Source a published outcome cites: the request's own correspondence."""
    last = request.messages.order_by("-date").values_list("date", flat=True).first()
    source, _ = m.Source.all_objects.update_or_create(
        key=f"{request.reference.lower()}-correspondence",
        defaults={
            "kind": m.SourceKind.FOI_RESPONSE,
            "title": f"{request.body.name}: correspondence on FOI request {request.reference}",
            "publisher": request.body.name,
            "retrieved": timezone.localdate(last) if last else None,
            "notes": f"Kept by camwatch with the request ({request.campaign.title}).",
        },
    )
    return source
