"""Reading one email: its headers, its text, its attachments, and whether it is a bounce.
Pure: the standard library's email package only, no Django.

Officers' mail is untidy: HTML-only replies, Outlook's winmail, forwarded chains, and
bounces in three formats. Everything here is tolerant, except of data that is not an
email at all, which is refused with the reason.
"""

from __future__ import annotations

import datetime as dt
import email
import email.errors
import email.policy
import email.utils
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from html.parser import HTMLParser


class MailError(ValueError):
    """Bytes that cannot be read as an email, with the reason."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Bounce:
    """A delivery failure report, with what it says about the message that failed."""

    original_message_id: str
    original_sender: str
    recipients: tuple[str, ...]
    diagnostic: str


@dataclass(frozen=True)
class Parsed:
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    sender: str
    sender_name: str
    recipients: tuple[str, ...]  # To, Cc, and the delivery headers that name us
    subject: str
    date: dt.datetime | None
    text: str
    attachments: tuple[Attachment, ...] = ()
    bounce: Bounce | None = None
    defects: tuple[str, ...] = field(default=())


_DELIVERY_HEADERS = ("to", "cc", "delivered-to", "x-original-to", "envelope-to")
_BOUNCE_SENDER = re.compile(r"mailer-daemon|postmaster|mail delivery", re.IGNORECASE)
_DELAYED = re.compile(r"\bdelay", re.IGNORECASE)  # "still trying": not a failure yet
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery (status notification|has failed|failure)|returned mail|"
    r"mail delivery failed|failure notice",
    re.IGNORECASE,
)


def parse(raw: bytes) -> Parsed:
    """One message from its bytes; MailError if they are not an email."""
    if not raw.strip():
        raise MailError("the message is empty")
    try:
        return _parse(raw)
    except MailError:
        raise
    except (ValueError, IndexError, AttributeError, email.errors.MessageError) as error:
        # The email package itself fails on some headers, while parsing or when a header is
        # first read: an RFC 2231 parameter in a charset that cannot decode it (idna) is a
        # UnicodeError; `From: "` an IndexError; `From: ::;;"x` an AttributeError.
        raise MailError(
            f"the email package cannot read it ({type(error).__name__}: {error})"
        ) from error


def _parse(raw: bytes) -> Parsed:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not message.keys() or not any(message.get(h) for h in ("from", "date", "message-id")):
        raise MailError("no email headers (From, Date or Message-ID) at the start")
    assert isinstance(message, EmailMessage)
    return Parsed(
        message_id=_id(message.get("message-id", "")),
        in_reply_to=_id(message.get("in-reply-to", "")),
        references=tuple(_ids(message.get("references", ""))),
        sender=_address(message, "from"),
        sender_name=_display_name(message, "from"),
        recipients=tuple(_addresses(message, _DELIVERY_HEADERS)),
        subject=_header(message, "subject"),
        date=_date(message.get("date")),
        text=body_text(message),
        attachments=tuple(_attachments(message)),
        bounce=_bounce(message),
        defects=tuple(type(d).__name__ for d in message.defects),
    )


def _header(message: Message, name: str) -> str:
    try:
        return " ".join(str(message.get(name, "")).split())
    except (ValueError, TypeError):  # an undecodable header: keep what is readable
        return " ".join(str(message.get_all(name, [""])[0]).split())


def _id(value: object) -> str:
    found = re.search(r"<[^<>\s]+>", str(value))
    return found.group(0) if found else str(value).strip()


def _ids(value: object) -> list[str]:
    return re.findall(r"<[^<>\s]+>", str(value))


def _address(message: Message, name: str) -> str:
    pairs = email.utils.getaddresses([_header(message, name)])
    return pairs[0][1].lower() if pairs and pairs[0][1] else _header(message, name).lower()


def _display_name(message: Message, name: str) -> str:
    pairs = email.utils.getaddresses([_header(message, name)])
    return pairs[0][0].strip() if pairs else ""


def _addresses(message: Message, names: tuple[str, ...]) -> list[str]:
    values = [str(v) for name in names for v in message.get_all(name, [])]
    return sorted({addr.lower() for _, addr in email.utils.getaddresses(values) if addr})


def _date(value: object) -> dt.datetime | None:
    if not value:
        return None
    try:
        found = email.utils.parsedate_to_datetime(str(value))
        found = found if found.tzinfo else found.replace(tzinfo=dt.UTC)
        # In UTC, as it is stored: PostgreSQL refuses an offset beyond 15:59, and a date
        # with no UTC time (31 Dec 9999 at -2359: OverflowError) is no date at all.
        return found.astimezone(dt.UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def body_text(message: Message) -> str:
    """The readable text: the plain part if there is one, else the HTML part as text."""
    plain: list[str] = []
    html: list[str] = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "message/rfc822":
            continue
        if kind in ("text/plain", "text/html"):
            (plain if kind == "text/plain" else html).append(_decoded(part))
    if plain:
        return "\n\n".join(plain).strip()
    return "\n\n".join(html_to_text(text) for text in html).strip()


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload())
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except (LookupError, ValueError):  # a charset Python does not know, or cannot use here
        return payload.decode("latin-1", errors="replace")


class _Text(HTMLParser):
    _BREAKS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _attachments(message: Message) -> list[Attachment]:
    found = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_type() in ("message/delivery-status",):
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if disposition != "attachment" and not filename:
            continue
        if disposition != "attachment" and part.get_content_maintype() == "image":
            continue  # a logo or signature image shown in the letter, not a document sent
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            found.append(Attachment(filename or "attachment", part.get_content_type(), data))
    return found


def _bounce(message: Message) -> Bounce | None:
    report = message.get_content_type() == "multipart/report" and (
        message.get_param("report-type") == "delivery-status"
    )
    sender, subject = _header(message, "from"), _header(message, "subject")
    if not report and not (
        _BOUNCE_SENDER.search(sender)
        and _BOUNCE_SUBJECT.search(subject)
        and not _DELAYED.search(subject)
    ):
        return None
    status = _delivery_status(message)
    if status.action.lower() not in ("failed", ""):
        return None  # "delayed" or "delivered": not a failure
    original = _original(message)
    return Bounce(
        original_message_id=_id(original.get("message-id", "")) if original else "",
        original_sender=_address(original, "from") if original else "",
        recipients=status.recipients,
        diagnostic=status.diagnostic,
    )


@dataclass(frozen=True)
class _Status:
    action: str = ""
    diagnostic: str = ""
    recipients: tuple[str, ...] = ()


def _delivery_status(message: Message) -> _Status:
    """The per-recipient fields of an RFC 3464 report (the last recipient's wins)."""
    action, diagnostic, recipients = "", "", set()
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks = [b for b in payload if isinstance(b, Message)] if isinstance(payload, list) else []
        for block in blocks or [part]:
            for key in ("final-recipient", "original-recipient"):
                if block.get(key):
                    recipients.add(str(block.get(key)).split(";")[-1].strip().lower())
            action = " ".join(str(block.get("action", action)).split())
            diagnostic = " ".join(str(block.get("diagnostic-code", diagnostic)).split())
    return _Status(action, diagnostic, tuple(sorted(recipients)))


def _original(message: Message) -> Message | None:
    """The message that failed, as the report quotes it (whole or its headers only)."""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
        if kind == "text/rfc822-headers":
            text = _decoded(part)
            return email.message_from_string(text, policy=email.policy.default)
    return None
