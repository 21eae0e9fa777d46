"""Which notices are about surveillance cameras (camwatch.money.classify): no database."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from tests.money_fixtures import write_ocds_package

from camwatch.money.classify import (
    Verdict,
    classify,
    default_rules,
    default_rules_path,
    find_term,
    load_rules,
    normalise_cpv,
)
from camwatch.money.ocds import merge_releases, read_notices
from camwatch.registry.loader.errors import DataFileError

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

RULES = default_rules()


# -- the rules file ------------------------------------------------------------------------


def test_the_bundled_rules_load_and_cite_their_sources() -> None:
    rules = load_rules()
    assert rules.path == default_rules_path()
    keys = {source.key for source in rules.sources}
    records = [*rules.cpv, *rules.exclude_cpv, *rules.terms]
    assert records
    assert all(record.source in keys for record in records)
    cpv = next(s for s in rules.sources if s.key == "cpv-2008")
    assert "213/2008" in cpv.title
    assert cpv.url == "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32008R0213"


def test_the_codes_named_by_the_issue_are_surveillance() -> None:
    by_code = {rule.code: rule for rule in RULES.cpv}
    assert by_code["32323500"].label == "Video-surveillance system"
    assert by_code["35125300"].label == "Security cameras"
    assert by_code["32234000"].label == "Closed-circuit television cameras"
    assert by_code["35120000"].prefix == "35120000"  # not alarms, seals or metal detectors
    assert all(rule.code.startswith(rule.prefix) for rule in RULES.cpv)


def test_default_rules_are_read_once() -> None:
    assert default_rules() is default_rules()


# -- CPV codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("32323500", "32323500"),
        ("32323500-8", "32323500"),
        (" 3232 3500 ", "32323500"),
        ("3000000", "03000000"),  # division 03 that went through a number
        ("3232350", "03232350"),
        ("123", None),
        ("", None),
        ("abc", None),
        ("323235000", None),
        ("\uff13\uff12\uff13\uff12\uff13\uff15\uff10\uff10", None),  # full-width digits
    ],
)
def test_normalise_cpv(code: str, expected: str | None) -> None:
    assert normalise_cpv(code) == expected


def test_a_surveillance_code_makes_a_notice_related() -> None:
    verdict = classify(["32323500-8"], "", RULES)
    assert verdict == Verdict(True, ("CPV 32323500 Video-surveillance system",))


def test_a_code_under_a_family_says_which_family() -> None:
    verdict = classify(["35125100"], "Sensors", RULES)
    assert verdict.related
    assert verdict.reasons == ("CPV 35125100, under 35125000 Surveillance system",)


def test_alarms_in_the_security_family_need_the_text_to_say_cameras() -> None:
    assert not classify(["35121700"], "Intruder alarm systems", RULES).related
    assert classify(["35121700"], "Alarm and CCTV systems", RULES).related


def test_the_longest_prefix_gives_the_label() -> None:
    # 35125300 is under 3512, 35125 and 351253: the most specific record names it.
    assert classify(["35125300"], "", RULES).reasons == ("CPV 35125300 Security cameras",)


def test_every_matching_code_is_a_reason() -> None:
    verdict = classify(["45310000", "32323500", "92222000", "32323500-8"], "", RULES)
    assert verdict.reasons == (
        "CPV 32323500 Video-surveillance system",
        "CPV 92222000 Closed circuit television services",
    )


def test_a_surveillance_code_beats_an_excluded_one() -> None:
    assert classify(["90910000", "32234000"], "Cleaning", RULES).related


# -- text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Installation of CCTV at the town centre",
        "cctv maintenance",
        "Closed-circuit television system",
        "closed circuit TV",
        "ANPR cameras for car parks",
        "Automatic number plate recognition",
        "automatic licence-plate recognition",
        "Video surveillance platform",
        "Replacement surveillance cameras",
        "Security camera upgrade",
        "IP cameras and switches",
        "PTZ units on columns",
        "Body-worn video for enforcement officers",
        "body worn cameras",
        "Network video recorders",
        "Two NVRs",
        "Replacement DVR",
        "Live facial recognition trial",
        "Supply of HIKVISION equipment",
        "Dahua estate maintenance",
        "Axis Communications licences",
        "Hanwha Vision cameras",
        "Avigilon control centre",
        "Genetec Security Center",
        "Milestone XProtect licences",
        "Mobotix units",
        "Vivotek equipment",
    ],
)
def test_terms_find_surveillance_in_text(text: str) -> None:
    verdict = classify(["45310000"], text, RULES)
    assert verdict.related, text
    assert verdict.reasons[0].startswith("text matches ")


def test_the_reason_quotes_the_words_as_written() -> None:
    verdict = classify([], "Upgrade of the Public Space CCTV network", RULES)
    assert verdict.reasons == ("text matches 'CCTV'",)


def test_find_term_and_the_public_expression() -> None:
    assert find_term("Two new Hikvision NVRs", RULES) == "Hikvision"
    assert find_term("Grounds maintenance", RULES) == ""
    found = RULES.text.search("Two new Hikvision NVRs")  # any case, no lower-casing needed
    assert found is not None
    assert found.group() == "Hikvision"


PHRASES = ["CCTV", "Closed-Circuit TV", "ANPRs", "body worn Video", "NVR", "hikvision", "IP Camera"]


@given(
    st.lists(
        st.sampled_from(PHRASES) | st.text(alphabet="abcdeHIKVNPRSTW -_.'\n", max_size=8),
        max_size=6,
    ).map("".join)
)
def test_the_fast_expression_agrees_with_the_case_insensitive_one(text: str) -> None:
    expected = RULES.text.search(text)
    assert find_term(text, RULES) == (" ".join(expected.group().split()) if expected else "")


@pytest.mark.parametrize(
    "text",
    [
        "Conference room cameras",  # cameras alone are not surveillance
        "Supply of scctv-free widgets",
        "Hikvisionary thinking",  # only whole words
        "Scandvrs and xanpr are not the words",
        "Video conferencing equipment",
        "Disease surveillance programme",
        "",
    ],
)
def test_other_text_is_not_related(text: str) -> None:
    assert classify(["72000000"], text, RULES) == Verdict(False, ())


# -- families that are never surveillance --------------------------------------------------


def test_cleaning_the_cctv_control_room_is_cleaning() -> None:
    verdict = classify(["90910000"], "Cleaning of the CCTV control room", RULES)
    assert not verdict.related
    (reason,) = verdict.reasons
    assert "CPV 90910000, under 90900000 Cleaning and sanitation services" in reason
    assert "never surveillance" in reason
    assert "'CCTV'" in reason


def test_catering_for_cctv_operators_is_catering() -> None:
    verdict = classify(["55520000-1"], "Catering for the CCTV operators' night shifts", RULES)
    assert not verdict.related
    assert "Canteen and catering services" in verdict.reasons[0]


def test_any_excluded_code_wins_over_the_text() -> None:
    verdict = classify(["45310000", "15800000"], "Food for the CCTV control room", RULES)
    assert not verdict.related


def test_an_excluded_notice_without_matching_text_says_why_too() -> None:
    assert classify(["90911200"], "Window cleaning", RULES).reasons == (
        "CPV 90911200, under 90900000 Cleaning and sanitation services: "
        "a family that is never surveillance",
    )


def test_a_lone_code_is_not_read_as_its_digits() -> None:
    assert classify("32323500", "", RULES).related


def test_unusable_codes_are_ignored() -> None:
    assert classify(["", "n/a", "1"], "CCTV", RULES).related
    assert classify(["", "n/a", "1"], "Grounds", RULES) == Verdict(False, ())


@given(st.lists(st.text(max_size=12), max_size=5), st.text())
def test_any_codes_and_text_give_a_verdict(codes: list[str], text: str) -> None:
    verdict = classify(codes, text, RULES)
    assert isinstance(verdict.related, bool)
    assert all(isinstance(reason, str) and reason for reason in verdict.reasons)
    assert verdict.related or len(verdict.reasons) <= 1


# -- a realistic package, with the answer known ---------------------------------------------


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    path = tmp_path_factory.mktemp("money") / "notices.json"
    return path, write_ocds_package(path, count=1000, seed=7)


def test_the_classifier_finds_exactly_the_surveillance_notices(
    package: tuple[Path, set[str]],
) -> None:
    path, truth = package
    notices = merge_releases(read_notices(path, max_bytes=50_000_000))
    found = {
        n.ocid
        for n in notices
        if classify(n.cpv_codes, f"{n.title}\n{n.description}", RULES).related
    }
    assert found == truth


# -- errors in the rules file --------------------------------------------------------------


def _rules_file(tmp_path: Path, **changes: object) -> Path:
    raw = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    raw.update(changes)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


SOURCE = "cpv-2008"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"terms": [{"id": "x", "pattern": "(", "source": SOURCE}]}, "not a regular expression"),
        ({"terms": [{"id": "x", "pattern": "a\\Wb", "source": SOURCE}]}, "upper-case escapes"),
        ({"terms": [{"id": "x", "pattern": "CCTV", "source": "nowhere"}]}, "no source"),
        (
            {"terms": [{"id": "x", "pattern": "a", "source": SOURCE}] * 2},
            "the id 'x' is used twice",
        ),
        ({"terms": [{"id": "x", "pattern": "a"}]}, "expected the keys"),
        ({"terms": []}, "must be a non-empty list"),
        (
            {"cpv": [{"code": "3232350", "label": "x", "prefix": "3", "source": SOURCE}]},
            "must be 8 digits",
        ),
        (
            {"cpv": [{"code": "32323500", "label": "x", "prefix": "33", "source": SOURCE}]},
            "must be the first digits",
        ),
        (
            {"exclude_cpv": [{"code": "35000000", "label": "x", "prefix": "35", "source": SOURCE}]},
            "overlaps",
        ),
        ({"sources": [{"key": SOURCE, "title": "t"}]}, "expected the keys"),
    ],
)
def test_a_bad_rules_file_is_an_error_naming_it(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    path = _rules_file(tmp_path, **changes)
    with pytest.raises(DataFileError, match=message) as raised:
        load_rules(path)
    assert raised.value.path == path
    assert str(raised.value).startswith(str(path))


def test_a_missing_section_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("cpv: []\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="expected exactly the sections"):
        load_rules(path)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("cpv:\n  - code: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid YAML") as raised:
        load_rules(path)
    assert raised.value.line is not None


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read the rules"):
        load_rules(tmp_path / "absent.yaml")


def test_rules_from_another_file_are_used(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "sources: [{key: s, title: A source, url: 'https://example.org/'}]\n"
        "cpv: [{code: '79714000', label: Surveillance services, prefix: '79714', source: s}]\n"
        "exclude_cpv: [{code: '90900000', label: Cleaning, prefix: '909', source: s}]\n"
        "terms: [{id: doorbell, pattern: 'doorbell cameras?', source: s}]\n",
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert classify([], "Doorbell cameras for tenants", rules).related
    assert not classify([], "CCTV", rules).related
    assert classify(["79714000-2"], "", rules).reasons == ("CPV 79714000 Surveillance services",)
