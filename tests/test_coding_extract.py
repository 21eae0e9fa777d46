"""Suggestions from replies: vendors, counts, models, capabilities, outcomes, exemptions,
dates and references, each with evidence that is exactly the quoted page text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.coding_corpus import load_corpus, render

from camwatch.coding.extract import extract_bytes


def summary(text: str) -> dict:
    return extract_bytes("reply.txt", text.encode()).summary()


@pytest.mark.parametrize(
    ("written", "slug"),
    [("HIK Vision", "hikvision"), ("Hik-vision", "hikvision"), ("HIKVISION", "hikvision"),
     ("DAHUA", "dahua"), ("Dahua Technology UK", "dahua"), ("HiLook", "hilook")],
)  # fmt: skip
def test_vendor_names_are_tolerant_of_how_they_are_written(written: str, slug: str) -> None:
    assert summary(f"The Council uses {written} cameras.")["vendors"] == {slug: "held"}


def test_rebadges_resolve_to_their_manufacturer() -> None:
    extraction = extract_bytes("r.txt", b"The school has 6 HiLook cameras.")
    vendor = extraction.of_kind("vendor")[0].value
    assert vendor["vendor"] == "hilook"
    assert vendor["manufacturer"] == "hikvision"


def test_negation_and_questions() -> None:
    text = (
        "Q1. Do you use Hikvision or Dahua cameras?\n"
        "A1. We do not use Dahua equipment; our cameras are Hikvision.\n"
        "None of our cameras have facial recognition enabled. ANPR is used at the depot."
    )
    found = summary(text)
    assert found["vendors"] == {"dahua": "not_held", "hikvision": "held"}
    assert found["capabilities"] == {"facial-recognition": "no", "anpr": "yes"}


def test_a_bare_no_answers_the_question_before_it() -> None:
    found = summary("Q2. Does the council use Dahua equipment?\nA2. No.")
    assert found["vendors"] == {"dahua": "not_held"}


def test_prose_counts_and_what_is_not_a_count() -> None:
    text = (
        "In 2019 the Council spent £4,500 over 18 hours under section 12. "
        "We operate 241 cameras, including 47 static and 9 PTZ cameras, and two NVRs."
    )
    counts = summary(text)["counts"]
    assert sorted((c["device_type"], c["count"]) for c in counts) == [
        ("camera", 241), ("fixed-camera", 47), ("nvr", 2), ("ptz-camera", 9)
    ]  # fmt: skip


def test_table_rows_totals_and_models() -> None:
    text = (
        "Make\tModel\tQty\nHikvision\tDS-2CD2143G0-I\t40\nDahua\tNVR4208-8P-4KS2\t2\n"
        "Axis\tP3245-V\t5\nTotal\t\t48\n"
    )
    extraction = extract_bytes("assets.csv", text.encode())
    summary_ = extraction.summary()
    assert summary_["counts"] == [
        {"device_type": "camera", "vendor": "hikvision", "count": 40},
        {"device_type": "nvr", "vendor": "dahua", "count": 2},
        {"device_type": "camera", "vendor": "axis", "count": 5},
    ]
    assert summary_["models"] == ["DS-2CD2143G0-I", "NVR4208-8P-4KS2", "P3245-V"]
    assert extraction.of_kind("total")[0].value == {
        "stated": 48, "parts": 47, "agrees": False, "rows": 3
    }  # fmt: skip
    assert summary_["outcome"] is None  # a bare spreadsheet states no outcome


def test_model_codes_resolve_to_device_models() -> None:
    models = extract_bytes("r.txt", b"We use DS-2CD2143G0-I and IPC-HFW2431S-S-S2.").of_kind(
        "model"
    )
    assert [(m.value["vendor"], m.value["known"]) for m in models] == [
        ("hikvision", True), ("dahua", True)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "outcome", "exemptions"),
    [
        ("Under the Freedom of Information Act 2000 we can neither confirm nor deny whether "
         "we hold this information, by virtue of sections 24(2) and 31(3).", "ncnd",
         ["s.24", "s.31"]),
        ("Dear Requester, the Council does not hold the information you have requested.",
         "not_held", []),
        ("Dear Requester, we operate 40 Hikvision cameras. Their locations are withheld under "
         "section 31(1)(a) of the Freedom of Information Act.", "partly_provided", ["s.31"]),
        ("Under the Freedom of Information (Scotland) Act 2002 the personal data is exempt under "
         "section 38(1)(b); we operate 12 Hikvision cameras.", "partly_provided", ["s.38"]),
        ("Dear Requester, the Council has audited all 612 of its cameras. The makes are exempt "
         "under section 22(1) as intended for future publication.", "refused", ["s.22"]),
        ("Under the Freedom of Information (Scotland) Act 2002, in terms of section 17, the "
         "Council does not hold the information.", "not_held", ["s.17"]),
        ("In accordance with section 18(1) of the Freedom of Information (Scotland) Act 2002 the "
         "Council refuses to reveal whether the information exists.", "ncnd", ["s.18"]),
        ("Dear Requester, the Council operates 563 cameras. It would take 94 hours at £25 per "
         "hour = £2,350, which exceeds the appropriate limit under section 12.", "refused",
         ["s.12"]),
    ],
)  # fmt: skip
def test_outcomes_and_exemptions(text: str, outcome: str, exemptions: list[str]) -> None:
    found = summary(text)
    assert (found["outcome"], found["exemptions"]) == (outcome, exemptions)


def test_procedural_sections_are_not_exemptions() -> None:
    text = "Dear Requester, section 1(1) and section 10 apply; you may appeal under section 50."
    assert summary(text)["exemptions"] == []


def test_cost_arithmetic_is_checked() -> None:
    extraction = extract_bytes("r.txt", "It would take 20 hours at £25 per hour = £450.".encode())
    assert extraction.of_kind("cost")[0].value == {
        "hours": 20.0, "rate": 25.0, "total": 450.0, "consistent": False
    }  # fmt: skip


def test_dates_and_references() -> None:
    extraction = extract_bytes("r.txt", b"Our ref: FOI/2023/0412\nDate: 14 March 2023\n")
    assert [s.value for s in extraction.of_kind("reference")] == [{"reference": "FOI/2023/0412"}]
    assert [s.value for s in extraction.of_kind("date")] == [{"date": "2023-03-14"}]


def test_every_suggestion_in_the_corpus_quotes_its_page_exactly(tmp_path: Path) -> None:
    """Never a fact without an evidence span: the quote is the page text at the offsets."""
    from camwatch.coding.extract import extract_file

    checked = 0
    for spec in load_corpus():
        extraction = extract_file(render(spec, tmp_path))
        pages = {(d.name, n): text for d in extraction.reading.documents
                 for n, text in enumerate(d.pages, start=1)}  # fmt: skip
        for suggestion in extraction.suggestions:
            evidence = suggestion.evidence
            page = pages[(evidence.document, evidence.page)]
            assert evidence.quote
            assert page[evidence.start : evidence.end] == evidence.quote
            checked += 1
    assert checked > 500


def test_the_cli_extracts_without_a_database(tmp_path: Path) -> None:
    reply = tmp_path / "reply.txt"
    reply.write_text("Dear Requester, the Council operates 41 Hikvision cameras.")
    code = (
        "import sys, runpy; sys.argv = ['camwatch', 'coding', 'extract', sys.argv[1], '--json'];"
        "from camwatch.cli import main\ntry:\n main()\nexcept SystemExit: pass\n"
        "print('DJANGO', any(m == 'django.db' for m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(reply)], capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"},
    )  # fmt: skip
    data = json.loads(done.stdout)
    assert data["summary"]["counts"] == [
        {"device_type": "camera", "vendor": "hikvision", "count": 41}
    ]
    assert "DJANGO False" in done.stderr


def test_review_findings_on_plausible_letters() -> None:
    cost = extract_bytes("r.txt", "94 hours at £25 per hour = £2350.".encode()).of_kind("cost")
    assert cost[0].value["total"] == 2350.0
    assert cost[0].value["consistent"] is True
    dated = "Make Model Qty\nHikvision DS-2CD2143G0-I 40\nInformation correct as at March 2023"
    assert summary(dated)["counts"] == [
        {"device_type": "camera", "vendor": "hikvision", "count": 40}
    ]
    both = summary("None of our Hikvision cameras have facial recognition enabled.")
    assert both["vendors"] == {"hikvision": "held"}
    assert both["capabilities"] == {"facial-recognition": "no"}
