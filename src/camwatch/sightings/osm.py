"""OpenStreetMap in and out. Pure: no Django.

Reads `.osm` XML (streamed with defusedxml), `.osm.pbf` (osmium) and Overpass JSON, and
yields the surveillance cameras (`man_made=surveillance` nodes) and the surveillance
warning signs in them. Writes GeoJSON and osmChange. The tag mapping is data
(data/rules/osm.yaml); tags it does not map are kept and written back unchanged, so a
round trip preserves every tag.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

import yaml
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

DATA = Path(__file__).resolve().parent.parent / "data" / "rules" / "osm.yaml"
COMPASS = {
    name: index * 22.5
    for index, name in enumerate(
        "N NNE NE ENE E ESE SE SSE S SSW SW WSW W WNW NW NNW".split()  # noqa: SIM905
    )
}


class OsmError(ValueError):
    """A file that cannot be read as OSM data, naming the file and where."""


@dataclass
class Node:
    id: int
    lat: float
    lon: float
    tags: dict[str, str]
    version: int | None = None

    @property
    def is_camera(self) -> bool:
        return self.tags.get("man_made") == "surveillance"

    @property
    def is_sign(self) -> bool:
        return is_sign(self.tags)


@dataclass
class CameraFields:
    """What camwatch reads from a camera's tags; `tags` keeps them all."""

    camera_type: str = "unknown"
    mount: str = ""
    direction_text: str = ""
    direction_deg: float | None = None
    height_m: float | None = None
    operator: str = ""
    manufacturer: str = ""
    brand: str = ""
    model: str = ""
    street: str = ""
    area: str = ""
    tags: dict[str, str] = field(default_factory=dict)


@cache
def mapping() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return loaded


@cache
def _sign_rule() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """Compiled once: is_sign runs on every tagged node of an extract."""
    rules = mapping()
    return re.compile(rules["sign_pattern"], re.IGNORECASE), tuple(rules["sign_keys"])


def is_sign(tags: dict[str, str]) -> bool:
    pattern, keys = _sign_rule()
    return any(
        (key in keys or key.split(":")[0] in keys or key.rsplit(":", 1)[0] in keys)
        and pattern.search(value)
        for key, value in tags.items()
    )


def direction_degrees(text: str) -> float | None:
    """The first direction of "90", "NE", "90;180" or the clockwise range "W-E" (its
    middle), in degrees from north; None when the value is not one."""
    first = text.split(";")[0].strip().upper()
    if "-" in first[1:]:
        start, end = (direction_degrees(part) for part in first.split("-", 1))
        if start is None or end is None:
            return None
        return ((start + ((end - start) % 360) / 2) % 360) if end != start else start
    if first in COMPASS:
        return COMPASS[first]
    try:
        value = float(first)
    except ValueError:
        return None
    return value % 360 if math.isfinite(value) and value >= 0 else None


def _number(text: str) -> float | None:
    found = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(?:m)?\s*$", text)
    return float(found.group(1)) if found else None


def read_fields(tags: dict[str, str]) -> CameraFields:
    rules = mapping()
    out = CameraFields(tags=dict(tags))
    for camera_type, keys in rules["camera_type"].items():
        if any(tags.get(key) in values for key, values in keys.items()):
            out.camera_type = camera_type
            break
    mount = tags.get("camera:mount", "")
    out.mount = mount
    for name, keys in rules["fields"].items():
        value = next((tags[key] for key in keys if tags.get(key)), "")
        if name == "direction":
            out.direction_text, out.direction_deg = value, direction_degrees(value)
        elif name == "height":
            out.height_m = _number(value)
        else:
            setattr(out, name, value)
    return out


def write_tags(fields: CameraFields) -> dict[str, str]:
    """The tags for a camera: its original tags, with every field that differs from what
    those tags say written over them in OSM's own form. An unchanged field writes nothing,
    so an import followed by an export gives back the tags exactly."""
    rules = mapping()
    tags = {**fields.tags, "man_made": "surveillance"}
    if not fields.tags:  # a new camera, not one read from OSM
        tags["surveillance:type"] = "camera"
    before = read_fields(tags)
    if fields.camera_type != before.camera_type and fields.camera_type in rules["camera_type"]:
        for key, values in rules["camera_type"][fields.camera_type].items():
            tags[key] = values[0]
    if fields.mount != before.mount and fields.mount:
        tags["camera:mount"] = fields.mount
    if fields.direction_text != before.direction_text and fields.direction_text:
        tags["camera:direction"] = fields.direction_text
    if fields.height_m != before.height_m and fields.height_m is not None:
        tags["height"] = f"{fields.height_m:g}"
    for name in ("operator", "manufacturer", "brand", "model"):
        value = getattr(fields, name)
        if value != getattr(before, name) and value:
            tags[name] = value
    return tags


def detect_format(head: bytes) -> str:
    """osm (XML), pbf or overpass (JSON), from the file's first bytes."""
    stripped = head.lstrip()
    if stripped.startswith(b"{"):
        return "overpass"
    if stripped.startswith((b"<?xml", b"<osm")):
        return "osm"
    if b"OSMHeader" in head[:64]:
        return "pbf"
    raise OsmError("not OSM XML, PBF or Overpass JSON")


