"""CVE rules and the KEV catalogue (camwatch.netaudit.vulns): every affected range of
data/fingerprints/cves.yaml at its edges (just inside, just outside, unknown model,
unknown firmware), the certainty rules, KEV updates from synthetic feeds in CISA's format
(and malformed ones), malformed rule files, and property tests. No database."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from camwatch.netaudit import vulns
from camwatch.netaudit.grammar import Firmware, parse_firmware
from camwatch.netaudit.vulns import (
    AFFECTED,
    POSSIBLE,
    AffectedRange,
    CveRule,
    CveRuleError,
    Kev,
    KevEntry,
    KevError,
    load_kev,
    match_cves,
    update_kev,
)

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

RULES = vulns.load_cve_rules()
DAY = dt.timedelta(days=1)
NO_KEV = Kev(Path("none"), {}, None)


def firmware(
    version: tuple[int, ...] = (2, 800, 0, 5),
    build: dt.date | None = None,
    platform: str | None = None,
) -> Firmware:
    return Firmware("synthetic", version, build, platform, "test")


def certainty(
    cve: str, manufacturer: str | None, model: str | None, found: Firmware | None
) -> str | None:
    for match in match_cves(manufacturer, model, found, kev=NO_KEV):
        if match.cve == cve:
            return match.certainty
    return None


# ------------------------------------------------------------------ the rule file


def test_the_cves_of_the_brief_are_all_there() -> None:
    assert {rule.id for rule in RULES} == {
        "CVE-2017-7921",
        "CVE-2017-7923",
        "CVE-2021-36260",
        "CVE-2021-33044",
        "CVE-2021-33045",
        "CVE-2021-33046",
        "CVE-2022-30563",
        "CVE-2022-30560",
        "CVE-2022-30561",
        "CVE-2022-30562",
        "CVE-2023-28808",
        "CVE-2020-9502",
        "CVE-2017-9315",
        "CVE-2024-39950",
        "CVE-2022-28173",
    }


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_every_cve_is_sourced_and_scoped(rule: CveRule) -> None:
    assert rule.sources
    assert all(url.startswith("http") for url in rule.sources)
    assert rule.title
    assert rule.manufacturer in {"hikvision", "dahua"}
    assert rule.ranges
    for rng in rule.ranges:
        assert rng.model is not None or rng.platforms
        assert rng.describe()


def test_cvss_and_cwe_as_the_records_state_them() -> None:
    by_id = {rule.id: rule for rule in RULES}
    assert by_id["CVE-2017-7921"].cwe == "CWE-287"
    assert by_id["CVE-2017-7923"].cwe == "CWE-260"
    assert by_id["CVE-2021-36260"].cvss == 9.8
    assert by_id["CVE-2023-28808"].cvss == 9.1
    assert by_id["CVE-2024-39950"].cvss == 8.6
    assert by_id["CVE-2022-30563"].cvss is None


def test_cve_2017_7923_shares_the_ranges_of_7921() -> None:
    by_id = {rule.id: rule for rule in RULES}
    assert by_id["CVE-2017-7923"].ranges == by_id["CVE-2017-7921"].ranges


def model_ranges() -> Iterator[object]:
    for rule in RULES:
        for index, rng in enumerate(rule.ranges):
            if rng.model is not None:
                yield pytest.param(rule, index, id=f"{rule.id}[{index}]")


@pytest.mark.parametrize(("rule", "index"), list(model_ranges()))
def test_each_example_model_is_in_its_range_only(rule: CveRule, index: int) -> None:
    rng = rule.ranges[index]
    assert rng.example_model, "a model-scoped range needs an example_model for the tests"
    hits = [
        i
        for i, other in enumerate(rule.ranges)
        if other.model and other.model.match(rng.example_model)
    ]
    assert hits == [index]


# ------------------------------------------------------------------ edges of every range


def just_below(version: tuple[int, ...]) -> tuple[int, ...]:
    """The highest version with one more part that is still below `version`."""
    last = max(i for i, part in enumerate(version) if part > 0)
    return (*version[:last], version[last] - 1, 999)


def just_above(version: tuple[int, ...]) -> tuple[int, ...]:
    return (*version[:-1], version[-1] + 1)


def inside(rng: AffectedRange) -> Firmware:
    """A firmware inside every condition of the range, at an edge where one exists."""
    platform = min(rng.platforms) if rng.platforms else None
    build = None
    if rng.build_before:
        build = rng.build_before - DAY
    elif rng.build_through:
        build = rng.build_through
    elif rng.build_from:
        build = rng.build_from
    bound = rng.version_max or rng.version_min
    if bound is not None:
        return firmware(bound.version, bound.build or build, platform)
    if rng.version_below is not None:
        return firmware(just_below(rng.version_below.version), build, platform)
    return firmware(build=build, platform=platform)


def edges(rng: AffectedRange) -> Iterator[tuple[str, Firmware, bool]]:
    """(name, firmware, in range?) just inside and just outside each bound."""
    base = inside(rng)
    low, high, below = rng.version_min, rng.version_max, rng.version_below
    for name, bound, step in (("min", low, -1), ("max", high, 1)):
        if bound is None:
            continue
        at = firmware(bound.version, bound.build or base.build, base.platform)
        if bound.build is not None:
            past = firmware(bound.version, bound.build + step * DAY, base.platform)
        else:
            version = just_above(bound.version) if step > 0 else just_below(bound.version)
            past = firmware(version, base.build, base.platform)
        yield f"at {name}", at, True
        yield f"past {name}", past, False
    if below is not None:
        yield "just below", firmware(just_below(below.version), base.build, base.platform), True
        yield "at below", firmware(below.version, base.build, base.platform), False
    yield from build_edges(rng, base)


def build_edges(rng: AffectedRange, base: Firmware) -> Iterator[tuple[str, Firmware, bool]]:
    def on(day: dt.date) -> Firmware:
        return firmware(base.version, day, base.platform)

    if rng.build_from:
        yield "built on from", on(rng.build_from), True
        yield "built the day before from", on(rng.build_from - DAY), False
    if rng.build_before:
        yield "built the day before before", on(rng.build_before - DAY), True
        yield "built on before", on(rng.build_before), False
    if rng.build_through:
        yield "built on through", on(rng.build_through), True
        yield "built the day after through", on(rng.build_through + DAY), False


def edge_cases() -> Iterator[object]:
    for rule in RULES:
        for index, rng in enumerate(rule.ranges):
            for name, found, within in edges(rng):
                yield pytest.param(rule, rng, found, within, id=f"{rule.id}[{index}] {name}")


def product(rule: CveRule, rng: AffectedRange) -> tuple[str | None, str | None]:
    """(manufacturer, model) that put a device in the range's products."""
    if rng.model is not None:
        return rule.manufacturer, rng.example_model
    return None, None  # a platform-scoped range: the firmware's platform says it


