"""/foi/ (campaigns), /foi/<slug>/ (a campaign's dashboard) and /foi/requests/<ref>/ (one
request's timeline), each also as .json and .csv. A campaign under embargo is shown only
to its team (owner, collaborators, staff); to anybody else it does not exist (404)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from camwatch.foi import progress
from camwatch.foi.models import Campaign, Request
from camwatch.foi.redact import redact
from camwatch.web.formats import FormatView


def visible_campaigns(user: Any) -> Any:
    campaigns = Campaign.objects.all()
    today = timezone.localdate()
    public = Q(embargo_until__isnull=True) | Q(embargo_until__lte=today)
    if getattr(user, "is_superuser", False):
        return campaigns
    if getattr(user, "is_authenticated", False):
        team = Q(owner=user) | Q(collaborators=user)
        return campaigns.filter(public | team).distinct()
    return campaigns.filter(public)


class CampaignListView(FormatView):
    template_name = "foi/campaign_list.html"
    csv_name = "foi-campaigns"

    def load(self, **kwargs: Any) -> None:
        self.rows = [
            {
                "slug": c.slug,
                "title": c.title,
                "requests": c.requests.count(),
                "embargo_until": c.embargo_until,
                "url": c.get_absolute_url(),
            }
            for c in visible_campaigns(self.request.user).order_by("-created")
        ]

    def context(self) -> dict[str, Any]:
        return {"title": "FOI campaigns", "campaigns": self.rows}

    def json_data(self) -> Any:
        return {"campaigns": self.rows}

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return self.rows


def _campaign(user: Any, slug: str) -> Campaign:
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None or not campaign.visible_to(user):
        raise Http404(f"no campaign {slug!r}")
    return campaign


class CampaignView(FormatView):
    template_name = "foi/campaign_detail.html"

    def load(self, slug: str = "", **kwargs: Any) -> None:
        self.campaign = _campaign(self.request.user, slug)
        self.csv_name = f"foi-{slug}-statuses"
        self.rows = progress.status_rows(self.campaign)
        if not self.campaign.is_team(self.request.user):  # a listed address may be personal
            self.rows = [{**row, "to_email": redact(row["to_email"])} for row in self.rows]
        self.counts = progress.counts(self.rows)

    def context(self) -> dict[str, Any]:
        late = [r for r in self.rows if r["status"] in ("overdue", "long_overdue")]
        return {
            "title": self.campaign.title,
            "campaign": self.campaign,
            "rows": self.rows,
            "counts": self.counts,
            "late": late,
            "attention": [r for r in self.rows if r["needs_attention"]],
            "total": len(self.rows),
        }

    def json_data(self) -> Any:
        return {
            "campaign": self.campaign.slug,
            "title": self.campaign.title,
            "embargo_until": self.campaign.embargo_until,
            "counts": {c.status: c.count for c in self.counts},
            "requests": self.rows,
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return self.rows


class RequestView(FormatView):
    """One request: its clock, its timeline and its correspondence. Outside the campaign's
    team, officers' names, direct addresses and phone numbers are removed (redact.py)."""

    template_name = "foi/request_detail.html"

    def load(self, reference: str = "", **kwargs: Any) -> None:
        found = Request.objects.filter(reference__iexact=reference).select_related(
            "campaign", "body"
        )
        request = found.first()
        if request is None or not request.campaign.visible_to(self.request.user):
            raise Http404(f"no request {reference!r}")
        self.item = request
        self.team = request.campaign.is_team(self.request.user)
        messages = list(request.messages.prefetch_related("attachments"))
        self.names = [m.sender_name for m in messages if m.direction == "in"]
        self.events = [
            self._shown(event, "note", "message") for event in progress.timeline(request)
        ]
        self.messages = [self._message(message) for message in messages]
        self.csv_name = f"foi-{request.reference}-timeline"

    def _shown(self, row: dict[str, Any], *fields: str) -> dict[str, Any]:
        if self.team:
            return row
        return {**row, **{name: redact(str(row[name] or ""), self.names) for name in fields}}

    def _message(self, message: Any) -> dict[str, Any]:
        row = {
            "id": message.pk,
            "direction": message.get_direction_display(),
            "date": message.date,
            "sender": message.sender,
            "subject": message.subject,
            "text": message.text,
            "attachments": [
                (a.filename if self.team else redact(a.filename, self.names), a.size)
                for a in message.attachments.all()
            ],
        }
        return self._shown(row, "sender", "subject", "text")

    def context(self) -> dict[str, Any]:
        return {
            "title": f"{self.item.reference}: {self.item.body.name}",
            "item": self.item,
            "status": progress.label(self.item.status()),
            "clock": self.item.clock(),
            "events": self.events,
            "messages": self.messages,
            "redacted": not self.team,
            "to_email": self.item.to_email if self.team else redact(self.item.to_email),
        }

    def json_data(self) -> Any:
        clock = self.item.clock()
        return {
            "reference": self.item.reference,
            "campaign": self.item.campaign.slug,
            "body": self.item.body.slug,
            "state": self.item.state,
            "status": self.item.status(),
            "clock": clock.as_dict() if clock else None,
            "events": self.events,
            "messages": self.messages,
            "redacted": not self.team,
        }

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        return self.events
