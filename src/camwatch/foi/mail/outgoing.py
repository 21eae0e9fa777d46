"""Sending requests and follow-ups through SMTP (Django's email backend), each from the
request's own reply address, and keeping a copy of exactly what was sent."""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from camwatch.foi.campaigns import render_request
from camwatch.foi.mail.smtp import SmtpSession
from camwatch.foi.models import Campaign, Message, Request
from camwatch.foi.states import State, TransitionError


class SendError(RuntimeError):
    """The mail server could not be reached or refused the session: nothing more is sent."""


class Refused(SendError):
    """The server refused the request's address; the request records it. Others go on."""


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # reference -> why
    skipped: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "skipped": self.skipped}


def _domain() -> str:
    return settings.CAMWATCH_FOI_MAILBOX.partition("@")[2] or "localhost"


def build_email(
    request: Request, subject: str, text: str, to: str, files: Iterable[Any] = ()
) -> EmailMessage:
    sender = formataddr((request.campaign.requester_name, request.reply_address))
    message = EmailMessage(
        subject=subject,
        body=text,
        from_email=sender,
        to=[to],
        headers={
            "Message-ID": make_msgid(request.reference.lower(), domain=_domain()),
            "Date": formatdate(localtime=True),
            "Reply-To": sender,
        },
    )
    for item in files:
        item.file.open("rb")
        try:
            message.attach(item.name, item.file.read(), item.content_type)
        finally:
            item.file.close()
    return message


def send(
    request: Request,
    kind: str,
    subject: str,
    text: str,
    actor: str,
    connection: Any = None,
    files: Iterable[Any] = (),
) -> Message:
    """Send one message for a request and record it; a refused recipient puts the
    request in error_message (Refused is raised after that is saved)."""
    if not request.to_email:
        raise SendError(f"{request.reference}: {request.body.name} has no FOI email address")
    email = build_email(request, subject, text, request.to_email, files)
    try:
        if connection is None:
            with SmtpSession() as session:
                raw = session.send(email)
        else:
            raw = connection.send(email)
    except smtplib.SMTPRecipientsRefused as error:
        _refused(request, actor, kind)
        raise Refused(f"{request.reference}: the server refused {request.to_email}") from error
    except (smtplib.SMTPException, OSError) as error:
        raise SendError(f"sending {request.reference} failed: {error}") from error
    return _record(request, kind, email, raw)


def _refused(request: Request, actor: str, kind: str) -> None:
    """The server refused the address: a delivery error, where the workflow allows one;
    else (a chaser to a closed request, say) a note in the log."""
    note = f"the server refused {request.to_email} ({kind})"
    with transaction.atomic():
        try:
            request.move_to(State.ERROR_MESSAGE, actor, note)
        except TransitionError:
            request.log("send_error", actor, note)


def _record(request: Request, kind: str, email: EmailMessage, raw: bytes) -> Message:
    digest = hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        message = Message(
            request=request,
            direction=Message.Direction.OUT,
            kind=kind,
            message_id=email.extra_headers["Message-ID"],
            sender=request.reply_address,
            recipients=", ".join(email.to),
            subject=email.subject,
            date=timezone.now(),
            text=email.body,
            sha256=digest,
        )
        message.raw.save(f"{digest}.eml", ContentFile(raw), save=False)
        message.save()
    return message


def send_request(request: Request, actor: str, connection: Any = None) -> Message:
    """Send a drafted request, written afresh from its template so that the reply
    address in the text is the one it is sent from; its clock starts today (day 0)."""
    render_request(request)
    files = list(request.campaign.files.all())
    message = send(request, "request", request.subject, request.text, actor, connection, files)
    with transaction.atomic():
        request.sent_at = message.date
        request.received = timezone.localdate(message.date)
        request.refresh_clock()
        request.move_to(
            State.WAITING_RESPONSE, actor, f"sent to {request.to_email}", message=message
        )
    return message


def send_campaign(
    campaign: Campaign,
    actor: str,
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> SendReport:
    """Send every drafted request of a campaign over one SMTP session. A request with no
    address is skipped and reported; a refused recipient is reported and the rest go on;
    a broken session stops the run (what was sent stays recorded)."""
    report = SendReport()
    drafts = campaign.requests.filter(state=State.DRAFT).select_related("body", "campaign")
    session = SmtpSession()
    try:
        with session as connection:
            for request in drafts:
                if limit is not None and len(report.sent) >= limit:
                    break
                _send_one(request, actor, connection, report)
                if progress:
                    progress(request.reference)
    except (smtplib.SMTPException, OSError, SendError) as error:
        raise SendError(
            f"{session.server.label}: {error} (sent {len(report.sent)} before this)"
        ) from error
    return report


def _send_one(request: Request, actor: str, connection: SmtpSession, report: SendReport) -> None:
    if not request.to_email:
        report.skipped[request.reference] = f"{request.body.name} has no FOI address"
        return
    try:
        send_request(request, actor, connection)
        report.sent.append(request.reference)
    except Refused as error:
        report.failed[request.reference] = str(error)
