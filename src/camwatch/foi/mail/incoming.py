"""Recording a received message: match it to its request, keep the original, note what it
means for the request's state. Mail that matches nothing waits in the holding pen.

Matching, most certain first (Alaveteli and MuckRock both route by address):
1. a recipient is a request's own reply address, with the right keyed token;
2. for a bounce, the failed message was one of ours;
3. In-Reply-To or References names a message we sent;
4. the subject, then the text, quotes a request's reference (CW-3-17).
"""

from __future__ import annotations

import hashlib
import mailbox
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from camwatch.foi import classify
from camwatch.foi.mail.parse import MailError, Parsed, parse
from camwatch.foi.models import Attachment, Message, Request
from camwatch.foi.states import OUTCOMES, State, TransitionError

REFERENCE = re.compile(r"\bCW-\d+-\d+\b", re.IGNORECASE)
MAIL_ACTOR = "mail"


@dataclass
class Received:
    """What happened to one message."""

    message: Message | None
    matched_by: str = ""
    duplicate: bool = False
    note: str = ""


@dataclass
class IntakeReport:
    matched: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # in the holding pen
    bounced: list[str] = field(default_factory=list)
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, result: Received) -> None:
        if result.duplicate:
            self.duplicates += 1
        elif result.message is None:
            self.problems.append(f"{where}: {result.note}")
        elif result.message.kind == "unreadable":
            self.problems.append(f"{where}: {result.note} (kept in the holding pen)")
        elif result.message.request_id is None:
            self.held.append(where)
        elif result.message.kind == "bounce":
            self.bounced.append(result.message.request.reference)  # type: ignore[union-attr]
        else:
            self.matched.append(result.message.request.reference)  # type: ignore[union-attr]

    def as_dict(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "held": self.held,
            "bounced": self.bounced,
            "duplicates": self.duplicates,
            "problems": self.problems,
        }


def _by_reply_address(parsed: Parsed) -> Request | None:
    local, _, domain = settings.CAMWATCH_FOI_MAILBOX.lower().partition("@")
    pattern = re.compile(
        rf"^{re.escape(local)}\+(cw-\d+-\d+)-([0-9a-f]{{10}})@{re.escape(domain)}$"
    )
    addresses = list(parsed.recipients)
    if parsed.bounce:
        addresses.append(parsed.bounce.original_sender)
    for address in addresses:
        found = pattern.match(address)
        if found:
            request = Request.objects.filter(reference__iexact=found.group(1)).first()
            if request is not None and request.reply_token == found.group(2):
                return request
    return None


def _by_thread(parsed: Parsed) -> Request | None:
    ids = [parsed.in_reply_to, *parsed.references]
    if parsed.bounce:
        ids.append(parsed.bounce.original_message_id)
    ids = [i for i in ids if i]
    sent = Message.objects.filter(direction=Message.Direction.OUT, message_id__in=ids)
    found = sent.exclude(request=None).select_related("request").first()
    return found.request if found else None


def _by_reference(text: str) -> Request | None:
    for reference in dict.fromkeys(m.upper() for m in REFERENCE.findall(text)):
        request = Request.objects.filter(reference=reference).first()
        if request is not None:
            return request
    return None


def match(parsed: Parsed) -> tuple[Request | None, str]:
    """The request a message belongs to, and how that was decided."""
    for how, found in (
        ("reply address", lambda: _by_reply_address(parsed)),
        ("thread", lambda: _by_thread(parsed)),
        ("reference in subject", lambda: _by_reference(parsed.subject)),
        ("reference in text", lambda: _by_reference(parsed.text)),
    ):
        request = found()
        if request is not None:
            return request, how
    return None, ""


def receive(raw: bytes, where: str) -> Received:
    """Record one message (idempotently: the same bytes twice are one message)."""
    digest = hashlib.sha256(raw).hexdigest()
    if Message.objects.filter(direction=Message.Direction.IN, sha256=digest).exists():
        return Received(None, duplicate=True)
    if len(raw) > settings.CAMWATCH_MAX_MAIL_BYTES:
        # Not stored; the mailbox or the file still holds it, so nothing is lost.
        return Received(None, note=too_large(len(raw)))
    try:
        parsed = parse(raw)
    except MailError as error:
        return Received(_store_unreadable(raw, digest, str(error)), note=str(error))
    request, how = match(parsed)
    with transaction.atomic():
        message = _store(raw, digest, parsed, request, how)
        if request is not None:
            _apply(request, message, parsed)
    return Received(message, matched_by=how)


