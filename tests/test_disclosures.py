"""Importing disclosures (CSV or JSON) to check one's own data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import snapshot

from camwatch.cli import main
from camwatch.findings.checks import run_checks
from camwatch.findings.disclosures import import_disclosures
from camwatch.registry import models as m
from camwatch.registry.loader import DataFileErrors

pytestmark = pytest.mark.django_db

HEADER = "body,vendor,device_type,count,as_of,scope_kind,scope_name,source_title,source_url,quote\n"
THURROCK = (
    "Thurrock,Hikvision,cameras,47,2019-06-06,,,Thurrock FOI: Hikvision cameras,"
    "https://www.thurrock.gov.uk/foi-responses/hikvision-cameras,47 static cameras\n"
    "E06000034,HIK Vision,PTZ camera,9,2019-06-06,,,Thurrock FOI: Hikvision cameras,"
    "https://www.thurrock.gov.uk/foi-responses/hikvision-cameras,9 PTZ cameras\n"
)


def write(tmp_path: Path, text: str, name: str = "disclosures.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_rows_become_cited_holdings_and_a_rerun_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + THURROCK)
    report = import_disclosures(path)
    assert report.created["holdings"] == 2
    assert report.created["sources"] == 1
    thurrock = m.Holding.objects.filter(body__slug="thurrock").select_related("device_type")
    assert sorted((h.device_type.slug, h.count) for h in thurrock) == [
        ("camera", 47),
        ("ptz-camera", 9),
    ]
    citation = thurrock[0].citations.get()
    assert citation.source.url == "https://www.thurrock.gov.uk/foi-responses/hikvision-cameras"
    before = snapshot()
    assert import_disclosures(path).changes == 0
    assert snapshot() == before


def test_json_disclosures(tmp_path: Path) -> None:
    rows = [
        {
            "body": "camden",
            "vendor": "dahua",
            "count": 12,
            "count_qualifier": "at_least",
            "as_of": "2024-05",
            "source_key": "top10vpn-uk-video-surveillance-2021",
            "quote": "twelve",
        },
    ]
    path = write(tmp_path, json.dumps({"disclosures": rows}), "rows.json")
    import_disclosures(path)
    holding = m.Holding.objects.get(body__slug="camden", vendor__slug="dahua")
    assert (holding.count, holding.count_qualifier, holding.as_of_partial.isoformat()) == (
        12,
        "at_least",
        "2024-05",
    )


def test_problems_name_line_record_and_field_and_change_nothing(tmp_path: Path) -> None:
    bad = (
        HEADER
        + THURROCK
        + "Camdem,Hikvision,camera,3,2024,,,X,,\n"
        + "Camden,Hikvision,camera,-1,2024,,,X,,\n"
        + "Camden,Hikvision,camera,3,June 2024,,,X,,\n"
        + "Newport,Hikvision,camera,3,2024,,,,,\n"
    )
    before = snapshot()
    with pytest.raises(DataFileErrors) as raised:
        import_disclosures(write(tmp_path, bad))
    messages = [str(error) for error in raised.value.errors]
    assert any(
        ":4: record body=Camdem: no public body called 'Camdem'" in text for text in messages
    )
    assert any(":5: record body=Camden: field 'count'" in text for text in messages)
    assert any(":6: record body=Camden: field 'as_of'" in text for text in messages)
    assert any(
        ":7: record body=Newport: give source_key, or source_title" in text for text in messages
    )
    assert snapshot() == before


def test_ambiguous_names_are_refused(tmp_path: Path) -> None:
    # "Durham" is an alias of nobody; "County Durham" is the council's area name.
    path = write(tmp_path, HEADER + "Durham,Hikvision,camera,3,2024,,,X,,\n")
    with pytest.raises(DataFileErrors, match="no public body called 'Durham'"):
        import_disclosures(path)


def test_imported_data_is_checked(tmp_path: Path) -> None:
    other = THURROCK.replace("47,", "50,", 1).replace(
        "Thurrock FOI: Hikvision cameras", "Local news", 1
    )
    import_disclosures(write(tmp_path, HEADER + THURROCK + other.splitlines()[0] + "\n"))
    clashes = [f for f in run_checks() if f.check == "totals-disagree"]
    messages = [f.message for f in clashes if "Thurrock" in f.message]
    assert len(messages) == 1
    assert "47 (import-" in messages[0]
    assert "50 (import-" in messages[0]


def test_cli_import_dry_run_and_errors(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + THURROCK)
    result = CliRunner().invoke(main, ["findings", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would change" in result.output
    assert not m.Holding.objects.filter(body__slug="thurrock").exists()
    broken = write(tmp_path, "body,colour\nCamden,red\n", "broken.csv")
    result = CliRunner().invoke(main, ["findings", "import", str(broken)])
    assert result.exit_code == 1
    assert "broken.csv:2: record body=Camden: field 'colour'" in result.output
