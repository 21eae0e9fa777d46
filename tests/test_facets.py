"""Facets on vendors, and the time limit that keeps a slow facet from holding up a page."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from camwatch.registry import facets
from camwatch.registry.timelimit import QueryTimeout, time_limit

pytestmark = pytest.mark.django_db


def vendors(client: Client, **params: str) -> dict[str, object]:
    response = client.get("/vendors.json", params)
    assert response.status_code == 200
    return json.loads(response.content)


def values(data: dict[str, object], name: str) -> dict[str, int]:
    (facet,) = [f for f in data["facets"] if f["name"] == name]  # type: ignore[union-attr,index]
    return {value["value"]: value["count"] for value in facet["values"]}


def test_vendor_facets_count_the_selection(client: Client) -> None:
    everyone = vendors(client)
    roles = values(everyone, "role")
    assert sum(roles.values()) == everyone["count"]
    brands = vendors(client, role="brand")
    assert brands["count"] == roles["brand"]
    assert {row["role"] for row in brands["results"]} == {"brand"}  # type: ignore[union-attr]
    assert values(brands, "role") == {"brand": roles["brand"]}


def test_vendors_made_by_a_maker_and_by_standing(client: Client) -> None:
    hikvision = vendors(client, made_by="hikvision")
    slugs = {row["slug"] for row in hikvision["results"]}  # type: ignore[union-attr]
    assert {"ezviz", "hilook"} <= slugs
    assert "dahua" not in slugs
    concern = values(vendors(client), "concern")
    of_concern, not_of_concern = vendors(client, concern="1"), vendors(client, concern="0")
    assert (of_concern["count"], not_of_concern["count"]) == (concern["1"], concern["0"])
    assert all(row["of_concern"] for row in of_concern["results"])  # type: ignore[union-attr]
    assert "hikvision" in {row["slug"] for row in of_concern["results"]}  # type: ignore[union-attr]


def test_vendor_search_and_bad_values(client: Client) -> None:
    found = vendors(client, q="hik")
    assert {row["slug"] for row in found["results"]} >= {"hikvision"}  # type: ignore[union-attr]
    assert vendors(client, q="no such vendor at all")["count"] == 0
    refused = vendors(client, role="wizard")
    assert refused["errors"] == ["unknown role 'wizard'"]
    api = client.get("/api/v1/vendors", {"made_by": "hikvision"})
    assert {row["slug"] for row in api.json()["items"]} >= {"ezviz", "hilook"}
    assert client.get("/api/v1/vendors", {"concern": "maybe"}).status_code == 422
    html = client.get("/vendors/", {"made_by": "hikvision"}).content.decode()
    assert 'aria-current="true"' in html  # the chosen maker is marked in its facet


def test_a_slow_query_is_stopped_and_the_connection_still_works() -> None:
    slow = (
        "SELECT pg_sleep(2)"
        if connection.vendor == "postgresql"
        else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000)"
        " SELECT COUNT(*) FROM n"
    )

    def run_slowly() -> None:
        with time_limit(50), connection.cursor() as cursor:
            cursor.execute(slow)
            cursor.fetchall()

    with pytest.raises(QueryTimeout):
        run_slowly()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("0",)  # put back as it was


def test_a_quick_query_runs_within_its_limit() -> None:
    with time_limit(5_000), connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


class _TimesOut:
    """A time limit already exceeded."""

    def __enter__(self) -> None:
        raise QueryTimeout("took longer than the limit")

    def __exit__(self, *exc: object) -> None:
        return None


def test_a_facet_that_times_out_is_shown_as_such(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facets, "time_limit", lambda milliseconds: _TimesOut())
    data = json.loads(client.get("/bodies.json").content)
    assert data["facets"]
    assert all(facet["timed_out"] and not facet["values"] for facet in data["facets"])
    assert data["count"] > 400  # the list itself is complete
    assert "Counting took too long" in client.get("/bodies/").content.decode()