@pytest.mark.parametrize(("rule", "rng", "found", "within"), list(edge_cases()))
def test_range_edges(rule: CveRule, rng: AffectedRange, found: Firmware, within: bool) -> None:
    manufacturer, model = product(rule, rng)
    expected = rng.max_certainty if within else None
    assert certainty(rule.id, manufacturer, model, found) == expected


def every_range() -> Iterator[object]:
    for rule in RULES:
        for index, rng in enumerate(rule.ranges):
            yield pytest.param(rule, rng, id=f"{rule.id}[{index}]")


@pytest.mark.parametrize(("rule", "rng"), list(every_range()))
def test_unknown_firmware_is_possible_for_a_model_in_the_family(
    rule: CveRule, rng: AffectedRange
) -> None:
    manufacturer, model = product(rule, rng)
    expected = POSSIBLE if model is not None else None
    assert certainty(rule.id, manufacturer, model, None) == expected


@pytest.mark.parametrize(("rule", "rng"), list(every_range()))
def test_unknown_model_with_firmware_in_range_is_possible(
    rule: CveRule, rng: AffectedRange
) -> None:
    found = inside(rng)
    if rng.platforms:
        # The platform names the product line: as good as the model.
        assert certainty(rule.id, None, None, found) == rng.max_certainty
    else:
        assert certainty(rule.id, rule.manufacturer, None, found) == POSSIBLE
        # Without the maker, firmware alone proves nothing.
        assert certainty(rule.id, None, None, found) is None
        other = "dahua" if rule.manufacturer == "hikvision" else "hikvision"
        assert certainty(rule.id, other, None, found) is None


@pytest.mark.parametrize(("rule", "index"), list(model_ranges()))
def test_a_model_outside_every_family_is_not_matched(rule: CveRule, index: int) -> None:
    found = inside(rule.ranges[index])
    assert certainty(rule.id, rule.manufacturer, "AXIS P3245-LVE", found) is None


