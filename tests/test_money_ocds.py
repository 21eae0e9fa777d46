"""Reading OCDS 1.1 files (camwatch.money.ocds): every shape, merging, errors and limits.
No Django, no database."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import gzip
import itertools
import json
import subprocess
import sys
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.money_fixtures import OCID_PREFIX, write_ocds_package

from camwatch.money import ocds
from camwatch.money.ocds import Notice, OcdsError, Party, merge_releases, read_notices
from camwatch.registry.loader.errors import DataFileError

DATA = Path(__file__).parent / "data" / "money"
LIMIT = 10_000_000
HF = "ocds-b5fd17-2f0c6a5e-1f3b-4a0e-9d2b-0c1e5a7d9b11"


def _read(path: Path, **options: Any) -> list[Notice]:
    return list(read_notices(path, max_bytes=options.pop("max_bytes", LIMIT), **options))


def _package() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "release-package.json").read_text("utf-8"))
    return loaded


def _write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def _release(**fields: Any) -> dict[str, Any]:
    release: dict[str, Any] = {"ocid": "ocds-test-1", "id": "1", "date": "2020-01-01T00:00:00Z"}
    release.update(fields)
    return release


# -- release packages ----------------------------------------------------------------------


def test_a_release_package_gives_one_notice_per_release() -> None:
    notices = _read(DATA / "release-package.json")
    assert [n.position for n in notices] == [f"release {i}" for i in range(1, 6)]
    assert [n.ocid for n in notices].count(HF) == 2


def test_the_surveillance_contract_reads_in_full() -> None:
    merged = {n.ocid: n for n in merge_releases(_read(DATA / "release-package.json"))}
    notice = merged[HF]
    assert notice.buyer == Party("GB-CFS-1001", "Hammersmith and Fulham Council", ("buyer",), "")
    assert notice.suppliers == (
        Party("GB-COH-01234567", "Chroma Vision Limited", ("supplier",), "GB-COH-01234567"),
    )
    assert (notice.value, notice.currency) == (Decimal("492000"), "GBP")
    assert (notice.start, notice.end) == (datetime.date(2015, 4, 1), datetime.date(2020, 3, 31))
    assert notice.cpv_codes == ("32323500", "50343000")
    assert notice.title == "Public space CCTV maintenance and upgrade"
    assert notice.reference == "HF-CCTV-2015"
    assert notice.tags == ("tender", "award", "contract")
    assert notice.date == datetime.date(2015, 3, 20)
    assert notice.release_id == f"{HF}-award"
    assert notice.position == "release 1, release 4"


def test_decimal_amounts_stay_exact() -> None:
    cleaning = next(n for n in _read(DATA / "release-package.json") if n.position == "release 2")
    assert cleaning.value == Decimal("18250.5")
    assert isinstance(cleaning.value, Decimal)


def test_the_tender_value_is_the_last_resort(tmp_path: Path) -> None:
    tender = {"id": "T", "value": {"amount": 10, "currency": "EUR"}}
    awards = [{"id": "A", "value": {"amount": 9, "currency": "GBP"}}]
    contracts = [{"id": "C", "value": {"amount": 8, "currency": "USD"}}]
    cases = [
        ({"tender": tender}, (Decimal(10), "EUR"), "T"),
        ({"tender": tender, "awards": awards}, (Decimal(9), "GBP"), "T"),
        ({"awards": awards, "contracts": contracts}, (Decimal(8), "USD"), "C"),
    ]
    for fields, value, reference in cases:
        (notice,) = _read(_write(tmp_path / "one.json", [_release(**fields)]))
        assert ((notice.value, notice.currency), notice.reference) == (value, reference)


def test_parties_by_role_when_there_are_no_references(tmp_path: Path) -> None:
    parties = [
        {"id": "B", "name": "Camden Council", "roles": ["Buyer"]},
        {"id": "S1", "name": "One Ltd", "roles": ["supplier", "tenderer"]},
        {"id": "S2", "name": "Two Ltd", "roles": ["supplier"], "identifier": {"scheme": "GB-COH"}},
    ]
    (notice,) = _read(_write(tmp_path / "p.json", [_release(parties=parties)]))
    assert notice.buyer is not None
    assert notice.buyer.name == "Camden Council"
    assert [(s.name, s.identifier) for s in notice.suppliers] == [("One Ltd", ""), ("Two Ltd", "")]


def test_a_reference_to_no_party_keeps_its_name(tmp_path: Path) -> None:
    release = _release(
        buyer={"id": "X", "name": "Cambridge City Council"},
        awards=[{"id": "A", "suppliers": [{"name": "Chroma Vision Limited"}]}],
    )
    (notice,) = _read(_write(tmp_path / "r.json", [release]))
    assert notice.buyer == Party("X", "Cambridge City Council", (), "")
    assert notice.suppliers == (Party("", "Chroma Vision Limited", (), ""),)


def test_cpv_codes_come_from_every_classification(tmp_path: Path) -> None:
    item = {
        "classification": {"scheme": "cpv", "id": "45310000-3"},
        "additionalClassifications": [
            {"scheme": "CPV", "id": "32323500"},
            {"scheme": "UNSPSC", "id": "46171610"},
            {"scheme": "CPV", "id": "not a code"},
        ],
    }
    release = _release(
        tender={"classification": {"scheme": "CPV", "id": "35125300"}, "items": [item]},
        awards=[{"items": [{"classification": {"scheme": "CPV", "id": "32234000"}}]}],
        contracts=[{"items": [{"classification": {"scheme": "CPV", "id": "35125300-2"}}]}],
    )
    (notice,) = _read(_write(tmp_path / "cpv.json", [release]))
    assert notice.cpv_codes == ("35125300", "45310000", "32323500", "32234000")


def test_the_period_spans_every_lot(tmp_path: Path) -> None:
    lots = [
        {"period": {"startDate": "2021-02-01T00:00:00Z", "endDate": "2022-01-31T00:00:00Z"}},
        {"period": {"startDate": "2021-01-01", "endDate": "2024-12-31T23:59:59+01:00"}},
    ]
    (notice,) = _read(_write(tmp_path / "lots.json", [_release(contracts=lots)]))
    assert (notice.start, notice.end) == (datetime.date(2021, 1, 1), datetime.date(2024, 12, 31))


# -- record packages, arrays, JSON Lines, gzip -------------------------------------------


def test_a_record_package_uses_the_compiled_release() -> None:
    notices = _read(DATA / "record-package.json")
    assert [(n.ocid, n.position) for n in notices] == [
        ("ocds-h6vhtk-031a2b", "record 1"),
        ("ocds-h6vhtk-031c4d", "record 2, release 1"),
        ("ocds-h6vhtk-031c4d", "record 2, release 2"),
    ]
    compiled = notices[0]
    assert compiled.cpv_codes == ("35125300",)
    assert (compiled.value, compiled.currency) == (Decimal("131250.75"), "GBP")
    assert compiled.suppliers[0].identifier == "GB-COH-08123456"


def test_a_record_without_a_compiled_release_gives_its_releases_to_merge() -> None:
    merged = merge_releases(_read(DATA / "record-package.json"))
    leeds = merged[1]
    assert leeds.buyer is not None
    assert leeds.buyer.name == "Leeds City Council"
    assert leeds.suppliers[0].name == "Greenline Grounds Maintenance Ltd"
    assert (leeds.title, leeds.value, leeds.tags) == (
        "Grounds maintenance",
        Decimal(240000),
        ("tender", "award"),
    )


def test_a_bare_array_of_releases(tmp_path: Path) -> None:
    path = _write(tmp_path / "array.json", _package()["releases"])
    notices = _read(path)
    assert [n.position for n in notices] == [f"release {i}" for i in range(1, 6)]
    assert _same(notices, _read(DATA / "release-package.json"))


def test_a_single_release_on_its_own(tmp_path: Path) -> None:
    (notice,) = _read(_write(tmp_path / "one.json", _package()["releases"][0]))
    assert (notice.ocid, notice.position) == (HF, "release 1")


def _jsonl(releases: list[Any]) -> str:
    return "".join(json.dumps(release) + "\n" for release in releases)


@pytest.mark.parametrize("name", ["releases.jsonl", "releases.json", "releases.ndjson"])
def test_json_lines_one_release_a_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(_jsonl(_package()["releases"]) + "\n\n", encoding="utf-8")
    notices = _read(path)
    assert [n.position for n in notices] == [f"line {i}" for i in range(1, 6)]
    assert _same(notices, _read(DATA / "release-package.json"))


def test_json_lines_of_packages(tmp_path: Path) -> None:
    package = _package()
    records = json.loads((DATA / "record-package.json").read_text("utf-8"))
    path = tmp_path / "packages.jsonl"
    path.write_text(_jsonl([package, records]), encoding="utf-8")
    positions = [n.position for n in _read(path)]
    assert positions[:2] == ["line 1, release 1", "line 1, release 2"]
    assert positions[5:] == [
        "line 2, record 1",
        "line 2, record 2, release 1",
        "line 2, record 2, release 2",
    ]


def test_a_bad_json_line_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"ocid": "a", "id": "1"}\n\n{"ocid": "b", \n', encoding="utf-8")
    with pytest.raises(OcdsError, match="malformed JSON") as raised:
        _read(path)
    assert raised.value.line == 3
    assert str(raised.value).startswith(f"{path}:3: ")


@pytest.mark.parametrize(
    "source", ["release-package.json", "record-package.json", "array", "lines"]
)
def test_every_shape_reads_the_same_gzip_compressed(tmp_path: Path, source: str) -> None:
    if source == "array":
        raw = json.dumps(_package()["releases"]).encode()
    elif source == "lines":
        raw = _jsonl(_package()["releases"]).encode()
    else:
        raw = (DATA / source).read_bytes()
    plain = tmp_path / "plain.json"
    plain.write_bytes(raw)
    packed = tmp_path / "packed.json.gz"
    packed.write_bytes(gzip.compress(raw))
    (tmp_path / "packed.data").write_bytes(gzip.compress(raw))  # found by magic, not by name
    expected = _read(plain)
    assert expected
    assert _read(packed) == expected
    assert _read(tmp_path / "packed.data") == expected


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "release-package.json").read_bytes())
    assert len(_read(path)) == 5


def test_an_empty_package_has_no_notices(tmp_path: Path) -> None:
    assert _read(_write(tmp_path / "none.json", {"version": "1.1", "releases": []})) == []
    assert _read(_write(tmp_path / "none.json", {"records": []})) == []
    assert _read(_write(tmp_path / "none.json", [])) == []


def _same(first: list[Notice], second: list[Notice]) -> bool:
    def strip(notices: list[Notice]) -> list[Notice]:
        return [dataclasses.replace(n, position="") for n in notices]

    return strip(first) == strip(second)


# -- merging -------------------------------------------------------------------------------


def _notice(**fields: Any) -> Notice:
    base: dict[str, Any] = {
        "ocid": "o",
        "release_id": "r",
        "date": None,
        "tags": (),
        "title": "",
        "description": "",
        "buyer": None,
        "suppliers": (),
        "value": None,
        "currency": "",
        "start": None,
        "end": None,
        "cpv_codes": (),
        "reference": "",
        "position": "release 1",
    }
    base.update(fields)
    return Notice(**base)


def test_the_latest_release_wins_each_field_it_fills() -> None:
    one, two = Party("1", "One", ("supplier",), ""), Party("2", "Two", ("supplier",), "")
    award = _notice(
        release_id="award",
        date=datetime.date(2020, 5, 1),
        tags=("award",),
        value=Decimal(90),
        currency="GBP",
        suppliers=(one,),
        cpv_codes=("45310000",),
        position="release 7",
    )
    tender = _notice(
        release_id="tender",
        date=datetime.date(2020, 1, 1),
        tags=("tender",),
        title="CCTV",
        value=Decimal(100),
        currency="EUR",
        suppliers=(two, one),
        cpv_codes=("32323500",),
        reference="T-1",
        position="release 2",
    )
    (merged,) = merge_releases([award, tender])  # file order is not date order
    assert (merged.title, merged.reference) == ("CCTV", "T-1")
    assert (merged.value, merged.currency) == (Decimal(90), "GBP")  # a pair, from one release
    assert merged.suppliers == (two, one)
    assert merged.cpv_codes == ("32323500", "45310000")
    assert merged.tags == ("tender", "award")
    assert (merged.release_id, merged.date) == ("award", datetime.date(2020, 5, 1))
    assert merged.position == "release 7, release 2"


def test_an_amount_never_takes_another_release_s_currency() -> None:
    first = _notice(
        release_id="a", date=datetime.date(2020, 1, 1), value=Decimal(5), currency="EUR"
    )
    later = _notice(release_id="b", date=datetime.date(2021, 1, 1), currency="GBP")
    (merged,) = merge_releases([first, later])
    assert (merged.value, merged.currency) == (Decimal(5), "EUR")


def test_the_same_release_twice_counts_once() -> None:
    one = _notice(release_id="r1", title="first", date=datetime.date(2020, 1, 1))
    again = _notice(release_id="r1", title="changed", date=datetime.date(2021, 1, 1), position="x")
    (merged,) = merge_releases([one, again])
    assert merged == one


def test_merging_keeps_the_order_of_first_appearance() -> None:
    notices = [_notice(ocid=o, release_id=f"{o}{i}") for i, o in enumerate("bacab")]
    assert [n.ocid for n in merge_releases(notices)] == ["b", "a", "c"]


# -- the generated package -----------------------------------------------------------------


def test_the_generated_package_has_its_count_and_its_answer(tmp_path: Path) -> None:
    path = tmp_path / "notices.json"
    truth = write_ocds_package(path, count=400, seed=3)
    releases = json.loads(path.read_text("utf-8"))["releases"]
    notices = merge_releases(_read(path))
    assert len(notices) == 400 < len(releases)  # some notices came as two releases
    assert all(n.ocid.startswith(OCID_PREFIX) for n in notices)
    assert truth <= {n.ocid for n in notices}
    assert 0.02 < len(truth) / 400 < 0.12
    assert all(n.currency == "GBP" and n.value and n.suppliers for n in notices)
    buyers = {n.buyer.name for n in notices if n.buyer}
    assert {"Camden Council", "Huntingdonshire District Council"} <= buyers
    decoys = [n for n in notices if "CCTV" in n.description and n.ocid not in truth]
    assert decoys
    assert all(n.cpv_codes[0][:3] in {"909", "555"} for n in decoys)
    assert write_ocds_package(tmp_path / "again.json", count=400, seed=3) == truth


def test_memory_stays_flat_however_many_releases(tmp_path: Path) -> None:
    peaks = []
    for count in (200, 2000):
        path = tmp_path / f"n{count}.json"
        write_ocds_package(path, count=count)
        tracemalloc.start()
        try:
            assert sum(1 for _ in read_notices(path, max_bytes=LIMIT * 10)) > count
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < peaks[0] * 2  # ten times the releases, not ten times the memory


# -- bad releases --------------------------------------------------------------------------


def test_an_unknown_currency_names_the_file_the_release_and_the_field() -> None:
    path = DATA / "bad-currency.json"
    with pytest.raises(OcdsError) as raised:
        _read(path)
    error = raised.value
    assert error.path == path
    assert error.field == "awards[0].value.currency"
    assert error.record == "release 1, ocid ocds-b5fd17-0b1d2c3e-0000-4000-8000-00000000bad1"
    assert "unknown currency 'XYZ' (not an ISO 4217 code)" in str(error)


def test_bad_releases_can_be_collected_and_skipped() -> None:
    problems: list[DataFileError] = []
    notices = _read(DATA / "bad-currency.json", problems=problems)
    assert [n.ocid for n in notices] == ["ocds-b5fd17-0b1d2c3e-0000-4000-8000-00000000a0c2"]
    assert [p.field for p in problems] == ["awards[0].value.currency"]


@pytest.mark.parametrize(
    ("release", "field", "message"),
    [
        (42, None, "must be an object, not a number"),
        ([], None, "must be an object, not an array"),
        ({"id": "1"}, "ocid", "must have an ocid"),
        ({"ocid": "  "}, "ocid", "must have an ocid"),
        (_release(date="yesterday"), "date", "not an ISO 8601 date"),
        (_release(date="2020-02-30T00:00:00Z"), "date", "not an ISO 8601 date"),
        (_release(date=20200101), "date", "not an ISO 8601 date"),
        (
            _release(awards=[{"value": {"amount": "492000", "currency": "GBP"}}]),
            "awards[0].value.amount",
            "must be a number, not a string",
        ),
        (
            _release(contracts=[{}, {"value": {"amount": True}}]),
            "contracts[1].value.amount",
            "must be a number",
        ),
        (
            _release(tender={"value": {"amount": 1, "currency": 826}}),
            "tender.value.currency",
            "must be a string",
        ),
        (
            _release(contracts=[{"period": {"startDate": "2020-01-01", "endDate": "soon"}}]),
            "contracts[0].period.endDate",
            "not an ISO 8601 date",
        ),
        (
            _release(tender={"contractPeriod": {"startDate": "01/02/2020"}}),
            "tender.contractPeriod.startDate",
            "not an ISO 8601 date",
        ),
    ],
)
def test_a_bad_release_is_reported_where_it_is(
    tmp_path: Path, release: Any, field: str | None, message: str
) -> None:
    good = _release(ocid="ocds-good")
    path = _write(tmp_path / "bad.json", {"releases": [good, release, good]})
    with pytest.raises(OcdsError, match=message) as raised:
        _read(path)
    assert raised.value.field == field
    assert raised.value.record is not None
    assert raised.value.record.startswith("release 2")
    problems: list[DataFileError] = []
    assert [n.position for n in _read(path, problems=problems)] == ["release 1", "release 3"]
    assert len(problems) == 1


def test_a_record_s_ocid_is_named_for_its_releases(tmp_path: Path) -> None:
    record = {"ocid": "ocds-rec", "releases": [{"id": "1", "date": "bad"}]}
    path = _write(tmp_path / "records.json", {"records": [record]})
    with pytest.raises(OcdsError) as raised:
        _read(path)
    assert raised.value.record == "record 1, release 1, ocid ocds-rec"


# -- bad files -----------------------------------------------------------------------------


def test_a_truncated_file_names_the_file_and_where() -> None:
    path = DATA / "truncated.json"
    with pytest.raises(OcdsError) as raised:
        _read(path)
    text = str(raised.value)
    assert text.startswith(f"{path}: malformed JSON between bytes 0 and ")
    assert "premature EOF" in text


def test_malformed_json_after_good_releases_raises_when_reached(tmp_path: Path) -> None:
    raw = json.dumps(_package()) + "\n"
    path = tmp_path / "cut.json"
    path.write_text(raw[: raw.index('"ocid": "ocds-b5fd17-c5f1e2d3')], encoding="utf-8")
    seen = []
    with pytest.raises(OcdsError, match="malformed JSON"):
        seen.extend(read_notices(path, max_bytes=LIMIT))
    assert len(seen) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\n ", "the file is empty"),
        (b"42", "not OCDS JSON"),
        (b'"releases"', "not OCDS JSON"),
        (b'{"uri": "x", "publisher": {}}', "neither releases nor records"),
        (b'{"releases": [{"ocid": "a"}] ]', "malformed JSON"),
        (b'[{"ocid": "\xff"}]', "malformed JSON"),
        (b'[{"ocid": "a", "value": 1e999999999999999999999}]', "too large for a decimal"),
        (b"\x1f\x8b\x08\x00not really gzip", "cannot read the file"),
        (gzip.compress(b'{"releases": [', mtime=0)[:-4], "cannot read the file"),
    ],
)
def test_a_file_that_is_not_ocds_is_an_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "notices.json"
    path.write_bytes(content)
    with pytest.raises(OcdsError, match=message) as raised:
        _read(path)
    assert raised.value.path == path


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(OcdsError, match="cannot be read"):
        read_notices(tmp_path / "absent.json", max_bytes=LIMIT)


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = DATA / "release-package.json"
    size = path.stat().st_size
    with pytest.raises(OcdsError, match=f"over the limit of {size - 1:,} bytes"):
        read_notices(path, max_bytes=size - 1)  # raised on the call, not on iteration
    assert len(_read(path, max_bytes=size)) == 5


def test_the_limit_holds_for_decompressed_content(tmp_path: Path) -> None:
    path = tmp_path / "bomb.json.gz"
    path.write_bytes(gzip.compress(b"[" + b" " * 5_000_000 + b"]"))
    with pytest.raises(OcdsError, match="decompressed content is over the limit"):
        _read(path, max_bytes=1_000_000)


def _in_a_subprocess(content: bytes, tmp_path: Path) -> str:
    """Read the file in another interpreter: were the guard to fail, the parser would crash
    or exhaust that process, not the test run."""
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    code = (
        "import sys; from pathlib import Path; from camwatch.money.ocds import read_notices\n"
        "try:\n    list(read_notices(Path(sys.argv[1]), max_bytes=10**8))\n"
        "except Exception as e:\n    print(type(e).__name__, e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_deep_nesting_is_refused_before_it_exhausts_memory(tmp_path: Path) -> None:
    # ijson's C backend would need gigabytes for this 200 kB file.
    out = _in_a_subprocess(b'{"releases": [' + b"[" * 200_000, tmp_path)
    assert out.startswith("OcdsError")
    assert "nested deeper than 100 levels" in out


def test_a_huge_integer_is_refused_before_it_crashes_the_parser(tmp_path: Path) -> None:
    # ijson's C backend ends the process on an integer Python will not convert.
    number = b"9" * 5_000
    out = _in_a_subprocess(
        b'[{"ocid": "a", "tender": {"value": {"amount": ' + number + b"}}}]", tmp_path
    )
    assert out.startswith("OcdsError")
    assert "more than 600 digits" in out


# -- the guard, exactly --------------------------------------------------------------------


def _guard(raw: bytes, cuts: list[int]) -> ocds._Guard:
    guard = ocds._Guard(Path("x.json"))
    bounds = [0, *sorted({c % (len(raw) + 1) for c in cuts}), len(raw)]
    for start, end in itertools.pairwise(bounds):
        if end > start:
            guard.feed(raw[start:end], start)
    return guard


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(alphabet=st.sampled_from('ab"\\[]{}\n\t 19é'), max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(JSON, st.lists(st.integers(min_value=0), max_size=12), st.booleans())
def test_the_guard_follows_strings_and_depth_across_any_chunking(
    value: Any, cuts: list[int], ascii_only: bool
) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode()
    guard = _guard(raw, cuts)
    assert (guard.depth, guard.in_string) == (0, False)


@given(st.integers(min_value=1, max_value=130), st.lists(st.integers(min_value=0), max_size=6))
def test_the_guard_refuses_exactly_what_is_too_deep(depth: int, cuts: list[int]) -> None:
    value: Any = "x]}"
    for level in range(depth):
        value = [value] if level % 2 else {"k[": value}
    raw = json.dumps(value).encode()
    assert _depth(value) == depth
    if depth > ocds.MAX_DEPTH:
        with pytest.raises(OcdsError, match="nested deeper"):
            _guard(raw, cuts)
    else:
        _guard(raw, cuts)


@given(st.integers(min_value=590, max_value=610), st.lists(st.integers(min_value=0), max_size=4))
def test_the_guard_counts_digits_across_chunks(digits: int, cuts: list[int]) -> None:
    raw = b'[1, "' + b"7" * 900 + b'", ' + b"8" * digits + b"]"
    if digits > ocds.MAX_DIGITS:
        with pytest.raises(OcdsError, match="digits"):
            _guard(raw, cuts)
    else:
        _guard(raw, cuts)  # the long string of digits is a string, not a number


# -- anything at all -----------------------------------------------------------------------

NAMES = st.sampled_from(["n.json", "n.jsonl", "n.json.gz"])
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _fuzz(tmp_path: Path, name: str, raw: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(gzip.compress(raw) if name.endswith(".gz") else raw)
    for problems in ([], None):
        errors: list[DataFileError] = []
        try:
            notices = list(read_notices(path, max_bytes=1_000_000, problems=problems))
        except DataFileError as error:  # anything else fails the test
            errors.append(error)
        else:
            assert all(isinstance(notice, Notice) for notice in notices)
        assert all(error.path == path for error in [*errors, *(problems or [])])


@FUZZ
@given(NAMES, st.binary(max_size=300))
def test_any_bytes_raise_only_data_file_errors(tmp_path: Path, name: str, raw: bytes) -> None:
    _fuzz(tmp_path, name, raw)


RELEASE_LIKE = st.fixed_dictionaries(
    {"ocid": st.one_of(st.text(max_size=5), st.integers(), st.none())},
    optional={
        "id": JSON,
        "date": st.one_of(st.text(max_size=25), JSON),
        "tag": JSON,
        "buyer": JSON,
        "parties": st.lists(
            st.dictionaries(st.sampled_from(["id", "name", "roles", "identifier"]), JSON)
        ),
        "tender": st.dictionaries(
            st.sampled_from(["id", "title", "value", "items", "classification", "contractPeriod"]),
            JSON | st.fixed_dictionaries({"amount": JSON, "currency": JSON}),
        ),
        "awards": st.lists(JSON | st.fixed_dictionaries({"value": JSON, "suppliers": JSON})),
        "contracts": JSON,
    },
)
DOCUMENTS = st.one_of(
    JSON,
    st.lists(RELEASE_LIKE, max_size=3),
    st.fixed_dictionaries({"releases": st.lists(RELEASE_LIKE | JSON, max_size=3)}),
    st.fixed_dictionaries(
        {
            "records": st.lists(
                JSON | st.fixed_dictionaries({"ocid": JSON, "compiledRelease": RELEASE_LIKE}),
                max_size=3,
            )
        }
    ),
)


@FUZZ
@given(NAMES, DOCUMENTS)
def test_any_json_raises_only_data_file_errors(tmp_path: Path, name: str, value: Any) -> None:
    raw = json.dumps(value).encode()
    if name.endswith(".jsonl"):
        raw = b"\n".join(json.dumps(v).encode() for v in (value, value))
    _fuzz(tmp_path, name, raw)


def test_a_notice_is_frozen() -> None:
    notice = _read(DATA / "release-package.json")[0]
    with pytest.raises(AttributeError):
        notice.title = "changed"
    assert copy.copy(notice) == notice
