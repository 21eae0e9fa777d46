"""Property tests for importing disclosures (findings/disclosures.py, CSV or JSON) and for
the data files the loader reads (registry/loader/, YAML). Whatever a file holds, the import
either succeeds or raises DataFileErrors naming the file (and the line and field where
there is one), and a failed import changes nothing in the database; a good file imported
twice gives the same rows (docs/security.md, docs/data.md)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.conftest import snapshot

from camwatch.findings.disclosures import DisclosureRow, import_disclosures
from camwatch.registry.loader import DataFileErrors
from camwatch.registry.loader.bundle import read_bundle
from camwatch.registry.loader.run import bundled_data_dir, load_data

# How many examples each property tries: each one imports through the database.
MAX_EXAMPLES = 20
YAML_EXAMPLES = 150  # reading and checking only, no database

FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

COLUMNS = list(DisclosureRow.model_fields)
# Names as people write them, and the record each resolves to in the bundled data.
BODIES = {"camden": "camden", "Camden Council": "camden", "E09000007": "camden",
          "Thurrock": "thurrock", "E06000034": "thurrock", "leeds": "leeds",
          "Belfast Council": "belfast", "city-of-edinburgh": "city-of-edinburgh"}  # fmt: skip
VENDORS = {"": "", "hikvision": "hikvision", "HIK Vision": "hikvision", "Dahua": "dahua",
           "axis": "axis", "bosch": "bosch"}  # fmt: skip
DEVICE_TYPES = {"": "", "camera": "camera", "cameras": "camera", "PTZ camera": "ptz-camera",
                "nvr": "nvr", "dome camera": "dome-camera"}  # fmt: skip
SOURCE_KEY = "top10vpn-uk-video-surveillance-2021"

TEXT = st.text(
    st.characters(categories=("L", "N", "P", "Zs", "S"), include_characters="\n"), max_size=40
).map(str.strip)
TITLE = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=10) | TEXT.filter(bool)
AS_OF = st.builds(
    lambda day, cut: day.isoformat()[:cut],
    st.dates(min_value=dt.date(2000, 1, 1)),
    st.sampled_from([4, 7, 10]),
)


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    """One good disclosure, in the columns' own terms."""
    row: dict[str, Any] = {
        "body": draw(st.sampled_from(sorted(BODIES))),
        "vendor": draw(st.sampled_from(sorted(VENDORS))),
        "device_type": draw(st.sampled_from(sorted(DEVICE_TYPES))),
        "as_of": draw(AS_OF),
        "scope_kind": draw(st.sampled_from(["whole_body", "town", "site", "system"])),
        "scope_name": draw(TEXT),
        "status": draw(st.sampled_from(["in_use", "past", "planned"])),
        "confidence": draw(st.sampled_from(["high", "medium", "low"])),
        "quote": draw(TEXT),
        "locator": draw(TEXT),
        "notes": draw(TEXT),
    }
    count = draw(st.none() | st.integers(0, 10**6))
    if count is not None:
        row["count"] = count
        row["count_qualifier"] = draw(st.sampled_from(["exact", "at_least", "approximately"]))
    if draw(st.booleans()):
        row["source_key"] = SOURCE_KEY
    else:
        row["source_title"] = draw(TITLE)
        row["source_url"] = draw(st.sampled_from(["", "https://council.example/foi/1"]))
        row["source_published"] = draw(st.sampled_from(["", "2024", "2023-06"]))
    return row


