"""FOI campaigns: one question set sent to many bodies, each request with its own clock,
its mail and an audit log of every change."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from camwatch.foi import calendar
from camwatch.foi.states import LABELS, State, check_transition, display_status
from camwatch.registry.models import BodyKind, Investigation, PublicBody
from camwatch.registry.models.base import Embargoed
from camwatch.web.uploads import validate_upload

STATE_CHOICES = [(state.value, LABELS[state]) for state in State]
REGIME_CHOICES = [(regime.value, regime.label) for regime in calendar.Regime]


class Campaign(Embargoed):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    requester_name = models.CharField(
        max_length=200, help_text="The name every request is signed with"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="foi_campaigns",
    )  # fmt: skip
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="foi_collaborations"
    )
    investigation = models.OneToOneField(
        Investigation, null=True, blank=True, on_delete=models.SET_NULL,
        help_text="Where the outcomes are published for the findings",
    )  # fmt: skip
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[collaborators])

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("foi-campaign", args=[self.slug])

    def members(self) -> models.QuerySet[Any]:
        """With the owner and the admins, who see the campaign under embargo and its
        correspondence unredacted (Embargoed.is_team)."""
        return self.collaborators.all()


class CampaignFile(models.Model):
    """A file sent with every request of a campaign (a letter, a form)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to="foi/campaign-files/", validators=[validate_upload])
    content_type = models.CharField(max_length=200, default="application/octet-stream")
    sha256 = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.name


class QuestionTemplate(models.Model):
    """The wording sent to one kind of body (or a whole group of kinds, e.g. every local
    authority). A body gets its own kind's template if there is one, else its group's;
    with neither, no request is made and the campaign says so."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="templates")
    kind = models.ForeignKey(BodyKind, null=True, blank=True, on_delete=models.PROTECT)
    group = models.SlugField(max_length=60, blank=True, help_text="A body-kind group")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind__isnull=False) & models.Q(group=""))
                | (models.Q(kind__isnull=True) & ~models.Q(group="")),
                name="template_for_a_kind_or_a_group",
            ),
            models.UniqueConstraint(fields=["campaign", "kind"], name="one_template_per_kind"),
            models.UniqueConstraint(
                fields=["campaign", "group"],
                condition=~models.Q(group=""),
                name="one_template_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug}: {self.kind.slug if self.kind else self.group}"

    @property
    def label(self) -> str:
        return f"template for {self.kind.slug if self.kind else 'group ' + self.group}"


class Request(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="requests")
    body = models.ForeignKey(PublicBody, on_delete=models.PROTECT, related_name="foi_requests")
    reference = models.CharField(max_length=40, unique=True)
    regime = models.CharField(max_length=10, choices=REGIME_CHOICES)
    school = models.BooleanField(default=False)
    to_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=400)
    text = models.TextField()
    state = models.CharField(max_length=30, choices=STATE_CHOICES, default=State.DRAFT.value)
    sent_at = models.DateTimeField(null=True, blank=True)
    received = models.DateField(null=True, blank=True, help_text="Day 0 of the clock")
    clarified = models.JSONField(default=list, blank=True, help_text="Dates, ISO")
    fee_pauses = models.JSONField(default=list, blank=True, help_text="[[given, paid or null]]")
    extended = models.BooleanField(default=False)
    due = models.DateField(null=True, blank=True)
    long_overdue_after = models.DateField(null=True, blank=True)
    review_requested = models.DateField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True)
    last_chased = models.DateField(null=True, blank=True)
    needs_attention = models.BooleanField(
        default=False, help_text="A reply came that nobody has classified yet"
    )
    whatdotheyknow_url = models.URLField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "body"], name="one_request_per_body")
        ]
        indexes = [models.Index(fields=["state", "due"], name="request_state_due")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.body.name})"

    def get_absolute_url(self) -> str:
        return reverse("foi-request", args=[self.reference])

    @property
    def reply_token(self) -> str:
        """A keyed hash of the reference, so that a reply address cannot be guessed."""
        key = settings.SECRET_KEY.encode()
        return hmac.new(key, self.reference.lower().encode(), hashlib.sha256).hexdigest()[:10]

    @property
    def reply_address(self) -> str:
        local, _, domain = settings.CAMWATCH_FOI_MAILBOX.partition("@")
        return f"{local}+{self.reference.lower()}-{self.reply_token}@{domain}"

    def clock(self) -> calendar.Deadline | None:
        if self.received is None:
            return None
        events = calendar.Events(
            clarified=tuple(dt.date.fromisoformat(day) for day in self.clarified),
            pauses=tuple(
                calendar.Pause(
                    dt.date.fromisoformat(given), dt.date.fromisoformat(paid) if paid else None
                )
                for given, paid in self.fee_pauses
            ),
            extended=self.extended,
        )
        regime = calendar.Regime(self.regime)
        return calendar.deadline(self.received, regime, school=self.school, events=events)

    def refresh_clock(self) -> None:
        """Store the due dates the clock gives, so lists can filter on them in SQL."""
        found = self.clock()
        self.due = found.effective_due if found else None
        self.long_overdue_after = found.long_overdue_after if found else None

    def review(self) -> calendar.ReviewClock | None:
        """The clock of an internal (or FOISA statutory) review, once one is asked for."""
        if self.review_requested is None:
            return None
        regime = calendar.Regime(self.regime)
        return calendar.review_clock(regime, self.due, requested=self.review_requested)

    def clock_status(self, today: dt.date | None = None) -> str:
        """in_time, overdue, long_overdue or paused: by the review's clock while a review
        is awaited, else by the request's."""
        today = today or timezone.localdate()
        review = self.review() if self.state == State.INTERNAL_REVIEW else None
        if review is not None:
            return review.status(today)
        found = self.clock()
        return found.status(today) if found else "in_time"

    def status(self, today: dt.date | None = None) -> str:
        """The stored state, or overdue / long_overdue from the clock."""
        return display_status(self.state, self.clock_status(today))

    def move_to(self, new: str, actor: str, note: str = "", **extra: Any) -> Event:
        """Change state if the workflow allows it, and log who did it and when."""
        old = self.state
        self.state = check_transition(old, new).value
        if self.state == State.INTERNAL_REVIEW:
            self.start_review(timezone.localdate())
        self.save()
        return Event.objects.create(
            request=self, kind="state", actor=actor, from_state=old, to_state=self.state,
            note=note, **extra,
        )  # fmt: skip

    def start_review(self, asked: dt.date) -> None:
        """A review asked for on `asked` (kept if already recorded): its clock starts."""
        self.review_requested = self.review_requested or asked
        review = self.review()
        self.review_due = review.due if review else None

    def current_due(self) -> dt.date | None:
        """The date the authority's current answer is due: the review's during a review."""
        return self.review_due if self.state == State.INTERNAL_REVIEW else self.due

    def classify(self, new: str, actor: str, note: str = "") -> Event:
        """A person's reading of the request: a move if the state changes, else a note that
        they confirmed it; either way no reply waits to be classified any more."""
        self.needs_attention = False
        if new == self.state:
            self.save()
            return self.log("classified", actor, note or f"confirmed {self.state}")
        return self.move_to(new, actor, note)

    def log(self, kind: str, actor: str, note: str = "", **extra: Any) -> Event:
        return Event.objects.create(
            request=self, kind=kind, actor=actor, from_state=self.state, to_state=self.state,
            note=note, **extra,
        )  # fmt: skip


