"""Model-code and firmware-string grammars (camwatch.netaudit.grammar): every example and
counter-example in data/fingerprints/models.yaml and firmware.yaml, parametrised by rule
id; finding a code inside longer text; malformed data files; and property tests that the
parsers never raise, whatever the text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from camwatch.netaudit import grammar
from camwatch.netaudit.grammar import (
    FirmwareGrammar,
    GrammarError,
    ModelExample,
    ModelRule,
    find_model,
    normalise_model,
    parse_build,
    parse_firmware,
    parse_model,
    parse_version,
)

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

RULES = grammar.load_model_rules()
FIRMWARE = grammar.load_firmware_grammars()
VENDOR_SLUGS = {
    vendor["slug"]
    for vendor in yaml.safe_load((grammar.DATA_DIR.parent / "vendors.yaml").read_text())["vendors"]
}


def model_examples() -> Iterator[object]:
    for rule in RULES.rules:
        for example in rule.examples:
            yield pytest.param(rule, example, id=f"{rule.id}:{example.model}")


def model_counter_examples() -> Iterator[object]:
    for rule in RULES.rules:
        for code in rule.counter_examples:
            yield pytest.param(rule, code, id=f"{rule.id}:{code}")


def firmware_examples() -> Iterator[object]:
    for rule in FIRMWARE.grammars:
        for example in rule.examples:
            yield pytest.param(rule, example, id=f"{rule.id}:{example.text}")


# ------------------------------------------------------------------ models.yaml


@pytest.mark.parametrize(("rule", "example"), list(model_examples()))
def test_model_example_matches_its_rule(rule: ModelRule, example: ModelExample) -> None:
    found = parse_model(example.model)
    assert found is not None, f"{example.model} matches no rule"
    assert found.rule == rule.id, f"{example.model} matched {found.rule} first"
    assert found.device_type == example.device_type
    assert found.manufacturer == rule.manufacturer
    assert found.brand == rule.brand
    assert found.confidence == rule.confidence
    assert found.source == rule.source


@pytest.mark.parametrize(("rule", "code"), list(model_counter_examples()))
def test_model_counter_example_misses_its_rule(rule: ModelRule, code: str) -> None:
    found = parse_model(code)
    assert found is None or found.rule != rule.id


@pytest.mark.parametrize("code", RULES.counter_examples)
def test_other_makers_and_generic_words_match_no_rule(code: str) -> None:
    assert parse_model(code) is None
    assert find_model(code) is None


@pytest.mark.parametrize("rule", RULES.rules, ids=[rule.id for rule in RULES.rules])
def test_every_rule_has_examples_a_source_and_known_vendors(rule: ModelRule) -> None:
    assert rule.examples, "a rule without examples is untested"
    assert rule.source
    assert rule.manufacturer in VENDOR_SLUGS
    assert rule.brand is None or rule.brand in VENDOR_SLUGS
    assert 0 < rule.confidence <= 1


def test_the_grammar_covers_the_named_lines() -> None:
    ids = {rule.id for rule in RULES.rules}
    assert {
        "hikvision-ip-camera",
        "hikvision-thermal",
        "hikvision-nvr",
        "hikvision-dvr",
        "hikvision-encoder",
        "hikvision-storage",
        "hikvision-wireless-bridge",
        "hikvision-intercom",
        "hikvision-deepinview-camera",
        "dahua-ip-camera",
        "dahua-speed-dome",
        "dahua-thermal",
        "dahua-traffic-camera",
        "dahua-nvr",
        "dahua-xvr",
        "dahua-hcvr",
        "dahua-door-station",
        "dahua-indoor-monitor",
        "dahua-access-control",
    } <= ids


@pytest.mark.parametrize(
    ("code", "device_type", "family"),
    [
        ("DS-7608NI-K2", "nvr", "DS-76"),
        ("DS-7204HQHI-K1", "dvr", "DS-72"),
        ("DS-96128NI-I16/H", "nvr", "DS-96"),
        ("DS-2CD2142FWD-I", "camera", "DS-2CD2"),
        ("DS-2TD2637-10-QY", "thermal", "DS-2TD2"),
        ("DS-A80624S", "storage", "DS-A80"),
        ("DS-3WF0AC-2NT", "bridge", "DS-3WF"),
        ("DH-IPC-HFW2431S-S-S2", "camera", "IPC-HFW2"),
        ("DH-XVR5816S-4KL-I2-LP", "dvr", "XVR5"),
        ("NVR608H-32-XI", "nvr", "NVR6"),
        ("VTO2101E", "intercom", "VTO2"),
    ],
)
def test_device_type_and_family(code: str, device_type: str, family: str) -> None:
    found = parse_model(code)
    assert found is not None
    assert (found.device_type, found.family) == (device_type, family)


@pytest.mark.parametrize(
    ("code", "manufacturer", "brand"),
    [
        ("HWI-B120H-U", "hikvision", "hiwatch"),
        ("IPC-D140H(C)", "hikvision", "hilook"),
        ("CS-CV310-A0-1B2WFR", "hikvision", "ezviz"),
        ("TVP-5104", "hikvision", "interlogix-truvision"),
        ("IP4M-1026E", "dahua", "amcrest"),
        ("DS-2CD2143G0-I", "hikvision", None),
    ],
)
def test_rebadge_lines_name_maker_and_brand(
    code: str, manufacturer: str, brand: str | None
) -> None:
    found = parse_model(code)
    assert found is not None
    assert (found.manufacturer, found.brand) == (manufacturer, brand)


def test_rebadge_lines_are_less_certain_than_the_makers_own() -> None:
    own = parse_model("DS-2CD2143G0-I")
    rebadge = parse_model("IP4M-1026E")
    assert own is not None
    assert rebadge is not None
    assert rebadge.confidence < own.confidence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  ds-7608ni-k2 ", "DS-7608NI-K2"),
        ("Ds-2cd2023g2-i(2.8mm)", "DS-2CD2023G2-I(2.8MM)"),
        ("dhi-ipc-hfw1431s\n", "DHI-IPC-HFW1431S"),
    ],
)
def test_model_codes_are_normalised(text: str, expected: str) -> None:
    found = parse_model(text)
    assert found is not None
    assert found.model == expected == normalise_model(text)


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("HIKVISION DS-2CD2142FWD-I Network Camera", "DS-2CD2142FWD-I"),
        (
            "Model: DH-IPC-HFW2431S-S-S2, firmware V2.800.0000000.5.R.20210528",
            "DH-IPC-HFW2431S-S-S2",
        ),
        ("<DeviceInfo><model>DS-7608NI-K2</model></DeviceInfo>", "DS-7608NI-K2"),
        ("Manufacturer=Dahua;Model=NVR2108-8P-4KS2;", "NVR2108-8P-4KS2"),
        ("HIKVISION/DS-7608NI-K2.", "DS-7608NI-K2"),
        ("camera (IPC-D140H(C)) in the hall", "IPC-D140H(C)"),
        ("Amcrest IP4M-1026E.", "IP4M-1026E"),
    ],
)
def test_find_model_inside_longer_text(text: str, model: str) -> None:
    found = find_model(text)
    assert found is not None
    assert found.model == model


@pytest.mark.parametrize(
    "text",
    [
        "AXIS P3245-LVE Network Camera",
        "Bosch NDE-3502-AL",
        "Welcome to the WEB SERVICE",
        "Server: App-webs/",
        "V5.5.800 build 210628",
        "",
        "    ",
    ],
)
def test_find_model_finds_nothing_where_there_is_none(text: str) -> None:
    assert find_model(text) is None


def test_long_text_is_not_a_model_code_but_can_contain_one() -> None:
    text = "x " * grammar.MAX_SCAN_CHARS + "DS-7608NI-K2"
    assert parse_model(text) is None
    assert find_model(text) is None  # beyond MAX_SCAN_CHARS
    assert find_model(" DS-7608NI-K2 " + "x " * grammar.MAX_SCAN_CHARS) is not None


# ------------------------------------------------------------------ firmware.yaml


@pytest.mark.parametrize(("rule", "example"), list(firmware_examples()))
def test_firmware_example_parses(rule: FirmwareGrammar, example: grammar.FirmwareExample) -> None:
    parsed = parse_firmware(example.text)
    assert parsed is not None, f"{example.text} matches no grammar"
    assert parsed.rule == rule.id
    assert parsed.version == example.version
    assert parsed.build == example.build
    assert parsed.platform == example.platform
    assert parsed.text == example.text
    # The maker's own grammar also parses it when the maker is given.
    assert parse_firmware(example.text, rule.manufacturer) == parsed


@pytest.mark.parametrize("text", FIRMWARE.counter_examples)
def test_firmware_counter_example_parses_to_nothing(text: str) -> None:
    assert parse_firmware(text) is None


@pytest.mark.parametrize("rule", FIRMWARE.grammars, ids=[g.id for g in FIRMWARE.grammars])
def test_every_firmware_grammar_has_examples(rule: FirmwareGrammar) -> None:
    assert rule.examples
    assert rule.source


def test_firmware_grammars_are_tried_for_the_given_maker_only() -> None:
    assert parse_firmware("V5.5.800 build 210628", "dahua") is None
    hikvision = parse_firmware("V5.5.800 build 210628", "hikvision")
    assert hikvision is not None
    assert hikvision.rule == "hikvision-version-build"
    dahua = parse_firmware("V2.800.0000000.5.R.20210528", "hikvision")
    assert dahua is None
    # Makerless grammars serve every maker.
    plain = parse_firmware("V1.1.0", "dahua")
    assert plain is not None
    assert plain.rule == "plain-version"


def test_invalid_build_dates_keep_the_version() -> None:
    parsed = parse_firmware("V5.4.0 build 160231")  # 31 February
    assert parsed is not None
    assert parsed.version == (5, 4, 0)
    assert parsed.build is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("210628", dt.date(2021, 6, 28)),
        ("991231", dt.date(2099, 12, 31)),
        ("20170612", dt.date(2017, 6, 12)),
        ("2024-01-22", dt.date(2024, 1, 22)),
        ("211340", None),
        ("2101", None),
        ("", None),
        (None, None),
        ("२०२१०६", None),  # digits, but not ASCII
    ],
)
def test_parse_build(text: str | None, expected: dt.date | None) -> None:
    assert parse_build(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("V5.5.800", (5, 5, 800)),
        ("2.420.0000.11", (2, 420, 0, 11)),
        ("V2.3.8-8", (2, 3, 8, 8)),
        ("5.5", (5, 5)),
    ],
)
def test_parse_version(text: str, expected: tuple[int, ...]) -> None:
    assert parse_version(text) == expected


# ------------------------------------------------------------------ loading


def test_rules_are_loaded_once() -> None:
    assert grammar.load_model_rules() is grammar.load_model_rules()
    assert grammar.load_firmware_grammars() is grammar.load_firmware_grammars()


def write_rules(tmp_path: Path, rules: list[dict[str, object]], **extra: object) -> Path:
    path = tmp_path / "models.yaml"
    document = {"rules": rules, "sources": [{"key": "s", "title": "t"}], **extra}
    path.write_text(yaml.safe_dump(document))
    return path


GOOD_RULE: dict[str, object] = {
    "id": "acme-camera",
    "pattern": "(?P<family>AC-\\d)\\d+",
    "manufacturer": "acme",
    "device_type": "camera",
    "confidence": 0.5,
    "source": "s",
    "examples": [{"model": "AC-1234", "device_type": "camera"}],
}


def test_another_rule_file_can_be_used(tmp_path: Path) -> None:
    path = write_rules(tmp_path, [GOOD_RULE])
    found = parse_model("ac-1234", path)
    assert found is not None
    assert (found.rule, found.manufacturer, found.family) == ("acme-camera", "acme", "AC-1")
    assert find_model("an AC-1234 here", path) == found
    assert parse_model("DS-7608NI-K2", path) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pattern": "(unclosed"}, "pattern does not compile"),
        ({"pattern": None}, "'pattern' must be a non-empty string"),
        ({"device_type": "toaster"}, "device_type 'toaster'"),
        ({"confidence": 2}, "not between 0 and 1"),
        ({"confidence": "high"}, "'confidence' must be a number"),
        ({"manufacturer": "Acme Corp"}, "lower-case slug"),
        ({"source": "nowhere"}, "source 'nowhere'"),
        ({"examples": [{"device_type": "camera"}]}, "needs a 'model'"),
        ({"examples": "AC-1"}, "'examples' must be a list"),
    ],
)
def test_a_bad_model_rule_is_named(tmp_path: Path, change: dict[str, object], message: str) -> None:
    path = write_rules(tmp_path, [{**GOOD_RULE, **change}])
    with pytest.raises(GrammarError) as raised:
        grammar.load_model_rules(path)
    assert str(path) in str(raised.value)
    assert "'acme-camera'" in str(raised.value)
    assert message in str(raised.value)


def test_duplicate_rule_ids_are_refused(tmp_path: Path) -> None:
    path = write_rules(tmp_path, [GOOD_RULE, GOOD_RULE])
    with pytest.raises(GrammarError, match=r"acme-camera.*used twice"):
        grammar.load_model_rules(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [unclosed", "not valid YAML"),
        ("- a list", "top level must be a mapping"),
        ("rules: []\nsources: []", "'rules' must be a non-empty list"),
        ("rules: [3]\nsources: []", "rule #1: must be a mapping"),
        ("rules: []\nsources: [{title: x}]", "needs a 'key'"),
    ],
)
def test_a_malformed_model_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(GrammarError, match=message) as raised:
        grammar.load_model_rules(path)
    assert str(path) in str(raised.value)


def test_a_missing_file_is_a_grammar_error(tmp_path: Path) -> None:
    with pytest.raises(GrammarError, match="cannot be read"):
        grammar.load_firmware_grammars(tmp_path / "absent.yaml")


def test_a_firmware_grammar_needs_a_version_group(tmp_path: Path) -> None:
    path = tmp_path / "firmware.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "grammars": [{"id": "no-version", "pattern": "V(\\d+)", "source": "s"}],
                "sources": [{"key": "s"}],
            }
        )
    )
    with pytest.raises(GrammarError, match=r"'no-version'.*named group 'version'"):
        grammar.load_firmware_grammars(path)


def test_a_bad_firmware_example_is_named(tmp_path: Path) -> None:
    path = tmp_path / "firmware.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "grammars": [
                    {
                        "id": "v",
                        "pattern": "V(?P<version>\\d+)",
                        "source": "s",
                        "examples": [{"text": "V1", "version": "1"}],
                    }
                ],
                "sources": [{"key": "s"}],
            }
        )
    )
    with pytest.raises(GrammarError, match=r"grammar 'v'.*list of integers"):
        grammar.load_firmware_grammars(path)


# ------------------------------------------------------------------ properties

MODELISH = st.text(alphabet="DSHIPCNVRTOK-0123456789/()._ +aZ", max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), MODELISH))
def test_parse_model_never_raises(text: str) -> None:
    found = parse_model(text)
    assert found is None or found.model == normalise_model(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=2000), MODELISH))
def test_find_model_never_raises(text: str) -> None:
    found = find_model(text)
    assert found is None or found.rule in {rule.id for rule in RULES.rules}


FIRMWAREISH = st.text(alphabet="Vv0123456789._- buildBUILDR_DHIPCGEng", max_size=60)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(max_size=400), FIRMWAREISH),
    st.sampled_from([None, "hikvision", "dahua", "acme"]),
)
def test_parse_firmware_never_raises(text: str, manufacturer: str | None) -> None:
    parsed = parse_firmware(text, manufacturer)
    if parsed is not None:
        assert parsed.version
        assert all(isinstance(part, int) for part in parsed.version)
        assert parsed.build is None or isinstance(parsed.build, dt.date)
