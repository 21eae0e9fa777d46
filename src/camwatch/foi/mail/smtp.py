"""An SMTP session with the server camwatch is configured to send through."""

from __future__ import annotations

import io
import smtplib
import ssl
from email.generator import BytesGenerator
from typing import Any

from django.conf import settings

from camwatch.web.environment import MailServer


class MailNotConfigured(RuntimeError):
    """Sending was asked for, but no SMTP server is configured."""


class SmtpSession:
    """One SMTP session with the server in CAMWATCH_SMTP_URL, used as a context manager;
    `send()` delivers a Django EmailMessage as built. smtplib directly, so that the mail
    settings are camwatch's one URL whatever Django's own email settings become."""

    def __init__(self, server: MailServer | None = None) -> None:
        found = server or settings.CAMWATCH_SMTP
        if found is None:
            raise MailNotConfigured(
                "no SMTP server is configured: set CAMWATCH_SMTP_URL, e.g. "
                "smtp+starttls://user:password@smtp.example.org:587 (docs/configuration.md)"
            )
        self.server = found
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSession:
        server, context = self.server, ssl.create_default_context()
        if server.security == "ssl":
            self.smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=60, context=context)
        else:
            self.smtp = smtplib.SMTP(server.host, server.port, timeout=60)
            if server.security == "starttls":
                self.smtp.starttls(context=context)
        if server.user:
            self.smtp.login(server.user, server.password)
        return self

    def send(self, email: Any) -> bytes:
        """Send a Django EmailMessage; returns the exact bytes sent (lines end in CRLF,
        as SMTP requires), for the record."""
        assert self.smtp is not None, "use SmtpSession as a context manager"
        raw = wire_bytes(email)
        self.smtp.sendmail(email.from_email, email.recipients(), raw)
        return raw

    def __exit__(self, *exc: object) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def wire_bytes(email: Any) -> bytes:
    """The message as it goes over the wire, lines ending in CRLF. A generator rather than
    as_bytes(), whose arguments differ between Django 5.2's MIME classes and 6.1's."""
    message = email.message()
    buffer = io.BytesIO()
    BytesGenerator(buffer, policy=message.policy.clone(linesep="\r\n")).flatten(message)
    return buffer.getvalue()