def test_a_firmware_platform_outweighs_a_contradicting_model() -> None:
    # IPC_G5 is a Hikvision firmware platform: the file name identifies the product line.
    found = parse_firmware("IPC_G5_EN_STD_5.5.113_210317")
    assert certainty("CVE-2021-36260", None, "AXIS P3245-LVE", found) == AFFECTED


def test_nothing_known_matches_nothing() -> None:
    assert match_cves(None, None, None, kev=NO_KEV) == []
    assert match_cves("hikvision", None, None, kev=NO_KEV) == []


# ------------------------------------------------------------------ worked examples


def test_cve_2017_7921_worked_example() -> None:
    found = parse_firmware("V5.4.0 build 160401")
    matches = {m.cve: m for m in match_cves("hikvision", "ds-2cd2142fwd-i", found, kev=NO_KEV)}
    match = matches["CVE-2017-7921"]
    assert match.certainty == AFFECTED
    assert match.reason == (
        "DS-2CD2142FWD-I in DS-2CD2xx2FWD; firmware V5.4.0 build 160401 in the affected "
        "range (V5.3.1 build 150410 to V5.4.4 build 161125)"
    )
    assert match.cvss == 10.0
    assert match.source.startswith("https://")
    # Patched (5.4.41) is out of every range.
    patched = parse_firmware("V5.4.41 build 170312")
    assert "CVE-2017-7921" not in {
        m.cve for m in match_cves("hikvision", "DS-2CD2142FWD-I", patched, kev=NO_KEV)
    }


def test_the_same_version_without_a_build_date_is_only_possible() -> None:
    # V5.4.0 is the upper bound's version: inside only if built by 160530.
    found = parse_firmware("V5.4.0")
    assert certainty("CVE-2017-7921", "hikvision", "DS-2CD2032F-I", found) == POSSIBLE
    earlier = parse_firmware("V5.3.9")
    assert certainty("CVE-2017-7921", "hikvision", "DS-2CD2032F-I", earlier) == AFFECTED


def test_cve_2021_36260_by_platform_and_by_build() -> None:
    vulnerable = parse_firmware("IPC_G5_EN_STD_5.5.113_210317")
    assert certainty("CVE-2021-36260", None, None, vulnerable) == AFFECTED
    patched = parse_firmware("V5.5.800 build 210628")
    assert certainty("CVE-2021-36260", "hikvision", "DS-2CD2143G0-I", patched) is None
    older = parse_firmware("V5.5.113 build 210317")
    assert certainty("CVE-2021-36260", "hikvision", "DS-2CD2143G0-I", older) == POSSIBLE
    # A storage array is no camera or NVR: the unknown-platform rule does not reach it.
    assert certainty("CVE-2021-36260", "hikvision", "DS-A80624S", older) is None


def test_dahua_ranges_are_by_build_date() -> None:
    found = parse_firmware("V2.800.0000000.5.R.20210528")
    model = "DH-IPC-HFW3441E-AS"
    assert certainty("CVE-2021-33044", "dahua", model, found) == AFFECTED
    later = parse_firmware("V2.800.0000000.5.R.20210601")
    assert certainty("CVE-2021-33044", "dahua", model, later) is None
    # A Hikvision code is not in a Dahua family, whatever its firmware.
    assert certainty("CVE-2021-33044", "dahua", "DS-2CD2143G0-I", found) is None


def test_rebadged_codes_are_not_guessed_into_families() -> None:
    # Amcrest is Dahua-made, but no source maps its codes to Dahua's families.
    found = parse_firmware("V2.800.0000000.5.R.20190528")
    assert certainty("CVE-2021-33045", "dahua", "IP4M-1026E", found) is None
    assert certainty("CVE-2021-33045", "dahua", None, found) == POSSIBLE


def test_matches_are_ordered_affected_first() -> None:
    found = parse_firmware("V5.4.0 build 160401")
    matches = match_cves("hikvision", "DS-2CD2142FWD-I", found, kev=NO_KEV)
    order = [m.certainty for m in matches]
    assert order == sorted(order, key=lambda c: c != AFFECTED)


# ------------------------------------------------------------------ KEV


def test_the_bundled_kev_lists_the_confirmed_cves() -> None:
    kev = load_kev(vulns.KEV_FILE)
    assert kev.lookup("CVE-2021-36260") == dt.date(2022, 1, 10)
    assert kev.lookup("CVE-2021-33044") == dt.date(2024, 8, 21)
    assert kev.lookup("CVE-2021-33045") == dt.date(2024, 8, 21)
    assert kev.lookup("cve-2017-7921") == dt.date(2026, 3, 5)
    assert kev.lookup("CVE-2022-30563") is None
    assert kev.lookup("CVE-2023-28808") is None


