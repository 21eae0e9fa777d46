"""A campaign sent through a live SMTP server, its replies read from a live IMAP server
(both on loopback, started by the tests: tests/mailservers.py), matched and classified."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.foi_replies import bounce, reply, request_of, stray
from tests.mailservers import ImapServer, SmtpServer

from camwatch.cli import main
from camwatch.foi.models import Campaign, Message, Request
from camwatch.web.environment import MailServer

pytestmark = pytest.mark.django_db

MAILBOX = "foi@campaigns.example"
CITIES = [
    "birmingham", "leeds", "glasgow-city", "sheffield", "manchester", "city-of-edinburgh",
    "liverpool", "bristol", "cardiff", "leicester", "coventry", "bradford",
    "nottingham", "newcastle-upon-tyne", "stoke-on-trent", "southampton", "derby",
    "portsmouth", "brighton-and-hove", "plymouth",
]  # fmt: skip

SPEC = """
slug: cctv-2026
title: Who makes the councils' cameras?
requester_name: A. Researcher
targets:
  kinds: [london-borough]
  csv: targets.csv
templates:
  - group: local-authority
    subject: "Freedom of Information request: CCTV manufacturers ({reference})"
    body: |
      Dear {body_name},

      Under the {law}, please tell me how many CCTV cameras you operate, and how many
      of them were made by Hikvision or Dahua.

      Please reply to {reply_to}.

      Yours faithfully,
      {requester_name}
