"""Word (DOCX) letters and OpenDocument (ODS) spreadsheets, read straight from their XML
with defusedxml, which refuses entity tricks (billion laughs, external entities)."""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeXML
from defusedxml import DefusedXmlException

from camwatch.coding.documents import CELL_SEPARATOR, Context, Document, DocumentError, Table
from camwatch.coding.readers.sheets import SheetBudget

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
MAX_EMPTY_REPEAT = 1024  # wider runs of empty cells are padding to the sheet's edge


def check_members(document: Document, data: bytes, context: Context) -> None:
    """An Office file is a ZIP archive: each part is held to the same compression-ratio
    limit as an archive's members, and their declared sizes (which bound what zipfile will
    unpack) to the file's budget, before any XML is parsed."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise DocumentError(document.name, f"a damaged container ({error})") from error
    for member in members:
        if member.file_size > context.limits.most_unpacked(member.compress_size):
            raise DocumentError(
                document.name,
                f"its part {member.filename} unpacks more than {context.limits.max_ratio}:1 "
                "(CAMWATCH_CODING_MAX_RATIO); refused as a possible archive bomb",
            )
    context.spend(document.name, sum(member.file_size for member in members))


def _xml(document: Document, data: bytes, member: str, context: Context) -> Element:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        archive.getinfo(member)
        root: Element = SafeXML.fromstring(archive.read(member))
        return root
    except KeyError as error:
        raise DocumentError(document.name, f"no {member} inside: not a valid file") from error
    except (zipfile.BadZipFile, SafeXML.ParseError, DefusedXmlException, ValueError) as error:
        raise DocumentError(document.name, f"damaged {member} ({error})") from error


def read_docx(document: Document, data: bytes, context: Context, depth: int) -> None:
    check_members(document, data, context)
    body = _xml(document, data, "word/document.xml", context).find(f"{W}body")
    lines: list[str] = []
    tables: list[list[list[str]]] = []
    for block in body if body is not None else []:
        if block.tag == f"{W}p":
            lines.append(_paragraph(block))
        elif block.tag == f"{W}tbl":
            rows = [
                [" ".join(_paragraph(p) for p in cell.iter(f"{W}p")).strip() for cell in row]
                for row in block.iter(f"{W}tr")
            ]
            rows = [row for row in rows if any(row)]
            tables.append(rows)
            lines.extend(CELL_SEPARATOR.join(row) for row in rows)
    page = document.add_page("\n".join(line for line in lines if line.strip()))
    document.tables.extend(Table(page, "", rows) for rows in tables if rows)


def _paragraph(paragraph: Element) -> str:
    parts = []
    for node in paragraph.iter():
        if node.tag == f"{W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{W}tab":
            parts.append(" ")
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
    return "".join(parts).strip()


def read_ods(document: Document, data: bytes, context: Context, depth: int) -> None:
    check_members(document, data, context)
    root = _xml(document, data, "content.xml", context)
    budget = SheetBudget(document.name, context)
    for sheet in root.iter(f"{TABLE}table"):
        rows = _ods_rows(sheet, budget)
        if rows:
            document.add_table_page(sheet.get(f"{TABLE}name", ""), rows)


def _ods_rows(sheet: Element, budget: SheetBudget) -> list[list[str]]:
    """Repeated rows and cells expanded, except empty repeats: a sheet's trailing blank area
    is stored as one row repeated a million times."""
    rows = []
    for row in sheet.iter(f"{TABLE}table-row"):
        cells = _ods_cells(row, budget)
        repeat = int(row.get(f"{TABLE}number-rows-repeated", "1") or 1)
        for _ in range(repeat if cells else 1):
            budget.take(len(cells))
            if cells:
                rows.append(list(cells))
    return rows


def _ods_cells(row: Element, budget: SheetBudget) -> list[str]:
    cells: list[str] = []
    for cell in row:
        if not cell.tag.endswith("table-cell"):
            continue
        value = "\n".join("".join(p.itertext()) for p in cell.iter(f"{TEXT}p")).strip()
        repeat = int(cell.get(f"{TABLE}number-columns-repeated", "1") or 1)
        if repeat > budget.cells:
            raise DocumentError(
                budget.name, "more cells than the limit (CAMWATCH_CODING_MAX_CELLS)"
            )
        cells.extend([value] * (repeat if value or repeat <= MAX_EMPTY_REPEAT else 1))
    while cells and not cells[-1]:
        cells.pop()
    return cells
