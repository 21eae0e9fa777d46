"""Councils' "spending over £500" files, read into typed lines. Pure: no Django.

English councils publish these under the Local Government Transparency Code 2015, each
with its own column names, encodings, date styles and preamble. A profile (data file
data/rules/money/spend-profiles.yaml, or the user's own) says which headers mean which
field; the reader finds the header row, streams the rows and reports every bad one by
file, line and column, so a person can check the published file at that line.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from camwatch.registry.loader.errors import DataFileError
from camwatch.registry.loader.files import LINE_KEY, check_size, read_yaml

REQUIRED = ("date", "supplier", "amount")
OPTIONAL = ("description", "expense_type", "service", "reference", "body")
FIELDS = REQUIRED + OPTIONAL
# The header row is looked for in the first lines only: a preamble is a title and a date
# or two, and a row found further down is more likely data that happens to match.
HEADER_LINES = 20
PROFILES_MAX_BYTES = 1_000_000
# An XLSX part that inflates more than this is refused as a possible archive bomb (the
# same ratio as the response-coding readers use).
XLSX_MAX_RATIO = 200
PENNY = Decimal("0.01")
PROFILE_KEYS = frozenset(
    {"name", "description", "columns", "date_formats", "encoding", "currency", "source"}
)
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class SpendProfile:
    name: str
    description: str
    columns: Mapping[str, tuple[str, ...]]
    date_formats: tuple[str, ...]
    encoding: str
    source: str
    currency: str = "GBP"


# Makes the error for a profile's field: (field, message) -> error.
Fail = Callable[[str, str], DataFileError]


@dataclass(frozen=True)
class SpendLine:
    line: int
    date: dt.date
    supplier: str
    amount: Decimal
    description: str
    expense_type: str
    service: str
    reference: str
    body: str


# --- Profiles -------------------------------------------------------------------------


def load_profiles(path: Path | None = None) -> dict[str, SpendProfile]:
    """The profiles in `path`, or the bundled ones, by name."""
    if path is not None:
        return _profiles_in(path)
    bundled = resources.files("camwatch") / "data" / "rules" / "money" / "spend-profiles.yaml"
    with resources.as_file(bundled) as real:
        return _profiles_in(real)


def _profiles_in(path: Path) -> dict[str, SpendProfile]:
    data = read_yaml(path, PROFILES_MAX_BYTES).data
    items = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise DataFileError(path, "needs a non-empty list of `profiles`", line=1)
    profiles: dict[str, SpendProfile] = {}
    for raw in items:
        profile = _profile(path, raw)
        if profile.name in profiles:
            line = raw.get(LINE_KEY) if isinstance(raw, dict) else None
            raise DataFileError(path, "a second profile of this name", line, profile.name)
        profiles[profile.name] = profile
    return profiles


def _profile(path: Path, raw: object) -> SpendProfile:
    if not isinstance(raw, dict):
        raise DataFileError(path, "each profile must be a mapping")
    line = int(raw.get(LINE_KEY, 0)) or None
    name = raw.get("name")
    if not isinstance(name, str) or not SLUG.fullmatch(name):
        raise DataFileError(path, "needs a slug `name` (a-z, 0-9, hyphens)", line, None, "name")

    def fail(field: str, message: str) -> DataFileError:
        return DataFileError(path, message, line, name, field)

    unknown = sorted(str(key) for key in raw if key != LINE_KEY and key not in PROFILE_KEYS)
    if unknown:
        raise fail(unknown[0], f"unknown key (known: {', '.join(sorted(PROFILE_KEYS))})")
    texts = {key: raw.get(key) for key in ("description", "source", "encoding")}
    for key, value in texts.items():
        if not isinstance(value, str) or not value.strip():
            raise fail(key, "must be non-empty text")
    currency = raw.get("currency", "GBP")
    if not isinstance(currency, str) or not CURRENCY.fullmatch(currency):
        raise fail("currency", "must be an ISO 4217 code such as GBP")
    return SpendProfile(
        name=name,
        description=" ".join(str(texts["description"]).split()),
        columns=_columns(raw.get("columns"), fail),
        date_formats=_date_formats(raw.get("date_formats"), fail),
        encoding=_encoding(str(texts["encoding"]), fail),
        source=" ".join(str(texts["source"]).split()),
        currency=currency,
    )


def _columns(raw: object, fail: Fail) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise fail("columns", "must map fields to lists of header names")
    columns: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for field, headers in raw.items():
        if field == LINE_KEY:
            continue
        if field not in FIELDS:
            raise fail(f"columns.{field}", f"is not a field (fields: {', '.join(FIELDS)})")
        if not isinstance(headers, list) or not headers:
            raise fail(f"columns.{field}", "must be a non-empty list of header names")
        for header in headers:
            if not isinstance(header, str) or not header_key(header):
                raise fail(f"columns.{field}", f"{header!r} is not a header name")
            # One header meaning two fields would make the layout depend on list order.
            if owner.setdefault(header_key(header), field) != field:
                raise fail(
                    f"columns.{field}", f"{header!r} is also listed for {owner[header_key(header)]}"
                )
        columns[field] = tuple(headers)
    missing = [field for field in REQUIRED if field not in columns]
    if missing:
        raise fail(f"columns.{missing[0]}", "is required")
    return MappingProxyType(columns)


def _date_formats(raw: object, fail: Fail) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise fail("date_formats", "must be a non-empty list of strptime formats")
    for fmt in raw:
        if not isinstance(fmt, str) or "%" not in fmt:
            raise fail("date_formats", f"{fmt!r} is not a strptime format")
        try:
            dt.datetime.strptime(dt.datetime(2020, 4, 1, 13, 5, 9).strftime(fmt), fmt)
        except ValueError as error:
            raise fail("date_formats", f"{fmt!r} does not read its own output ({error})") from None
        # UK files are day-first; 04/01/2020 read month-first would be 1 April, silently.
        day, month = fmt.find("%d"), fmt.find("%m")
        year = min((i for i in (fmt.find("%Y"), fmt.find("%y")) if i >= 0), default=-1)
        if 0 <= month < day and not 0 <= year < month:
            raise fail("date_formats", f"{fmt!r} is month-first; UK spending files are day-first")
    return tuple(raw)


def _encoding(name: str, fail: Fail) -> str:
    if name == "auto":
        return name
    try:
        codecs.lookup(name)
    except LookupError:
        raise fail("encoding", f"{name!r} is not a known encoding (or use auto)") from None
    return name


# --- Reading ---------------------------------------------------------------------------


def header_key(text: str) -> str:
    """A header as compared: case, spaces, underscores and a stray byte-order mark ignored."""
    text = text.replace("\ufeff", "").replace("ï»¿", "").replace("_", " ")
    return "".join(text.casefold().split())


@dataclass(frozen=True)
class _Layout:
    index: Mapping[str, int]  # field -> column
    header: Mapping[str, str]  # field -> the header as written in the file
    where: str  # "" for CSV, "sheet 'Name': " for a workbook


Row = tuple[int, Sequence[object]]


def read_spend(
    path: Path,
    profile: SpendProfile,
    *,
    max_bytes: int,
    max_rows: int = 1_000_000,
    problems: list[DataFileError] | None = None,
) -> Iterator[SpendLine]:
    """The lines of a spending file (CSV, or XLSX by its suffix), streamed.

    The size limit is checked here, before anything is read; every other error comes
    from iterating. A bad row raises, or with `problems` is appended there and skipped.
    """
    check_size(path, max_bytes)
    if path.suffix.casefold() == ".xlsx":
        return _lines(path, profile, _xlsx_sheets(path), max_rows, problems)
    return _lines(path, profile, _csv_source(path, profile.encoding), max_rows, problems)


Sources = Generator[tuple[str, Iterator[Row]], None, None]


def _lines(
    path: Path,
    profile: SpendProfile,
    sources: Sources,
    max_rows: int,
    problems: list[DataFileError] | None,
) -> Iterator[SpendLine]:
    # The sources stay open until the last row is read: closing a workbook's generator
    # closes the workbook under the sheet being read.
    with closing(sources):
        yield from _parsed(path, profile, sources, max_rows, problems)


def _parsed(
    path: Path,
    profile: SpendProfile,
    sources: Sources,
    max_rows: int,
    problems: list[DataFileError] | None,
) -> Iterator[SpendLine]:
    rows, layout = _find_layout(path, profile, sources)
    count = 0
    for line, cells in rows:
        if all(_text(cell) == "" for cell in cells):
            continue
        count += 1
        if count > max_rows:
            raise DataFileError(path, f"has more than {max_rows:,} rows", line)
        parsed = _parse_row(path, line, cells, layout, profile)
        if isinstance(parsed, SpendLine):
            yield parsed
        elif problems is None:
            raise parsed[0]
        else:
            problems.extend(parsed)


def _find_layout(
    path: Path, profile: SpendProfile, sources: Sources
) -> tuple[Iterator[Row], _Layout]:
    """The rows after the header, and the layout, from the first source with a header."""
    best: tuple[int, list[str], Sequence[object]] = (-1, list(REQUIRED), [])
    for where, rows in sources:
        for line, cells in rows:
            if line > HEADER_LINES:
                break
            layout = _layout(profile, cells, where)
            missing = [field for field in REQUIRED if field not in layout.index]
            if not missing:
                return rows, layout
            found = len(REQUIRED) - len(missing)
            if found > best[0] and any(_text(cell) for cell in cells):
                best = (found, missing, cells)
    seen = ", ".join(repr(_text(cell)) for cell in best[2] if _text(cell)) or "none"
    raise DataFileError(
        path,
        f"no header row in the first {HEADER_LINES} lines for profile {profile.name!r}: "
        f"no column for {', '.join(best[1])} (headers seen: {seen})",
    )


def _layout(profile: SpendProfile, cells: Sequence[object], where: str) -> _Layout:
    keys: dict[str, int] = {}
    for position, cell in enumerate(cells):
        keys.setdefault(header_key(_text(cell)), position)
    index: dict[str, int] = {}
    header: dict[str, str] = {}
    for field, names in profile.columns.items():
        found = [keys[key] for key in map(header_key, names) if key in keys]
        if found:  # the profile lists a field's headers in order of preference
            index[field], header[field] = found[0], _text(cells[found[0]])
    return _Layout(index, header, where)


def _parse_row(
    path: Path, line: int, cells: Sequence[object], layout: _Layout, profile: SpendProfile
) -> SpendLine | list[DataFileError]:
    def cell(field: str) -> object:
        position = layout.index.get(field)
        return cells[position] if position is not None and position < len(cells) else None

    problems: list[DataFileError] = []

    def problem(field: str, message: str) -> None:
        text = _text(cell(field))
        shown = repr(text[:60]) if text else "empty"
        error = DataFileError(
            path, f"{layout.where}{message}: {shown}", line, None, layout.header[field]
        )
        problems.append(error)

    date = parse_date(cell("date"), profile.date_formats)
    if date is None:
        problem("date", "not a date (day-first, e.g. 01/04/2020)")
    supplier = _text(cell("supplier"))
    if not supplier:
        problem("supplier", "no supplier")
    amount = parse_amount(cell("amount"))
    if amount is None:
        problem("amount", "not an amount of money")
    if problems or date is None or amount is None:
        return problems
    texts = {field: _text(cell(field)) for field in OPTIONAL}
    return SpendLine(line=line, date=date, supplier=supplier, amount=amount, **texts)


# --- Cells ----------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a reference number that a spreadsheet stored as 1234.0
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    # Runs of spaces and line breaks inside a quoted cell are layout, not content.
    return " ".join(str(value).split())


AMOUNT = re.compile(
    r"(?P<open>\()?(?P<sign>[-+])?"
    r"(?P<number>[0-9]{1,3}(?:,[0-9]{3}){1,4}(?:\.[0-9]{0,10})?"
    r"|[0-9]{1,15}(?:\.[0-9]{0,10})?|\.[0-9]{1,10})"
    r"(?P<close>\))?(?P<trailing>-)?"
)


def parse_amount(value: object) -> Decimal | None:
    """Pounds and pence from "£1,234.56", "1234.5", "(123.45)", "-123.45" or a number.

    Brackets and a trailing minus (as some ledgers print credits) are negative. Commas
    must group thousands, so a continental "1.234,56" is refused rather than misread.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        return _pennies(number) if number.is_finite() and abs(number) < 10**15 else None
    if not isinstance(value, str):
        return None
    text = "".join(value.replace("£", "").replace("GBP", "").replace("\u2212", "-").split())
    match = AMOUNT.fullmatch(text)
    if match is None or bool(match["open"]) != bool(match["close"]):
        return None
    signs = [bool(match["open"]), match["sign"] == "-", bool(match["trailing"])]
    if sum(signs) > 1 or (match["trailing"] and match["sign"]):
        return None
    number = Decimal(match["number"].replace(",", ""))
    return _pennies(-number if any(signs) else number)


