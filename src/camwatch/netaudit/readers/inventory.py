"""Device inventories: CSV (comma, semicolon or tab; UTF-8, UTF-16 or Windows-1252) and
XLSX workbooks, one device a row, under a header row.

Columns are known by their header, in any case and ignoring spaces, underscores, dots,
hyphens and a byte-order mark (`ALIASES`); other columns are ignored. The header is the
first row, within the first 10, that names an ip, mac, hostname or serial column and
either names a second known column or is the only cell of its row. An XLSX workbook is
read from its first sheet that has such a row. A file without one is refused
(AuditInputError, naming the file and the headers expected).

Rows, numbered as in the file (the CSV line a row ends on; the sheet row), give one
Observation each: `ip` (an address, or an address with a prefix length), and signals
`mac` (normalised), `hostname`, `vendor`, `model`, `firmware`, `serial`, `location`.
Bad values are counted, with the row and a reason, and the row is kept without them: a
row with a bad MAC or IP is both counted bad and read (so it is in `records` too). A row
with none of ip, mac, hostname or serial left is counted bad ("no ip, mac, hostname or
serial") and skipped, unless a bad value there was already counted. Blank rows are
skipped. A CSV line over 1 MB is counted bad and skipped; so is a quoted field over 1 MB
(the csv module's field size limit, which reading sets to 1 MB for the process).
"""

from __future__ import annotations

import csv
import io
import ipaddress
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, BinaryIO

from camwatch.netaudit.observation import (
    AuditInputError,
    Observation,
    ReadReport,
    normalise_mac,
    put,
)
from camwatch.netaudit.readers.common import READ_ERRORS

NAME = "inventory"

HEAD_BYTES = 65536
ROW_LIMIT = 1 << 20
HEADER_ROWS = 10
XLSX_MAGIC = b"PK\x03\x04"
KEYS = ("ip", "mac", "hostname", "serial")

ALIASES: dict[str, tuple[str, ...]] = {
    "ip": ("ip", "ip address", "ipv4", "ipv4 address", "address", "host ip"),
    "mac": ("mac", "mac address", "hw address", "physical address"),
    "hostname": ("hostname", "host name", "name", "device name"),
    "vendor": ("vendor", "manufacturer", "make", "brand"),
    "model": ("model", "model number", "product", "type/model"),
    "firmware": ("firmware", "firmware version", "fw", "software version", "version"),
    "serial": ("serial", "serial number", "s/n", "sn"),
    "location": ("location", "site", "room", "building"),
}
EXPECTED = "; ".join(f"{field}: {', '.join(names)}" for field, names in ALIASES.items())


def header_key(cell: object) -> str:
    """A header cell as compared: lower case, without spaces, _ . - or a BOM."""
    text = "" if cell is None else str(cell)
    for junk in (" ", "_", ".", "-", "\ufeff", "\t"):
        text = text.replace(junk, "")
    return text.lower()


COLUMNS: dict[str, str] = {
    header_key(name): field for field, names in ALIASES.items() for name in names
}


def header_of(row: Sequence[object]) -> dict[int, str] | None:
    """Column index -> field for a header row; None when the row is not a header."""
    columns: dict[int, str] = {}
    for index, cell in enumerate(row):
        field = COLUMNS.get(header_key(cell))
        if field and field not in columns.values():
            columns[index] = field
    filled = sum(1 for cell in row if cell is not None and str(cell).strip())
    if not any(field in KEYS for field in columns.values()):
        return None
    return columns if len(columns) >= 2 or filled == 1 else None