def _store(raw: bytes, digest: str, parsed: Parsed, request: Request | None, how: str) -> Message:
    message = Message(
        request=request,
        direction=Message.Direction.IN,
        kind="bounce" if parsed.bounce else "reply",
        message_id=_text(parsed.message_id[:500]),
        in_reply_to=_text(parsed.in_reply_to[:500]),
        sender=_text(parsed.sender[:500]),
        sender_name=_text(parsed.sender_name[:300]),
        recipients=_text(", ".join(parsed.recipients)),
        subject=_text(parsed.subject[:1000]),
        date=parsed.date or timezone.now(),
        text=_text(parsed.text),
        sha256=digest,
        matched_by=how,
        problem="; ".join(f"defect: {d}" for d in parsed.defects),
    )
    message.raw.save(f"{digest}.eml", ContentFile(raw), save=False)
    message.save()
    Attachment.objects.bulk_create(
        Attachment(
            message=message,
            filename=_text(item.filename[:500]),
            content_type=_text(item.content_type[:200]),
            size=len(item.data),
            sha256=hashlib.sha256(item.data).hexdigest(),
        )
        for item in parsed.attachments
    )
    return message


def _text(value: str) -> str:
    """PostgreSQL keeps no NUL character in text: it becomes U+FFFD, as any byte that
    cannot be read does."""
    return value.replace("\x00", "\ufffd")


def _store_unreadable(raw: bytes, digest: str, problem: str) -> Message:
    """Keep what could not be read, in the holding pen, saying why; nothing is lost."""
    message = Message(
        direction=Message.Direction.IN,
        kind="unreadable",
        date=timezone.now(),
        sha256=digest,
        problem=_text(problem),
    )
    message.raw.save(f"{digest}.eml", ContentFile(raw), save=False)
    message.save()
    return message


def too_large(size: int) -> str:
    limit = settings.CAMWATCH_MAX_MAIL_BYTES
    return f"{size:,} bytes, over CAMWATCH_MAX_MAIL_BYTES ({limit:,}); left where it was"


def _apply(request: Request, message: Message, parsed: Parsed, actor: str = MAIL_ACTOR) -> None:
    """What a matched message does to its request."""
    request.log("received", actor, f"{message.kind} from {message.sender}", message=message)
    if parsed.bounce:
        why = parsed.bounce.diagnostic or "the message could not be delivered"
        _move(request, State.ERROR_MESSAGE, f"bounced: {why}", message, actor)
        return
    reading = classify.classify(parsed.text, len(parsed.attachments))
    if reading.state is not None and reading.confident:
        _move(request, reading.state, reading.note, message, actor)
    elif reading.confident:  # an acknowledgement: nothing changes
        request.log("read", actor, reading.note, message=message)
    else:
        _flag(request, reading.note, message, actor)


def _move(request: Request, state: State, note: str, message: Message, actor: str) -> None:
    try:
        request.move_to(state, actor, note, message=message)
    except TransitionError as error:
        _flag(request, f"{note} ({error})", message, actor)
        return
    if state == State.WAITING_CLARIFICATION or state in OUTCOMES:
        request.needs_attention = False
        request.save(update_fields=["needs_attention", "modified"])


def _flag(request: Request, note: str, message: Message, actor: str) -> None:
    """A reply a person must read: the request is marked, and the log says why."""
    request.needs_attention = True
    request.save(update_fields=["needs_attention", "modified"])
    request.log("needs_attention", actor, note, message=message)


def assign(message: Message, request: Request, actor: str) -> None:
    """A person puts a held message with its request; it then counts as received."""
    if message.request_id is not None:
        raise ValueError(f"message {message.pk} already belongs to {message.request}")
    if message.kind == "unreadable":
        raise ValueError(f"message {message.pk} could not be read: {message.problem}")
    message.raw.open("rb")
    try:
        parsed = parse(message.raw.read())
    finally:
        message.raw.close()
    with transaction.atomic():
        message.request, message.matched_by = request, f"assigned by {actor}"
        message.save(update_fields=["request", "matched_by"])
        _apply(request, message, parsed, actor)


def import_files(paths: list[Path], report: IntakeReport | None = None) -> IntakeReport:
    """Import .eml files (one message each) and .mbox files (many)."""
    report = report or IntakeReport()
    for path in paths:
        if path.suffix.lower() == ".mbox":
            for n, item in enumerate(mailbox.mbox(str(path), create=False), start=1):
                report.add(f"{path}#{n}", receive(item.as_bytes(), f"{path}#{n}"))
        elif path.suffix.lower() != ".eml":
            report.problems.append(f"{path}: not an .eml or .mbox file")
        elif path.stat().st_size > settings.CAMWATCH_MAX_MAIL_BYTES:
            report.problems.append(f"{path}: {too_large(path.stat().st_size)}")
        else:
            report.add(str(path), receive(path.read_bytes(), str(path)))
    return report