def _pennies(number: Decimal) -> Decimal:
    rounded = number.quantize(PENNY, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # no "-0.00"


def parse_date(value: object, formats: Sequence[str]) -> dt.date | None:
    """A date cell, read with the first of `formats` that fits the whole text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None  # a bare number is an Excel serial or a mistake; not guessed at
    text = value.strip()
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# --- Files ----------------------------------------------------------------------------


def _csv_source(path: Path, declared: str) -> Sources:
    yield "", _csv_rows(path, declared)


def _csv_rows(path: Path, declared: str) -> Iterator[Row]:
    """Rows with the physical line (1-based) each starts on."""
    encoding = _choose_encoding(path, declared)
    line = 1
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(handle)
            for cells in reader:
                yield line, cells
                line = reader.line_num + 1
    except csv.Error as error:
        raise DataFileError(path, f"is not readable CSV ({error})", line) from error
    except UnicodeDecodeError as error:  # the file changed since it was checked
        raise DataFileError(path, f"is not {encoding} text ({error.reason})") from error


def _choose_encoding(path: Path, declared: str) -> str:
    """The declared encoding, or for "auto" UTF-8 if it fits the whole file, else
    Windows-1252; checked over the whole file first so that a bad byte is reported by
    line rather than from the middle of a buffered read."""
    candidates = ["utf-8", "cp1252"] if declared == "auto" else [declared]
    offset = 0
    for encoding in candidates:
        offset = _first_bad_byte(path, encoding)
        if offset < 0:
            return "utf-8-sig" if codecs.lookup(encoding).name.startswith("utf-8") else encoding
    names = " or ".join(candidates)
    raise DataFileError(path, f"is not {names} text (byte {offset:,})", _line_at(path, offset))


def _first_bad_byte(path: Path, encoding: str) -> int:
    """The offset of the first byte that does not decode, or -1 if all do."""
    decoder = codecs.getincrementaldecoder(encoding)()
    start = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 16):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return start - pending + error.start
            start += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return start - len(decoder.getstate()[0]) + error.start
    return -1


def _line_at(path: Path, offset: int) -> int:
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n") + 1


def _xlsx_sheets(path: Path) -> Sources:
    """Each sheet's rows, numbered as the sheet numbers them."""
    import openpyxl  # here, so that reading CSV does not load it

    _check_parts(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError) as error:
        raise DataFileError(path, f"is not a readable XLSX workbook ({error})") from error
    try:
        for sheet in book.worksheets:
            rows = enumerate(sheet.iter_rows(values_only=True), start=1)
            yield f"sheet {sheet.title!r}: ", _guarded(path, rows)
    finally:
        book.close()


def _guarded(path: Path, rows: Iterator[tuple[int, Sequence[object]]]) -> Iterator[Row]:
    # openpyxl parses lazily, so a damaged sheet fails part-way through.
    try:
        yield from rows
    except (KeyError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile) as error:
        raise DataFileError(path, f"has a damaged sheet ({error})") from error


def _check_parts(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DataFileError(path, f"is not a readable XLSX workbook ({error})") from error
    for part in parts:
        if part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise DataFileError(
                path,
                f"its part {part.filename} unpacks more than {XLSX_MAX_RATIO}:1; "
                "refused as a possible archive bomb",
            )


# --- De-duplication --------------------------------------------------------------------


def line_fingerprint(line: SpendLine) -> str:
    """A stable identity for a payment, so that re-importing the same or an overlapping
    file adds nothing twice: sha256 of the date, supplier, amount, reference and
    description. Text is compared with case and spacing folded only (not the name
    matcher's normalisation), so that improving the matcher never changes a fingerprint.
    The line number and the optional service/expense columns are left out, because they
    move between a council's quarterly and annual files."""
    parts = [
        line.date.isoformat(),
        _fold(line.supplier),
        f"{line.amount:.2f}",
        _fold(line.reference),
        _fold(line.description),
    ]
    # JSON, not "|".join: a "|" inside a description cannot make two lines collide.
    encoded = json.dumps(parts, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())
