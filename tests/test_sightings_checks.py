"""The counts per street, area and grid square, the unknown-operator list, their pages in
every format and their commands."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.test import Client

from camwatch.cli import main
from camwatch.registry import models as m
from camwatch.sightings import checks
from camwatch.sightings.models import Sighting, Status
from camwatch.sightings.spatial import os_grid_reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def street() -> None:
    hikvision = m.Vendor.objects.get(slug="hikvision")
    axis = m.Vendor.objects.get(slug="axis")

    def add(lat: float, lon: float, **fields: object) -> None:
        Sighting.objects.create(latitude=lat, longitude=lon,
                                status=fields.pop("status", Status.VERIFIED), **fields)  # fmt: skip

    add(52.2068, 0.1205, street="Sidney Street", area="Cambridge", vendor=hikvision)
    add(52.2069, 0.1206, street="Sidney Street", area="Cambridge", vendor=hikvision,
        operator_name="Cambridge City Council")  # fmt: skip
    add(52.2070, 0.1207, street="Sidney Street", area="Cambridge", vendor=axis)
    add(52.2040, 0.1177, street="King's Parade", area="Cambridge")
    add(55.9530, -3.1890, area="Edinburgh", vendor=hikvision, operator_name="A shop")
    add(52.2041, 0.1178, street="King's Parade", area="Cambridge", status=Status.PENDING)


def test_counts_per_street_and_area_say_how_many_are_of_concern(street: None) -> None:
    streets = [(r.place, r.area, r.cameras, r.of_concern) for r in checks.per_street()]
    assert streets == [
        ("Sidney Street", "Cambridge", 3, 2),
        ("(not recorded)", "Edinburgh", 1, 1),
        ("King's Parade", "Cambridge", 1, 0),
    ]
    areas = [(r.place, r.cameras, r.of_concern) for r in checks.per_area()]
    assert areas == [("Cambridge", 4, 2), ("Edinburgh", 1, 1)]


def test_counts_per_ordnance_survey_square(street: None) -> None:
    squares = {r.place: (r.cameras, r.of_concern) for r in checks.per_square()}
    # Sidney Street straddles the line E 545000 between two 1 km squares (its cameras
    # project to E 544995, 545001 and 545008); King's Parade is at E 544812, N 258310.
    assert squares == {"TL4458": (2, 1), "TL4558": (2, 1), "NT2573": (1, 1)}


@pytest.mark.parametrize(
    ("cell", "cell_m", "expected"),
    [
        ((544, 258), 1000, "TL4458"),  # Cambridge, E 544705 N 258430
        ((325, 673), 1000, "NT2573"),  # Edinburgh
        ((5447, 2584), 100, "TL447584"),
        ((5, 2), 100_000, "TL"),
        ((10, 10), 1000, "SV1010"),  # the grid's south-west square
        ((-1, 0), 1000, None),
        ((1, 1), 300, None),  # not a power-of-ten square
    ],
)
def test_os_grid_references(cell: tuple[int, int], cell_m: int, expected: str | None) -> None:
    assert os_grid_reference(*cell, cell_m) == expected


def test_cameras_with_no_operator_recorded(street: None) -> None:
    found = [(row.street, row.area) for row in checks.unknown_operator()]
    assert found == [("Sidney Street", "Cambridge"), ("Sidney Street", "Cambridge"),
                     ("King's Parade", "Cambridge")]  # fmt: skip


def test_the_pages_in_every_format(street: None) -> None:
    client = Client()
    page = client.get("/sightings/counts/?by=area").content.decode()
    assert "Cameras per area" in page
    assert "Edinburgh" in page
    body = client.get("/sightings/counts.json?by=street").json()
    assert body["by"] == "street"
    assert body["results"][0] == {"place": "Sidney Street", "area": "Cambridge",
                                  "cameras": 3, "of_concern": 2}  # fmt: skip
    csv = client.get("/sightings/counts.csv?by=square").getvalue().decode()
    assert csv.splitlines()[0] == "place,area,cameras,of_concern"
    unknown = client.get("/sightings/unknown-operator.geojson").json()
    assert len(unknown["features"]) == 3
    html = client.get("/sightings/unknown-operator/").content.decode()
    assert "3 verified camera sightings with neither" in html


def test_the_commands(street: None) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["sightings", "counts", "--by", "area", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0] == {"place": "Cambridge", "area": "", "cameras": 4, "of_concern": 2}
    result = runner.invoke(main, ["sightings", "unknown-operator"])
    assert "3 camera(s) with no operator recorded" in result.stderr
    assert "Sidney Street, Cambridge" in result.stdout
