"""Property tests for reading mail (foi/mail/parse.py, and incoming.receive, which takes
the raw bytes): whatever arrives is either read or refused with MailError; nothing else
escapes (docs/security.md, "Arbitrary input may raise only the project's own clear error
types"). The messages are built with the standard library's email package, then broken:
truncated, spliced, mis-encoded, with odd charsets, huge or missing headers."""

from __future__ import annotations

import datetime as dt
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from camwatch.foi.mail.parse import MailError, Parsed, parse

# How many examples each property tries; modest, so that the module runs in seconds.
MAX_EXAMPLES = 150
RECEIVE_EXAMPLES = 25  # through the database: slower per example

FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None)

# Printable text without control characters or "=" (which could form encoded words).
WORDS = st.text(st.characters(categories=("L", "N", "P", "Zs")), max_size=60)
BODY = st.text(st.characters(categories=("L", "N", "P", "Zs"), include_characters="\n"))
NAME = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=30)
LOCAL = st.from_regex(r"[a-z0-9]{1,8}([.+-][a-z0-9]{1,8}){0,2}", fullmatch=True)
HOST = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8})?", fullmatch=True)
ADDRESS = st.builds(lambda local, host: f"{local}@{host}.example", LOCAL, HOST)
CHARSETS = st.sampled_from(
    ["utf-8", "us-ascii", "latin-1", "iso-8859-15", "koi8-r", "shift_jis", "gb2312",
     "utf-16", "utf-7", "windows-1252", "x-no-such-charset", "", "\u00e9", "utf-8'en'",
     "idna", "utf\x008"]
)  # fmt: skip
ENCODINGS = st.sampled_from(["base64", "quoted-printable", "8bit"])


def _text_part(body: str, charset: str) -> tuple[bytes, str]:
    try:
        return body.encode(charset, errors="replace"), charset
    except (LookupError, ValueError):  # a charset Python cannot use: UTF-8, labelled oddly
        return body.encode("utf-8"), charset


ACTIONS = ["failed", "delayed", "", "x"]


def _make_report(msg: EmailMessage, recipient: str, diagnostic: str, action: str) -> None:
    """Turn `msg` into an RFC 3464 delivery report about one of our messages."""
    if not msg.is_multipart():
        msg.make_mixed()
    msg.set_type("multipart/report")
    msg.set_param("report-type", "delivery-status")
    status = EmailMessage()
    status["Content-Type"] = "message/delivery-status"
    status.set_payload(
        [
            email.message_from_string("Reporting-MTA: dns; mx.example\n", EmailMessage),
            email.message_from_string(
                f"Final-Recipient: rfc822; {recipient}\nAction: {action}\n"
                f"Diagnostic-Code: smtp; 550 {diagnostic}\n",
                EmailMessage,
            ),
        ]
    )
    msg.attach(status)
    headers = EmailMessage()
    headers.set_content(
        b"From: foi+cw-1-2-abcdef0123@campaigns.example\nMessage-ID: <sent-1@campaigns.example>\n",
        "text",
        "rfc822-headers",
    )
    msg.attach(headers)


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """A plausible message: some headers, a text part in some charset and encoding, and
    perhaps HTML, attachments with non-ASCII names, a forwarded message, or a bounce."""
    msg = EmailMessage()
    for name, value in (
        ("From", st.builds(lambda n, a: f"{n} <{a}>", NAME, ADDRESS)),
        ("To", st.lists(ADDRESS, min_size=1, max_size=3).map(", ".join)),
        ("Subject", WORDS),
        ("Date", st.sampled_from(["Mon, 3 Jun 2024 10:00:00 +0100", "3 Jun 24 10:00 GMT",
                                  "Tue, 31 Dec 9999 23:59:59 -2359", "yesterday"])),
        ("Message-ID", ADDRESS.map("<{}>".format)),
        ("In-Reply-To", ADDRESS.map("<{}>".format)),
    ):  # fmt: skip
        if draw(st.booleans()):
            msg[name] = draw(value)
    data, charset = _text_part(draw(BODY), draw(CHARSETS))
    msg.set_content(data, "text", "plain", cte=draw(ENCODINGS))
    msg.set_param("charset", charset)
    if draw(st.booleans()):
        msg.add_alternative(f"<p>{draw(WORDS)}</p>", subtype="html")
    for _ in range(draw(st.integers(0, 2))):
        filename = draw(NAME) + draw(st.sampled_from([".pdf", ".xlsx", ".txt", ""]))
        msg.add_attachment(draw(st.binary(max_size=200)), "application", "octet-stream",
                           filename=filename, cte=draw(ENCODINGS))  # fmt: skip
    kind = draw(st.sampled_from(["plain", "forwarded", "bounce"]))
    if kind == "forwarded":
        inner = EmailMessage()
        inner["From"], inner["Message-ID"] = draw(ADDRESS), "<sent@campaigns.example>"
        inner.set_content(draw(WORDS))
        msg.add_attachment(inner)
    elif kind == "bounce":
        _make_report(msg, draw(ADDRESS), draw(WORDS), draw(st.sampled_from(ACTIONS)))
    # Fixed boundaries (the email package would draw random ones); "=" never starts a
    # base64 or quoted-printable line, and the text drawn here has none.
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"==b{n}==")
    return msg.as_bytes(policy=email.policy.SMTP)


