"""Findings reports: HTML written from the data, and a PDF printed by Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from camwatch.cli import main
from camwatch.findings.report import render_html

pytestmark = pytest.mark.django_db


def test_html_report_has_claims_charts_and_methods_from_the_data() -> None:
    html = render_html("bscc-2022-police-survey")
    assert "<h1>Biometrics and Surveillance Camera Commissioner: police survey 2022</h1>" in html
    assert html.count("<svg") == 3  # outcomes, verdicts, shares with intervals
    assert "rounding versus truncation" in html
    assert "a different base: police forces of England and Wales asked (43)" in html
    assert "“bodies that returned the survey”: 39 of 47; the base is all bodies asked." in html
    assert "Published on 15 February 2023." in html
    assert "17 claims are recorded as paraphrases" in html
    corrected = "Claim bscc-full-body-worn-at-least-two was corrected by claim "
    assert corrected + "bscc-full-body-worn-corrected." in html
    assert "<script" not in html
    assert (
        "https://www.gov.uk/government/publications/police-survey-2022-responses-and-key-findings"
        in html
    )


def test_report_caveats_include_the_checks_on_its_records() -> None:
    html = render_html("sonification-3c-foi-2023")
    assert "the stated total is 612 but its 5 disclosed parts add up to 611" in html
    assert "1 body asked, 1 identified" in html


def test_cli_report_html_and_unknown_investigation(tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", "top10vpn-2020-councils", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "19 of the 52 bodies asked are not identified in the sources." in output.read_text()
    missing = CliRunner().invoke(main, ["report", "no-such-investigation"])
    assert missing.exit_code == 1
    assert "no investigation 'no-such-investigation'" in missing.output


@pytest.mark.browser
def test_pdf_report_is_printed_by_chromium(tmp_path: Path) -> None:
    output = tmp_path / "report.pdf"
    result = CliRunner().invoke(
        main, ["report", "sonification-3c-foi-2023", "--format", "pdf", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    data = output.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.count(b"/Type /Page") >= 2  # the pages and the page tree