def test_every_bundled_kev_entry_is_a_rule_and_carries_its_source() -> None:
    data = yaml.safe_load(vulns.KEV_FILE.read_text())
    ids = {rule.id for rule in RULES}
    for entry in data["vulnerabilities"]:
        assert entry["cveID"] in ids
        assert entry["source"].startswith("https://")
        assert entry["confidence"] in {"high", "medium", "low"}


def test_matches_carry_the_kev_flag() -> None:
    kev = Kev(
        Path("x"),
        {"CVE-2021-36260": KevEntry("CVE-2021-36260", dt.date(2022, 1, 10), "Hikvision", "x")},
        None,
    )
    found = parse_firmware("IPC_G5_EN_STD_5.5.113_210317")
    (match,) = match_cves(None, None, found, kev=kev)
    assert (match.cve, match.kev, match.kev_added) == ("CVE-2021-36260", True, dt.date(2022, 1, 10))
    (unlisted,) = match_cves(None, None, found, kev=NO_KEV)
    assert (unlisted.kev, unlisted.kev_added) == (False, None)


def feed_entry(cve: str, vendor: str, added: str = "2024-08-21") -> dict[str, Any]:
    return {
        "cveID": cve,
        "vendorProject": vendor,
        "product": "Product",
        "vulnerabilityName": "A vulnerability",
        "dateAdded": added,
        "shortDescription": "Text.",
        "requiredAction": "Apply mitigations per vendor instructions.",
        "dueDate": "2024-09-11",
        "knownRansomwareCampaignUse": "Unknown",
        "notes": "",
        "cwes": ["CWE-287"],
    }


def feed(**changes: Any) -> dict[str, Any]:
    vulnerabilities = [
        feed_entry("CVE-2021-36260", "Hikvision", "2022-01-10"),
        feed_entry("CVE-2021-33044", "Dahua"),
        feed_entry("CVE-2017-7921", "Hikvision", "2026-03-05"),
        feed_entry("CVE-2021-44228", "Apache", "2021-12-10"),
    ]
    document = {
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2026.03.05",
        "dateReleased": "2026-03-05T17:00:00.000Z",
        "count": len(vulnerabilities),
        "vulnerabilities": vulnerabilities,
    }
    document.update(changes)
    return document


def write_feed(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document))
    return path


def test_update_kev_writes_the_catalogue(tmp_path: Path) -> None:
    source = write_feed(tmp_path / "known_exploited_vulnerabilities.json", feed())
    output = tmp_path / "kev.json"
    summary = update_kev(source, output)
    assert (summary.total, summary.hikvision, summary.dahua) == (4, 2, 1)
    assert summary.catalog_version == "2026.03.05"
    assert summary.output == output
    assert str(summary) == (
        "4 known exploited vulnerabilities (Hikvision 2, Dahua 1), catalogue version 2026.03.05"
    )
    written = json.loads(output.read_text())
    assert written["count"] == 4
    assert written["vulnerabilities"][0] == {
        "cveID": "CVE-2021-36260",
        "dateAdded": "2022-01-10",
        "vendorProject": "Hikvision",
        "product": "Product",
    }
    kev = load_kev(output)
    assert len(kev) == 4
    assert kev.catalog_version == "2026.03.05"
    assert kev.lookup("CVE-2021-44228") == dt.date(2021, 12, 10)
    # Written through a temporary file that is renamed: none is left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([source.name, output.name])


def test_the_environment_names_the_kev_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "kev.json"
    update_kev(write_feed(tmp_path / "feed.json", feed()), output)
    monkeypatch.setenv(vulns.KEV_ENV, str(output))
    assert load_kev().path == output
    found = parse_firmware("V2.800.0000000.5.R.20210528")
    matches = {m.cve: m for m in match_cves("dahua", "IPC-HFW3441E-AS", found)}
    assert matches["CVE-2021-33044"].kev
    assert matches["CVE-2021-33044"].kev_added == dt.date(2024, 8, 21)
    assert not matches["CVE-2021-33046"].kev  # not in the synthetic feed
    monkeypatch.delenv(vulns.KEV_ENV)
    assert load_kev().path == vulns.KEV_FILE


