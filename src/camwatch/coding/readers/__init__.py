"""One reader per format, and the sniffing that picks one from the content, not the name:
replies arrive as "scan.pdf" that is a Word file, or "response" with no extension at all."""

from __future__ import annotations

import io
import zipfile

from camwatch.coding.documents import DocumentError, Reader
from camwatch.coding.readers import containers, office, pdf, sheets, text

READERS: dict[str, Reader] = {
    "pdf": pdf.read_pdf,
    "docx": office.read_docx,
    "ods": office.read_ods,
    "xlsx": sheets.read_xlsx,
    "xls": sheets.read_xls,
    "csv": sheets.read_csv,
    "html": text.read_html,
    "txt": text.read_txt,
    "eml": containers.read_eml,
    "zip": containers.read_zip,
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
EMAIL_HEADERS = (b"from:", b"received:", b"return-path:", b"mime-version:", b"message-id:")
TEXT_SNIFF_BYTES = 4096


def detect_format(name: str, data: bytes) -> str:
    """The format of `data` from its first bytes; DocumentError for an empty file or one
    camwatch cannot read."""
    if not data.strip():
        raise DocumentError(name, "the file is empty")
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_format(name, data)
    if data.startswith(OLE_MAGIC):
        return "xls"  # xlrd says so if it is a Word .doc or an Outlook .msg instead
    return _text_format(name, data[:TEXT_SNIFF_BYTES])


def _zip_format(name: str, data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise DocumentError(name, f"a damaged ZIP container ({error})") from error
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names and data[30:80].startswith(b"mimetype" + ODS_MIMETYPE):
        return "ods"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    return "zip"


def _text_format(name: str, head: bytes) -> str:
    if b"\x00" in head or _binary_share(head) > 0.1:
        raise DocumentError(name, "not a format camwatch reads (binary content of no known kind)")
    lowered = head.lstrip().lower()
    if lowered.startswith(EMAIL_HEADERS) or (
        b"\nsubject:" in lowered and b"\nfrom:" in b"\n" + lowered
    ):
        return "eml"
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<body" in lowered:
        return "html"
    if name.lower().endswith((".csv", ".tsv")):
        return "csv"
    return "txt"


def _binary_share(head: bytes) -> float:
    control = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return control / max(len(head), 1)
