"""One URL, several formats: `/bodies/` (HTML), `/bodies.json`, `/bodies.csv` and
`/bodies.xlsx` (and `.geojson` for pages of places).

A page is a FormatView: it loads its data once, then renders it in the format asked for
from the same rows, so the formats can never drift apart (the datasette and mapit habit).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views import View

from camwatch.web.downloads import geojson, xlsx_response

FORMATS = ("json", "csv", "xlsx")
GEO_FORMATS = (*FORMATS, "geojson")
# What a page's data twins end with: `/bodies.json`, and their URL names, `body-list.json`.
FORMAT_SUFFIXES = tuple(f".{fmt}" for fmt in GEO_FORMATS)
# A cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def format_paths(
    route: str,
    view: Callable[..., HttpResponse],
    name: str,
    formats: tuple[str, ...] = FORMATS,
) -> list[URLPattern]:
    """The HTML route and its twins in each format."""
    base = route.rstrip("/") or "index"
    return [
        path(route, view, {"fmt": "html"}, name=name),
        *(path(f"{base}.{fmt}", view, {"fmt": fmt}, name=f"{name}.{fmt}") for fmt in formats),
    ]


class Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.date | dt.datetime):
            return o.isoformat()
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def json_response(data: Any, content_type: str = "application/json") -> JsonResponse:
    response = JsonResponse(
        data,
        encoder=Encoder,
        safe=False,
        json_dumps_params={"indent": 2},
        content_type=content_type,
    )
    response["Access-Control-Allow-Origin"] = "*"  # public, read-only data
    return response


def not_found(fmt: str, path: str) -> HttpResponse:
    """A 404 in the format asked for, so that scripts reading .json get JSON."""
    message = f"no record at {path}"
    if fmt == "json":
        response = JsonResponse({"error": "not found", "detail": message}, status=404)
    else:
        response = HttpResponse(message + "\n", status=404, content_type="text/plain")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(csv_cell(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable[Mapping[str, Any]], filename: str) -> StreamingHttpResponse:
    """Stream rows as CSV; the header is the first row's keys."""

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        columns: list[str] | None = None
        for row in rows:
            if columns is None:
                columns = list(row)
                yield writer.writerow(columns)
            yield writer.writerow([csv_cell(row.get(column)) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def paginate(request: HttpRequest, items: Any, fmt: str) -> Page[Any]:
    """Pages of CAMWATCH_PAGE_SIZE; JSON clients may ask for up to CAMWATCH_MAX_PAGE_SIZE
    with ?_size=."""
    size = settings.CAMWATCH_PAGE_SIZE
    if fmt == "json":
        requested = request.GET.get("_size", "")
        if requested.isdigit() and int(requested) > 0:
            size = min(int(requested), settings.CAMWATCH_MAX_PAGE_SIZE)
    paginator = Paginator(items, size)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def page_link(request: HttpRequest, number: int | None) -> str | None:
    if number is None:
        return None
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_envelope(request: HttpRequest, page: Page[Any], results: list[Any]) -> dict[str, Any]:
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "next": page_link(request, page.next_page_number() if page.has_next() else None),
        "previous": page_link(
            request, page.previous_page_number() if page.has_previous() else None
        ),
        "results": results,
    }


def alternates(request: HttpRequest, formats: tuple[str, ...] = FORMATS) -> dict[str, str]:
    """The same page's addresses in the other formats, with the same query string."""
    base = request.path.rstrip("/") or "/index"
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return {fmt: f"{base}.{fmt}{query}" for fmt in formats}


class FormatView(View):
    """Subclasses set template_name and csv_name and implement load(), context(),
    json_data() and csv_rows(). load() runs first and may raise Http404."""

    template_name = ""
    csv_name = "data"
    formats: tuple[str, ...] = FORMATS
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, fmt: str = "html", **kwargs: Any) -> HttpResponse:
        self.fmt = fmt
        try:
            self.load(**kwargs)
        except Http404:
            if fmt == "html":
                raise
            return not_found(fmt, request.path)
        if fmt == "json":
            return json_response(self.json_data())
        if fmt == "csv":
            return csv_response(self.csv_rows(), self.csv_name)
        if fmt == "xlsx":
            return xlsx_response(self.csv_rows(), self.csv_name)
        if fmt == "geojson":
            return json_response(geojson(self.csv_rows()), "application/geo+json")
        context = {**self.context(), "alternates": alternates(request, self.formats)}
        return render(request, self.template_name, context)

    def load(self, **kwargs: Any) -> None:
        raise NotImplementedError

    def context(self) -> dict[str, Any]:
        raise NotImplementedError

    def json_data(self) -> Any:
        raise NotImplementedError

    def csv_rows(self) -> Iterable[Mapping[str, Any]]:
        raise NotImplementedError


def query_string(params: Mapping[str, str]) -> str:
    return urlencode({key: value for key, value in params.items() if value})