attachments: [letter.txt]
"""


@pytest.fixture
def mail_settings(
    settings: Any, smtp_server: SmtpServer, imap_server: ImapServer, tmp_path: Path
) -> Any:
    settings.CAMWATCH_SMTP = MailServer("smtp", "plain", "127.0.0.1", smtp_server.port, "", "", "")
    settings.CAMWATCH_IMAP = imap_server.config()
    settings.CAMWATCH_FOI_MAILBOX = MAILBOX
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def write_campaign(folder: Path, bodies: list[str], boroughs: bool = True) -> Path:
    """The spec, a letter to attach, and a CSV list of bodies with their addresses (the
    bundled data has no FOI addresses): the cities, and the boroughs the filter picks."""
    from camwatch.registry.models import PublicBody

    rows = [(slug, f"foi@{slug}.gov.example") for slug in bodies]
    if boroughs:
        picked = PublicBody.objects.current().filter(kind__slug="london-borough")
        rows += [(b.slug, f"foi@{b.slug}.gov.example") for b in picked]
    with (folder / "targets.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["body", "email"])
        writer.writerows(rows)
    (folder / "letter.txt").write_text("A letter explaining the campaign.\n")
    (folder / "campaign.yaml").write_text(SPEC)
    return folder / "campaign.yaml"


def run(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["foi", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# What each of the 52 bodies does, in send order (alphabetical by body name).
PLAN = (
    ["provided"] * 18 + ["refused"] * 6 + ["not_held"] * 5 + ["ncnd"] * 3
    + ["clarification"] * 3 + ["acknowledgement"] * 4 + ["bounce"] * 2
    + ["by_subject"] * 2 + ["by_thread"] + ["unclear"] + ["silent"] * 7
)  # fmt: skip
EXPECTED = {
    "provided": "successful", "refused": "rejected", "not_held": "not_held",
    "ncnd": "neither_confirm_nor_deny", "clarification": "waiting_clarification",
    "acknowledgement": "waiting_response", "bounce": "error_message",
    "by_subject": "successful", "by_thread": "successful", "unclear": "waiting_response",
    "silent": "waiting_response",
}  # fmt: skip


def the_reply(what: str, sent: bytes) -> bytes | None:
    if what == "silent":
        return None
    if what == "bounce":
        return bounce(sent, MAILBOX)
    if what == "by_subject":  # to the plain mailbox, no thread headers: only the reference
        return reply(sent, "provided", to=MAILBOX, thread=False, attachment=True)
    if what == "by_thread":  # to the plain mailbox, a subject without the reference
        return reply(sent, "provided", to=MAILBOX, subject="Your request", attachment=True)
    return reply(sent, what, attachment=what == "provided")


def test_a_52_body_campaign_through_live_smtp_and_imap(
    mail_settings: Any,
    smtp_server: SmtpServer,
    imap_server: ImapServer,
    tmp_path: Path,
) -> None:
    assert len(PLAN) == 52
    drafted = run("campaign", str(write_campaign(tmp_path, CITIES)))
    assert len(drafted["created"]) == 52
    assert not drafted["no_template"]
    assert not drafted["no_address"]

    sent = run("send", "cctv-2026")
    assert len(sent["sent"]) == 52
    assert not sent["failed"]
    assert len(smtp_server.received) == 52
    by_recipient = {env.recipients[0]: env.data for env in smtp_server.received}
    campaign = Campaign.objects.get(slug="cctv-2026")
    requests = list(campaign.requests.select_related("body").order_by("body__name"))
    for request in requests:
        arrived = request_of(by_recipient[request.to_email])
        assert arrived["From"].addresses[0].addr_spec == request.reply_address
        assert request.reference in arrived["Subject"]
        assert [p.get_filename() for p in arrived.iter_attachments()] == ["letter.txt"]
        body = arrived.get_body(("plain",)).get_content()
        assert request.body.name in body
        assert request.reply_address in body
        expected_law = "(Scotland) Act 2002" if request.regime == "foisa" else "Act 2000"
        assert expected_law in body
        assert request.state == "waiting_response"
        assert request.due is not None

    for request, what in zip(requests, PLAN, strict=True):
        raw = the_reply(what, by_recipient[request.to_email])
        if raw is not None:
            imap_server.deliver(raw)
    imap_server.deliver(stray(MAILBOX))

    fetched = run("fetch-mail")
    assert len(fetched["matched"]) == 52 - 7 - 2  # every reply but the bounces
    assert len(fetched["bounced"]) == 2
    assert len(fetched["held"]) == 1
    assert fetched["problems"] == []
    states = {r.reference: r for r in Request.objects.filter(campaign=campaign)}
    for request, what in zip(requests, PLAN, strict=True):
        assert states[request.reference].state == EXPECTED[what], (request.body.slug, what)
    attention = [r.reference for r in states.values() if r.needs_attention]
    assert attention == [requests[PLAN.index("unclear")].reference]
    how = Counter(Message.objects.filter(direction="in").values_list("matched_by", flat=True))
    assert how["reference in subject"] == 2
    assert how["thread"] >= 1
    assert how[""] == 1

    again = run("fetch-mail")  # nothing new: the folder's UIDs are remembered
    assert again == {"matched": [], "held": [], "bounced": [], "duplicates": 0, "problems": []}

    result = CliRunner().invoke(main, ["foi", "status", "cctv-2026", "--csv"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 52
    assert Counter(r["state"] for r in rows) == Counter(EXPECTED[w] for w in PLAN)


def test_refused_recipients_and_the_holding_pen(
    mail_settings: Any,
    smtp_server: SmtpServer,
    imap_server: ImapServer,
    tmp_path: Path,
) -> None:
    spec = write_campaign(tmp_path, ["leeds", "sheffield"], boroughs=False)
    spec.write_text(SPEC.replace("kinds: [london-borough]", "kinds: []"))
    run("campaign", str(spec))
    smtp_server.refuse.add("foi@leeds.gov.example")
    sent = run("send", "cctv-2026")
    assert sent["sent"] == [Request.objects.get(body__slug="sheffield").reference]
    leeds = Request.objects.get(body__slug="leeds")
    assert leeds.state == "error_message"
    assert "refused" in leeds.events.last().note

    sheffield = Request.objects.get(body__slug="sheffield")
    raw = smtp_server.received[0].data
    imap_server.deliver(reply(raw, "provided", to=MAILBOX, subject="Hello", thread=False))
    fetched = run("fetch-mail")
    assert len(fetched["held"]) == 1
    held = run("held")["held"]
    result = CliRunner().invoke(main, ["foi", "assign", str(held[0]["id"]), sheffield.reference])
    assert result.exit_code == 0, result.output
    sheffield.refresh_from_db()
    assert sheffield.state == "successful"
    assert "assigned by" in sheffield.messages.get(direction="in").matched_by


def test_imported_files_that_are_not_mail_are_reported_and_kept(
    settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CAMWATCH_MAX_MAIL_BYTES = 2000
    (tmp_path / "scan.eml").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (tmp_path / "huge.eml").write_bytes(b"From: a@b.example\r\n\r\n" + b"x" * 5000)
    (tmp_path / "notes.txt").write_text("not mail")
    files = [str(tmp_path / name) for name in ("scan.eml", "huge.eml", "notes.txt")]
    result = CliRunner().invoke(main, ["foi", "import-mail", *files, "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    assert problems[0].startswith(f"{tmp_path / 'scan.eml'}: no email headers")
    assert problems[0].endswith("(kept in the holding pen)")
    assert "over CAMWATCH_MAX_MAIL_BYTES (2,000); left where it was" in problems[1]
    assert problems[2] == f"{tmp_path / 'notes.txt'}: not an .eml or .mbox file"
    (kept,) = Message.objects.filter(kind="unreadable")
    assert kept.request is None
    assert kept.raw.read().startswith(b"%PDF")  # the original is kept, whole
    again = CliRunner().invoke(main, ["foi", "import-mail", files[0], "--json"])
    assert json.loads(again.output)["duplicates"] == 1  # the same bytes are one message


def test_an_oversized_message_waits_in_the_mailbox_until_the_limit_allows_it(
    mail_settings: Any, imap_server: ImapServer
) -> None:
    mail_settings.CAMWATCH_MAX_MAIL_BYTES = 2000
    big = stray(MAILBOX).replace(b"Our spring sale is on.", b"Sale! " * 1000)
    imap_server.deliver(big)
    imap_server.deliver(stray(MAILBOX))
    first = run("fetch-mail")
    assert len(first["held"]) == 1  # the small one
    assert "over CAMWATCH_MAX_MAIL_BYTES (2,000); left where it was" in first["problems"][0]
    assert run("fetch-mail")["problems"] == first["problems"]  # still there, still refused
    mail_settings.CAMWATCH_MAX_MAIL_BYTES = 100_000
    later = run("fetch-mail")
    assert later["problems"] == []
    assert len(later["held"]) == 1  # the big one, at last
    assert run("fetch-mail") == {
        "matched": [], "held": [], "bounced": [], "duplicates": 0, "problems": []
    }  # fmt: skip


def test_replies_imported_from_an_mbox_are_matched_like_fetched_ones(
    settings: Any, tmp_path: Path
) -> None:
    import mailbox

    from camwatch.registry.models import PublicBody

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CAMWATCH_FOI_MAILBOX = MAILBOX
    campaign = Campaign.objects.create(slug="mbox", title="Mbox", requester_name="R")
    request = Request.objects.create(
        campaign=campaign, body=PublicBody.objects.get(slug="camden"), reference="CW-77-1",
        regime="foia", subject="CCTV [CW-77-1]", text="...", to_email="foi@camden.example",
    )  # fmt: skip
    request.move_to("waiting_response", "t")
    sent = (
        f"From: R <{request.reply_address}>\r\nTo: foi@camden.example\r\n"
        "Subject: CCTV [CW-77-1]\r\nMessage-ID: <sent-1@campaigns.example>\r\n\r\nPlease...\r\n"
    ).encode()
    box = mailbox.mbox(str(tmp_path / "replies.mbox"))
    box.add(mailbox.mboxMessage(reply(sent, "not_held")))
    box.add(mailbox.mboxMessage(stray(MAILBOX)))
    box.flush()
    result = CliRunner().invoke(
        main, ["foi", "import-mail", str(tmp_path / "replies.mbox"), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["matched"] == ["CW-77-1"]
    assert report["held"] == [f"{tmp_path / 'replies.mbox'}#2"]
    request.refresh_from_db()
    assert request.state == "not_held"