def test_a_replaced_kev_file_is_read_again(tmp_path: Path) -> None:
    output = tmp_path / "kev.json"
    update_kev(write_feed(tmp_path / "a.json", feed()), output)
    assert load_kev(output).lookup("CVE-2024-00001") is None
    newer = feed()
    newer["vulnerabilities"].append(feed_entry("CVE-2024-00001", "Dahua"))
    newer["count"] += 1
    update_kev(write_feed(tmp_path / "b.json", newer), output)
    assert load_kev(output).lookup("CVE-2024-00001") == dt.date(2024, 8, 21)


def broken(index: int, **changes: Any) -> dict[str, Any]:
    document = feed()
    document["vulnerabilities"][index].update(changes)
    return document


def without(index: int, key: str) -> dict[str, Any]:
    document = feed()
    del document["vulnerabilities"][index][key]
    return document


MALFORMED = [
    pytest.param("not json {", "not JSON", id="not-json"),
    pytest.param([1, 2], "top level must be a JSON object", id="a-list"),
    pytest.param({"count": 0}, "vulnerabilities: must be a list", id="no-vulnerabilities"),
    pytest.param(feed(count=7), "count: 7 but 4", id="count-mismatch"),
    pytest.param(feed(catalogVersion=3), "catalogVersion: must be a string", id="bad-version"),
    pytest.param(
        feed(vulnerabilities=[feed_entry("CVE-2021-36260", "Hikvision"), "x"], count=2),
        r"vulnerabilities\[1\]: must be an object",
        id="entry-not-object",
    ),
    pytest.param(broken(0, cveID="CVE-21-1"), r"vulnerabilities\[0\]\.cveID", id="bad-cve"),
    pytest.param(without(2, "cveID"), r"vulnerabilities\[2\]\.cveID", id="no-cve"),
    pytest.param(
        broken(1, dateAdded="2024-13-40"), r"vulnerabilities\[1\]\.dateAdded", id="bad-date"
    ),
    pytest.param(without(3, "dateAdded"), r"vulnerabilities\[3\]\.dateAdded", id="no-date"),
    pytest.param(
        without(1, "vendorProject"), r"vulnerabilities\[1\]\.vendorProject", id="no-vendor"
    ),
    pytest.param(broken(2, product=5), r"vulnerabilities\[2\]\.product", id="bad-product"),
    pytest.param(
        broken(3, cveID="CVE-2021-36260"),
        r"vulnerabilities\[3\]\.cveID: CVE-2021-36260 is also vulnerabilities\[0\]",
        id="duplicate",
    ),
]


@pytest.mark.parametrize(("document", "message"), MALFORMED)
def test_a_malformed_feed_is_refused_and_the_output_kept(
    tmp_path: Path, document: object, message: str
) -> None:
    source = tmp_path / "feed.json"
    if isinstance(document, str):
        source.write_text(document)
    else:
        write_feed(source, document)
    output = tmp_path / "kev.json"
    output.write_text("previous")
    with pytest.raises(KevError, match=message) as raised:
        update_kev(source, output)
    assert str(source) in str(raised.value)
    assert output.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.json", "kev.json"]


def test_a_feed_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_feed(tmp_path / "feed.json", feed())
    monkeypatch.setattr(vulns, "MAX_FEED_BYTES", 100)
    with pytest.raises(KevError, match="refused"):
        update_kev(source, tmp_path / "kev.json")
    assert not (tmp_path / "kev.json").exists()


def test_a_missing_feed_is_a_kev_error(tmp_path: Path) -> None:
    with pytest.raises(KevError, match="cannot be read"):
        update_kev(tmp_path / "absent.json", tmp_path / "kev.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "neither JSON nor YAML"),
        ("- 1", "top level must be an object"),
        ("vulnerabilities: 3", "'vulnerabilities' must be a list"),
        ("vulnerabilities: [{cveID: X, dateAdded: 2024-01-01}]", r"\[0\]\.cveID"),
        ("vulnerabilities: [{cveID: CVE-2024-1234, dateAdded: soon}]", r"\[0\]\.dateAdded"),
    ],
)
def test_a_malformed_kev_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "kev.yaml"
    path.write_text(text)
    with pytest.raises(KevError, match=message) as raised:
        load_kev(path)
    assert str(path) in str(raised.value)


# ------------------------------------------------------------------ malformed rule files