def _identity(row: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two rows one holding (disclosures._holding's key)."""
    source = row.get("source_key") or (row.get("source_title"), row.get("source_url"))
    return (
        BODIES[row["body"]], VENDORS[row["vendor"]], DEVICE_TYPES[row["device_type"]],
        row["as_of"], row["scope_kind"], row["scope_name"], source,
    )  # fmt: skip


ROWS = st.lists(rows(), min_size=1, max_size=5, unique_by=_identity)


def as_csv(items: list[dict[str, Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(items)
    return out.getvalue().encode()


def as_json(items: list[dict[str, Any]]) -> bytes:
    return json.dumps({"disclosures": items}, ensure_ascii=False).encode()


FORMATS: dict[str, Callable[[list[dict[str, Any]]], bytes]] = {".csv": as_csv, ".json": as_json}


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """Each example's writes undone, so that examples do not meet."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def import_or_refuse(path: Path) -> bool:
    """Import `path`: True if it was imported; False if refused with DataFileErrors that
    name the file, in which case nothing in the database changed."""
    before = snapshot()
    try:
        import_disclosures(path)
    except DataFileErrors as raised:
        errors = raised.errors
    else:
        return True
    assert errors
    for error in errors:
        assert error.path == path
        assert str(error).startswith(str(path))
        assert error.message
        assert error.line is not None or error.field is None  # a field comes with its line
    assert snapshot() == before
    return False


@pytest.mark.django_db
@FUZZ
@given(items=ROWS, suffix=st.sampled_from(sorted(FORMATS)))
def test_a_good_file_imports_and_a_second_import_changes_nothing(
    tmp_path: Path, items: list[dict[str, Any]], suffix: str
) -> None:
    path = tmp_path / f"disclosures{suffix}"
    path.write_bytes(FORMATS[suffix](items))
    with rolled_back():
        before = snapshot()
        dry = import_disclosures(path, dry_run=True)
        assert snapshot() == before  # a dry run writes nothing
        first = import_disclosures(path)
        assert first.as_dict() == dry.as_dict()
        assert first.created["holdings"] == len(items)
        after = snapshot()
        again = import_disclosures(path)
        assert again.changes == 0
        assert snapshot() == after


# Values a person might put in a cell by mistake.
BAD_CELLS = st.sampled_from(
    ["", " ", "-1", "1.5", "lots", "June 2024", "2023-13", "2023-02-30", "0000", "2024-1",
     "Camdem", "Durham", "x" * 600, "\x00", "=HYPERLINK()", "https://", "not a url", "\ufeff",
     "\ud7ff", "1e400", "NaN", "null", "[]", "{}", "exact", "at_least", "whole_body"]
) | st.text(max_size=20)  # fmt: skip
JUNK = st.binary(max_size=20) | st.sampled_from(
    [b"\xff", b"\xc3", b"\x00", b'"', b",", b"\r\n", b"\n\n", b"\xef\xbb\xbf", b"\\", b"{", b"]"]
)


def _set_cell(items: list[dict[str, Any]], at: int, column: str, value: Any) -> None:
    items[at % len(items)][column] = value


@st.composite
def broken_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A good file, then cells set to mistakes, columns renamed, bytes cut or spliced."""
    items = draw(ROWS)
    suffix = draw(st.sampled_from(sorted(FORMATS)))
    for _ in range(draw(st.integers(0, 3))):
        column = draw(st.sampled_from([*COLUMNS, "colour", "Body", " body"]))
        value = draw(BAD_CELLS | st.integers() | st.none() | st.booleans())
        _set_cell(
            items, draw(st.integers(0, 4)), column, value if suffix == ".json" else str(value)
        )
    if suffix == ".csv":
        extra = sorted({k for item in items for k in item} - set(COLUMNS))
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=[*COLUMNS, *extra], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(items)
        raw = out.getvalue().encode()
    else:
        raw = as_json(items)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(raw)))
        how = draw(st.sampled_from(["cut", "splice", "delete"]))
        if how == "cut":
            raw = raw[:at]
        elif how == "splice":
            raw = raw[:at] + draw(JUNK) + raw[at:]
        else:
            raw = raw[:at] + raw[at + draw(st.integers(1, 50)) :]
    return suffix, raw


@pytest.mark.django_db
@FUZZ
@given(broken=broken_files())
def test_a_broken_file_is_refused_naming_it_and_changes_nothing(
    tmp_path: Path, broken: tuple[str, bytes]
) -> None:
    suffix, raw = broken
    path = tmp_path / f"disclosures{suffix}"
    path.write_bytes(raw)
    with rolled_back():
        import_or_refuse(path)


@pytest.mark.django_db
@FUZZ
@given(raw=st.binary(max_size=500), suffix=st.sampled_from([".csv", ".json", ".txt"]))
# Regressions: bytes that are not UTF-8; a cell over the csv module's field limit; JSON
# nested past the recursion limit; a number past int()'s 4,300 digits.
@example(raw=b"body,as_of\nCamden\xe9,2024\n", suffix=".csv")
@example(raw=b"body,as_of\n" + b"x" * 140_000 + b",2024\n", suffix=".csv")
@example(raw=b"[" * 100_000 + b"]" * 100_000, suffix=".json")
@example(
    raw=b'[{"body": "camden", "as_of": "2024", "count": ' + b"9" * 5000 + b"}]", suffix=".json"
)
@example(raw=b"", suffix=".csv")
@example(raw=b"\xef\xbb\xbf", suffix=".json")
@example(raw=b"body,as_of,scope_name,source_title\ncamden,2024,a\x00b,X\n", suffix=".csv")
def test_arbitrary_bytes_are_imported_or_refused(tmp_path: Path, raw: bytes, suffix: str) -> None:
    path = tmp_path / f"disclosures{suffix}"
    path.write_bytes(raw)
    with rolled_back():
        import_or_refuse(path)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT | BAD_CELLS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from([*COLUMNS, "disclosures", "x"]), inner, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.django_db
@FUZZ
@given(value=JSON | st.lists(st.fixed_dictionaries({"body": st.just("camden")}, optional={
    c: JSON for c in COLUMNS if c != "body"}), max_size=3))  # fmt: skip
def test_any_json_value_is_imported_or_refused(tmp_path: Path, value: Any) -> None:
    path = tmp_path / "disclosures.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    with rolled_back():
        import_or_refuse(path)


# The loader's YAML data files (`camwatch load-data`): read and checked before anything is
# written, and written in one transaction, so a broken file never changes the database.
# The sample is a bundled file of holdings, which cite bundled sources and name bundled
# bodies, vendors and device types.


SAMPLE = (bundled_data_dir() / "facts" / "reported.yaml").read_text(encoding="utf-8")
YAML_TAILS = st.sampled_from(
    ["", "bodies: 3\n", "nonsense:\n  - a\n", "sources: [{key: x}]\n", "\t\x00", "&a [*a]\n",
     "? [a]\n: b\n", "x: !!binary ZZZ\n", "  - key: k\n    as_of: 2023-02-30\n", "'open\n",
     '  - {key: k, body: "\\0", as_of: 2024, method: foi_response, confidence: low,\n'
     "     sources: [{source: sonification-2023-3c-652-devices}]}\n"]
)  # fmt: skip
EDITS = st.lists(
    st.tuples(st.integers(0, len(SAMPLE)), st.integers(0, 30), st.text(max_size=12)),
    max_size=4,
)


def _edited(edits: list[tuple[int, int, str]], tail: str) -> str:
    text = SAMPLE
    for at, length, insert in edits:
        text = text[:at] + insert + text[at + length :]
    return text + tail


@pytest.mark.nodb
@settings(max_examples=YAML_EXAMPLES, deadline=None)
@given(edits=EDITS, tail=YAML_TAILS)
@example(edits=[], tail="? [a]\n: b\n")  # a list as a key: was a TypeError
def test_a_mutated_data_file_is_read_or_refused_naming_it(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[int, int, str]], tail: str
) -> None:
    folder = tmp_path_factory.mktemp("data")
    path = folder / "reported.yaml"
    path.write_text(_edited(edits, tail), encoding="utf-8", errors="surrogatepass")
    try:
        bundle = read_bundle(folder, 1_000_000)
    except DataFileErrors as raised:
        errors = raised.errors
    else:
        assert all(entry.path == path and entry.line >= 1 for entry in bundle.holdings)
        if not edits and not tail:  # the sample as it is: real records, all read
            assert len(bundle.holdings) == SAMPLE.count("\n  - key: ") == 2
        return
    assert errors
    assert all(error.path in (path, folder) and str(error) for error in errors)


@pytest.mark.django_db
@FUZZ
@given(edits=EDITS, tail=YAML_TAILS)
@example(edits=[], tail="")
def test_a_mutated_data_file_loads_twice_the_same_or_changes_nothing(
    tmp_path_factory: pytest.TempPathFactory,
    edits: list[tuple[int, int, str]],
    tail: str,
) -> None:
    folder = tmp_path_factory.mktemp("data")
    path = folder / "reported.yaml"
    path.write_text(_edited(edits, tail), encoding="utf-8", errors="surrogatepass")
    with rolled_back():
        before = snapshot()
        try:
            load_data(folder)
        except DataFileErrors as raised:
            errors = raised.errors
        else:
            after = snapshot()
            assert load_data(folder).changes == 0
            assert snapshot() == after
            return
        assert errors
        assert all(error.path in (path, folder) and str(error) for error in errors)
        assert snapshot() == before
