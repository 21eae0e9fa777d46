"""Reading replies (foi/mail/parse.py) and the first reading of what they say
(foi/classify.py)."""

from __future__ import annotations

import pytest

from camwatch.foi.classify import classify
from camwatch.foi.mail.parse import MailError, parse
from camwatch.foi.states import State

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

HTML_ONLY = (
    b"From: FOI <foi@council.example>\r\nTo: foi+cw-1-2-abcdef0123@campaigns.example\r\n"
    b"Subject: =?utf-8?q?Your_request_=E2=80=93_CW-1-2?=\r\n"
    b"Date: Mon, 3 Jun 2024 10:00:00 +0100\r\n"
    b"Message-ID: <a@council.example>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n\r\n"
    b"<html><head><style>p{}</style></head><body><p>Dear requester,</p>"
    b"<p>Please find <b>below</b> our response.</p><script>x()</script></body></html>\r\n"
)


def test_html_only_reply_becomes_text_and_headers_are_decoded() -> None:
    parsed = parse(HTML_ONLY)
    assert parsed.text == "Dear requester,\nPlease find below our response."
    assert parsed.subject == "Your request \u2013 CW-1-2"
    assert parsed.recipients == ("foi+cw-1-2-abcdef0123@campaigns.example",)
    assert parsed.date is not None
    assert parsed.date.utcoffset() is not None
    assert parsed.bounce is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "no email headers"),
        (b"Hello there,\nthis is a letter, not an email.\n", "no email headers"),
    ],
)
def test_data_that_is_not_an_email_is_refused_with_the_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(MailError, match=reason):
        parse(raw)


def test_a_bounce_without_a_report_is_recognised_by_sender_and_subject() -> None:
    raw = (
        b"From: Mail Delivery Subsystem <mailer-daemon@mx.example>\r\n"
        b"To: foi+cw-1-3-abcdef0123@campaigns.example\r\nSubject: Delivery Status Notification "
        b"(Failure)\r\nDate: Mon, 3 Jun 2024 10:00:00 +0100\r\nMessage-ID: <b@mx.example>\r\n\r\n"
        b"Your message wasn't delivered.\r\n"
    )
    assert parse(raw).bounce is not None
    delayed = raw.replace(b"(Failure)", b"(Delay)").replace(b"wasn't delivered", b"is delayed")
    assert parse(delayed).bounce is None


PARTLY = "Please find attached some of the information; the rest is exempt under section 31."
READINGS = [
    ("We can neither confirm nor deny that we hold it.", 0, State.NEITHER_CONFIRM_NOR_DENY, True),
    ("Could you please clarify what you mean by CCTV?", 0, State.WAITING_CLARIFICATION, True),
    ("The council does not hold the information requested.", 0, State.NOT_HELD, True),
    ("This is exempt under section 43(2) and is withheld.", 0, State.REJECTED, True),
    ("The cost would exceed the appropriate limit (section 12).", 0, State.REJECTED, True),
    ("Please find attached our response.", 1, State.SUCCESSFUL, True),
    (PARTLY, 1, State.PARTIALLY_SUCCESSFUL, True),
    ("We acknowledge receipt of your request.", 0, None, True),
    (
        "Our response is attached, and the figures are withheld.",
        1,
        State.PARTIALLY_SUCCESSFUL,
        False,
    ),
    ("See the letter that follows by post.", 0, None, False),
]


@pytest.mark.parametrize(("text", "attachments", "state", "confident"), READINGS)
def test_replies_are_read_conservatively(
    text: str, attachments: int, state: State | None, confident: bool
) -> None:
    reading = classify(text, attachments)
    assert (reading.state, reading.confident) == (state, confident), reading
    if reading.state is not None:
        assert reading.evidence  # the words relied on are quoted


def test_a_long_letter_that_also_acknowledges_goes_to_a_person() -> None:
    text = "We acknowledge receipt of your request. " + "Background. " * 200
    reading = classify(text, 0)
    assert reading.kind == "acknowledgement"
    assert not reading.confident