GOOD_CVE: dict[str, Any] = {
    "id": "CVE-2099-0001",
    "title": "A test vulnerability",
    "manufacturer": "hikvision",
    "sources": ["https://example.org/advisory"],
    "affected": [
        {"family": "DS-2CD2xx2F-I", "model": "^DS-2CD2", "version": {"max": "V5.4.0 build 160530"}}
    ],
}


def write_cves(tmp_path: Path, *records: dict[str, Any]) -> Path:
    path = tmp_path / "cves.yaml"
    path.write_text(yaml.safe_dump({"cves": list(records)}))
    return path


def test_another_rule_file_can_be_used(tmp_path: Path) -> None:
    path = write_cves(tmp_path, GOOD_CVE)
    found = parse_firmware("V5.3.0 build 150101")
    (match,) = match_cves("hikvision", "DS-2CD2032F-I", found, kev=NO_KEV, path=path)
    assert (match.cve, match.certainty) == ("CVE-2099-0001", AFFECTED)


def bad_range(**changes: Any) -> dict[str, Any]:
    return {**GOOD_CVE, "affected": [{**GOOD_CVE["affected"][0], **changes}]}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({**GOOD_CVE, "id": "CVE-1"}, "'id' must be a CVE id"),
        ({**GOOD_CVE, "manufacturer": "Hik Vision"}, "'manufacturer' must be a vendor slug"),
        ({**GOOD_CVE, "sources": []}, "'sources' must be a non-empty list"),
        ({**GOOD_CVE, "sources": ["ICSA-17-124-01"]}, "is not a URL"),
        ({**GOOD_CVE, "cvss": 11}, "'cvss' must be a number"),
        ({**GOOD_CVE, "affected": []}, "'affected' must be a non-empty list"),
        ({**GOOD_CVE, "severity": "high"}, "unknown field"),
        (bad_range(model="(unclosed"), "'model' does not compile"),
        (bad_range(model=None), "needs a 'model' pattern or a 'platform' list"),
        (bad_range(version={"max": "soon"}), "firmware bound 'soon'"),
        (bad_range(version={"upto": "V5"}), "unknown field"),
        (bad_range(version=None, build={"before": "June"}), "is not a date"),
        (bad_range(version=None), "needs a 'version' or a 'build' range"),
        (bad_range(max_certainty="likely"), "'max_certainty' must be one of"),
        (bad_range(platform="IPC_G5"), "'platform' must be a list"),
    ],
)
def test_a_bad_cve_rule_names_file_and_cve(
    tmp_path: Path, record: dict[str, Any], message: str
) -> None:
    path = write_cves(tmp_path, record)
    with pytest.raises(CveRuleError, match=message) as raised:
        vulns.load_cve_rules(path)
    assert str(path) in str(raised.value)
    if record["id"] == GOOD_CVE["id"]:
        assert "CVE-2099-0001" in str(raised.value)


def test_a_cve_listed_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CveRuleError, match="CVE-2099-0001: the CVE is listed twice"):
        vulns.load_cve_rules(write_cves(tmp_path, GOOD_CVE, GOOD_CVE))


def test_an_unreadable_rule_file_is_a_cve_rule_error(tmp_path: Path) -> None:
    path = tmp_path / "cves.yaml"
    path.write_text("cves: [unclosed")
    with pytest.raises(CveRuleError, match="not valid YAML"):
        vulns.load_cve_rules(path)


def test_rules_are_loaded_once() -> None:
    assert vulns.load_cve_rules() is vulns.load_cve_rules()


# ------------------------------------------------------------------ properties


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.sampled_from(["hikvision", "dahua", "acme"]), st.text(max_size=20)),
    st.one_of(st.none(), st.text(max_size=80), st.sampled_from(["DS-2CD2032F-I", "NVR4104"])),
    st.one_of(
        st.none(),
        st.builds(
            Firmware,
            st.just("synthetic"),
            st.lists(st.integers(0, 10**6), min_size=1, max_size=5).map(tuple),
            st.one_of(st.none(), st.dates()),
            st.one_of(st.none(), st.sampled_from(["IPC_G5", "IPD_H8", "X"])),
            st.just("test"),
        ),
    ),
)
def test_match_cves_never_raises(
    manufacturer: str | None, model: str | None, found: Firmware | None
) -> None:
    for match in match_cves(manufacturer, model, found, kev=NO_KEV):
        assert match.certainty in {AFFECTED, POSSIBLE}
        assert match.reason
        assert not match.kev
