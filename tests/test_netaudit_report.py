"""The audit's self-contained HTML report (camwatch.netaudit.report): escaping of hostile
banners, the headline figures, ordering, the device limit, and that nothing on the page
points off it."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from camwatch.netaudit.report import LEGAL_NOTE, render_report

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

GENERATED = datetime.datetime(2025, 3, 14, 9, 30, tzinfo=datetime.UTC)
HOSTILE = '<script>alert("owned")</script><img src=x onerror=alert(1)>'


def evidence(value: str, manufacturer: str, brand: str | None = None) -> dict[str, Any]:
    return {
        "signal": "http_server",
        "value": value,
        "rule": "hik-web-server",
        "manufacturer": manufacturer,
        "brand": brand,
        "confidence": 0.9,
        "source": "scan.xml",
    }


def device(ip: str, manufacturer: str, *, concern: bool, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ip": ip,
        "port": 80,
        "manufacturer": manufacturer,
        "brand": None,
        "device_type": "camera",
        "model": "M-1",
        "firmware": "1.0",
        "of_concern": concern,
        "confidence": 0.912,
        "evidence": [evidence("Server: test", manufacturer)],
        "cves": [],
        "serial": None,
        "location": None,
        "mac": None,
        "hostname": None,
        "records": ["scan.xml:12"],
    }
    return {**base, **extra}


HIK_CVE = {
    "cve": "CVE-2021-36260",
    "certainty": "affected",
    "kev": True,
    "kev_added": "2022-01-10",
    "cvss": 9.8,
    "reason": "firmware 5.5.0 is before the fixed 5.5.800",
}

DEVICES = [
    device("10.0.0.10", "Axis Communications", concern=False),
    device("10.0.0.9", "Hikvision", concern=True, cves=[HIK_CVE], model="DS-2CD2042WD"),
    device(
        "10.0.0.2",
        "Dahua Technology",
        concern=True,
        brand="Lorex",
        device_type="nvr",
        cves=[{**HIK_CVE, "cve": "CVE-2021-33044", "kev": True, "certainty": "possible"}],
    ),
    device("192.168.1.5", "Axis Communications", concern=False),
]

SUMMARY = {
    "records": 1234,
    "bad_records": 2,
    "devices": 4,
    "of_concern": 2,
    "by_vendor": [
        {
            "manufacturer": "Axis Communications",
            "brand": None,
            "device_type": "camera",
            "devices": 2,
        },
        {"manufacturer": "Dahua Technology", "brand": "Lorex", "device_type": "nvr", "devices": 1},
        {"manufacturer": "Hikvision", "brand": None, "device_type": "camera", "devices": 1},
    ],
    "by_cve": [
        {"cve": "CVE-2021-33044", "kev": True, "devices": 1},
        {"cve": "CVE-2021-36260", "kev": True, "devices": 1},
    ],
}


def render(devices: list[dict[str, Any]] = DEVICES, **options: Any) -> str:
    settings: dict[str, Any] = {
        "title": "Audit of the depot network",
        "sources": ["scans/depot.xml", "inventory.csv"],
        "generated": GENERATED,
    }
    return render_report(devices, SUMMARY, **{**settings, **options})


def figure(page: str, key: str) -> str:
    found = re.search(rf'id="figure-{key}"><dt>[^<]*</dt><dd>([^<]*)</dd>', page)
    assert found, key
    return found.group(1)


def device_rows(page: str) -> list[str]:
    body = page.split('<table id="device-table">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", body.split("<tbody>", 1)[1], flags=re.S)


class Balance(HTMLParser):
    """Checks that every non-void element is closed in order."""

    VOID = frozenset({"meta", "br", "input", "img", "link", "hr", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, tag
        assert self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def parse(page: str) -> Balance:
    parser = Balance()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    return parser


def test_a_self_contained_html5_document() -> None:
    page = render()
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    tags = parse(page).tags
    names = [name for name, _ in tags]
    assert names.count("style") == 1
    assert names.count("script") == 1
    assert "link" not in names
    assert "Audit of the depot network</title>" in page
    assert "<h1>Audit of the depot network</h1>" in page
    assert "<code>scans/depot.xml</code>" in page
    assert "<code>inventory.csv</code>" in page
    assert '<time datetime="2025-03-14T09:30:00+00:00">2025-03-14 09:30:00 UTC</time>' in page
    assert LEGAL_NOTE in page
    assert "no device was logged into." in page


def test_nothing_points_off_the_page() -> None:
    page = render()
    assert "http://" not in page
    assert "https://" not in page
    assert "//" not in re.sub(r"<style>.*?</style>|<script>.*?</script>", "", page, flags=re.S)
    for tag, attrs in parse(page).tags:
        assert "src" not in attrs, tag
        assert attrs.get("href") is None or str(attrs["href"]).startswith("#"), attrs
    assert "url(" not in page
    assert "@import" not in page
    assert "<link" not in page
    assert "<script src=" not in page


def test_urls_in_device_data_stay_escaped_text() -> None:
    lure = '"><link rel=stylesheet href="https://evil.example/x.css"><a href="http://x.test/">'
    hostile = device("10.0.0.66", "Hikvision", concern=True, model=lure, hostname=lure,
                     evidence=[evidence(lure, "Hikvision")])  # fmt: skip
    page = render([hostile])
    assert "<link" not in page
    assert "&lt;link rel=stylesheet href=&quot;https://evil.example/x.css&quot;&gt;" in page
    for tag, attrs in parse(page).tags:
        assert tag != "link"
        assert "src" not in attrs, tag
        assert attrs.get("href") is None or str(attrs["href"]).startswith("#"), attrs
    outside_code = re.sub(r"<code>.*?</code>|<td>[^<]*</td>", "", page, flags=re.S)
    assert "http://" not in outside_code
    assert "https://" not in outside_code


def test_a_script_in_a_banner_renders_as_text() -> None:
    hostile = device("10.0.0.7", HOSTILE, concern=True, brand=HOSTILE, model=HOSTILE,
                     firmware=HOSTILE, device_type=HOSTILE, serial=HOSTILE, location=HOSTILE,
                     evidence=[evidence(HOSTILE, HOSTILE, HOSTILE)],
                     cves=[{**HIK_CVE, "reason": HOSTILE, "cve": HOSTILE}],
                     records=[HOSTILE])  # fmt: skip
    summary = {**SUMMARY, "by_vendor": [{"manufacturer": HOSTILE, "brand": HOSTILE,
                                        "device_type": HOSTILE, "devices": 1}],
               "by_cve": [{"cve": HOSTILE, "kev": True, "devices": 1}]}  # fmt: skip
    page = render_report(
        [hostile], summary, title=HOSTILE, sources=[HOSTILE], bad_examples=[HOSTILE],
        generated=GENERATED,
    )  # fmt: skip
    assert page.count("<script") == 1
    assert "<img" not in page
    assert 'alert("owned")' not in page
    escaped = "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;&lt;img src=x"
    assert page.count(escaped) >= 15
    tags = parse(page).tags
    assert [name for name, _ in tags].count("script") == 1
    assert not any(name == "img" for name, _ in tags)


def test_headline_figures() -> None:
    page = render()
    assert figure(page, "records") == "1,234"
    assert figure(page, "bad-records") == "2"
    assert figure(page, "devices") == "4"
    assert figure(page, "of-concern") == "2"
    assert figure(page, "kev") == "2"
    assert "Devices with a CVE in CISA&#x27;s KEV" in page


def test_kev_figure_counts_devices_not_cves() -> None:
    two_kev = device("10.0.0.1", "Hikvision", concern=True, cves=[HIK_CVE, {**HIK_CVE, "cve": "X"}])
    not_kev = device("10.0.0.3", "Hikvision", concern=True, cves=[{**HIK_CVE, "kev": False}])
    assert figure(render([two_kev, not_kev]), "kev") == "1"


def test_the_tables_by_vendor_and_by_cve() -> None:
    page = render()
    vendors = page.split('<table id="vendor-table">', 1)[1].split("</table>", 1)[0]
    assert "<caption>Devices by manufacturer, brand and type</caption>" in vendors
    assert (
        '<tr><th scope="row">Dahua Technology</th><td>Lorex</td><td>nvr</td>'
        '<td class="num">1</td></tr>'
    ) in vendors
    cves = page.split('<table id="cve-table">', 1)[1].split("</table>", 1)[0]
    assert "<caption>" in cves
    assert '<code>CVE-2021-36260</code></th><td><span class="kev">KEV</span> yes</td>' in cves


def test_devices_of_concern_first_then_by_address() -> None:
    rows = device_rows(render())
    order = [re.search(r"<code>([^<]*)</code>", row).group(1) for row in rows]  # type: ignore[union-attr]
    assert order == ["10.0.0.2", "10.0.0.9", "10.0.0.10", "192.168.1.5"]
    assert all('class="concern"' in row and "Yes: of concern" in row for row in rows[:2])
    assert all('class="concern"' not in row and "<td>No</td>" in row for row in rows[2:])


def test_a_device_row_and_its_evidence() -> None:
    rows = device_rows(render())
    lorex = rows[0]
    assert "<td>Dahua Technology</td><td>Lorex</td><td>nvr</td>" in lorex
    assert '<td class="num">0.91</td>' in lorex
    assert '<code>CVE-2021-33044</code> <span class="kev">KEV</span>' in lorex
    assert "(possible)" in lorex
    details = re.search(r"<details>.*</details>", lorex, flags=re.S)
    assert details
    assert "<summary>Evidence (1)" in details.group(0)
    assert "<code>Server: test</code>" in details.group(0)
    assert "<code>scan.xml:12</code>" in details.group(0)


def test_the_limit_says_how_many_were_left_out() -> None:
    many = [device(f"10.1.0.{n}", "Axis Communications", concern=False) for n in range(1, 8)]
    page = render(many, limit=3)
    rows = device_rows(page)
    assert len(rows) == 3
    assert "10.1.0.1</code>" in rows[0]
    assert "Showing the first 3 of 7 devices; 4 were left out of this page." in page
    assert "The JSON output has all of them." in page
    assert "left out" not in render(many, limit=7)


def test_bad_records_shown_only_when_there_are_some() -> None:
    page = render(bad_examples=["scan.xml:3: not JSON", "scan.xml:9: no address"])
    assert "<li><code>scan.xml:3: not JSON</code></li>" in page
    assert "The first bad records" in page
    assert "The first bad records" not in render()


def test_methods_note() -> None:
    page = render()
    assert "1 &minus; &prod;(1 &minus; <var>c</var>)" in page
    assert "half the score of the strongest rival" in page
    assert "high 0.95, medium 0.8, low 0.5" in page


def test_accessible_structure() -> None:
    page = render()
    assert '<a class="skip" href="#devices">' in page
    assert '<section id="devices"' in page
    tags = parse(page).tags
    headers = [attrs for name, attrs in tags if name == "th"]
    assert headers
    assert all(attrs.get("scope") in ("col", "row") for attrs in headers)
    assert page.count("<caption>") == page.count("<table ")
    assert '<label for="device-filter">' in page
    # The filter only appears when the script runs; without it the page is complete.
    assert '<div class="filter" id="device-filter-wrap" hidden>' in page


@pytest.mark.parametrize(
    "devices", [[], [{**device("", "", concern=False), "ip": None, "evidence": [], "records": []}]]
)
def test_empty_and_sparse_audits(devices: list[dict[str, Any]]) -> None:
    summary = {"records": 0, "bad_records": 0, "devices": len(devices), "of_concern": 0}
    page = render_report(devices, summary, title="Empty", sources=[])
    parse(page)
    assert figure(page, "kev") == "0"
    assert "<li>none</li>" in page
