"""The findings dashboard and the pages that show the ledger's verdicts."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from camwatch.findings import charts
from camwatch.findings.dashboard import SLUGS, build

pytestmark = pytest.mark.django_db


def body(response: object) -> str:
    if response.streaming:  # type: ignore[attr-defined]
        return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


def test_every_chart_has_rows_an_explanation_and_an_svg() -> None:
    built = {chart.slug: chart for chart in build()}
    assert tuple(built) == SLUGS
    for chart in built.values():
        assert chart.rows, chart.slug
        assert chart.about
        assert all(svg.startswith("<svg") for svg in chart.svgs)
        assert set(chart.columns) >= set(chart.rows[0])


def test_change_over_time_follows_cambridge_through_3c() -> None:
    (row,) = [
        r
        for r in {c.slug: c for c in build()}["changes"].rows
        if r["series"].startswith("Cambridge City")
    ]
    assert (row["before"], row["after"], row["change"]) == (6, 27, 21)
    assert row["holdings"] == "cambridge-2021-hikvision-nvrs; 3c-2023-cambridge-hikvision-nvrs"


def test_published_shares_name_their_base_and_interval() -> None:
    rows = {r["claim"]: r for r in {c.slug: c for c in build()}["published-shares"].rows}
    hikvision = rows["top10vpn-hikvision"]
    assert (hikvision["numerator"], hikvision["denominator"], hikvision["base"]) == (
        28,
        43,
        "bodies that provided the information",
    )
    assert hikvision["interval_low"] < hikvision["percent"] < hikvision["interval_high"]


def test_devices_by_vendor_are_a_range_while_counts_are_missing() -> None:
    (hikvision,) = [
        r
        for r in {c.slug: c for c in build()}["devices-by-vendor"].rows
        if r["vendor"] == "hikvision"
    ]
    assert hikvision["counted_devices"] >= 1790 + 652
    assert hikvision["upper_bound"] is None
    assert hikvision["bodies_without_count"] > 0


def test_dashboard_pages_in_three_formats(client: Client) -> None:
    html = body(client.get("/findings/"))
    assert html.count("<details") == len(SLUGS)
    assert "Data table" in html
    data = json.loads(body(client.get("/findings.json")))
    assert [c["slug"] for c in data["charts"]] == list(SLUGS)
    rows = list(csv.DictReader(io.StringIO(body(client.get("/findings.csv")))))
    assert {row["chart"] for row in rows} == set(SLUGS)
    detail = json.loads(body(client.get("/findings/claims.json")))
    assert detail["columns"][:2] == ["investigation", "claim"]
    assert client.get("/findings/nothing/").status_code == 404


def test_claims_show_their_recomputation(client: Client) -> None:
    html = body(client.get("/investigations/sonification-3c-foi-2023/"))
    assert "a published total that differs from the sum of its disclosed parts" in html
    data = json.loads(body(client.get("/investigations/sonification-3c-foi-2023.json")))
    statuses = {c["key"]: c["reproduction"]["status"] for c in data["claims"]}
    assert statuses["sonification-3c-652-devices"] == "match"
    mismatches = json.loads(
        body(client.get("/claims.json", {"status": "mismatch", "_size": "100"}))
    )
    assert {r["status"] for r in mismatches["results"]} == {"mismatch"}
    assert "sonification-3c-612-cameras" in {r["key"] for r in mismatches["results"]}
    searched = json.loads(body(client.get("/claims.json", {"q": "drones"})))
    assert searched["count"] >= 1
    assert all("drone" in (r["text"] + r["subject"]).lower() for r in searched["results"])


def test_body_facets_count_and_toggle(client: Client) -> None:
    data = json.loads(body(client.get("/bodies.json", {"nation": "wales"})))
    facets = {f["name"]: f for f in data["facets"]}
    kinds = {v["value"]: v["count"] for v in facets["kind"]["values"]}
    assert kinds == {"welsh-council": 22, "police-force": 4}
    (wales,) = facets["nation"]["values"]
    assert wales["selected"]
    assert wales["url"] == "/bodies.json"  # choosing it again removes the filter
    html = body(client.get("/bodies/", {"nation": "wales"}))
    assert 'href="/bodies/?nation=wales&amp;kind=welsh-council"' in html


def test_charts_escape_labels() -> None:
    svg = charts.bar_chart([charts.Bar("<b>", 1, "x & y", "/a?b=1&c=2")], "t")
    assert "<b>" not in svg
    assert "&lt;b&gt;" in svg
    assert 'href="/a?b=1&amp;c=2"' in svg
