"""Spreadsheets: XLSX (openpyxl, read-only), XLS (xlrd) and CSV. Every sheet becomes a page
of tab-separated rows. Row and cell limits are counted across the whole file, so a
workbook of many "small" sheets cannot get round them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence

import openpyxl
import xlrd

from camwatch.coding.documents import Context, Document, DocumentError
from camwatch.coding.readers.text import decode


class SheetBudget:
    """Rows and cells left for this file."""

    def __init__(self, name: str, context: Context) -> None:
        self.name = name
        self.rows = context.limits.max_rows
        self.cells = context.limits.max_cells

    def take(self, cells: int) -> None:
        self.rows -= 1
        self.cells -= cells
        if self.rows < 0:
            raise DocumentError(self.name, "more rows than the limit (CAMWATCH_CODING_MAX_ROWS)")
        if self.cells < 0:
            raise DocumentError(self.name, "more cells than the limit (CAMWATCH_CODING_MAX_CELLS)")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value).strip()


def keep_rows(values: Iterable[Sequence[object]], budget: SheetBudget) -> list[list[str]]:
    """Non-empty rows as text, trailing empty cells dropped."""
    rows = []
    for raw in values:
        row = [cell_text(value) for value in raw]
        while row and not row[-1]:
            row.pop()
        budget.take(len(row))
        if row:
            rows.append(row)
    return rows


def read_xlsx(document: Document, data: bytes, context: Context, depth: int) -> None:
    from camwatch.coding.readers.office import check_members

    check_members(document, data, context)
    budget = SheetBudget(document.name, context)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DocumentError(document.name, f"a damaged XLSX workbook ({error})") from error
    try:
        for sheet in book.worksheets:
            rows = keep_rows(sheet.iter_rows(values_only=True), budget)
            if rows:
                document.add_table_page(sheet.title, rows)
    finally:
        book.close()


def read_xls(document: Document, data: bytes, context: Context, depth: int) -> None:
    budget = SheetBudget(document.name, context)
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as error:
        raise DocumentError(
            document.name,
            f"an Office file that is not an Excel workbook, or a damaged one ({error}); "
            "old Word .doc and Outlook .msg files are not read: save them as DOCX or EML",
        ) from error
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            values = (sheet.row_values(r) for r in range(sheet.nrows))
            rows = keep_rows(values, budget)
            if rows:
                document.add_table_page(sheet.name, rows)
            book.unload_sheet(index)
    finally:
        book.release_resources()


def read_csv(document: Document, data: bytes, context: Context, depth: int) -> None:
    text = decode(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t|")
    except csv.Error:
        dialect = csv.excel
    budget = SheetBudget(document.name, context)
    try:
        rows = keep_rows(csv.reader(io.StringIO(text), dialect), budget)
    except csv.Error as error:
        raise DocumentError(document.name, f"unreadable CSV ({error})") from error
    document.add_table_page("", rows)