def _cell(value: object) -> str | None:
    """A cell as text: spreadsheets give whole numbers (serials, say) as floats."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value).strip()
    return text or None


def _address(text: str) -> str:
    """An IP address, from "192.0.2.7" or "192.0.2.7/24"; ValueError if neither."""
    return str(ipaddress.ip_interface(text).ip)


def _checked(
    values: dict[str, str | None], source: str, number: int, report: ReadReport
) -> tuple[str | None, str | None, bool]:
    """A row's IP address and MAC, checked: a bad one is counted and dropped. The third
    value says whether one was."""
    ip, mac, counted = values.pop("ip", None), values.pop("mac", None), False
    if ip is not None:
        try:
            ip = _address(ip)
        except ValueError:
            report.add_bad(source, number, f"bad IP address {ip!r}")
            ip, counted = None, True
    if mac is not None:
        normal = normalise_mac(mac)
        if normal is None:
            report.add_bad(source, number, f"bad MAC address {mac!r}")
            counted = True
        mac = normal
    return ip, mac, counted


def row_observation(
    row: Sequence[object], columns: dict[int, str], source: str, number: int, report: ReadReport
) -> Observation | None:
    """One inventory row as an Observation; None (and counted bad) when it identifies no
    device, None (uncounted) when it is blank."""
    values = {field: _cell(row[index]) for index, field in columns.items() if index < len(row)}
    ip, mac, counted = _checked(values, source, number, report)
    signals: dict[str, str] = {"mac": mac} if mac else {}
    for field, value in values.items():
        put(signals, field, value)
    if ip is None and not any(field in signals for field in KEYS):
        if not counted and any(_cell(cell) for cell in row):
            report.add_bad(source, number, "no ip, mac, hostname or serial")
        return None
    return Observation(ip, None, signals, source, number)


def _rows(
    rows: Iterable[tuple[int, Sequence[object]]], source: str, report: ReadReport
) -> Iterator[Observation]:
    """Observations of numbered rows: the header (within the first rows), then the rest."""
    columns: dict[int, str] | None = None
    for number, row in rows:
        if columns is None:
            if number > HEADER_ROWS:
                break
            columns = header_of(row)
            continue
        found = row_observation(row, columns, source, number, report)
        if found is not None:
            report.records += 1
            yield found
    if columns is None:
        raise AuditInputError(
            f"no header row in the first {HEADER_ROWS} rows; expected columns "
            f"(any case, spaces ignored) — {EXPECTED}",
            source=source,
        )


# CSV


class _Prefixed(io.RawIOBase):
    """A stream whose first bytes were already read: they are served again first."""

    def __init__(self, head: bytes, rest: BinaryIO | io.BufferedIOBase) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            size = min(len(view), len(self._head))
            view[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        # read1 where there is one: a damaged gzip then loses no data already decompressed.
        data = getattr(self._rest, "read1", self._rest.read)(len(view))
        view[: len(data)] = data
        return len(data)


def encoding_of(head: bytes) -> str:
    """UTF-16 by its byte-order mark, UTF-8 when the head decodes, else Windows-1252."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the end of the head is not a reason to doubt.
        if error.start < len(head) - 3:
            return "cp1252"
    return "utf-8-sig"


def _first_text_line(text: str) -> str:
    for row in text.lstrip("\ufeff").splitlines():
        if row.strip():
            return row
    return ""


def delimiter_of(text: str) -> str:
    """The delimiter of a CSV head: csv.Sniffer's, else the one the first line has most."""
    sample = text[: text.rfind("\n") + 1] or text
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except (csv.Error, ValueError, IndexError, KeyError):  # the Sniffer's guess can fail
        first = _first_text_line(text)
        return max(",;\t", key=first.count)


def _lines(text: io.TextIOBase, source: str, report: ReadReport, count: list[int]) -> Iterator[str]:
    """The lines of a text stream, at most 1 MB each (a longer one is counted and
    skipped); count[0] is the number of the last line given."""
    while True:
        line = _readline(text, source, report, count[0])
        if not line:
            return
        count[0] += 1
        if len(line) < ROW_LIMIT or line.endswith("\n"):
            yield line
            continue
        report.add_bad(source, count[0], "row longer than 1 MB")
        while line and not line.endswith("\n"):
            line = _readline(text, source, report, count[0])


def _readline(text: io.TextIOBase, source: str, report: ReadReport, done: int) -> str:
    """The next line (at most 1 MB of it); "" at the end, or when the file breaks off
    after some lines (a truncated gzip): counted bad, the lines before it kept."""
    try:
        return text.readline(ROW_LIMIT)
    except READ_ERRORS as error:
        if done == 0:
            raise AuditInputError(f"cannot read: {error}", source=source) from error
        report.add_bad(source, done + 1, f"cannot read further: {error}")
        return ""


