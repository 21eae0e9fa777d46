"""Every page answers as HTML, JSON and CSV, from the same rows."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import HoldingFactory, PublicBodyFactory

from camwatch.registry import models as m

pytestmark = pytest.mark.django_db

PAGES = [
    ("home", {}),
    ("about", {}),
    ("body-list", {}),
    ("body-detail", {"slug": "hammersmith-and-fulham"}),
    ("vendor-list", {}),
    ("vendor-detail", {"slug": "hikvision"}),
    ("investigation-list", {}),
    ("investigation-detail", {"slug": "top10vpn-2020-councils"}),
    ("source-list", {}),
    ("source-detail", {"key": "top10vpn-uk-video-surveillance-2021"}),
    ("holding-list", {}),
    ("claim-list", {}),
    ("location-list", {}),
]


def get(client: Client, url: str, **params: str) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response


def body_of(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(body_of(response))))


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_page_in_three_formats(client: Client, name: str, kwargs: dict[str, str]) -> None:
    html = get(client, reverse(name, kwargs=kwargs))
    assert "<main" in body_of(html)
    json_url = reverse(f"{name}.json", kwargs=kwargs)
    csv_url = reverse(f"{name}.csv", kwargs=kwargs)
    assert f'href="{json_url}"' in body_of(html)
    assert f'href="{csv_url}"' in body_of(html)
    data = json.loads(body_of(get(client, json_url)))
    assert data
    rows = csv_rows(get(client, csv_url))
    assert rows
    assert all(rows[0].keys())


@pytest.mark.parametrize(
    "url",
    [
        "/bodies/no-such-body/",
        "/bodies/no-such-body.json",
        "/vendors/nobody.csv",
        "/sources/nothing/",
        "/investigations/x.json",
    ],
)
def test_unknown_records_are_404(client: Client, url: str) -> None:
    assert client.get(url).status_code == 404


def test_search_finds_hammersmith_first(client: Client) -> None:
    data = json.loads(body_of(get(client, "/bodies.json", q="Hammersmith")))
    assert data["results"][0]["slug"] == "hammersmith-and-fulham"
    assert json.loads(body_of(get(client, "/bodies.json", q="hammersmith & fulham")))["count"] == 1
    assert (
        json.loads(body_of(get(client, "/bodies.json", q="E09000013")))["results"][0]["slug"]
        == "hammersmith-and-fulham"
    )
    assert json.loads(body_of(get(client, "/bodies.json", q="ammersmith")))["count"] == 0


def test_filters_by_kind_nation_and_vendor(client: Client) -> None:
    scottish = json.loads(
        body_of(
            get(client, "/bodies.json", nation="scotland", kind="scottish-council", _size="100")
        )
    )
    assert scottish["count"] == 32
    with_hikvision = json.loads(
        body_of(get(client, "/bodies.json", vendor="hikvision", _size="100"))
    )
    hikvision_slugs = {r["slug"] for r in with_hikvision["results"]}
    assert {"hammersmith-and-fulham", "camden", "wandsworth", "cambridge"} <= hikvision_slugs
    assert "tower-hamlets" not in hikvision_slugs  # it disclosed none
    assert "glasgow-city" not in hikvision_slugs  # Hikvision or Dahua, not said which
    # Wandsworth's Dahua is only planned and Tower Hamlets disclosed none.
    assert json.loads(body_of(get(client, "/bodies.json", vendor="dahua")))["count"] == 0
    concern = json.loads(body_of(get(client, "/bodies.json", concern="1", _size="100")))
    slugs = {r["slug"] for r in concern["results"]}
    assert {"hammersmith-and-fulham", "3c-shared-services", "glasgow-city"} <= slugs
    assert "tower-hamlets" not in slugs  # it disclosed none
    assert "waltham-forest" not in slugs  # facial recognition, but no vendor of concern


def test_abolished_bodies_hidden_unless_asked(client: Client) -> None:
    default = json.loads(body_of(get(client, "/bodies.json", q="craven")))
    assert default["count"] == 0
    included = json.loads(body_of(get(client, "/bodies.json", q="craven", include_ended="1")))
    assert included["results"][0]["end_date"] == "2023-04-01"


def test_unknown_filter_values_are_reported_not_used(client: Client) -> None:
    data = json.loads(body_of(get(client, "/bodies.json", kind="'; drop table", nation="mars")))
    assert data["errors"] == ['unknown kind "\'; drop table"', "unknown nation 'mars'"]
    assert data["count"] == m.PublicBody.objects.current().count()
    html = body_of(get(client, "/bodies/", nation="mars"))
    assert "unknown nation &#x27;mars&#x27;" in html


def test_json_pages_and_sizes(client: Client, settings: Any) -> None:
    settings.CAMWATCH_MAX_PAGE_SIZE = 30
    data = json.loads(body_of(get(client, "/bodies.json", _size="1000")))
    assert len(data["results"]) == 30
    assert data["pages"] == -(-data["count"] // 30)
    assert data["next"].endswith("page=2")
    assert "_size=1000" in data["next"]
    last = json.loads(body_of(get(client, "/bodies.json", _size="30", page="9999")))
    assert last["page"] == data["pages"]
    assert last["next"] is None


def test_csv_streams_every_row_not_one_page(client: Client) -> None:
    rows = csv_rows(get(client, "/bodies.csv"))
    assert len(rows) == m.PublicBody.objects.current().count()


def test_csv_neutralises_spreadsheet_formulas(client: Client) -> None:
    body = PublicBodyFactory(name='=HYPERLINK("http://evil")', slug="formula-body")
    HoldingFactory(body=body)
    rows = csv_rows(get(client, "/bodies.csv", q="hyperlink"))
    assert rows[0]["name"].startswith("'=HYPERLINK")
    negative = csv_rows(get(client, "/bodies/formula-body.csv"))
    assert negative[0]["count"] == "10"


def test_body_page_shows_holdings_with_sources(client: Client) -> None:
    html = body_of(get(client, "/bodies/hammersmith-and-fulham/"))
    assert "1,790 Hikvision cameras" in html
    assert 'href="/sources/top10vpn-uk-video-surveillance-2021/"' in html
    data = json.loads(body_of(get(client, "/bodies/hammersmith-and-fulham.json")))
    (holding,) = data["holdings"]
    assert holding["count"] == 1790
    assert holding["as_of"] == "2021-02"
    assert holding["citations"][0]["quote"].startswith("Hammersmith & Fulham Council alone")


def test_body_page_charts_counts_over_time(client: Client) -> None:
    body = PublicBodyFactory()
    HoldingFactory(body=body, vendor__slug="chartvendor", count=6, as_of="2021-01-01")
    vendor = m.Vendor.objects.get(slug="chartvendor")
    HoldingFactory(body=body, vendor=vendor, count=27, as_of="2023-06-14")
    html = body_of(get(client, body.get_absolute_url()))
    assert html.count("<svg") == 1
    assert "6 on 2021-01-01, 27 on 2023-06-14" in html


def test_vendor_page_explains_verdicts(client: Client) -> None:
    data = json.loads(body_of(get(client, "/vendors/ezviz.json")))
    verdicts = {v["policy"]: v for v in data["verdicts"]}
    assert verdicts["uk-nil-2022"]["of_concern"]
    assert any(r["via"] == ["ezviz brand_of hikvision"] for r in verdicts["uk-nil-2022"]["reasons"])
    html = body_of(get(client, "/vendors/hikvision/"))
    assert "Restrictions timeline" in html
    assert "US Entity List" in html


def test_investigation_page_counts_unidentified_targets(client: Client) -> None:
    html = body_of(get(client, "/investigations/top10vpn-2020-councils/"))
    assert "19 of the 52 bodies" in html
    rows = csv_rows(get(client, "/investigations/top10vpn-2020-councils.csv"))
    assert len(rows) == 33
    assert {r["outcome"] for r in rows} >= {"provided", "after_publication", "unknown"}


def test_claims_show_arithmetic_beside_print(client: Client) -> None:
    rows = {r["key"]: r for r in csv_rows(get(client, "/claims.csv"))}
    assert rows["top10vpn-hikvision"]["percent_printed"] == "65"
    assert rows["top10vpn-hikvision"]["percent_from_own_figures"] == "65.1"
    assert rows["bbw-police-35"]["percent_from_own_figures"] == "34.9"


def test_home_figures_are_computed(client: Client) -> None:
    before = json.loads(body_of(get(client, "/index.json")))
    figures = {f["key"]: f["value"] for f in before["figures"]}
    HoldingFactory(vendor=m.Vendor.objects.get(slug="dahua"))
    after = {
        f["key"]: f["value"] for f in json.loads(body_of(get(client, "/index.json")))["figures"]
    }
    assert after["bodies-with-concern-equipment"] == figures["bodies-with-concern-equipment"] + 1
    assert after["public-bodies"] == figures["public-bodies"] + 1
    assert before["largest_estates"][0]["body"] == "hammersmith-and-fulham"


def test_security_headers(client: Client) -> None:
    response = get(client, "/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert get(client, "/bodies.json")["Access-Control-Allow-Origin"] == "*"


def test_only_read_methods(client: Client) -> None:
    assert client.post("/bodies/").status_code in (403, 405)
    assert Client(enforce_csrf_checks=False).post("/bodies.json").status_code == 405


def test_admin_requires_login(client: Client) -> None:
    response = client.get("/admin/registry/holding/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_lists_registry_models(admin_client: Client) -> None:
    for model in ("publicbody", "vendor", "holding", "source", "investigation", "claim"):
        assert admin_client.get(f"/admin/registry/{model}/").status_code == 200
    holding = m.Holding.objects.get(key="top10vpn-hammersmith-and-fulham-hikvision-cameras")
    assert admin_client.get(f"/admin/registry/holding/{holding.pk}/history/").status_code == 200


def test_member_body_shows_its_shared_services_holdings(client: Client) -> None:
    data = json.loads(body_of(get(client, "/bodies/cambridge.json")))
    assert [h["count"] for h in data["holdings"]] == [6]
    from_groups = {h["key"]: h for h in data["holdings_of_groups"]}
    assert from_groups["3c-2023-cambridge-hikvision-nvrs"]["count"] == 27
    html = body_of(get(client, "/bodies/cambridge/"))
    assert "Reported by shared services it belongs to" in html


def test_body_list_counts_holdings(client: Client) -> None:
    data = json.loads(body_of(get(client, "/bodies.json", q="hammersmith")))
    assert data["results"][0]["holdings"] == 1
    rows = {r["slug"]: r for r in csv_rows(get(client, "/bodies.csv", q="3c"))}
    assert rows["3c-shared-services"]["holdings"] == "13"  # 2 totals and 11 town figures


def test_a_later_disclosure_of_none_retires_a_body(client: Client) -> None:
    hikvision = m.Vendor.objects.get(slug="hikvision")
    body = PublicBodyFactory(slug="changed-its-mind")
    HoldingFactory(body=body, vendor=hikvision, count=100, as_of="2021-01-01")
    figures = {
        f["key"]: f["value"] for f in json.loads(body_of(get(client, "/index.json")))["figures"]
    }
    listed = json.loads(body_of(get(client, "/bodies.json", concern="1", _size="200")))
    assert "changed-its-mind" in {r["slug"] for r in listed["results"]}
    HoldingFactory(body=body, vendor=hikvision, count=0, as_of="2023-01-01", device_type=None)
    after = {
        f["key"]: f["value"] for f in json.loads(body_of(get(client, "/index.json")))["figures"]
    }
    assert after["bodies-with-concern-equipment"] == figures["bodies-with-concern-equipment"] - 1
    listed = json.loads(body_of(get(client, "/bodies.json", concern="1", _size="200")))
    assert "changed-its-mind" not in {r["slug"] for r in listed["results"]}
    assert listed["count"] == after["bodies-with-concern-equipment"]


def test_claim_filters_are_validated(client: Client) -> None:
    data = json.loads(body_of(get(client, "/claims.json", investigation="nope")))
    assert data["errors"] == ["unknown investigation 'nope'"]
    assert data["count"] == m.Claim.objects.count()
    scoped = json.loads(
        body_of(
            get(
                client, "/claims.json", investigation="top10vpn-2020-councils", with_denominator="1"
            )
        )
    )
    assert (
        scoped["count"]
        == m.Claim.objects.filter(
            investigation__slug="top10vpn-2020-councils", denominator__isnull=False
        ).count()
        > 0
    )


def test_missing_records_answer_in_their_own_format(client: Client) -> None:
    response = client.get("/bodies/nobody.json")
    assert response.status_code == 404
    assert response.json()["error"] == "not found"
    assert client.get("/bodies/nobody.csv")["Content-Type"].startswith("text/plain")


def test_search_ranks_the_whole_phrase_first(client: Client) -> None:
    data = json.loads(body_of(get(client, "/bodies.json", q="North Yorkshire", include_ended="1")))
    assert [r["slug"] for r in data["results"][:2]] == [
        "north-yorkshire",
        "north-yorkshire-until-2023",
    ]
    cambridge = json.loads(body_of(get(client, "/bodies.json", q="cambridge")))
    assert cambridge["results"][0]["slug"] == "cambridge"


def test_lists_keep_their_order(client: Client) -> None:
    vendors = [r["name"] for r in json.loads(body_of(get(client, "/vendors.json")))["results"]]
    assert vendors == sorted(vendors)
    published = [
        r["published"] for r in json.loads(body_of(get(client, "/investigations.json")))["results"]
    ]
    assert published == sorted(published, reverse=True)


def test_a_vendor_page_shows_its_holdings_a_page_at_a_time(client: Client) -> None:
    body = PublicBodyFactory()
    vendor = m.Vendor.objects.create(slug="manyvendor", name="Many", role="manufacturer")
    for day in range(1, 61):
        HoldingFactory(body=body, vendor=vendor, count=day, as_of=f"2021-01-{day % 28 + 1:02d}")
    data = json.loads(body_of(get(client, "/vendors/manyvendor.json")))
    assert (data["holdings"]["count"], data["holdings"]["pages"]) == (60, 2)
    assert len(data["holdings"]["results"]) == 50
    second = json.loads(body_of(get(client, "/vendors/manyvendor.json", page="2")))
    assert len(second["holdings"]["results"]) == 10
    assert len(csv_rows(get(client, "/vendors/manyvendor.csv"))) == 60  # the CSV has them all
    html = body_of(get(client, "/vendors/manyvendor/"))
    assert "60 holdings attributed to Many, 50 on this page" in html
    assert 'href="/holdings/?vendor=manyvendor"' in html