def raw_mail_path(instance: Message, filename: str) -> str:
    return f"mail/{instance.sha256[:2]}/{instance.sha256}.eml"


class Message(models.Model):
    """One email in or out. Incoming mail that matches no request waits in the holding
    pen (request is null) for a person to assign it."""

    class Direction(models.TextChoices):
        OUT = "out", "sent"
        IN = "in", "received"

    request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=30, help_text="request, reply, bounce, chaser, review...")
    message_id = models.CharField(max_length=500, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=500, blank=True)
    sender = models.CharField(max_length=500, blank=True)
    sender_name = models.CharField(max_length=300, blank=True)
    recipients = models.TextField(blank=True)
    subject = models.CharField(max_length=1000, blank=True)
    date = models.DateTimeField()
    text = models.TextField(blank=True)
    raw = models.FileField(upload_to=raw_mail_path, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    matched_by = models.CharField(max_length=40, blank=True)
    problem = models.TextField(blank=True, help_text="Why it could not be read or matched")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "sha256"], name="one_copy_per_message")
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.date:%Y-%m-%d}: {self.subject}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=500)
    content_type = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.filename


class Event(models.Model):
    """The audit log: every change to a request, who made it and when."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=200, help_text="A user name, or mail, or a command")
    kind = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor}: {self.kind}"


class MailboxState(models.Model):
    """How far `foi fetch-mail` has read an IMAP folder, so a rerun reads only new mail."""

    mailbox = models.CharField(max_length=500, unique=True)
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    too_large = models.JSONField(
        default=list, blank=True, help_text="UIDs over the size limit, tried again each poll"
    )
    checked = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.mailbox} (UID {self.last_uid})"
