"""Importing requests made through WhatDoTheyKnow (Alaveteli) into a campaign.

The input is a request's JSON as Alaveteli serves it at `/request/<url_title>.json`
(InfoRequest#json_for_api): its `described_state`, `public_body.url_name`, `law_used`
and `info_request_events`, each with `event_type`, `created_at` and a `snippet` of the
message. Each file is imported in one transaction, and a rerun adds nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from camwatch.foi.campaigns import find_body
from camwatch.foi.models import Campaign, Event, Message, Request
from camwatch.foi.states import State, TransitionError, from_alaveteli
from camwatch.registry import models as m

ACTOR = "whatdotheyknow"
SITE = "https://www.whatdotheyknow.com"
OUTGOING = {"sent", "resent", "followup_sent", "followup_resent"}
INCOMING = {"response"}


class WdtkError(ValueError):
    """A file that is not an Alaveteli request, naming the file and the field."""


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class WdtkBody(_Loose):
    url_name: str
    name: str


class WdtkEvent(_Loose):
    id: int
    event_type: str
    created_at: dt.datetime
    described_state: str | None = None
    calculated_state: str | None = None
    snippet: str = ""
    display_status: str = ""


class WdtkRequest(_Loose):
    id: int
    url_title: str
    title: str
    created_at: dt.datetime
    described_state: str
    law_used: str = "foi"
    public_body: WdtkBody
    info_request_events: list[WdtkEvent] = Field(default_factory=list)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    events: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "events": self.events}


def read(path: Path) -> WdtkRequest:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WdtkError(f"{path}: {error}") from error
    try:
        return WdtkRequest.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "top level"
        raise WdtkError(f"{path}: {where}: {first['msg']}") from error


def _body(path: Path, item: WdtkRequest) -> m.PublicBody:
    found = m.PublicBody.objects.filter(whatdotheyknow_slug=item.public_body.url_name).first()
    found = found or find_body(item.public_body.name)
    if found is None:
        raise WdtkError(
            f"{path}: public_body.url_name: no public body {item.public_body.url_name!r} "
            f"({item.public_body.name!r}); record its whatdotheyknow_slug"
        )
    return found


def import_files(campaign: Campaign, paths: list[Path]) -> ImportReport:
    report = ImportReport()
    for path in paths:
        item = read(path)
        try:
            from_alaveteli(item.described_state)
        except TransitionError as error:
            raise WdtkError(f"{path}: described_state: {error}") from error
        with transaction.atomic():
            _import(campaign, path, item, report)
    return report


def _import(campaign: Campaign, path: Path, item: WdtkRequest, report: ImportReport) -> None:
    body = _body(path, item)
    url = f"{SITE}/request/{item.url_title}"
    request = campaign.requests.filter(body=body).first()
    if request is None:
        number = campaign.requests.count() + 1
        while Request.objects.filter(reference=f"CW-{campaign.pk}-{number}").exists():
            number += 1
        request = Request.objects.create(
            campaign=campaign, body=body, reference=f"CW-{campaign.pk}-{number}",
            regime="eir" if item.law_used == "eir" else body.foi_regime or "foia",
            subject=item.title, text="", whatdotheyknow_url=url,
        )  # fmt: skip
        request.log("created", ACTOR, f"imported from {url}")
        report.created.append(request.reference)
    else:
        request.whatdotheyknow_url = request.whatdotheyknow_url or url
        report.updated.append(request.reference)
    report.events += _events(request, item, url)
    _clock(request, item)
    state = from_alaveteli(item.described_state)
    if request.state != state:
        # WhatDoTheyKnow's classification is taken as it stands, without our workflow's
        # checks: it is the record of what happened there.
        old, request.state = request.state, state.value
        if state == State.INTERNAL_REVIEW:
            request.start_review(timezone.localdate(_last_change(item)))
        request.save()
        Event.objects.create(
            request=request, actor=ACTOR, kind="state", from_state=old, to_state=state.value,
            note=f"classified {item.described_state} on WhatDoTheyKnow",
        )  # fmt: skip


def _events(request: Request, item: WdtkRequest, url: str) -> int:
    seen = set(
        request.events.filter(actor=ACTOR, kind__startswith="wdtk:").values_list("note", flat=True)
    )
    added = 0
    for event in sorted(item.info_request_events, key=lambda e: (e.created_at, e.id)):
        note = f"WhatDoTheyKnow event {event.id}: {event.display_status or event.event_type}"
        if note in seen:
            continue
        message = _message(request, event, url)
        Event.objects.create(
            request=request, at=event.created_at, actor=ACTOR, kind=f"wdtk:{event.event_type}",
            from_state=event.calculated_state or "", to_state=event.described_state or "",
            note=note, message=message,
        )  # fmt: skip
        added += 1
    return added


def _message(request: Request, event: WdtkEvent, url: str) -> Message | None:
    if event.event_type not in OUTGOING | INCOMING:
        return None
    direction = Message.Direction.OUT if event.event_type in OUTGOING else Message.Direction.IN
    text = f"{event.snippet}\n\n(Imported from {url}, event {event.id}.)"
    digest = hashlib.sha256(f"wdtk:{url}:{event.id}".encode()).hexdigest()
    found = Message.objects.filter(direction=direction, sha256=digest).first()
    if found is not None:
        return found
    message = Message(
        request=request, direction=direction, kind=event.event_type, date=event.created_at,
        subject=request.subject, text=text, sha256=digest, matched_by="whatdotheyknow",
    )  # fmt: skip
    message.raw.save(f"{digest}.txt", ContentFile(text.encode()), save=False)
    message.save()
    return message


def _last_change(item: WdtkRequest) -> dt.datetime:
    """When WhatDoTheyKnow's record last changed state (or the request was made)."""
    changes = [e.created_at for e in item.info_request_events if e.described_state]
    return max(changes, default=item.created_at)


def _clock(request: Request, item: WdtkRequest) -> None:
    """Day 0 is the day the request was first sent; a follow-up sent while awaiting
    clarification is the clarification (Alaveteli's rule), and restarts the clock."""
    events = sorted(item.info_request_events, key=lambda e: (e.created_at, e.id))
    sent = [e for e in events if e.event_type in ("sent", "resent")]
    first = sent[0].created_at if sent else item.created_at
    request.sent_at = request.sent_at or first
    request.received = timezone.localdate(first)
    waiting_clarification = False
    clarified = []
    for event in events:
        if event.event_type == "followup_sent" and waiting_clarification:
            clarified.append(timezone.localdate(event.created_at).isoformat())
        state = event.described_state or event.calculated_state
        if state:
            waiting_clarification = state == State.WAITING_CLARIFICATION
    request.clarified = sorted(set(clarified))
    request.refresh_clock()
    request.save()
