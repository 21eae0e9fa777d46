"""Reading replies: every format into pages and tables, and bad input refused with the
file's name while the rest carries on."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from benchmarks.coding_corpus import render_bytes
from hypothesis import given, settings
from hypothesis import strategies as st

from camwatch.coding.documents import read_bytes, read_path
from camwatch.coding.limits import Limits

LETTER = {
    "paragraphs": [
        "Dear Requester,",
        "Your request has been handled under the Freedom of Information Act 2000.",
        "The Council operates 41 Hikvision cameras.",
    ],
    "tables": [{"rows": [["Make", "Model", "Qty"], ["Dahua", "IPC-HFW2431S-S-S2", "12"]]}],
}


@pytest.mark.parametrize(
    "fmt", ["pdf", "docx", "xlsx", "xls", "ods", "csv", "html", "txt", "eml", "zip"]
)
def test_every_format_is_read_with_its_text_and_tables(fmt: str) -> None:
    document = dict(LETTER)
    if fmt in ("eml", "zip"):
        document["attachments"] = [
            {"name": "assets.xlsx", "document": {"tables": LETTER["tables"]}}
        ]
        document = {k: v for k, v in document.items() if k != "tables"}
    reading = read_bytes(f"reply.{fmt}", render_bytes(document, fmt, "t01-test"))
    assert not reading.errors
    assert reading.documents[0].format == fmt
    assert "IPC-HFW2431S-S-S2" in reading.text
    if fmt not in ("xlsx", "xls", "ods", "csv"):
        assert "41 Hikvision cameras" in " ".join(reading.text.split())
    if fmt not in ("pdf", "txt"):  # text formats have no table structure to keep
        assert any(
            ["Dahua", "IPC-HFW2431S-S-S2", "12"] in table.rows
            for d in reading.documents
            for table in d.tables
        )


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Debian's tesseract-ocr")
def test_a_scanned_page_is_read_by_ocr() -> None:
    scan = render_bytes(
        {"paragraphs": ["The Council operates 41 Hikvision cameras."]}, "pdf-scanned", "t02-test"
    )
    document = read_bytes("scan.pdf", scan).documents[0]
    assert "Hikvision" in document.text
    assert "41" in document.text
    assert any("read by OCR" in notice for notice in document.notices)


def test_without_tesseract_a_scan_says_its_text_is_missing() -> None:
    scan = render_bytes(
        {"paragraphs": ["The Council operates 41 cameras."]}, "pdf-scanned", "t03-test"
    )
    reading = read_bytes("scan.pdf", scan, Limits(tesseract="/nonexistent/tesseract"))
    assert "Tesseract OCR is not available" in reading.documents[0].notices[0]
    assert "41" not in reading.text


def test_an_encrypted_pdf_is_refused_by_name() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica")
    pdf.cell(text="We operate 41 cameras")
    reading = read_bytes("locked.pdf", bytes(pdf.output()))
    assert not reading.documents
    assert str(reading.errors[0]) == "locked.pdf: an encrypted PDF that needs a password"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_bad_members_of_an_archive_are_reported_and_the_rest_read() -> None:
    archive = _zip(
        {
            "good.txt": b"We operate 41 Hikvision cameras.",
            "broken.pdf": b"%PDF-1.4 not really a pdf",
            "junk.bin": bytes(range(256)) * 8,
            "bomb.txt": b"0" * (30 * 1024 * 1024),
            "wrong-name.pdf": render_bytes(LETTER, "docx", "t04-test"),
        }
    )
    reading = read_bytes("reply.zip", archive)
    names = {d.name: d for d in reading.documents}
    errors = {e.name: e.reason for e in reading.errors}
    assert "41 Hikvision cameras" in names["reply.zip/good.txt"].text
    assert "damaged or unreadable PDF" in errors["reply.zip/broken.pdf"]
    assert "binary content" in errors["reply.zip/junk.bin"]
    assert "archive bomb" in errors["reply.zip/bomb.txt"]
    assert names["reply.zip/wrong-name.pdf"].notices == ["named .pdf but its content is DOCX"]


def test_archive_limits_are_configurable() -> None:
    archive = _zip({f"{i}.txt": b"text" for i in range(5)})
    reading = read_bytes("many.zip", archive, Limits(max_members=3))
    assert "5 files is more than CAMWATCH_CODING_MAX_MEMBERS (3)" in str(reading.errors[0])
    nested = _zip({"inner.zip": _zip({"deep.zip": _zip({"a.txt": b"hello there"})})})
    reading = read_bytes("nested.zip", nested, Limits(max_depth=2))
    assert any("nested more than 2 containers deep" in str(e) for e in reading.errors)


def test_huge_spreadsheets_are_refused_past_the_row_limit() -> None:
    rows = [["Make", "Qty"]] + [["Hikvision", str(i)] for i in range(50)]
    data = render_bytes({"tables": [{"rows": rows}]}, "xlsx", "t05-test")
    reading = read_bytes("big.xlsx", data, Limits(max_rows=20))
    assert "more rows than the limit (CAMWATCH_CODING_MAX_ROWS)" in str(reading.errors[0])


def test_files_over_the_size_limit_are_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2000)
    reading = read_path(big, Limits(max_file_bytes=1000))
    assert "2,000 bytes is more than the limit of 1,000" in str(reading.errors[0])


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMWATCH_CODING_MAX_ROWS", "7")
    monkeypatch.setenv("CAMWATCH_CODING_OCR", "no")
    limits = Limits.from_environment()
    assert limits.max_rows == 7
    assert limits.tesseract_path() is None


PREFIXES = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"From: a@b\n"]


@settings(max_examples=150, deadline=None)
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(prefix: bytes, body: bytes) -> None:
    reading = read_bytes("fuzz.bin", prefix + body)
    assert reading.documents or reading.errors
    for error in reading.errors:
        assert error.name.startswith("fuzz.bin")


def test_office_files_that_unpack_too_far_are_refused() -> None:
    """A Word or Excel file is a ZIP: a part that inflates past the ratio is a bomb."""
    for name, part in (("bomb.docx", "word/document.xml"), ("bomb.xlsx", "xl/workbook.xml")):
        data = _zip({part: b"<w:p/>" * 2_000_000, "[Content_Types].xml": b"<Types/>"})
        reading = read_bytes(name, data)
        assert not reading.documents
        assert f"its part {part} unpacks more than 200:1" in str(reading.errors[0])


def test_nul_bytes_never_reach_the_text() -> None:
    reading = read_bytes("r.txt", b"We operate 41 cameras." + b"x" * 5000 + b"\x00tail")
    assert "\x00" not in reading.text
