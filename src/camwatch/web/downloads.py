"""Writers for the downloadable formats beside HTML: XLSX and GeoJSON (JSON and CSV are in
formats.py). Each takes the same rows the page is drawn from."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET_TITLE = 31  # Excel's limit


def _cell(sheet: Any, value: Any) -> WriteOnlyCell:
    if isinstance(value, list | tuple):
        value = "; ".join("" if item is None else str(item) for item in value)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # Excel has no time zones: the time in UTC, as the column's values are.
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    if value is not None and not isinstance(value, int | float | bool | dt.date):
        value = str(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Stored as text even when it starts with "=": a cell is never a formula.
        cell.data_type = "s"
    return cell


def xlsx_response(rows: Iterable[Mapping[str, Any]], filename: str) -> HttpResponse:
    """One worksheet: a header row from the first row's keys, then the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:MAX_SHEET_TITLE] or "data")
    columns: list[str] | None = None
    for row in rows:
        if columns is None:
            columns = list(row)
            sheet.append([_cell(sheet, column) for column in columns])
        sheet.append([_cell(sheet, row.get(column)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def geojson(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of the rows that have a latitude and longitude (WGS84)."""
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [float(row["longitude"]), float(row["latitude"])],
            },
            "properties": {
                key: value for key, value in row.items() if key not in ("latitude", "longitude")
            },
        }
        for row in rows
        if row.get("latitude") is not None and row.get("longitude") is not None
    ]
    return {"type": "FeatureCollection", "features": features}
