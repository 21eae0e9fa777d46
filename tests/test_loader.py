"""load-data: idempotent, transactional, and precise about bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from tests.conftest import snapshot

from camwatch.registry import models as m
from camwatch.registry.loader import DataFileErrors
from camwatch.registry.loader.run import load_data, read_data

pytestmark = pytest.mark.django_db


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_second_run_changes_nothing() -> None:
    before = snapshot()
    report = load_data()
    assert report.changes == 0, report.as_dict()
    assert snapshot() == before


def test_fresh_load_then_rerun_is_identical() -> None:
    m.Holding.objects.all().delete()
    m.HoldingSource.history.model.objects.all().delete()
    first = load_data()
    assert first.created["holdings"] == m.Holding.objects.count() > 40
    after_first = snapshot()
    assert load_data().changes == 0
    assert snapshot() == after_first


def test_dry_run_reports_but_writes_nothing(data_copy: Path) -> None:
    edit(data_copy / "investigations" / "top10vpn-2020-councils.yaml", "count: 1790", "count: 1791")
    before = snapshot()
    report = load_data(data_copy, dry_run=True)
    assert report.updated["holdings"] == 1
    assert snapshot() == before


def test_an_edit_updates_in_place_and_keeps_history(data_copy: Path) -> None:
    edit(data_copy / "investigations" / "top10vpn-2020-councils.yaml", "count: 1790", "count: 1791")
    report = load_data(data_copy)
    assert report.changes == 1
    holding = m.Holding.objects.get(key="top10vpn-hammersmith-and-fulham-hikvision-cameras")
    assert holding.count == 1791
    counts = [record.count for record in holding.history.order_by("history_date")]
    assert counts[-2:] == [1790, 1791]
    assert (
        holding.history.latest().history_change_reason == "load-data: top10vpn-2020-councils.yaml"
    )


def test_a_citation_dropped_from_the_data_is_removed(data_copy: Path) -> None:
    edit(
        data_copy / "investigations" / "top10vpn-2020-councils.yaml",
        "      - source: breitbart-2021-02-19-half-london-councils\n"
        "        quote: 1,790 Hikvision cameras, estimated to cost £350,000 ($485,000)\n",
        "",
    )
    report = load_data(data_copy)
    assert report.deleted["holding citations"] == 1
    holding = m.Holding.objects.get(key="top10vpn-hammersmith-and-fulham-hikvision-cameras")
    assert [c.source.key for c in holding.citations.all()] == [
        "top10vpn-uk-video-surveillance-2021"
    ]


BAD_INPUTS = [
    # (file, old, new, expected message fragments)
    (
        "vendors.yaml",
        "confidence: high, source: wikipedia-hikvision,",
        "confidence: certain, source: wikipedia-hikvision,",
        ["vendors.yaml:", "slug=ezviz", "relations.0.confidence"],
    ),
    (
        "investigations/top10vpn-2020-councils.yaml",
        "    body: camden\n    vendor: hikvision",
        "    body: camdem\n    vendor: hikvision",
        [
            "top10vpn-2020-councils.yaml:",
            "key=top10vpn-camden-hikvision-dvr",
            "unknown public body 'camdem'",
        ],
    ),
    (
        "investigations/sonification-3c-foi-2023.yaml",
        "    count: 612\n",
        "    count: 612\n    colour: red\n",
        [
            "sonification-3c-foi-2023.yaml:",
            "key=3c-2023-total-hikvision-cameras",
            "colour",
            "Extra inputs",
        ],
    ),
    (
        "sources.yaml",
        "    published: 2023-06-14\n",
        "    published: 14 June 2023\n",
        ["sources.yaml:", "key=sonification-2023-3c-652-devices", "published"],
    ),
    (  # a date that does not exist: PyYAML alone would raise a bare ValueError
        "sources.yaml",
        "    published: 2023-06-14\n",
        "    published: 2023-02-30\n",
        ["sources.yaml:", "key=sonification-2023-3c-652-devices", "published"],
    ),
    (
        "investigations/bscc-2023-council-survey.yaml",
        "  - key: bscc-councils-due-diligence\n",
        "  - key: bscc-councils-responded\n",
        ["bscc-2023-council-survey.yaml:", "repeats claims key 'bscc-councils-responded'"],
    ),
    (
        "policies.yaml",
        "min_share_percent: 10",
        "min_share_percent: 10\n        min_confidence: certain",
        [
            "policies.yaml:",
            "slug=chinese-state-shareholder",
            "unknown criterion fields: min_confidence",
        ],
    ),
    (
        "reference/councils.yaml",
        "    - {code: S12000049, area: Glasgow City, source: ons-register-geographic-codes}\n",
        "",
        ["councils.yaml:", "S12000049", "council_reference.names"],
    ),
    (
        "facts/reported.yaml",
        "holdings:\n",
        "holdings:\n  - [not, a, mapping]\n",
        ["reported.yaml:", "in holdings"],
    ),
    (
        "vocab.yaml",
        "body_kinds:",
        "body_kinds: 3\nbody_kinds_again:",
        ["vocab.yaml", "unknown section"],
    ),
    (
        "investigations/top10vpn-2020-councils.yaml",
        "  stated_target_count: 52\n",
        "  stated_target_count: 52\n  stated_target_count: 53\n",
        ["top10vpn-2020-councils.yaml:", "duplicate key"],
    ),
]


@pytest.mark.parametrize(("relative", "old", "new", "fragments"), BAD_INPUTS)
def test_bad_input_names_the_place_and_changes_nothing(
    data_copy: Path, relative: str, old: str, new: str, fragments: list[str]
) -> None:
    edit(data_copy / relative, old, new)
    # A valid change elsewhere in the same load must not land either.
    edit(data_copy / "investigations" / "top10vpn-2020-councils.yaml", "count: 1790", "count: 1791")
    before = snapshot()
    with pytest.raises(DataFileErrors) as raised:
        load_data(data_copy)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, message
    assert re.search(r"\.yaml(:\d+)?", message)
    assert snapshot() == before


def test_errors_are_all_reported_together(data_copy: Path) -> None:
    edit(data_copy / "vendors.yaml", "role: brand", "role: reseller", count=2)
    with pytest.raises(DataFileErrors) as raised:
        read_data(data_copy)
    assert len(raised.value.errors) == 2


def test_a_database_conflict_rolls_everything_back(data_copy: Path) -> None:
    # Passes validation, but the source's URL is too long for its column.
    edit(
        data_copy / "sources.yaml",
        "url: https://truepublica.org.uk/",
        "url: https://truepublica.org.uk/" + "x" * 2100,
    )
    before = snapshot()
    with pytest.raises(DataFileErrors, match="truepublica-2022-02-09-bbw"):
        load_data(data_copy)
    assert snapshot() == before


def test_oversized_file_is_refused(data_copy: Path, settings: object) -> None:
    settings.CAMWATCH_MAX_DATA_FILE_BYTES = 1000  # type: ignore[attr-defined]
    with pytest.raises(DataFileErrors, match="over the limit of 1,000"):
        read_data(data_copy)


def test_load_uses_one_transaction_per_run() -> None:
    # Idempotent runs write nothing: no INSERT or UPDATE reaches the database.
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        load_data()
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_yml_files_are_read_too(data_copy: Path) -> None:
    (data_copy / "extra.yml").write_text(
        "bodies:\n  - {slug: yml-body, name: Yml Body, kind: other, nation: uk}\n"
    )
    load_data(data_copy)
    assert m.PublicBody.objects.filter(slug="yml-body").exists()


def test_council_datasets_must_be_recorded_as_sources(data_copy: Path) -> None:
    edit(
        data_copy / "reference" / "councils.yaml",
        "  - key: ons-onspd-2025-11\n",
        "  - key: ons-onspd-renamed\n",
    )
    with pytest.raises(
        DataFileErrors, match="cites sources that no file defines: ons-onspd-2025-11"
    ):
        read_data(data_copy)


def test_report_counts_each_row_once() -> None:
    report = load_data()
    assert report.unchanged["public bodies"] == m.PublicBody.objects.count()
    assert report.unchanged["claims"] == m.Claim.objects.count()
