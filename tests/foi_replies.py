"""Replies as councils send them, built from the request as it arrived at the SMTP server:
plain letters, letters with spreadsheets attached, acknowledgements, and delivery failure
reports (RFC 3464) that quote the failed message's headers."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

LETTERS = {
    "provided": (
        "Dear Requester,\n\nThank you for your request for information. Please find attached "
        "our response: the council operates 241 cameras, of which 38 are made by Hikvision.\n\n"
        "Information Governance Team"
    ),
    "refused": (
        "Dear Requester,\n\nThe information you have requested is exempt under section 24(1) "
        "and section 31(1)(a) of the Freedom of Information Act 2000, and we refuse to provide "
        "it. This letter is a refusal notice under section 17.\n\nFOI Officer"
    ),
    "not_held": (
        "Dear Requester,\n\nThe council does not hold the information you have requested: our "
        "CCTV is operated by a contractor.\n\nFOI Officer"
    ),
    "ncnd": (
        "Dear Requester,\n\nThe force can neither confirm nor deny that it holds the "
        "information, by virtue of section 24(2) and section 31(3).\n\nFOI Officer"
    ),
    "clarification": (
        "Dear Requester,\n\nBefore we can process your request, could you please clarify "
        "which sites you mean by 'council premises'? Under section 1(3) we will not proceed "
        "until we hear from you.\n\nFOI Officer"
    ),
    "acknowledgement": (
        "Dear Requester,\n\nWe acknowledge receipt of your request, which has been logged. We "
        "will respond within 20 working days.\n\nFOI Team"
    ),
    "unclear": "Dear Requester,\n\nSee the letter that follows by post.\n\nFOI Team",
}


def request_of(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def reply(
    sent: bytes,
    letter: str,
    *,
    to: str | None = None,
    subject: str | None = None,
    thread: bool = True,
    attachment: bool = False,
) -> bytes:
    """A council's reply to the request `sent`: to its From address unless `to` is given."""
    original = request_of(sent)
    message = EmailMessage()
    message["From"] = f"FOI Team <{original['To'].addresses[0].addr_spec}>"
    message["To"] = to or str(original["From"])
    message["Subject"] = subject if subject is not None else f"RE: {original['Subject']}"
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="council.example")
    if thread:
        message["In-Reply-To"] = original["Message-ID"]
        message["References"] = original["Message-ID"]
    message.set_content(LETTERS[letter])
    if attachment:
        message.add_attachment(
            b"PK\x03\x04 not really a spreadsheet",
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename="FOI response.xlsx",
        )
    return message.as_bytes()


def bounce(sent: bytes, mailbox: str) -> bytes:
    """A delivery failure report (multipart/report, RFC 3464) for the request `sent`,
    addressed to its envelope sender, quoting the failed message's headers, as Postfix
    writes them."""
    original = request_of(sent)
    recipient = original["To"].addresses[0].addr_spec
    kept = "".join(f"{key}: {original[key]}\r\n" for key in ("From", "To", "Subject", "Message-ID"))
    boundary = "bounce-boundary-1"
    text = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.council.example>\r\n"
        f"To: {original['From']}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {formatdate(localtime=True)}\r\n"
        f"Message-ID: {make_msgid(domain='mx.council.example')}\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
        "\r\n"
        f"--{boundary}\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"This is the mail system. Your message to <{recipient}> could not be delivered.\r\n"
        f"--{boundary}\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.council.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        "Action: failed\r\n"
        "Status: 5.1.1\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected\r\n"
        f"--{boundary}\r\n"
        "Content-Type: text/rfc822-headers\r\n\r\n"
        f"{kept}"
        f"--{boundary}--\r\n"
    )
    return text.encode()


def stray(mailbox: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Newsletter <news@vendor.example>"
    message["To"] = mailbox
    message["Subject"] = "Save 20% on PTZ cameras this week"
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="vendor.example")
    message.set_content("Our spring sale is on.")
    return message.as_bytes()
