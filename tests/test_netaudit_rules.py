"""The fingerprint rule engine (netaudit/rules.py, oui.py): files in, hits out; the
bundled rules' own examples; the pre-filter keyword contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from camwatch.netaudit import oui
from camwatch.netaudit.rules import (
    RuleError,
    Ruleset,
    bundled_rules,
    check_examples,
    load_rules,
)

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

RULES = """
sources:
  - {key: test-source, title: Test}
rules:
  - id: maker-server
    field: http.server
    pattern: '^Maker-Webs(?:/(?P<firmware>[0-9.]+))?$'
    keywords: [maker-webs]
    manufacturer: hikvision
    device_type: camera
    confidence: 0.9
    source: test-source
    examples: ["Maker-Webs", {value: "Maker-Webs/5.4.0", firmware: "5.4.0"}]
    counter_examples: ["Maker-Webserver"]
  - id: maker-favicon
    field: favicon.md5
    equals: ["89B932FCC47CF4CA3FAADB0CFDEF89CF"]
    keywords: [89b932fcc47cf4ca3faadb0cfdef89cf]
    manufacturer: hikvision
    confidence: 0.8
    source: test-source
    examples: ["89b932fcc47cf4ca3faadb0cfdef89cf"]
"""


def write_rules(folder: Path, text: str = RULES, name: str = "test.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rules_match_and_extract(tmp_path: Path) -> None:
    ruleset = load_rules([write_rules(tmp_path)])
    hits = ruleset.match("http.server", "maker-webs/5.4.0")
    assert [(hit.rule.id, dict(hit.extracted)) for hit in hits] == [
        ("maker-server", {"firmware": "5.4.0"})
    ]
    assert ruleset.match("http.server", "Maker-Webserver") == ()
    assert ruleset.match("favicon.md5", "89b932fcc47cf4ca3faadb0cfdef89cf")[0].rule.id == (
        "maker-favicon"
    )
    assert ruleset.keywords == ("89b932fcc47cf4ca3faadb0cfdef89cf", "maker-webs")


def test_match_signals_reads_only_known_fields(tmp_path: Path) -> None:
    ruleset = load_rules([write_rules(tmp_path)])
    hits = ruleset.match_signals({"http.server": "Maker-Webs", "http.title": "Maker-Webs"})
    assert [hit.field for hit in hits] == ["http.server"]


def test_memo_returns_same_hits_and_is_bounded(tmp_path: Path, monkeypatch) -> None:
    from camwatch.netaudit import rules

    monkeypatch.setattr(rules, "CACHE_LIMIT", 3)
    ruleset = load_rules([write_rules(tmp_path)])
    first = ruleset.match("http.server", "Maker-Webs")
    assert ruleset.match("http.server", "Maker-Webs") is first
    for n in range(10):
        ruleset.match("http.server", f"other-{n}")
    assert len(ruleset._cache) <= 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("keywords: [maker-webs]", "keywords: [Maker/Webs]"), "keyword 'Maker/Webs'"),
        (("keywords: [maker-webs]", "keywords: []"), "non-empty list"),
        (("field: http.server", "field: http.nothing"), "unknown field 'http.nothing'"),
        (("confidence: 0.9", "confidence: 1.5"), "confidence"),
        (("(?P<firmware>", "(?P<colour>"), "named group 'colour'"),
        (
            (
                'source: test-source\n    examples: ["Maker',
                'source: elsewhere\n    examples: ["Maker',
            ),
            "source 'elsewhere'",
        ),
        (("device_type: camera", "device_type: toaster"), "device_type 'toaster'"),
        (("pattern: '^Maker", "pattern: '(^Maker"), "does not compile"),
    ],
)
def test_bad_rule_files_name_file_and_rule(tmp_path: Path, change, message) -> None:
    old, new = change
    assert old in RULES
    path = write_rules(tmp_path, RULES.replace(old, new, 1))
    with pytest.raises(RuleError) as raised:
        load_rules([path])
    assert "test.yaml" in str(raised.value)
    assert message in str(raised.value)


def test_duplicate_ids_across_files_refused(tmp_path: Path) -> None:
    first = write_rules(tmp_path, name="a.yaml")
    second = write_rules(tmp_path, name="b.yaml")
    with pytest.raises(RuleError, match=r"already used in a\.yaml"):
        load_rules([first, second])


def test_check_examples_reports_failures(tmp_path: Path) -> None:
    broken = RULES.replace(
        'counter_examples: ["Maker-Webserver"]', 'counter_examples: ["Maker-Webs"]'
    )
    rule = load_rules([write_rules(tmp_path, broken)]).rules[0]
    assert check_examples(rule) == ["maker-server: counter-example 'Maker-Webs' matches"]
    wrong = RULES.replace('firmware: "5.4.0"', 'firmware: "5.4.1"')
    rule = load_rules([write_rules(tmp_path, wrong)]).rules[0]
    assert "expected '5.4.1'" in check_examples(rule)[0]


BUNDLED = bundled_rules()


@pytest.mark.parametrize("rule", BUNDLED.rules, ids=[rule.id for rule in BUNDLED.rules])
def test_bundled_rule_examples_hold(rule) -> None:
    assert check_examples(rule) == []


def test_bundled_rules_cover_both_makers_and_every_signal_kind() -> None:
    makers = {rule.manufacturer for rule in BUNDLED.rules}
    assert {"hikvision", "dahua"} <= makers
    fields = {name for rule in BUNDLED.rules for name in rule.fields}
    for wanted in (
        "http.server",
        "http.wwwauth",
        "http.title",
        "http.body",
        "favicon.md5",
        "favicon.mmh3",
        "tls.subject",
        "rtsp.server",
        "telnet.banner",
        "snmp.sysobjectid",
    ):
        assert wanted in fields, wanted


def test_oui_blocks_derived_from_the_ieee_registry_match_expected_counts() -> None:
    organisations = oui.organisation_rules()
    derived = oui.oui_rules()
    for organisation in organisations:
        if organisation.expected_count is None:
            continue
        count = sum(1 for rule in derived.values() if rule.id == organisation.rule.id)
        assert count == organisation.expected_count, organisation.rule.id
    assert derived["4419B6"].manufacturer == "hikvision"


def test_oui_hits_ignore_locally_administered_addresses() -> None:
    ruleset = Ruleset(BUNDLED.rules, ouis=oui.oui_rules())
    assert ruleset.match("mac", "44:19:B6:01:02:03")[0].rule.manufacturer == "hikvision"
    assert ruleset.match("mac", "46:19:B6:01:02:03") == ()
    assert oui.prefix_of("46:19:B6:01:02:03") is None
