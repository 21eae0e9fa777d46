"""The money trail from the bundled data: contracts, organisations, payments and stated
policies on the pages, in the API, in the findings and through load-data."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from tests.test_loader import edit
from tests.test_views import body_of, csv_rows, get

from camwatch.findings.checks import run_checks
from camwatch.money import models as mm
from camwatch.registry.loader import DataFileErrors
from camwatch.registry.loader.run import load_data

pytestmark = pytest.mark.django_db

MONEY_PAGES = [
    ("money", {}),
    ("contract-list", {}),
    ("contract-detail", {"key": "hammersmith-and-fulham-chroma-vision-2015"}),
    ("organisation-list", {}),
    ("organisation-detail", {"slug": "chroma-vision"}),
    ("policy-list", {}),
    ("body-money", {"slug": "hammersmith-and-fulham"}),
]


def test_the_seed_facts_are_in_the_bundled_data() -> None:
    hf = mm.Contract.objects.get(key="hammersmith-and-fulham-chroma-vision-2015")
    assert (hf.buyer.slug, hf.supplier.slug, hf.integrator.slug) == (
        "hammersmith-and-fulham",
        "chroma-vision",
        "chroma-vision",
    )
    assert (hf.value, hf.currency, str(hf.start_partial), str(hf.end_partial)) == (
        Decimal("492000.00"),
        "GBP",
        "2015",
        "2020",
    )
    assert [v.slug for v in hf.manufacturers.all()] == ["hikvision"]
    shared = mm.Contract.objects.get(key="cambridge-to-huntingdonshire-shared-cctv-2017-2020")
    assert (shared.buyer.slug, shared.supplier_body.slug, shared.value) == (
        "cambridge",
        "huntingdonshire",
        Decimal("1215000.00"),
    )
    spent = mm.Payment.objects.get(body__slug="huntingdonshire")
    assert (spent.amount, str(spent.date_partial), str(spent.end_partial)) == (
        Decimal("795000.00"),
        "2017",
        "2020",
    )
    synectics = mm.Organisation.objects.get(slug="synectics")
    assert [(r.relation, r.vendor.slug) for r in synectics.vendor_relations.all()] == [
        ("installs", "hikvision")
    ]
    camden = mm.StatedPolicy.objects.get(key="camden-2021-against-policy")
    assert sorted(v.slug for v in camden.vendors.all()) == ["dahua", "hikvision"]
    assert "against the Council policy" in camden.quote


def test_camden_policy_against_its_hikvision_dvr_is_a_finding() -> None:
    found = [f for f in run_checks() if f.check == "policy-contradicted"]
    assert len(found) == 1, found
    (finding,) = found
    assert finding.message.startswith("camden stated on February 2021 that it does not allow")
    assert "1 Hikvision digital video recorder (DVR) in use as of February 2021" in finding.message
    kinds = {(r.kind, r.key) for r in finding.records}
    assert ("holding", "top10vpn-camden-hikvision-dvr") in kinds
    assert ("stated-policy", "camden-2021-against-policy") in kinds
    # Tower Hamlets' ban is borne out by its disclosed zero: no finding.
    assert not any("tower-hamlets" in f.message for f in found)


def test_a_later_holding_that_honours_the_ban_does_not_silence_the_earlier_breach() -> None:
    from tests.factories import HoldingFactory

    from camwatch.registry import models as m

    camden = m.PublicBody.objects.get(slug="camden")
    hikvision = m.Vendor.objects.get(slug="hikvision")
    HoldingFactory(body=camden, vendor=hikvision, count=0, as_of="2023-01-01")
    found = [f for f in run_checks() if f.check == "policy-contradicted"]
    assert len(found) == 1
    client = Client()
    data = json.loads(body_of(get(client, "/bodies/camden/money.json")))
    (progress,) = data["removal_progress"]
    assert (progress["state"], progress["latest"]) == ("removed", "2023-01-01")


@pytest.mark.parametrize(("name", "kwargs"), MONEY_PAGES)
def test_every_money_page_in_three_formats(
    client: Client, name: str, kwargs: dict[str, str]
) -> None:
    html = body_of(get(client, reverse(name, kwargs=kwargs)))
    assert "<main" in html
    json_url = reverse(f"{name}.json", kwargs=kwargs)
    csv_url = reverse(f"{name}.csv", kwargs=kwargs)
    assert f'href="{json_url}"' in html
    assert f'href="{csv_url}"' in html
    assert json.loads(body_of(get(client, json_url)))
    rows = csv_rows(get(client, csv_url))
    assert rows
    assert all(rows[0].keys())


def test_hammersmith_money_trail_shows_contract_supplier_and_manufacturer(client: Client) -> None:
    html = body_of(get(client, "/bodies/hammersmith-and-fulham/money/"))
    assert "GBP 492,000" in html
    assert 'href="/organisations/chroma-vision/"' in html
    assert 'href="/vendors/hikvision/"' in html
    assert "not what was spent on any one manufacturer" in html
    body_page = body_of(get(client, "/bodies/hammersmith-and-fulham/"))
    assert 'href="/bodies/hammersmith-and-fulham/money/"' in body_page


def test_3c_money_trail_on_both_councils(client: Client) -> None:
    cambridge = json.loads(body_of(get(client, "/bodies/cambridge/money.json")))
    assert [c["value"] for c in cambridge["contracts"]] == [1215000.0]
    assert cambridge["contracts"][0]["supplier_body"] == "huntingdonshire"
    hunts = json.loads(body_of(get(client, "/bodies/huntingdonshire/money.json")))
    assert [p["amount"] for p in hunts["payments"]] == [795000.0]
    assert [c["key"] for c in hunts["supplied_as_shared_service"]] == [
        "cambridge-to-huntingdonshire-shared-cctv-2017-2020"
    ]
    shared = json.loads(
        body_of(get(client, "/bodies/cambridge-huntingdonshire-shared-cctv/money.json"))
    )
    assert shared["contracts"][0]["behind"] == ["hikvision"]  # through Synectics


def test_the_seed_facts_are_on_the_body_pages(client: Client) -> None:
    hf = body_of(get(client, "/bodies/hammersmith-and-fulham/"))
    assert 'id="money-heading"' in hf
    assert "GBP 492,000" in hf
    assert "Chroma Vision Limited" in hf
    camden = body_of(get(client, "/bodies/camden/"))
    assert "against the Council policy" in camden
    assert "Contradicted by its own records" in camden
    hunts = body_of(get(client, "/bodies/huntingdonshire/"))
    assert "1 payment, 1 paid to it as a shared service" in hunts
    cambridge = body_of(get(client, "/bodies/cambridge/"))
    assert "GBP 1,215,000" in cambridge
    shared = body_of(get(client, "/bodies/cambridge-huntingdonshire-shared-cctv/"))
    assert "Synectics" in shared


def test_camden_money_trail_shows_the_contradiction(client: Client) -> None:
    html = body_of(get(client, "/bodies/camden/money/"))
    assert "Contradicted by its own records" in html
    assert "#holding-top10vpn-camden-hikvision-dvr" in html  # the removal timeline
    assert "against the Council policy" in html


def test_summary_spend_of_concern_and_league_table(client: Client) -> None:
    data = json.loads(body_of(get(client, "/money.json")))
    by_body = {row["body"]: row for row in data["spend_by_body"]}
    # Hikvision is behind the H&F contract (named) but not behind Cambridge's payments to
    # Huntingdonshire, whose source does not say what they bought.
    assert by_body["hammersmith-and-fulham"]["of_concern"] == 492000.0
    assert by_body["cambridge"]["of_concern"] == 0.0
    league = {row["supplier"]: row for row in data["league_table"]}
    assert league["chroma-vision"]["of_concern"] == ["hikvision"]
    assert league["synectics"]["value"] == {}
    assert [c["body"] for c in data["contradictions"]] == ["camden"]


def test_api_endpoints(client: Client) -> None:
    contracts = json.loads(
        body_of(get(client, "/api/v1/contracts", buyer="hammersmith-and-fulham"))
    )
    assert [c["key"] for c in contracts["items"]] == ["hammersmith-and-fulham-chroma-vision-2015"]
    one = json.loads(
        body_of(get(client, "/api/v1/contracts/hammersmith-and-fulham-chroma-vision-2015"))
    )
    assert one["value"] == 492000.0
    assert one["integrator"] == "chroma-vision"
    orgs = json.loads(body_of(get(client, "/api/v1/organisations")))
    assert {o["slug"] for o in orgs["items"]} >= {"chroma-vision", "synectics"}
    policies = json.loads(body_of(get(client, "/api/v1/policies", body="camden")))
    assert [(p["key"], p["contradicted"]) for p in policies["items"]] == [
        ("camden-2021-against-policy", True)
    ]
    summary = json.loads(body_of(get(client, "/api/v1/money/summary")))
    assert summary["counts"]["contracts"] >= 3
    assert client.get("/api/v1/contracts/nothing").status_code == 404


BAD_MONEY = [
    (
        "currency: GBP\n    value_kind: contract",
        "currency: XYZ\n    value_kind: contract",
        "field 'currency'",
    ),
    ("buyer: hammersmith-and-fulham", "buyer: hammersmith", "unknown public body 'hammersmith'"),
    (
        "stance: ban\n    vendors: [hikvision, dahua]\n    stated: 2021-02\n",
        "stance: forbid\n    vendors: [hikvision, dahua]\n    stated: 2021-02\n",
        "field 'stance'",
    ),
    (
        "supplier: chroma-vision\n    integrator",
        "supplier: chroma\n    integrator",
        "unknown organisation 'chroma'",
    ),
]


@pytest.mark.parametrize(("old", "new", "fragment"), BAD_MONEY)
def test_bad_money_data_names_file_line_and_field_and_changes_nothing(
    data_copy: Path, old: str, new: str, fragment: str
) -> None:
    edit(data_copy / "money" / "seeds.yaml", old, new)
    edit(data_copy / "investigations" / "top10vpn-2020-councils.yaml", "count: 1790", "count: 1791")
    before = list(mm.Contract.objects.values_list("key", "value", "buyer"))
    with pytest.raises(DataFileErrors) as raised:
        load_data(data_copy)
    message = str(raised.value)
    assert fragment in message, message
    assert re.search(r"seeds\.yaml:\d+", message), message
    assert list(mm.Contract.objects.values_list("key", "value", "buyer")) == before
    from camwatch.registry import models as m

    assert (
        m.Holding.objects.get(key="top10vpn-hammersmith-and-fulham-hikvision-cameras").count == 1790
    )


def test_an_edited_contract_updates_in_place_with_history(data_copy: Path) -> None:
    edit(data_copy / "money" / "seeds.yaml", "value: 492000", "value: 493000")
    report = load_data(data_copy)
    assert report.updated["contracts"] == 1
    contract = mm.Contract.objects.get(key="hammersmith-and-fulham-chroma-vision-2015")
    assert contract.value == Decimal("493000.00")
    # Made, its manufacturers linked (in the bundled load), then the edit.
    assert [row.history_type for row in contract.history.order_by("history_date")] == [
        "+",
        "~",
        "~",
    ]
    assert [row.value for row in contract.history.order_by("history_date")][-2:] == [
        Decimal("492000.00"),
        Decimal("493000.00"),
    ]
    assert load_data(data_copy).changes == 0


def test_name_review_is_for_reviewers_only(client: Client) -> None:
    assert client.get("/money/names/").status_code in (302, 403)
    assert client.post("/money/names/", {"review": 1, "decision": "accept"}).status_code in (
        302,
        403,
    )
    reader = User.objects.create_user("reader", password="x")
    client.force_login(reader)
    assert client.get("/money/names/").status_code == 403
