"""The campaign pages: who may see them (embargo), and their JSON and CSV twins."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.http import HttpRequest
from django.test import Client

from camwatch.foi.models import Campaign, Request
from camwatch.registry import models as m

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(django_user_model: type) -> Campaign:
    owner = django_user_model.objects.create_user("owner", password="pw-owner-1")
    campaign = Campaign.objects.create(
        slug="secret", title="Secret campaign", requester_name="R", owner=owner,
        embargo_until=dt.date(2999, 1, 1),
    )  # fmt: skip
    for n, slug in enumerate(["camden", "hackney", "islington"], start=1):
        request = Request.objects.create(
            campaign=campaign, body=m.PublicBody.objects.get(slug=slug),
            reference=f"CW-{campaign.pk}-{n}", regime="foia", subject="S", text="T",
            to_email=f"foi@{slug}.example",
        )  # fmt: skip
        if slug != "islington":
            request.received = dt.date(2024, 6, 3)
            request.refresh_clock()
            request.move_to("waiting_response", "owner", "sent")
    Request.objects.get(body__slug="hackney").move_to("successful", "mail", "read as provided")
    return campaign


def test_an_embargoed_campaign_is_hidden_from_everyone_but_its_team(
    campaign: Campaign, client: Client, django_user_model: type
) -> None:
    reference = campaign.requests.first().reference
    for url in (
        "/foi/secret/",
        "/foi/secret.json",
        "/foi/secret.csv",
        f"/foi/requests/{reference}/",
    ):
        assert client.get(url).status_code == 404, url
    assert b"Secret campaign" not in client.get("/foi/").content
    django_user_model.objects.create_user("stranger", password="pw-stranger-1")
    client.login(request=HttpRequest(), username="stranger", password="pw-stranger-1")
    assert client.get("/foi/secret/").status_code == 404
    client.login(request=HttpRequest(), username="owner", password="pw-owner-1")
    page = client.get("/foi/secret/")
    assert page.status_code == 200
    assert b"Under embargo until 2999-01-01" in page.content
    assert b"Secret campaign" in client.get("/foi/").content
    campaign.embargo_until = dt.date(2000, 1, 1)
    campaign.save()
    client.logout()
    assert client.get("/foi/secret/").status_code == 200


def test_dashboard_counts_overdue_and_the_status_csv(campaign: Campaign, client: Client) -> None:
    client.login(request=HttpRequest(), username="owner", password="pw-owner-1")
    data = client.get("/foi/secret.json").json()
    assert data["counts"] == {"long_overdue": 1, "successful": 1, "draft": 1}
    streamed = b"".join(client.get("/foi/secret.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(streamed)))
    assert [(r["body_slug"], r["status"]) for r in rows] == [
        ("camden", "long_overdue"), ("hackney", "successful"), ("islington", "draft"),
    ]  # fmt: skip
    assert rows[0]["due"] == "2024-07-01"
    page = client.get("/foi/secret/").content.decode()
    assert '<progress max="3" value="1"' in page
    assert "Overdue (1)" in page
    timeline = client.get(f"/foi/requests/{rows[1]['reference']}.json").json()
    assert [e["to_state"] for e in timeline["events"]] == ["waiting_response", "successful"]
    assert timeline["clock"]["due"] == "2024-07-01"


def test_every_format_answers_for_the_team(campaign: Campaign, client: Client) -> None:
    """Timelines hold aware datetimes; the spreadsheet gives them in UTC."""
    from openpyxl import load_workbook

    client.login(request=HttpRequest(), username="owner", password="pw-owner-1")
    reference = campaign.requests.get(body__slug="hackney").reference
    for url in ("/foi.xlsx", "/foi/secret.xlsx", f"/foi/requests/{reference}.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    assert header[0] == "at"
    assert isinstance(first[0], dt.datetime)


def test_the_public_sees_correspondence_without_officers_personal_data(
    campaign: Campaign, client: Client
) -> None:
    from camwatch.foi.models import Message

    request = campaign.requests.get(body__slug="hackney")
    Message.objects.create(
        request=request, direction="in", kind="reply", sender="jane.smith@hackney.gov.uk",
        sender_name="Jane Smith", subject="Your request", sha256="0" * 64,
        date=dt.datetime(2024, 6, 20, tzinfo=dt.UTC),
        text="Please find attached our response. Call Jane Smith on 020 8356 3000 or write "
        "to jane.smith@hackney.gov.uk or foi@hackney.gov.uk.\n\nKind regards,\nJane Smith\n"
        "Information Governance Team",
    )  # fmt: skip
    campaign.embargo_until = dt.date(2000, 1, 1)
    campaign.save()
    public = client.get(f"/foi/requests/{request.reference}.json").json()
    assert public["redacted"] is True
    (shown,) = public["messages"]
    assert "Jane Smith" not in shown["text"]
    assert "jane.smith@" not in shown["text"] + shown["sender"]
    assert "020 8356 3000" not in shown["text"]
    assert "foi@hackney.gov.uk" in shown["text"]  # a role mailbox is not personal data
    assert "Information Governance Team" in shown["text"]
    page = client.get(f"/foi/requests/{request.reference}/").content.decode()
    assert "Jane Smith" not in page
    client.login(request=HttpRequest(), username="owner", password="pw-owner-1")
    team = client.get(f"/foi/requests/{request.reference}.json").json()
    assert team["redacted"] is False
    assert "Jane Smith" in team["messages"][0]["text"]