def _truncate(raw: bytes, at: int) -> bytes:
    return raw[: at % (len(raw) + 1)]


def _splice(raw: bytes, at: int, junk: bytes) -> bytes:
    at %= len(raw) + 1
    return raw[:at] + junk + raw[at:]


def _delete(raw: bytes, at: int, length: int) -> bytes:
    at %= len(raw) + 1
    return raw[:at] + raw[at + length :]


def _drop_header(raw: bytes, name: str) -> bytes:
    return re.sub(rb"(?im)^" + name.encode() + rb":.*\r?\n", b"", raw)


def _huge_header(raw: bytes, name: str, size: int) -> bytes:
    value = b"=?utf-8?q?" + b"=C3=A9" * (size // 6) + b"?=" if size % 2 else b"x" * size
    return f"{name}: ".encode() + value + b"\r\n" + raw


def _folded_header(raw: bytes, name: str, lines: int) -> bytes:
    return f"{name}: ".encode() + b"\r\n a" * lines + b"\r\n" + raw


def _odd_charset(raw: bytes, charset: str) -> bytes:
    label = b'charset="' + charset.encode() + b'"'
    return re.sub(rb'charset="?[^";\r\n]*"?', lambda _: label, raw)


def _break_base64(raw: bytes, junk: bytes) -> bytes:
    """Corrupt what follows each base64 part's headers: stray bytes, a cut line."""
    return re.sub(rb"(base64\r?\n\r?\n)([A-Za-z0-9+/=]{0,7})", lambda m: m[1] + junk + m[2], raw)


def _break_qp(raw: bytes, junk: bytes) -> bytes:
    return raw.replace(b"quoted-printable\r\n\r\n", b"quoted-printable\r\n\r\n=Z=\r\n" + junk)


HEADER_NAMES = st.sampled_from(
    ["From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
     "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version"]
)  # fmt: skip
JUNK = st.binary(max_size=40) | st.sampled_from(
    [b"\r\n", b"\r\n\r\n", b"\x00", b"=?", b"?=", b"--", b"=\r\n", b"\xff\xfe", b"<", b">", b":"]
)
MUTATIONS = st.one_of(
    st.tuples(st.just(_truncate), st.integers(0, 10_000)),
    st.tuples(st.just(_splice), st.integers(0, 10_000), JUNK),
    st.tuples(st.just(_delete), st.integers(0, 10_000), st.integers(1, 200)),
    st.tuples(st.just(_drop_header), HEADER_NAMES),
    st.tuples(st.just(_huge_header), HEADER_NAMES, st.integers(1000, 200_000)),
    st.tuples(st.just(_folded_header), HEADER_NAMES, st.integers(1, 3000)),
    st.tuples(st.just(_odd_charset), CHARSETS | st.text(max_size=20)),
    st.tuples(st.just(_break_base64), JUNK),
    st.tuples(st.just(_break_qp), JUNK),
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = draw(messages())
    for function, *args in draw(st.lists(MUTATIONS, max_size=4)):
        raw = function(raw, *args)
    return raw


def read_or_refuse(raw: bytes) -> Parsed | None:
    """parse() or MailError with a reason; and a result keeps the promises of its type."""
    try:
        parsed = parse(raw)
    except MailError as error:
        reason = str(error)
        assert reason
        return None
    assert all(isinstance(a.data, bytes) and a.filename for a in parsed.attachments)
    assert list(parsed.recipients) == sorted(set(parsed.recipients))
    assert all(r == r.lower() for r in parsed.recipients)
    # A date is in UTC, as the database stores it (PostgreSQL refuses offsets past 15:59).
    assert parsed.date is None or parsed.date.utcoffset() == dt.timedelta(0)
    assert isinstance(parsed.text, str)
    assert isinstance(parsed.subject, str)
    return parsed


# No database for the parser's own properties: these run once, in the SQLite pass.
nodb = pytest.mark.nodb


@nodb
@FUZZ
@given(st.binary(max_size=3000))
@example(b"")
@example(b" \r\n\t")
@example(b"From:\r\n\r\n")
@example(b"From: <\r\nTo: :\r\nMessage-ID: <<>\r\n\r\n")
# Regressions: a date with no UTC time; text in charsets that bytes.decode() refuses with
# ValueError, not LookupError; headers on which the email package itself fails.
@example(b"From: a@b.example\r\nDate: Fri, 31 Dec 9999 23:59:59 -2359\r\n\r\nlate")
@example(b"From: a@b.example\r\nContent-Type: text/plain; charset=idna\r\n\r\n\xff")
@example(b'From: a@b.example\r\nContent-Type: text/plain; charset="utf\x008"\r\n\r\nx')
@example(b"From: a@b.example\r\nContent-Type: text/plain; name*=idna''%ff\r\n\r\nx")
@example(b"From: a@b.example\r\nContent-Disposition: attachment; filename*=idna''%ff\r\n\r\nx")
@example(b'From: "')  # IndexError in the email package's address parser
@example(b'From: ::;;"%ff')  # AttributeError there
@example(b'To: "\r\nFrom: a@b.example\r\n\r\nx')
def test_arbitrary_bytes_are_read_or_refused(raw: bytes) -> None:
    read_or_refuse(raw)


@nodb
@FUZZ
@given(st.lists(st.sampled_from(
    [b"From: ", b"To: ", b"Cc: ", b"Date: ", b"Message-ID: ", b"References: ", b"Subject: ",
     b"Content-Type: multipart/mixed; boundary=", b"Content-Type: message/rfc822",
     b"Content-Disposition: attachment; filename*=", b"Content-Transfer-Encoding: base64",
     b"\r\n", b"\r\n\r\n", b"--", b"<", b">", b"@", b",", b";", b":", b'"', b"\\", b"(", b")",
     b"=?utf-8?b?", b"=?x?q?", b"?=", b"''", b"%ff", b"\xc3\xa9", b"\xff", b"a", b" "]
), max_size=40).map(b"".join))  # fmt: skip
def test_header_shaped_noise_is_read_or_refused(raw: bytes) -> None:
    """Bytes made of the pieces headers and MIME are made of: more likely than random
    bytes to reach the header parsers' corners."""
    read_or_refuse(raw)


@nodb
@FUZZ
@given(mutated())
def test_broken_messages_are_read_or_refused(raw: bytes) -> None:
    read_or_refuse(raw)


@nodb
@FUZZ
@given(messages())
def test_whole_messages_are_read(raw: bytes) -> None:
    """A message the standard library wrote is read, unless it has none of the headers
    that make bytes an email (From, Date, Message-ID) with a value (the library writes
    a date it cannot read as an empty Date:)."""
    headers = raw.split(b"\r\n\r\n", 1)[0]
    named = re.search(rb"(?im)^(from|date|message-id):(?:[ \t]|\r\n[ \t])*\S", headers)
    assert (read_or_refuse(raw) is not None) == bool(named)


@nodb
@FUZZ
@given(
    sender=ADDRESS,
    name=NAME,
    subject=WORDS,
    body=BODY,
    filename=NAME,
    data=st.binary(min_size=1, max_size=300),
    charset=st.sampled_from(["utf-8", "utf-16", "iso-8859-1", "koi8-r"]),
)
@example(
    sender="foi@council.example", name="Ysgol\u0175", subject="Your request \u2013 CW-1-2",
    body="Dear requester,\n\nAttached.", filename="r\u00e9ponse \u5e74", data=b"%PDF",
    charset="utf-8",
)  # fmt: skip
def test_a_message_reads_back_as_written(
    sender: str, name: str, subject: str, body: str, filename: str, data: bytes, charset: str
) -> None:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = "foi@campaigns.example"
    msg["Subject"] = subject
    msg["Message-ID"] = "<m1@council.example>"
    encoded = body.encode(charset, errors="replace")
    msg.set_content(encoded, "text", "plain", cte="base64")
    msg.set_param("charset", charset)
    msg.add_attachment(data, "application", "pdf", filename=filename + ".pdf")
    parsed = parse(msg.as_bytes(policy=email.policy.SMTP))
    assert parsed.sender == sender.lower()
    # CPython's address parser keeps the folding space between two encoded words of a
    # long display name ("ab" comes back "a b"); a space is all that may differ.
    assert parsed.sender_name.replace(" ", "") == name
    assert parsed.subject == " ".join(subject.split())
    assert parsed.message_id == "<m1@council.example>"
    assert parsed.recipients == ("foi@campaigns.example",)
    assert parsed.text == encoded.decode(charset).replace("\r\n", "\n").strip()
    assert [(a.filename, a.content_type, a.data) for a in parsed.attachments] == [
        (filename + ".pdf", "application/pdf", data)
    ]
    assert parsed.bounce is None


@nodb
@FUZZ
@given(recipient=ADDRESS, diagnostic=WORDS)
def test_a_bounce_reads_back_as_written(recipient: str, diagnostic: str) -> None:
    """An RFC 3464 report names the failed recipient, the diagnostic and our message."""
    report = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nSorry.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\n"
        f"Diagnostic-Code: smtp; 550 {diagnostic}\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "From: foi+cw-1-2-abcdef0123@campaigns.example\r\n"
        "Message-ID: <sent-1@campaigns.example>\r\n\r\n--B--\r\n"
    )
    parsed = parse(report.encode())
    assert parsed.bounce is not None
    assert parsed.bounce.recipients == (recipient.lower(),)
    assert parsed.bounce.diagnostic == " ".join(f"smtp; 550 {diagnostic}".split())
    assert parsed.bounce.original_message_id == "<sent-1@campaigns.example>"
    assert parsed.bounce.original_sender == "foi+cw-1-2-abcdef0123@campaigns.example"


# receive() takes the raw bytes too: it records what it reads and keeps what it cannot
# read in the holding pen. Nothing it is given may escape as another exception.
RECEIVE = settings(
    max_examples=RECEIVE_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def mail_folder(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CAMWATCH_FOI_MAILBOX = "foi@campaigns.example"
    return tmp_path


@pytest.mark.django_db
@RECEIVE
@given(raw=st.binary(max_size=2000) | mutated() | messages())
@example(raw=b"From: a@b.example\r\nDate: Fri, 31 Dec 9999 23:59:59 -2359\r\n\r\nlate")
@example(raw=b"From: a@b.example\r\nDate: Mon, 1 Jan 2001 00:00:00 +2359\r\n\r\nfar east")
@example(raw=b"From: a@b.example\r\nSubject: nul \x00 here\r\n\r\nbody \x00 text")
def test_received_bytes_are_recorded_or_held(mail_folder: Path, raw: bytes) -> None:
    from camwatch.foi.mail.incoming import receive
    from camwatch.foi.models import Message

    received = receive(raw, "fuzz")
    if received.duplicate:
        return
    assert received.message is not None
    stored = Message.objects.get(pk=received.message.pk)
    try:
        parse(raw)
    except MailError as error:
        reason = str(error)
    else:
        assert stored.kind in ("reply", "bounce")
        return
    assert (stored.kind, stored.problem) == ("unreadable", reason)
