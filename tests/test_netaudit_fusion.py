"""Evidence fusion (netaudit/fusion.py): claims combine per maker, rebadges resolve through
the vendor register, rivals lower confidence, and every claim stays as evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from camwatch.netaudit.fusion import DEVICE_KEYS, FIRMWARE_STYLE, Evidence, decide, fuse
from camwatch.netaudit.observation import Observation
from camwatch.netaudit.rules import load_rules
from camwatch.netaudit.vendors import register

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

RULES = """
sources:
  - {key: s, title: Test}
rules:
  - {id: hik-server, field: http.server, pattern: '^Hikvision-Webs$', keywords: [hikvision-webs],
     manufacturer: hikvision, device_type: dvr, confidence: 0.9, source: s,
     examples: [Hikvision-Webs]}
  - {id: weak-webs, field: http.server, pattern: '^Webs$', keywords: [webs],
     manufacturer: hikvision, confidence: 0.4, source: s, examples: [Webs]}
  - {id: dahua-rtsp, field: rtsp.server, pattern: 'Dahua Rtsp Server', keywords: [dahua rtsp],
     manufacturer: dahua, device_type: camera, confidence: 0.9, source: s,
     examples: [Dahua Rtsp Server]}
  - {id: lorex-realm, field: http.wwwauth, pattern: 'realm="Login to (?P<serial>ND[0-9]+)"',
     keywords: [login to], brand: lorex, confidence: 0.7, source: s,
     examples: ['Digest realm="Login to ND011811000000"']}
  - {id: hik-firmware, field: banner, pattern: '(?P<firmware>V5\\.[0-9.]+ build [0-9]{6})',
     keywords: [build], manufacturer: hikvision, confidence: 0.3, source: s,
     examples: ['V5.4.0 build 160401']}
"""


@pytest.fixture
def ruleset(tmp_path: Path):
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return load_rules([path])


def observe(**signals: str) -> Observation:
    return Observation("192.0.2.10", 80, {k.replace("_", "."): v for k, v in signals.items()})


def test_one_strong_signal_identifies_with_its_confidence(ruleset) -> None:
    device = fuse([observe(http_server="Hikvision-Webs")], ruleset, register())
    assert device is not None
    assert (device.manufacturer, device.device_type, device.of_concern) == (
        "hikvision",
        "dvr",
        True,
    )
    assert device.confidence == pytest.approx(0.9)
    assert [e.rule for e in device.evidence] == ["hik-server"]


def test_weak_signal_alone_is_not_enough(ruleset) -> None:
    assert fuse([observe(http_server="Webs")], ruleset, register()) is None
    weak = fuse([observe(http_server="Webs")], ruleset, register(), min_confidence=0.3)
    assert weak is not None
    assert weak.confidence == pytest.approx(0.4)


def test_independent_signals_combine(ruleset) -> None:
    records = [observe(http_server="Webs"), observe(banner="firmware V5.4.0 build 160401")]
    device = fuse(records, ruleset, register())
    assert device is not None
    # Three claims: the weak header, the banner rule, and the firmware in Hikvision's own
    # version-and-build grammar.
    assert device.confidence == pytest.approx(1 - 0.6 * 0.7 * (1 - FIRMWARE_STYLE))
    assert device.firmware == "V5.4.0 build 160401"
    assert {e.signal for e in device.evidence} == {"http.server", "banner", "firmware"}


def test_same_rule_counts_once(ruleset) -> None:
    records = [observe(http_server="Webs"), observe(http_server="Webs")]
    assert fuse(records, ruleset, register()) is None


def test_brand_resolves_to_its_maker_weighted_by_the_relation(ruleset) -> None:
    wwwauth = 'Digest realm="Login to ND011811000000", nonce="x"'
    device = fuse([observe(http_wwwauth=wwwauth)], ruleset, register(), min_confidence=0.5)
    assert device is not None
    assert (device.manufacturer, device.brand) == ("dahua", "lorex")
    assert device.confidence == pytest.approx(0.7 * 0.95)  # Lorex: subsidiary, high confidence
    assert device.serial == "ND011811000000"
    assert device.of_concern  # made by Dahua, whatever the badge


def test_rival_maker_lowers_confidence_and_stays_in_evidence(ruleset) -> None:
    records = [observe(http_server="Hikvision-Webs"), observe(rtsp_server="Dahua Rtsp Server")]
    device = fuse(records, ruleset, register())
    assert device is None or device.confidence < 0.5
    maker, confidence = decide(
        [
            Evidence("a", "x", "r1", "hikvision", None, 0.9, "s"),
            Evidence("b", "y", "r2", "dahua", None, 0.5, "s"),
        ]
    )
    assert maker == "hikvision"
    assert confidence == pytest.approx(0.9 - 0.25)


def test_stated_vendor_of_a_rebadge_and_an_unconcerning_maker(ruleset) -> None:
    lts = fuse([observe(vendor="LTS")], ruleset, register())
    assert lts is not None
    assert (lts.manufacturer, lts.brand) == ("hikvision", "lts")
    axis = fuse([observe(vendor="Axis Communications")], ruleset, register())
    assert axis is not None
    assert axis.manufacturer == "axis"
    assert not axis.of_concern


def test_nothing_known_gives_nothing(ruleset) -> None:
    assert (
        fuse([observe(http_server="nginx/1.25.3", http_title="Welcome")], ruleset, register())
        is None
    )


def test_device_dict_has_the_documented_keys(ruleset) -> None:
    device = fuse([observe(http_server="Hikvision-Webs")], ruleset, register())
    assert device is not None
    assert tuple(device.as_dict(register())) == DEVICE_KEYS
    assert device.as_dict(register())["manufacturer"] == "Hikvision"