def _csv_rows(
    text: io.TextIOBase, delimiter: str, source: str, report: ReadReport
) -> Iterator[tuple[int, list[str]]]:
    count = [0]
    rows = csv.reader(_lines(text, source, report, count), delimiter=delimiter)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            report.add_bad(source, count[0], f"unreadable CSV row: {error}")
            continue
        if row:
            yield count[0], row


def read_csv(stream: io.BufferedIOBase, source: str, report: ReadReport) -> Iterator[Observation]:
    head = _head(stream, source)
    encoding = encoding_of(head)
    delimiter = delimiter_of(head.decode(encoding, errors="replace"))
    # Fields may be as long as a row: the csv module's own limit is 128 KB.
    csv.field_size_limit(ROW_LIMIT)
    buffered = io.BufferedReader(_Prefixed(head, stream))
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")
    try:
        yield from _rows(_csv_rows(text, delimiter, source, report), source, report)
    finally:
        text.detach()  # the caller closes its stream, not us


# XLSX


def _workbook(stream: BinaryIO, source: str) -> Any:
    from openpyxl import load_workbook  # only inventories need it: keep imports light

    # A workbook is a zip, its index at the end: it needs a stream that seeks from its
    # end, which a gzip stream cannot. Workbooks are small next to scans: read it whole
    # (its rows are still parsed one at a time).
    data = io.BytesIO(_read(stream, source, -1))
    try:
        return load_workbook(data, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise AuditInputError(f"not a readable XLSX workbook ({error})", source=source) from error


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, Sequence[object]]]:
    return enumerate(sheet.iter_rows(values_only=True), 1)


def _has_header(sheet: Any) -> bool:
    for number, row in _sheet_rows(sheet):
        if number > HEADER_ROWS:
            return False
        if header_of(row) is not None:
            return True
    return False


def read_xlsx(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Observation]:
    workbook = _workbook(stream, source)
    try:
        sheets = [sheet for sheet in workbook.worksheets if _has_header(sheet)]
        if not sheets:
            yield from _rows(iter(()), source, report)  # raises: no header
            return
        yield from _rows(_sheet_rows(sheets[0]), source, report)
    except AuditInputError:
        raise
    except Exception as error:  # a damaged sheet: as for the workbook itself
        raise AuditInputError(f"unreadable XLSX sheet ({error})", source=source) from error
    finally:
        workbook.close()


def _head(stream: io.BufferedIOBase, source: str) -> bytes:
    """The first HEAD_BYTES of a stream, or as many as it gives before it fails (the
    failure comes again, and is counted, when the rest is read)."""
    parts: list[bytes] = []
    size = 0
    while size < HEAD_BYTES:
        try:
            part = stream.read1(HEAD_BYTES - size)
        except READ_ERRORS as error:
            if not parts:
                raise AuditInputError(f"cannot read: {error}", source=source) from error
            break
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _read(stream: BinaryIO, source: str, size: int) -> bytes:
    try:
        return stream.read(size)
    except READ_ERRORS as error:
        raise AuditInputError(f"cannot read: {error}", source=source) from error


def read(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Observation]:
    """The devices of a CSV or XLSX inventory, by its first bytes."""
    magic = _read(stream, source, 4)
    whole = io.BufferedReader(_Prefixed(magic, stream))
    if magic == XLSX_MAGIC:
        yield from read_xlsx(whole, source, report)
    else:
        yield from read_csv(whole, source, report)


def sniff(head: bytes) -> bool:
    """Whether the head is an XLSX workbook, or CSV with a line (among its first 10
    non-blank ones: exports often start with a title) naming two known columns."""
    if head.startswith(XLSX_MAGIC):
        return True
    text = head.decode(encoding_of(head), errors="replace").lstrip("\ufeff")
    rows = [row for row in text.splitlines()[:100] if row.strip()][:HEADER_ROWS]
    return any(_names_two_columns(row) for row in rows)


def _names_two_columns(row: str) -> bool:
    for delimiter in ",;\t":
        cells = [cell.strip().strip('"') for cell in row.split(delimiter)]
        if len({COLUMNS.get(header_key(cell)) for cell in cells} - {None}) >= 2:
            return True
    return False
