"""XLSX and GeoJSON downloads, from the same rows as the pages."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook
from tests.factories import PublicBodyFactory

from camwatch.registry import models as m

pytestmark = pytest.mark.django_db


def test_xlsx_has_the_csv_rows(client: Client) -> None:
    response = client.get("/bodies.xlsx", {"nation": "wales"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["slug", "name"]
    assert len(values) - 1 == m.PublicBody.objects.current().filter(nation="wales").count()


def test_xlsx_never_holds_a_formula(client: Client) -> None:
    PublicBodyFactory(name='=HYPERLINK("http://evil","x")', slug="formula")
    sheet = load_workbook(io.BytesIO(client.get("/bodies.xlsx", {"q": "hyperlink"}).content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.value == '=HYPERLINK("http://evil","x")'
    assert cell.data_type == "s"


def test_every_page_offers_xlsx(client: Client) -> None:
    for url in (
        "/index.xlsx",
        "/findings.xlsx",
        "/claims.xlsx",
        "/investigations/top10vpn-2020-councils.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert load_workbook(io.BytesIO(response.content)).active.max_row > 1, url
    assert 'href="/bodies.xlsx"' in client.get("/bodies/").content.decode()


def test_geojson_for_places_with_a_point(client: Client) -> None:
    response = client.get("/locations.geojson")
    assert response["Content-Type"] == "application/geo+json"
    # The Cambridge survey's 22 streets carry derived street-level points; others none.
    features = response.json()["features"]
    assert len(features) == 22
    place = m.SurveyLocation.objects.get(name="King's Parade")
    place.latitude, place.longitude = Decimal("52.2040"), Decimal("0.1178")
    place.save()
    (feature,) = [
        f
        for f in client.get("/locations.geojson").json()["features"]
        if f["properties"]["name"] == "King's Parade"
    ]
    assert feature["geometry"] == {"type": "Point", "coordinates": [0.1178, 52.204]}
    assert "derived" in feature["properties"]["coordinates_method"]
    assert feature["properties"]["source_title"]
    assert client.get("/bodies.geojson").status_code == 404  # bodies have no points
