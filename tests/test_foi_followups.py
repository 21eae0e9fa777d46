"""After sending: chasers for overdue requests and internal reviews, both through a live
SMTP server on loopback; clarifications and fees on the clock; publishing outcomes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.foi_replies import request_of
from tests.mailservers import SmtpServer

from camwatch.cli import main
from camwatch.foi import followups
from camwatch.foi.models import Campaign, Request
from camwatch.registry import models as m
from camwatch.web.environment import MailServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings: Any, smtp_server: SmtpServer, tmp_path: Path) -> SmtpServer:
    settings.CAMWATCH_SMTP = MailServer("smtp", "plain", "127.0.0.1", smtp_server.port, "", "", "")
    settings.CAMWATCH_FOI_MAILBOX = "foi@campaigns.example"
    settings.MEDIA_ROOT = tmp_path / "media"
    return smtp_server


def sent_request(slug: str, received: dt.date, regime: str = "foia") -> Request:
    campaign, _ = Campaign.objects.get_or_create(
        slug="follow", defaults={"title": "Follow-ups", "requester_name": "A. Researcher"}
    )
    request = Request.objects.create(
        campaign=campaign, body=m.PublicBody.objects.get(slug=slug),
        reference=f"CW-{campaign.pk}-{Request.objects.count() + 1}", regime=regime,
        subject="CCTV manufacturers", text="...", to_email=f"foi@{slug}.gov.example",
        state="waiting_response", received=received,
    )  # fmt: skip
    request.refresh_clock()
    request.save()
    return request


def test_remind_lists_and_chases_overdue_requests_once(smtp: SmtpServer) -> None:
    today = dt.date(2024, 7, 15)
    late = sent_request("camden", dt.date(2024, 6, 3))  # due 2024-07-01
    very_late = sent_request("glasgow-city", dt.date(2024, 4, 1), "foisa")
    in_time = sent_request("hackney", dt.date(2024, 7, 1))
    found = {o.request.reference: o for o in followups.overdue(today=today)}
    assert set(found) == {late.reference, very_late.reference}
    assert found[very_late.reference].status == "long_overdue"
    assert in_time.reference not in found
    report = followups.chase(found.values(), "tester", today=today)
    assert sorted(report.chased) == sorted(found)
    assert len(smtp.received) == 2
    letters = {
        request_of(e.data)["To"].addresses[0].addr_spec: request_of(e.data) for e in smtp.received
    }
    camden = letters["foi@camden.gov.example"]
    assert camden["Subject"] == "Overdue reply: CCTV manufacturers"
    text = camden.get_body(("plain",)).get_content()
    assert "Freedom of Information Act 2000" in text
    assert "by 2024-07-01" in text
    glasgow = letters["foi@glasgow-city.gov.example"].get_body(("plain",)).get_content()
    assert "Freedom of Information (Scotland) Act 2002" in glasgow
    assert "section 20" in glasgow
    again = followups.chase(followups.overdue(today=today + dt.timedelta(days=3)), "t", today)
    assert again.chased == []  # chased three days ago: not again within 10 working days
    assert sorted(again.waiting) == sorted(found)
    assert len(smtp.received) == 2


def test_internal_review_from_the_template_starts_the_review_clock(smtp: SmtpServer) -> None:
    request = sent_request("camden", dt.date(2024, 6, 3))
    request.move_to("rejected", "tester")
    result = CliRunner().invoke(
        main,
        ["foi", "review", request.reference, "--reason", "Section 24 was not explained.",
         "--send"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    request.refresh_from_db()
    assert request.state == "internal_review"
    sent = request_of(smtp.received[-1].data)
    assert sent["Subject"] == "Internal review of CCTV manufacturers"
    body = sent.get_body(("plain",)).get_content()
    assert "Section 24 was not explained." in body
    assert "person who conducts Freedom of Information reviews" in body
    assert request.review_requested is not None
    assert request.review_due is not None
    assert request.review_due > request.review_requested


def test_review_letter_for_foisa_and_a_missing_reason(smtp: SmtpServer) -> None:
    request = sent_request("glasgow-city", dt.date(2024, 6, 3), "foisa")
    letter = followups.request_review(request, "No answer came.", "t", send=False)
    assert "I require a review under section 20" in letter
    with pytest.raises(ValueError, match="say why"):
        followups.request_review(request, "  ", "t", send=False)
    assert smtp.received == []


def test_clarification_restarts_and_a_fee_pauses_the_clock() -> None:
    request = sent_request("camden", dt.date(2024, 6, 3))
    request.move_to("waiting_clarification", "tester")
    followups.record_clarification(request, dt.date(2024, 6, 10), "tester")
    assert request.state == "waiting_response"
    assert request.due == dt.date(2024, 7, 8)
    followups.record_fee(request, dt.date(2024, 6, 12), None, "tester")
    assert request.due is None  # paused while the fee is awaited
    followups.record_fee(request, dt.date(2024, 6, 12), dt.date(2024, 6, 14), "tester")
    assert request.due == dt.date(2024, 7, 11)  # three working days disregarded
    assert [e.kind for e in request.events.all()][-3:] == ["state", "fee", "fee"]


def test_publish_is_refused_under_embargo_then_feeds_the_findings() -> None:
    request = sent_request("camden", dt.date(2024, 6, 3))
    request.move_to("successful", "tester")
    sent_request("hackney", dt.date(2024, 6, 3))  # still waiting, and overdue by 2025
    campaign = request.campaign
    campaign.embargo_until = dt.date(2025, 1, 1)
    campaign.save()
    with pytest.raises(followups.NotYetPublic, match="under embargo until 2025-01-01"):
        followups.publish(campaign, "t", today=dt.date(2024, 12, 31))
    assert not m.Investigation.objects.filter(slug="campaign-follow").exists()
    investigation = followups.publish(campaign, "t", today=dt.date(2025, 1, 1))
    outcomes = dict(investigation.targets.values_list("body__slug", "outcome"))
    assert outcomes == {"camden": "provided", "hackney": "no_response"}
    cited = investigation.targets.get(body__slug="camden").source
    assert cited.key == f"{request.reference.lower()}-correspondence"
    assert cited in investigation.sources.all()
    assert followups.publish(campaign, "t", today=dt.date(2025, 1, 1)) == investigation
    assert investigation.stated_target_count == 2
    result = CliRunner().invoke(main, ["findings", "reproduce", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["summary"]


def test_cli_remind_lists_then_sends(smtp: SmtpServer) -> None:
    late = sent_request("camden", dt.date(2024, 6, 3))
    listed = CliRunner().invoke(main, ["foi", "remind", "--json"])
    assert listed.exit_code == 0, listed.output
    overdue = json.loads(listed.output)["overdue"]
    assert [(o["reference"], o["status"]) for o in overdue] == [(late.reference, "long_overdue")]
    assert smtp.received == []  # listing sends nothing
    sent = CliRunner().invoke(main, ["foi", "remind", "--send", "--json"])
    assert json.loads(sent.output)["chased"] == [late.reference]
    assert len(smtp.received) == 1
    late.refresh_from_db()
    assert late.last_chased is not None
    assert late.events.last().kind == "chased"


def test_a_review_has_its_own_clock_and_chaser(smtp: SmtpServer) -> None:
    request = sent_request("camden", dt.date(2024, 6, 3))
    request.move_to("rejected", "tester")
    request.move_to("internal_review", "tester")  # asked for by hand: its clock starts now
    request.review_requested = dt.date(2024, 7, 8)
    request.start_review(dt.date(2024, 7, 8))
    request.save()
    # 20 working days; 12 July (Northern Ireland) and 5 August (Scotland) are not ones
    assert request.review_due == dt.date(2024, 8, 7)
    assert request.clock_status(dt.date(2024, 8, 7)) == "in_time"  # not the request's clock
    assert request.clock_status(dt.date(2024, 8, 8)) == "overdue"
    (item,) = followups.overdue(today=dt.date(2024, 8, 8))
    assert item.due == dt.date(2024, 8, 7)
    followups.chase([item], "tester", today=dt.date(2024, 8, 8))
    chaser = request_of(smtp.received[-1].data)
    assert chaser["Subject"] == "Overdue review: CCTV manufacturers"
    text = chaser.get_body(("plain",)).get_content()
    assert "On 2024-07-08 I asked for an internal review" in text
    assert "by 2024-08-07" in text


def test_an_extension_moves_the_due_date_but_never_forward() -> None:
    request = sent_request("camden", dt.date(2024, 3, 27), "eir")
    followups.record_extension(request, "tester")
    assert request.due == dt.date(2024, 5, 28)
    followups.record_extension(request, "tester")  # once is enough
    assert request.events.filter(kind="extended").count() == 1
    request.move_to("successful", "tester")
    with pytest.raises(ValueError, match="only a request awaiting its first reply"):
        followups.record_extension(request, "tester")
    school = sent_request("hackney", dt.date(2024, 6, 3))
    school.school = True
    school.refresh_clock()
    assert school.due == dt.date(2024, 8, 29)  # 60 working days, terms unknown
    followups.record_extension(school, "tester")
    assert school.due == dt.date(2024, 8, 29)  # the 40th working day would be earlier


def test_a_refused_review_is_a_clean_error(smtp: SmtpServer) -> None:
    request = sent_request("camden", dt.date(2024, 6, 3))
    request.move_to("rejected", "tester")
    smtp.refuse.add("foi@camden.gov.example")
    result = CliRunner().invoke(
        main, ["foi", "review", request.reference, "--reason", "Why?", "--send"]
    )
    assert result.exit_code == 1
    assert "the server refused foi@camden.gov.example" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    request.refresh_from_db()
    assert request.events.last().kind == "send_error"  # rejected cannot go to error_message
    assert request.state == "rejected"


def test_set_state_confirms_and_clears_the_flag() -> None:
    request = sent_request("camden", dt.date(2024, 6, 3))
    request.needs_attention = True
    request.save()
    result = CliRunner().invoke(main, ["foi", "set-state", request.reference, "waiting_response"])
    assert result.exit_code == 0, result.output
    request.refresh_from_db()
    assert not request.needs_attention
    assert request.events.last().kind == "classified"
