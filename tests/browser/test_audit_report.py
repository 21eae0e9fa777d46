"""The audit's HTML report opened from disk in a real browser: the figures and rows are
there, the evidence opens, the filter box filters, nothing is fetched from anywhere,
and axe-core finds no serious or critical problems."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import serious_axe_violations

from camwatch.netaudit.report import render_report

pytestmark = pytest.mark.browser

HOSTILE_BANNER = "<script>document.title='owned'</script>"


def _evidence(signal: str, value: str, rule: str, manufacturer: str, **extra: Any) -> Any:
    return {
        "signal": signal,
        "value": value,
        "rule": rule,
        "manufacturer": manufacturer,
        "brand": extra.get("brand"),
        "confidence": extra.get("confidence", 0.9),
        "source": "depot-scan.xml",
    }


HIKVISION = {
    "ip": "10.20.0.15",
    "port": 80,
    "manufacturer": "Hikvision",
    "brand": None,
    "device_type": "camera",
    "model": "DS-2CD2042WD-I",
    "firmware": "V5.4.5",
    "of_concern": True,
    "confidence": 0.97,
    "evidence": [
        _evidence("http_server", "App-webs/", "hikvision-app-webs", "Hikvision"),
        _evidence("http_title", HOSTILE_BANNER, "hikvision-title", "Hikvision", confidence=0.6),
    ],
    "cves": [
        {
            "cve": "CVE-2021-36260",
            "certainty": "affected",
            "kev": True,
            "kev_added": "2022-01-10",
            "cvss": 9.8,
            "reason": "firmware V5.4.5 is before the fixed V5.5.800",
        }
    ],
    "serial": "DS-2CD2042WD-I20170101AAWR123456789",
    "location": "Depot gate",
    "mac": "44:19:b6:00:00:01",
    "hostname": None,
    "records": ["depot-scan.xml:40"],
}
LOREX = {
    "ip": "10.20.0.3",
    "port": 37777,
    "manufacturer": "Dahua Technology",
    "brand": "Lorex",
    "device_type": "nvr",
    "model": "N841A6",
    "firmware": None,
    "of_concern": True,
    "confidence": 0.76,
    "evidence": [
        _evidence("http_title", "LOREX NVR", "lorex-title", "Dahua Technology", brand="Lorex"),
    ],
    "cves": [],
    "serial": None,
    "location": None,
    "mac": None,
    "hostname": "lorex-nvr",
    "records": ["depot-scan.xml:12"],
}
AXIS = {
    "ip": "10.20.0.40",
    "port": 443,
    "manufacturer": "Axis Communications",
    "brand": None,
    "device_type": "camera",
    "model": "P1448-LE",
    "firmware": "10.12.1",
    "of_concern": False,
    "confidence": 0.88,
    "evidence": [_evidence("tls_subject", "CN=axis-b8a44f", "axis-cert", "Axis Communications")],
    "cves": [],
    "serial": None,
    "location": None,
    "mac": "b8:a4:4f:00:00:02",
    "hostname": None,
    "records": ["depot-scan.xml:77"],
}
SUMMARY = {
    "records": 120,
    "bad_records": 1,
    "devices": 3,
    "of_concern": 2,
    "by_vendor": [
        {
            "manufacturer": "Axis Communications",
            "brand": None,
            "device_type": "camera",
            "devices": 1,
        },
        {"manufacturer": "Dahua Technology", "brand": "Lorex", "device_type": "nvr", "devices": 1},
        {"manufacturer": "Hikvision", "brand": None, "device_type": "camera", "devices": 1},
    ],
    "by_cve": [{"cve": "CVE-2021-36260", "kev": True, "devices": 1}],
}


@pytest.fixture
def report(tmp_path: Path) -> str:
    html = render_report(
        [AXIS, LOREX, HIKVISION],
        SUMMARY,
        title="Depot network audit",
        sources=["depot-scan.xml"],
        bad_examples=["depot-scan.xml:99: not an nmap host"],
        generated=datetime.datetime(2025, 3, 14, 9, 30, tzinfo=datetime.UTC),
    )
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    return path.as_uri()


@pytest.fixture
def opened(browser: Any, report: str) -> Iterator[tuple[Any, list[str]]]:
    """The report in a fresh page, with every URL the page requested."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(report)
    page.wait_for_load_state("networkidle")
    yield page, requested
    context.close()


def test_report_figures_rows_and_evidence(
    opened: tuple[Any, list[str]], report: str, artifacts: Path
) -> None:
    page, requested = opened
    assert page.title() == "Depot network audit"
    figures = {
        "records": "120",
        "bad-records": "1",
        "devices": "3",
        "of-concern": "2",
        "kev": "1",
    }
    for key, value in figures.items():
        assert page.locator(f"#figure-{key} dd").inner_text() == value, key

    table = page.get_by_role("table", name="Identified devices, of concern first, then by address")
    rows = table.locator("tbody > tr")
    assert rows.count() == 3
    first, second, third = (rows.nth(n).inner_text() for n in range(3))
    assert "10.20.0.3" in first
    assert "Lorex" in first
    assert "Dahua Technology" in first
    assert "Yes: of concern" in first
    assert "10.20.0.15" in second
    assert "CVE-2021-36260" in second
    assert "KEV" in second
    assert "10.20.0.40" in third
    assert "Axis Communications" in third
    assert "No" in third
    cves = page.get_by_role("table", name="Devices by CVE (KEV: known to be exploited)")
    assert "CVE-2021-36260" in cves.inner_text()

    hikvision = rows.nth(1)
    evidence = hikvision.locator("details li").first
    assert not evidence.is_visible()
    hikvision.locator("details summary").click()
    assert evidence.is_visible()
    assert "App-webs/" in evidence.inner_text()
    # The hostile banner is text on the page, not a script that ran.
    assert HOSTILE_BANNER in hikvision.locator("details").inner_text()
    assert page.title() == "Depot network audit"
    page.screenshot(path=str(artifacts / "audit-report.png"), full_page=True)

    assert requested == [report]


def test_report_filter_box_hides_rows(opened: tuple[Any, list[str]], report: str) -> None:
    page, requested = opened
    rows = page.locator("#device-table tbody > tr")
    box = page.get_by_label("Filter devices (any text in the row)")
    assert box.is_visible()
    box.fill("lorex")
    assert rows.nth(0).is_visible()
    assert not rows.nth(1).is_visible()
    assert not rows.nth(2).is_visible()
    assert page.locator("#device-filter-status").inner_text() == "1 of 3 devices shown"
    box.fill("camera")
    assert [rows.nth(n).is_visible() for n in range(3)] == [False, True, True]
    box.fill("")
    assert all(rows.nth(n).is_visible() for n in range(3))
    assert requested == [report]


def test_report_is_readable_without_javascript(browser: Any, report: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(report)
    assert page.locator("#device-table tbody > tr").count() == 3
    assert not page.locator("#device-filter").is_visible()
    assert "no device was logged into" in page.locator("header").inner_text()
    context.close()


def test_report_passes_axe(browser: Any, report: str) -> None:
    folder = report.rsplit("/", 1)[0] + "/"
    assert serious_axe_violations(browser, folder, report, ready="#device-table") == []
