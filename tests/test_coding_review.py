"""Storing replies and reviewing their suggestions: idempotent ingest, accepted facts
becoming sourced Holdings and investigation outcomes, who reviewed what, who may review,
and the published copy without officers' personal data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.test import Client

from camwatch.cli import main
from camwatch.coding.ingest import ingest_bytes
from camwatch.coding.models import CensorRule, Document, Suggestion
from camwatch.coding.review import ReviewError, accept, reject
from camwatch.registry import models as m
from camwatch.web.roles import grant

pytestmark = pytest.mark.django_db

REPLY = (
    "Dear Requester,\nYour request has been handled under the Freedom of Information Act 2000.\n"
    "Date: 14 March 2023\nThe Council operates 41 Hikvision cameras. None of our cameras have "
    "facial recognition enabled. The locations are withheld under section 31(1)(a).\n"
    "Kind regards,\nJane Smith\njane.smith@camden.gov.uk 020 7974 4444\n"
)


@pytest.fixture
def reviewer(django_user_model: type) -> object:
    django_user_model.objects.create_user("reviewer", password="pw-rev-1")
    return grant("reviewer", "reviewer")


def _ingest(text: str = REPLY, **links: object) -> Document:
    links.setdefault("body", m.PublicBody.objects.get(slug="camden"))
    done = ingest_bytes("reply.txt", text.encode(), **links)
    assert done.document is not None
    return done.document


def _one(document: Document, kind: str) -> Suggestion:
    return document.suggestions.get(kind=kind)


def test_ingesting_the_same_bytes_twice_is_one_document() -> None:
    first = ingest_bytes("a.txt", REPLY.encode())
    second = ingest_bytes("renamed.txt", REPLY.encode())
    assert first.created
    assert not second.created
    assert second.document == first.document
    assert Document.objects.count() == 1
    assert first.document.suggestions.count() == len(first.document.suggestions.all())


def test_an_unreadable_file_stores_nothing() -> None:
    done = ingest_bytes("locked.pdf", b"%PDF-1.4 garbage")
    assert done.document is None
    assert "damaged or unreadable PDF" in done.errors[0]
    assert not Document.objects.exists()


def test_accepting_a_count_makes_a_holding_cited_to_the_reply(reviewer: object) -> None:
    document = _ingest()
    count = _one(document, "count")
    accept(_one(document, "capability"), reviewer)
    note = accept(count, reviewer)
    count.refresh_from_db()
    holding = count.holding
    assert note == f"holding {holding.key}: 41 Hikvision cameras"
    assert (holding.body.slug, holding.count, holding.as_of.isoformat()) == (
        "camden",
        41,
        "2023-03-14",
    )
    citation = holding.citations.get()
    assert citation.source == Document.objects.get().source
    assert citation.source.sha256 == document.sha256
    assert citation.quote == "41 Hikvision cameras"
    assert holding.capabilities.get().status == "absent"  # "none ... facial recognition"
    assert count.reviewer == reviewer
    assert count.reviewed_at
    assert count.status == "accepted"


def test_an_edit_is_recorded_as_such(reviewer: object) -> None:
    count = _one(_ingest(), "count")
    accept(count, reviewer, {"count": "42", "vendor": "dahua"})
    count.refresh_from_db()
    assert count.status == "edited"
    assert count.final["count"] == 42
    assert count.value["count"] == 41  # as read, kept
    assert count.holding.summary() == "42 Dahua cameras"
    with pytest.raises(ReviewError, match="not a whole number"):
        accept(_one(_ingest(REPLY + "x"), "count"), reviewer, {"count": "many"})


def test_rejecting_changes_nothing_in_the_registry(reviewer: object) -> None:
    holdings = m.Holding.objects.count()
    count = _one(_ingest(), "count")
    reject(count, reviewer)
    count.refresh_from_db()
    assert count.status == "rejected"
    assert m.Holding.objects.count() == holdings


def test_accepting_the_outcome_codes_the_investigation_target(reviewer: object) -> None:
    investigation = m.Investigation.objects.get(slug="top10vpn-2020-councils")
    document = _ingest(investigation=investigation)
    accept(_one(document, "outcome"), reviewer)
    accept(_one(document, "exemption"), reviewer)
    target = m.InvestigationTarget.objects.get(investigation=investigation, body__slug="camden")
    assert (target.outcome, target.exemptions) == ("partly_provided", ["s.31"])
    assert target.source == document.source
    assert target.responded.isoformat() == "2023-03-14"


def test_only_reviewers_see_the_queue(client: Client, django_user_model: type) -> None:
    _ingest()
    assert client.get("/coding/").status_code == 404
    django_user_model.objects.create_user("reader", password="pw-reader-1")
    client.login(request=HttpRequest(), username="reader", password="pw-reader-1")
    assert client.get("/coding/").status_code == 403
    assert client.post(f"/coding/suggestions/{Suggestion.objects.first().pk}/").status_code == 403


def test_upload_review_and_publish_through_the_web(client: Client, reviewer: object) -> None:
    client.force_login(reviewer)
    upload = SimpleUploadedFile("reply.txt", REPLY.encode())
    response = client.post("/coding/upload/", {"files": upload, "body": "camden"})
    document = Document.objects.get()
    assert response.url == f"/coding/{document.pk}/"
    page = client.get(response.url).content.decode()
    assert '<mark class="evidence"' in page
    assert "41 Hikvision cameras" in page
    data = json.loads(client.get(f"/coding/{document.pk}.json").content)
    assert {s["kind"] for s in data["suggestions"]} >= {"count", "vendor", "outcome"}
    public = Client()
    assert public.get(f"/coding/{document.pk}/public/").status_code == 404  # nothing accepted
    count = _one(document, "count")
    client.post(f"/coding/suggestions/{count.pk}/", {"action": "accept"})
    CensorRule.objects.create(text="14 March 2023", replacement="[date removed]", reason="test")
    text = public.get(f"/coding/{document.pk}/public/").content.decode()
    assert "41 Hikvision cameras" in text
    for personal in ("Jane Smith", "jane.smith@", "7974"):
        assert personal not in text
    assert "[date removed]" in text
    assert "14 March 2023" not in text
    body_page = public.get("/bodies/camden/").content.decode()
    assert "41 Hikvision cameras" in body_page


def test_cli_ingest_reads_a_folder_and_reports_bad_files(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(REPLY)
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    runner = CliRunner()
    result = runner.invoke(main, ["coding", "ingest", str(tmp_path), "--body", "camden", "--json"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert [r["created"] for r in rows] == [False, True]
    assert "bad.pdf: a damaged or unreadable PDF" in rows[0]["errors"][0]
    again = runner.invoke(main, ["coding", "ingest", str(tmp_path / "good.txt")])
    assert "already stored" in again.stdout
    assert Document.objects.count() == 1


def test_a_campaigns_replies_are_coded_with_their_links(reviewer: object, client: Client) -> None:
    import datetime as dt

    from benchmarks.coding_corpus import render_bytes
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from camwatch.foi.models import Campaign, Message, Request

    campaign = Campaign.objects.create(
        slug="cctv", title="CCTV", requester_name="R", owner=reviewer,
        embargo_until=dt.date(2999, 1, 1),
    )  # fmt: skip
    request = Request.objects.create(
        campaign=campaign, body=m.PublicBody.objects.get(slug="camden"), reference="CW-9-1",
        regime="foia", subject="S", text="T",
    )  # fmt: skip
    letter = {
        "paragraphs": ["Dear Requester,", "Please find attached our response.", "Jane Smith"],
        "attachments": [{"name": "assets.csv", "document": {"tables": [
            {"rows": [["Make", "Model", "Qty"], ["Hikvision", "DS-2CD2143G0-I", "40"]]}]}}],
    }  # fmt: skip
    raw = render_bytes(letter, "eml", "c01-camden")
    message = Message(
        request=request, direction=Message.Direction.IN, kind="reply", date=timezone.now(),
        sha256="x", sender_name="Jane Smith",
    )  # fmt: skip
    message.raw.save("reply.eml", ContentFile(raw), save=True)
    runner = CliRunner()
    result = runner.invoke(main, ["coding", "ingest", "--campaign", "cctv"])
    assert "stored as document" in result.stdout
    document = Document.objects.get()
    assert (document.foi_request, document.body.slug) == (request, "camden")
    assert document.sender_name == "Jane Smith"
    count = _one(document, "count")
    assert count.part == f"CW-9-1-{message.pk}.eml/assets.csv"
    with pytest.raises(ReviewError, match="under embargo until 2999-01-01"):
        accept(count, reviewer)  # nothing from it reaches the public registry yet
    from django.contrib.auth.models import Permission

    outsider = type(reviewer).objects.create_user("outsider", password="pw-out-1")
    outsider.user_permissions.add(Permission.objects.get(codename="review_document"))
    client.force_login(outsider)  # a reviewer, but not on the campaign's team (nor staff)
    assert client.get(f"/coding/{document.pk}/").status_code == 404
    assert client.post(f"/coding/suggestions/{count.pk}/", {"action": "accept"}).status_code == 404
    assert document.name not in client.get("/coding/").content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(embargo_until=dt.date(2000, 1, 1))
    accept(Suggestion.objects.get(pk=count.pk), reviewer)
    public = Client().get(f"/coding/{document.pk}/public/").content.decode()
    assert "40" in public
    assert "Jane Smith" not in public
    assert runner.invoke(main, ["coding", "ingest", "x", "--campaign", "cctv"]).exit_code == 2


def test_published_quotes_lose_personal_data(reviewer: object) -> None:
    text = "Dear Requester, Jane Smith confirms the Council operates 41 Hikvision cameras."
    document = _ingest(text, sender_name="Jane Smith")
    CensorRule.objects.create(
        text="Council", replacement="[body]", reason="test", document=document
    )
    count = _one(document, "count")
    accept(count, reviewer)
    citation = m.HoldingSource.objects.get(holding=Suggestion.objects.get(pk=count.pk).holding)
    assert "Jane Smith" not in citation.quote
    assert citation.quote == count.quote  # the evidence itself names nobody
    other = _ingest(text + " Again.", sender_name="Jane Smith")
    assert other.published(text) == (
        "Dear Requester, [name removed] confirms the Council operates 41 Hikvision cameras."
    )
    assert "[body]" in document.published(text)


def test_decisions_are_final_and_edits_are_checked(reviewer: object) -> None:
    document = _ingest()
    count = _one(document, "count")
    accept(count, reviewer)
    count.refresh_from_db()
    with pytest.raises(ReviewError, match="already accepted"):
        reject(count, reviewer)
    with pytest.raises(ReviewError, match="at least 1"):
        accept(_one(_ingest(REPLY + " "), "count"), reviewer, {"count": "-5"})
    with pytest.raises(ReviewError, match="outcome 'pwned' is not one of"):
        accept(_one(_ingest(REPLY + "  "), "outcome"), reviewer, {"outcome": "pwned"})


def test_names_and_odd_rules_in_the_public_copy(reviewer: object) -> None:
    done = ingest_bytes("Reply to Jane Requester.txt", REPLY.encode(),
                        body=m.PublicBody.objects.get(slug="camden"))  # fmt: skip
    document = done.document
    CensorRule.objects.create(text="Jane Requester", replacement=r"[\1 removed]", reason="t")
    count = _one(document, "count")
    accept(count, reviewer)
    page = Client().get(f"/coding/{document.pk}/public/").content.decode()
    assert "Jane Requester" not in page
    assert r"[\1 removed]" in page
    holding = Suggestion.objects.get(pk=count.pk).holding
    assert "Jane Requester" not in holding.citations.get().locator
    assert "Jane Requester" not in holding.citations.get().source.title


def test_a_rejected_date_does_not_date_holdings(reviewer: object) -> None:
    text = "Your request of 2 January 2019 was received. Date: 14 March 2023. " + REPLY
    document = _ingest(text)
    first_date = document.suggestions.filter(kind="date").order_by("order").first()
    reject(first_date, reviewer)
    count = _one(document, "count")
    accept(count, reviewer)
    assert Suggestion.objects.get(pk=count.pk).holding.as_of.isoformat() == "2023-03-14"
