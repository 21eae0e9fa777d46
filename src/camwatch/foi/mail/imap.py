"""Polling an IMAP folder for replies (`camwatch foi fetch-mail`).

The folder is opened read-only: camwatch never deletes, moves or flags anyone's mail.
It remembers the highest UID it has recorded (per folder and UIDVALIDITY), so a rerun
reads only new mail; and every message is recorded in its own transaction, so an
interrupted poll loses nothing and repeats nothing.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Callable

from django.utils import timezone

from camwatch.foi.mail.incoming import IntakeReport, receive
from camwatch.foi.mail.incoming import too_large as too_large_note
from camwatch.foi.models import MailboxState
from camwatch.web.environment import MailServer

BATCH = 50


class FetchError(RuntimeError):
    """The IMAP server could not be reached, or refused the login or the folder."""


def _connect(server: MailServer) -> imaplib.IMAP4:
    try:
        if server.security == "ssl":
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                server.host, server.port, ssl_context=ssl.create_default_context(), timeout=60
            )
        else:
            imap = imaplib.IMAP4(server.host, server.port, timeout=60)
            if server.security == "starttls":
                imap.starttls(ssl.create_default_context())
        imap.login(server.user, server.password)
    except (OSError, imaplib.IMAP4.error) as error:
        raise FetchError(f"{server.label}: {error}") from error
    status, _ = imap.select(_quoted(server.folder), readonly=True)
    if status != "OK":
        raise FetchError(f"{server.label}: cannot open folder {server.folder!r}")
    return imap


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uidvalidity(imap: imaplib.IMAP4) -> int:
    _, data = imap.response("UIDVALIDITY")
    return int(data[0]) if data and data[0] else 0


def _new_uids(imap: imaplib.IMAP4, after: int) -> list[int]:
    status, data = imap.uid("SEARCH", f"UID {after + 1}:*")
    if status != "OK":
        raise FetchError(f"UID SEARCH failed: {data!r}")
    # "n:*" always includes the highest UID, even when it is below n.
    return sorted(uid for uid in map(int, data[0].split()) if uid > after)


def _sizes(imap: imaplib.IMAP4, uids: list[int]) -> dict[int, int]:
    status, data = imap.uid("FETCH", ",".join(map(str, uids)), "(RFC822.SIZE)")
    sizes = {}
    for item in data if status == "OK" else []:
        text = item.decode() if isinstance(item, bytes) else ""
        found = re.search(r"UID (\d+).*RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+).*UID (\d+)", text)
        if found:
            uid, size = (found.group(1), found.group(2)) if found.group(1) else found.group(4, 3)
            sizes[int(uid)] = int(size)
    return sizes


def _body(imap: imaplib.IMAP4, uid: int) -> bytes:
    status, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    for item in data if status == "OK" else []:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    raise FetchError(f"UID {uid}: the server sent no message")


def fetch_mail(
    server: MailServer, limit_bytes: int, progress: Callable[[int, int], None] | None = None
) -> IntakeReport:
    """Record every message in the folder newer than the last poll. A message over the
    size limit stays in the mailbox and is tried again at every poll, so raising
    CAMWATCH_MAX_MAIL_BYTES brings it in."""
    report = IntakeReport()
    imap = _connect(server)
    try:
        state, _ = MailboxState.objects.get_or_create(mailbox=server.label)
        validity = _uidvalidity(imap)
        if state.uidvalidity != validity:  # the server renumbered: start again (dedup holds)
            state.uidvalidity, state.last_uid, state.too_large = validity, 0, []
        uids = sorted(set(state.too_large) | set(_new_uids(imap, state.last_uid)))
        for start in range(0, len(uids), BATCH):
            _read_batch(imap, server, uids[start : start + BATCH], limit_bytes, state, report)
            if progress:
                progress(len(uids[start : start + BATCH]), len(uids))
        state.checked = timezone.now()
        state.save()
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            imap.logout()
    return report


def _read_batch(
    imap: imaplib.IMAP4,
    server: MailServer,
    chunk: list[int],
    limit_bytes: int,
    state: MailboxState,
    report: IntakeReport,
) -> None:
    sizes = _sizes(imap, chunk)
    for uid in chunk:
        where = f"{server.folder} UID {uid}"
        too_large = set(state.too_large) - {uid}
        if uid not in sizes:
            pass  # deleted from the mailbox since the search
        elif sizes[uid] > limit_bytes:
            report.problems.append(f"{where}: {too_large_note(sizes[uid])}")
            too_large.add(uid)
        else:
            report.add(where, receive(_body(imap, uid), where))
        # Saved after every message: an interrupted poll neither loses nor repeats one.
        state.too_large = sorted(too_large)
        state.last_uid = max(state.last_uid, uid)
        state.save()
