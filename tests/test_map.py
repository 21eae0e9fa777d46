"""The map's server side: /api/v1/sightings/clusters (filters, review status, rebuilds when
sightings change), the street-survey places, the local PMTiles basemap with HTTP ranges,
and the map page's filter choices and content security policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client

from camwatch.registry import models as m
from camwatch.sightings import mapindex
from camwatch.sightings.mapconfig import basemap_kind
from camwatch.sightings.models import Sighting, Status

pytestmark = pytest.mark.django_db
CAMBRIDGE = "0.10,52.19,0.14,52.22"
CLUSTERS = "/api/v1/sightings/clusters"


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    """Each test starts with no index in this process, as a new worker would."""
    mapindex._loaded = None
    mapindex._checked = -float("inf")
    yield
    mapindex._loaded = None


def _sighting(lat: float, lon: float, **fields: Any) -> Sighting:
    return Sighting.objects.create(
        latitude=lat, longitude=lon, status=fields.pop("status", Status.VERIFIED), **fields
    )


@pytest.fixture
def cameras() -> dict[str, Sighting]:
    hikvision = m.Vendor.objects.get(slug="hikvision")
    axis = m.Vendor.objects.get(slug="axis")
    council = m.PublicBody.objects.get(slug="cambridge")
    return {
        "hik": _sighting(
            52.2054, 0.1190, vendor=hikvision, operator_body=council, camera_type="dome"
        ),
        "axis": _sighting(52.2068, 0.1205, vendor=axis, operator_name="A shop"),
        "unknown": _sighting(52.2040, 0.1235, camera_type="anpr"),
        "pending": _sighting(52.2030, 0.1200, vendor=hikvision, status=Status.PENDING),
        "rejected": _sighting(52.2031, 0.1201, vendor=hikvision, status=Status.REJECTED),
    }


def _ids(client: Client, **params: Any) -> set[int]:
    response = client.get(CLUSTERS, {"bbox": CAMBRIDGE, "zoom": 17, **params})
    assert response.status_code == 200, response.content
    return {f["properties"]["id"] for f in response.json()["features"]}


def test_clusters_show_verified_cameras_coloured_by_concern(cameras: dict) -> None:
    client = Client()
    body = client.get(CLUSTERS, {"bbox": CAMBRIDGE, "zoom": 17}).json()
    assert body["total"] == 3
    by_id = {f["properties"]["id"]: f for f in body["features"]}
    assert set(by_id) == {cameras[k].pk for k in ("hik", "axis", "unknown")}
    assert by_id[cameras["hik"].pk]["properties"]["concern"] == 1
    assert by_id[cameras["axis"].pk]["properties"]["concern"] == 0
    assert by_id[cameras["hik"].pk]["geometry"]["coordinates"] == [0.119, 52.2054]
    # Zoomed out, the three are one cluster, one of them of concern.
    far = client.get(CLUSTERS, {"bbox": "-8,49,2,61", "zoom": 5}).json()
    assert [(f["properties"]["count"], f["properties"]["concern"]) for f in far["features"]] == [
        (3, 1)
    ]


def test_each_filter_narrows_the_clusters(cameras: dict) -> None:
    client = Client()
    assert _ids(client, vendor="hikvision") == {cameras["hik"].pk}
    assert _ids(client, operator="cambridge") == {cameras["hik"].pk}
    assert _ids(client, operator="unknown") == {cameras["unknown"].pk}
    assert _ids(client, camera_type="anpr") == {cameras["unknown"].pk}
    assert _ids(client, concern="true") == {cameras["hik"].pk}
    assert _ids(client, vendor="axis", concern="true") == set()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox": "1,2,3"}, "bbox must be four numbers"),
        ({"bbox": "3,50,1,52"}, "bbox must be west,south,east,north"),
        ({"zoom": 40}, "zoom must be 0..24"),
        ({"vendor": "acme"}, "vendor 'acme' is not known"),
        ({"operator": "nobody"}, "operator 'nobody' is not known"),
        ({"camera_type": "laser"}, "camera_type must be one of"),
        ({"bbox": "-180,-85,180,85", "zoom": 12}, "cells at this zoom"),
    ],
)
def test_bad_requests_say_what_is_wrong(cameras: dict, params: dict, message: str) -> None:
    response = Client().get(CLUSTERS, {"bbox": CAMBRIDGE, "zoom": 10, **params})
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_only_reviewers_see_sightings_awaiting_review(cameras: dict) -> None:
    anonymous = Client()
    assert (
        anonymous.get(CLUSTERS, {"bbox": CAMBRIDGE, "zoom": 17, "pending": "true"}).status_code
        == 403
    )
    reviewer = User.objects.create_user("rev", password="pw-123456789")
    reviewer.user_permissions.add(Permission.objects.get(codename="review_sighting"))
    client = Client()
    client.force_login(reviewer)
    shown = _ids(client, pending="true")
    assert cameras["pending"].pk in shown
    assert cameras["rejected"].pk not in shown
    assert "Include sightings awaiting review" in client.get("/map/").content.decode()
    assert "Include sightings awaiting review" not in anonymous.get("/map/").content.decode()


def test_the_index_follows_every_write(cameras: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    assert len(_ids(client)) == 3
    built = mapindex.current().built
    added = _sighting(52.2050, 0.1210)
    assert added.pk in _ids(client)
    cameras["pending"].status = Status.VERIFIED
    cameras["pending"].save()
    assert cameras["pending"].pk in _ids(client)
    cameras["axis"].delete()  # history records the deletion too
    assert cameras["axis"].pk not in _ids(client)
    cameras["hik"].latitude = 52.2100
    cameras["hik"].save()
    moved = Client().get(CLUSTERS, {"bbox": "0.10,52.209,0.14,52.211", "zoom": 17}).json()
    assert [f["properties"]["id"] for f in moved["features"]] == [cameras["hik"].pk]
    # Each write was merged into the index, not built again from every sighting.
    assert mapindex.current().built == built
    # A row gone without history (raw SQL, a restore), beyond the window of recent history
    # merged again, is noticed by the count, and the index is built afresh.
    monkeypatch.setattr(mapindex, "REVISION_WINDOW", 0)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sightings_sighting WHERE id = %s", [cameras["unknown"].pk])
    later = _sighting(52.2052, 0.1212)
    shown = _ids(client)
    assert later.pk in shown
    assert cameras["unknown"].pk not in shown
    assert mapindex.current().built != built
    first = mapindex.current()
    assert mapindex.current() is first  # no write, no rebuild


def test_a_worker_looks_for_new_sightings_once_per_interval(
    cameras: dict, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """During a burst of contributions each worker merges them in once per interval."""
    settings.CAMWATCH_MAP_REFRESH_SECONDS = 5
    now = [1000.0]
    monkeypatch.setattr(mapindex, "clock", lambda: now[0])
    client = Client()
    before = _ids(client)
    added = _sighting(52.2050, 0.1210)
    now[0] += 4.9
    assert _ids(client) == before  # within the interval: the index as it was
    now[0] += 0.2
    assert _ids(client) == before | {added.pk}  # the interval is over: merged in
    settings.CAMWATCH_MAP_REFRESH_SECONDS = 0
    another = _sighting(52.2051, 0.1211)
    assert another.pk in _ids(client)  # 0: every request looks


def test_the_map_page_offers_only_choices_that_have_sightings(cameras: dict) -> None:
    page = Client().get("/map/").content.decode()
    assert '<option value="hikvision"' in page
    assert '<option value="axis"' in page
    assert '<option value="dahua"' not in page
    assert '<option value="cambridge"' in page
    assert 'id="map-config"' in page


def test_survey_places_are_geojson_with_their_method_and_source() -> None:
    body = Client().get("/locations.geojson").json()
    names = {f["properties"]["name"] for f in body["features"]}
    assert len(names) == 22
    sidney = next(f for f in body["features"] if f["properties"]["name"] == "Sidney Street")
    assert sidney["properties"]["count"] == 2
    assert "derived" in sidney["properties"]["coordinates_method"]
    assert sidney["properties"]["source"] == "sonification-2023-3c-652-devices"
    lon, lat = sidney["geometry"]["coordinates"]
    assert 0.10 < lon < 0.14
    assert 52.19 < lat < 52.22


@pytest.mark.parametrize(
    ("setting", "kind"),
    [
        ("", "boundaries"),
        ("/srv/uk.pmtiles", "pmtiles"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "raster"),
        ("https://tiles.example.org/style.json", "style"),
        ("https://tiles.example.org/uk.pmtiles", "style"),
    ],
)
def test_the_basemap_setting_is_read_by_its_form(setting: str, kind: str) -> None:
    assert basemap_kind(setting) == kind


def test_a_local_pmtiles_basemap_is_served_in_ranges(tmp_path: Path, settings: Any) -> None:
    archive = tmp_path / "base.pmtiles"
    archive.write_bytes(bytes(range(256)) * 4)
    client = Client()
    assert client.get("/map/basemap.pmtiles").status_code == 404  # none configured
    settings.CAMWATCH_MAP_BASEMAP = str(archive)
    part = client.get("/map/basemap.pmtiles", HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206
    assert part.content == bytes(range(10, 20))
    assert part["Content-Range"] == "bytes 10-19/1024"
    tail = client.get("/map/basemap.pmtiles", HTTP_RANGE="bytes=-4")
    assert tail.content == bytes([252, 253, 254, 255])
    assert client.get("/map/basemap.pmtiles", HTTP_RANGE="bytes=2000-").status_code == 416
    whole = client.get("/map/basemap.pmtiles")
    assert b"".join(whole.streaming_content) == archive.read_bytes()
    page = client.get("/map/").content.decode()
    assert '"kind": "pmtiles"' in page


def test_an_outside_basemap_is_allowed_by_the_page_policy_only(settings: Any) -> None:
    settings.CAMWATCH_MAP_BASEMAP = "https://tiles.example.org/{z}/{x}/{y}.png"
    client = Client()
    policy = client.get("/map/")["Content-Security-Policy"]
    assert "https://tiles.example.org" in policy
    assert "tiles.example.org" not in client.get("/about/")["Content-Security-Policy"]


def test_filter_views_are_kept_within_the_point_budget(cameras: dict, settings: Any) -> None:
    settings.CAMWATCH_MAP_CACHED_POINTS = 4  # the public view (3) and one camera more
    client = Client()
    for vendor in ("hikvision", "axis"):
        _ids(client, vendor=vendor)
    views = mapindex.current().views
    assert mapindex.PUBLIC in views  # never dropped
    assert [f.vendor for f in views if f != mapindex.PUBLIC] == ["axis"]
    assert _ids(client, vendor="hikvision") == {cameras["hik"].pk}  # made again when asked


def test_a_write_committed_late_with_a_lower_history_id_is_merged(cameras: dict) -> None:
    client = Client()
    assert cameras["pending"].pk not in _ids(client)
    loaded = mapindex.current()
    cameras["pending"].status = Status.VERIFIED
    cameras["pending"].save()
    # As if a later write had been merged while this transaction was still open: the
    # index's revision is already past this write's history id.
    loaded.revision = cameras["pending"].history.latest("history_id").history_id
    assert cameras["pending"].pk not in _ids(client)  # nothing new committed since
    _sighting(52.2049, 0.1209)  # the next write brings it in with the recent window
    assert cameras["pending"].pk in _ids(client)