def read_nodes(path: Path, fmt: str | None = None) -> Iterator[Node]:
    """Every camera and sign node in the file, streamed."""
    with path.open("rb") as handle:
        fmt = fmt or detect_format(handle.read(256))
    readers = {"osm": _read_xml, "pbf": _read_pbf, "overpass": _read_overpass}
    if fmt not in readers:
        raise OsmError(f"{path.name}: unknown format {fmt!r} (use osm, pbf or overpass)")
    for node in readers[fmt](path):
        if node.is_camera or node.is_sign:
            yield node


def _read_xml(path: Path) -> Iterator[Node]:
    node: Node | None = None
    try:
        for event, element in iterparse(str(path), events=("start", "end")):
            if event == "start" and element.tag == "node":
                node = _xml_node(path, element)
            elif event == "start" and element.tag == "tag" and node is not None:
                node.tags[element.get("k", "")] = element.get("v", "")
            elif event == "end" and element.tag == "node":
                if node is not None:
                    yield node
                node = None
                element.clear()
            elif event == "end" and element.tag in ("way", "relation"):
                element.clear()
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise OsmError(f"{path.name}, line {line}, column {column}: {error.msg}") from error
    except DefusedXmlException as error:
        raise OsmError(f"{path.name}: refused ({error})") from error


def _xml_node(path: Path, element: Any) -> Node:
    try:
        version = element.get("version")
        return Node(
            int(element.get("id")),
            float(element.get("lat")),
            float(element.get("lon")),
            {},
            int(version) if version else None,
        )
    except (TypeError, ValueError) as error:
        raise OsmError(
            f"{path.name}: node {element.get('id')!r} has no valid id, lat or lon"
        ) from error


def _read_pbf(path: Path) -> Iterator[Node]:
    import osmium

    try:
        # Every tagged node: sign keys come numbered (traffic_sign:2), which a key filter
        # cannot match; read_nodes keeps only cameras and signs.
        processor = osmium.FileProcessor(str(path), osmium.osm.NODE)
        for item in processor:
            if not isinstance(item, osmium.osm.Node) or not len(item.tags):
                continue
            tags = {tag.k: tag.v for tag in item.tags}
            lat, lon = item.location.lat, item.location.lon
            yield Node(item.id, lat, lon, tags, item.version or None)
    except RuntimeError as error:
        raise OsmError(f"{path.name}: not a readable OSM PBF file ({error})") from error


def _read_overpass(path: Path) -> Iterator[Node]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        where = f", line {error.lineno}" if isinstance(error, json.JSONDecodeError) else ""
        raise OsmError(f"{path.name}{where}: not valid JSON ({error})") from error
    elements = data.get("elements") if isinstance(data, dict) else None
    if not isinstance(elements, list):
        raise OsmError(f'{path.name}: no "elements" list: not an Overpass JSON answer')
    for index, element in enumerate(elements):
        if not isinstance(element, dict) or element.get("type") != "node":
            continue
        try:
            tags = {str(k): str(v) for k, v in (element.get("tags") or {}).items()}
            version = element.get("version")
            yield Node(int(element["id"]), float(element["lat"]), float(element["lon"]), tags,
                       int(version) if version else None)  # fmt: skip
        except (KeyError, TypeError, ValueError) as error:
            raise OsmError(
                f"{path.name}: element {index} is a node without id, lat or lon"
            ) from error


def geojson(features: Iterable[tuple[float, float, dict[str, Any]]]) -> dict[str, Any]:
    """A FeatureCollection of points from (lon, lat, properties)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": properties,
            }
            for lon, lat, properties in features
        ],
    }


@dataclass(frozen=True)
class Change:
    """One node for an osmChange file: new (osm_id None) or a modified existing node."""

    lat: float
    lon: float
    tags: dict[str, str]
    osm_id: int | None = None
    version: int | None = None


def write_osmchange(changes: Iterable[Change], out: IO[str]) -> int:
    """osmChange 0.6 XML a contributor can upload with JOSM or the OSM API: new nodes get
    negative placeholder ids in <create>, changed ones keep id and version in <modify>."""
    create: list[Change] = []
    modify: list[Change] = []
    for change in changes:
        if change.osm_id is not None and change.version is None:
            continue  # without its version a modify cannot be checked against OSM: skipped
        (create if change.osm_id is None else modify).append(change)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<osmChange version="0.6" generator="camwatch">\n')
    for section, items in (("create", create), ("modify", modify)):
        if not items:
            continue
        out.write(f"  <{section}>\n")
        for number, change in enumerate(items, start=1):
            out.write(_node_xml(change, -number))
        out.write(f"  </{section}>\n")
    out.write("</osmChange>\n")
    return len(create) + len(modify)


def _node_xml(change: Change, placeholder: int) -> str:
    node_id = change.osm_id if change.osm_id is not None else placeholder
    version = change.version if change.osm_id is not None else 0
    head = (f'    <node id="{node_id}" version="{version}" changeset="-1" '
            f'lat="{change.lat:.7f}" lon="{change.lon:.7f}">\n')  # fmt: skip
    tags = "".join(
        f"      <tag k={quoteattr(k)} v={quoteattr(v)}/>\n" for k, v in sorted(change.tags.items())
    )
    return head + tags + "    </node>\n"
