"""Real mail servers on loopback for the FOI tests: aiosmtpd (SMTP) in a thread of the test
process, and pymap (IMAP, in-memory store) in a subprocess. Nothing is mocked: camwatch
talks to them over TCP exactly as it would to a council's or a provider's servers."""

from __future__ import annotations

import imaplib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from tests.ports import free_port

from camwatch.web.environment import MailServer


@dataclass
class Envelope:
    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class SmtpServer:
    port: int
    received: list[Envelope] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(
            Envelope(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@dataclass
class ImapServer:
    port: int
    user: str
    password: str

    def config(self, folder: str = "INBOX") -> MailServer:
        return MailServer("imap", "plain", "127.0.0.1", self.port, self.user, self.password, folder)

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in the mailbox, as the mail provider's delivery would."""
        imap = imaplib.IMAP4("127.0.0.1", self.port)
        try:
            imap.login(self.user, self.password)
            status, data = imap.append(folder, None, None, raw)
            assert status == "OK", data
        finally:
            imap.logout()


@pytest.fixture
def imap_server(tmp_path: Path) -> Iterator[ImapServer]:
    port = free_port()
    pymap = Path(sys.executable).with_name("pymap")
    command = [str(pymap), "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict"]
    command += ["--demo-user", "campaigns", "--demo-password", "not-a-real-secret"]
    log = (tmp_path / "pymap.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process)
        yield ImapServer(port, "campaigns", "not-a-real-secret")
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pymap exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"pymap did not listen on {port} within {seconds} s")
