"""Procurement notices from Open Contracting Data Standard 1.1 files, streamed. Pure: no
Django.

Reads release packages ({"releases": [...]}), record packages ({"records": [...]}, using
each record's compiledRelease, else its embedded releases), a bare JSON array of releases
and JSON Lines (one release or package a line), any of them gzip-compressed. Documents are
streamed with ijson (its C backend when installed), so memory stays flat however many
releases a file holds; a JSON Lines file holds one line at a time.

Errors are DataFileErrors (OcdsError) naming the file and where: the release, record or
line, the ocid when known, the field. Malformed JSON always raises, at the point it is
reached (the notices before it have been yielded). A release that cannot be used (not an
object, no ocid, an amount that is not a number, a date that does not parse, a currency
that is not ISO 4217) raises too, unless the caller passes a `problems` list to collect
them in and skip them.

JSON Lines is told by the name (.jsonl, .ndjson, .jl, with or without .gz) or, under any
other name, by a first line that is a whole JSON object with more lines after it. The size
limit holds for the file and, when it is compressed, for its content too. And before the
parser sees any bytes, a guard refuses nesting deeper than MAX_DEPTH and numbers of more
than MAX_DIGITS digits, which would exhaust or crash ijson's C backend (see _Guard).
"""

from __future__ import annotations

import datetime
import gzip
import io
import itertools
import json
import operator
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import ijson

from camwatch.money.classify import normalise_cpv
from camwatch.money.currency import CurrencyError, check_currency
from camwatch.registry.loader.errors import DataFileError
from camwatch.registry.loader.files import check_size

try:
    # The C backend parses several times faster than the pure-Python one it falls back to.
    _ijson: Any = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - depends on the wheel installed
    _ijson = ijson

CHUNK = 1 << 16
GZIP_MAGIC = b"\x1f\x8b"
BOM = b"\xef\xbb\xbf"
# How much of a first line is read to tell JSON Lines from one document.
SNIFF_BYTES = 1 << 20
LINES_SUFFIXES = (".jsonl", ".ndjson", ".jl")
# Guards on the input before ijson sees it (see _Guard): no OCDS file comes anywhere near.
MAX_DEPTH = 100
MAX_DIGITS = 600


class OcdsError(DataFileError):
    """A file that cannot be read as OCDS, or a release in it that cannot be used."""


@dataclass(frozen=True)
class Party:
    id: str
    name: str
    roles: tuple[str, ...]
    identifier: str  # scheme-id, e.g. "GB-COH-01234567"; "" when not given


@dataclass(frozen=True)
class Notice:
    ocid: str
    release_id: str
    date: datetime.date | None
    tags: tuple[str, ...]
    title: str
    description: str
    buyer: Party | None
    suppliers: tuple[Party, ...]
    value: Decimal | None
    currency: str  # ISO 4217, "" when the value has none
    start: datetime.date | None
    end: datetime.date | None
    cpv_codes: tuple[str, ...]  # 8 digits each, in order of first mention
    reference: str
    # Where in the file: "release 17", "record 3, release 2", "line 17", ...; a merged
    # notice lists its releases' places: "release 1, release 4".
    position: str


def read_notices(
    path: Path, *, max_bytes: int, problems: list[DataFileError] | None = None
) -> Iterator[Notice]:
    """The notices in an OCDS file, one per release, in file order.

    A file larger than `max_bytes` (or whose decompressed content is) is refused, before
    any of it is read when the file on disk is too large. With `problems` a list, releases
    that cannot be used are appended to it and skipped; with None the first one raises.
    """
    _check_size(path, max_bytes)
    return _read(path, max_bytes, problems)


def merge_releases(notices: Iterable[Notice]) -> list[Notice]:
    """One notice per ocid, in order of first appearance.

    The releases of one contracting process (tender, award, contract) are overlaid in date
    order: for each field the latest release that fills it wins; suppliers, tags and CPV
    codes are unioned. A release seen twice (same ocid and release id) counts once; one
    without an id cannot be told from another, and is kept.
    """
    groups: dict[str, list[Notice]] = {}
    seen: set[tuple[str, str]] = set()
    for notice in notices:
        key = (notice.ocid, notice.release_id)
        if notice.release_id and key in seen:
            continue
        seen.add(key)
        groups.setdefault(notice.ocid, []).append(notice)
    return [_merge(group) for group in groups.values()]


# -- merging ------------------------------------------------------------------------------


def _merge(group: list[Notice]) -> Notice:
    if len(group) == 1:
        return group[0]
    # Stable: releases of the same date (or none) keep their file order.
    ordered = sorted(group, key=lambda notice: notice.date or datetime.date.min)
    merged = ordered[0]
    for later in ordered[1:]:
        merged = _overlay(merged, later)
    return replace(merged, position=", ".join(notice.position for notice in group))


def _overlay(base: Notice, later: Notice) -> Notice:
    # An amount and its currency go together, from the same release.
    money = later if later.value is not None else base
    return replace(
        base,
        release_id=later.release_id or base.release_id,
        date=later.date or base.date,
        tags=_union(base.tags, later.tags),
        title=later.title or base.title,
        description=later.description or base.description,
        buyer=later.buyer or base.buyer,
        suppliers=_union_parties(base.suppliers, later.suppliers),
        value=money.value,
        currency=money.currency,
        start=later.start or base.start,
        end=later.end or base.end,
        cpv_codes=_union(base.cpv_codes, later.cpv_codes),
        reference=later.reference or base.reference,
    )


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


def _party_key(party: Party) -> str:
    return party.id or party.identifier or party.name.casefold()


def _union_parties(first: Iterable[Party], second: Iterable[Party]) -> tuple[Party, ...]:
    kept: dict[str, Party] = {}
    for party in itertools.chain(first, second):
        kept.setdefault(_party_key(party), party)
    return tuple(kept.values())


# -- where a release is, and what is wrong with it -----------------------------------------


@dataclass(frozen=True)
class _Where:
    position: str  # for the Notice: "release 17", "record 3, release 2", "line 5"
    label: str  # for an error, beside the line number: "release 17", "" for a whole line
    line: int | None = None


class _Bad(Exception):
    """A release that cannot be used; read_notices adds the file and the place."""

    def __init__(self, message: str, field: str | None = None, ocid: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.ocid = ocid


def _read(path: Path, max_bytes: int, problems: list[DataFileError] | None) -> Iterator[Notice]:
    for where, release, record_ocid in _releases(path, max_bytes):
        try:
            notice = _notice(release, where, record_ocid)
        except _Bad as bad:
            ocid = bad.ocid or record_ocid
            record = ", ".join(
                part for part in (where.label, f"ocid {ocid}" if ocid else "") if part
            )
            error = OcdsError(path, bad.message, where.line, record or None, bad.field)
            if problems is None:
                raise error from None
            problems.append(error)
            continue
        yield notice


# -- the shapes of OCDS files ---------------------------------------------------------------


def _releases(path: Path, max_bytes: int) -> Iterator[tuple[_Where, Any, str]]:
    """(where, release, ocid of its record or "") for every release in the file."""
    shape = _shape(path, max_bytes)
    if shape == "lines":
        for number, value in _lines(path, max_bytes):
            yield from _line_releases(number, value)
    elif shape == "array":
        for index, release in enumerate(_items(path, max_bytes, "item"), 1):
            yield _Where(f"release {index}", f"release {index}"), release, ""
    else:
        yield from _package_releases(path, max_bytes)


def _package_releases(path: Path, max_bytes: int) -> Iterator[tuple[_Where, Any, str]]:
    # ijson follows one path per pass; a package has releases or records, so the second
    # pass only runs (a fast scan, nothing built) when the first found no release.
    found = False
    for index, release in enumerate(_items(path, max_bytes, "releases.item"), 1):
        found = True
        yield _Where(f"release {index}", f"release {index}"), release, ""
    if found:
        return
    for index, record in enumerate(_items(path, max_bytes, "records.item"), 1):
        found = True
        yield from _record_releases(record, f"record {index}", None)
    if found:
        return
    keys = _top_level_keys(path, max_bytes)
    if "releases" in keys or "records" in keys:
        return  # an empty package
    if "ocid" not in keys:
        raise OcdsError(path, "not OCDS: an object with neither releases nor records")
    for release in _items(path, max_bytes, ""):  # one release, on its own
        yield _Where("release 1", "release 1"), release, ""


def _record_releases(
    record: Any, label: str, line: int | None
) -> Iterator[tuple[_Where, Any, str]]:
    position = f"line {line}, {label}" if line else label
    if not isinstance(record, dict):
        yield _Where(position, label, line), record, ""
        return
    ocid = record.get("ocid")
    ocid = ocid if isinstance(ocid, str) else ""
    if "compiledRelease" in record:
        yield _Where(position, label, line), record["compiledRelease"], ocid
        return
    releases = record.get("releases")
    for index, release in enumerate(releases if isinstance(releases, list) else [], 1):
        # A linked release is only a URL to the release published elsewhere.
        if isinstance(release, dict) and "url" in release and "id" not in release:
            continue
        where = _Where(f"{position}, release {index}", f"{label}, release {index}", line)
        yield where, release, ocid


def _line_releases(number: int, value: Any) -> Iterator[tuple[_Where, Any, str]]:
    if isinstance(value, dict) and isinstance(value.get("releases"), list):
        for index, release in enumerate(value["releases"], 1):
            label = f"release {index}"
            yield _Where(f"line {number}, {label}", label, number), release, ""
    elif isinstance(value, dict) and isinstance(value.get("records"), list):
        for index, record in enumerate(value["records"], 1):
            yield from _record_releases(record, f"record {index}", number)
    else:
        yield _Where(f"line {number}", "", number), value, ""


def _shape(path: Path, max_bytes: int) -> Literal["lines", "array", "object"]:
    """How the file is laid out, from its name and its first line."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(LINES_SUFFIXES):
        return "lines"
    with _open(path, max_bytes) as stream:
        first = stream.readline(SNIFF_BYTES)
        while first and not first.strip():
            first = stream.readline(SNIFF_BYTES)
        lead = first.lstrip()[:1]
        if lead == b"[":
            return "array"
        if not first:
            raise OcdsError(path, "the file is empty")
        if lead != b"{":
            expected = "'{' (a package or a release) or '[' (releases)"
            raise OcdsError(path, f"not OCDS JSON: it starts with {lead!r}, not {expected}")
        # A complete object on the first line, and more after it: one object a line.
        if first.endswith(b"\n") and _is_object(first) and _more(stream):
            return "lines"
        return "object"


def _is_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _more(stream: io.BufferedReader[_Reader]) -> bool:
    line = stream.readline(SNIFF_BYTES)
    while line and not line.strip():
        line = stream.readline(SNIFF_BYTES)
    return bool(line)


# -- reading, guarded -----------------------------------------------------------------------


def _check_size(path: Path, max_bytes: int) -> None:
    check_size(path, max_bytes, error=OcdsError)


def _open(path: Path, max_bytes: int) -> io.BufferedReader[_Reader]:
    """The file's bytes (decompressed when gzip), guarded, without a byte-order mark."""
    try:
        with path.open("rb") as probe:
            compressed = probe.read(len(GZIP_MAGIC)) == GZIP_MAGIC
        # Closed by _Reader.close, with the stream returned.
        inner: io.BufferedIOBase = (
            gzip.open(path, "rb") if compressed else path.open("rb")  # noqa: SIM115
        )
    except OSError as exc:
        raise OcdsError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    stream = io.BufferedReader(_Reader(path, inner, max_bytes), buffer_size=CHUNK)
    if stream.peek(len(BOM))[: len(BOM)] == BOM:
        stream.read(len(BOM))
    return stream


class _Reader(io.RawIOBase):
    """Counts the bytes read (for error positions and the size limit) and passes each
    chunk through the guard before the parser sees it."""

    def __init__(self, path: Path, inner: io.BufferedIOBase, max_bytes: int) -> None:
        self.path = path
        self.inner = inner
        self.max_bytes = max_bytes
        self.start = 0  # the last chunk read: bytes start to end of the (decompressed) file
        self.end = 0
        self.guard = _Guard(path)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            count = self.inner.readinto(buffer)
        except (OSError, EOFError, zlib.error) as exc:
            raise OcdsError(self.path, f"cannot read the file: {exc}") from exc
        if count:  # at the end, keep the last chunk's place for the parser's errors
            self.start, self.end = self.end, self.end + count
        if self.end > self.max_bytes:
            limit = f"over the limit of {self.max_bytes:,} bytes"
            raise OcdsError(self.path, f"the decompressed content is {limit}")
        if count:
            self.guard.feed(bytes(memoryview(buffer)[:count]), self.start)
        return count

    def close(self) -> None:
        self.inner.close()
        super().close()


# A JSON string, complete (group 1 is its closing quote) or running to the end of the chunk
# (group 2 is a backslash there, escaping the next chunk's first byte).
# (Written as runs of plain bytes between escapes: several times faster than an
# alternation per byte.)
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:(")|(\\?)\Z)', re.DOTALL)
_STRING_REST = re.compile(rb'[^"\\]*+(?:\\.[^"\\]*+)*+(?:(")|(\\?)\Z)', re.DOTALL)
_NOT_BRACKET = bytes(set(range(256)) - set(b"[]{}"))
_STEPS = bytes.maketrans(b"[]{}", b"\x02\x00\x02\x00")
_DIGITS = b"0123456789"
# A digit not after a digit, then MAX_DIGITS more; starting with the digit (rather than the
# look-behind) lets the regex engine skip to digits quickly.
_LONG_NUMBER = re.compile(rb"[0-9](?<![0-9][0-9])[0-9]{%d}" % MAX_DIGITS)


class _Guard:
    """Refuses input that would crash or exhaust the parser, before the parser sees it.

    ijson's C backend keeps a path string for every level of nesting, so memory grows with
    the square of the depth (a file of 100,000 "[" takes gigabytes), and it crashes the
    process on an integer of more digits than Python converts (4,300). So: nesting deeper
    than MAX_DEPTH or a number longer than MAX_DIGITS digits is an error. Strings are
    skipped with regular expressions, and the state carried from chunk to chunk (inside a
    string or not, the depth, the digits so far) is enough to be exact on valid JSON.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.in_string = False
        self.escaped = False  # inside a string, the next byte is escaped
        self.depth = 0
        self.digits = 0  # digits at the end of the last chunk, outside strings

    def feed(self, chunk: bytes, offset: int) -> None:
        position = 0
        if self.in_string:
            end = _STRING_REST.match(chunk, 1 if self.escaped else 0)
            if end is None or not end.group(1):  # the string goes on past this chunk
                self.escaped = bool(end and end.group(2))
                self.digits = 0
                return
            self.in_string, position, self.digits = False, end.end(), 0
        outside = _STRING.sub(rb'"\1\2', chunk[position:])
        if outside.endswith(b'"\\') or (outside.endswith(b'"') and not outside.endswith(b'""')):
            self.in_string, self.escaped = True, outside.endswith(b"\\")
        where = f"in bytes {offset:,} to {offset + len(chunk):,}"
        self._nesting(outside, where)
        self._numbers(outside, where)

    def _nesting(self, outside: bytes, where: str) -> None:
        steps = outside.translate(None, _NOT_BRACKET).translate(_STEPS)
        if not steps:
            return
        # After k brackets of which o opened, the depth is 2o - k: all in C, no loop here.
        levels = list(map(operator.sub, itertools.accumulate(steps), itertools.count(1)))
        if self.depth + max(levels) > MAX_DEPTH:
            raise OcdsError(self.path, f"JSON nested deeper than {MAX_DEPTH} levels, {where}")
        self.depth += levels[-1]

    def _numbers(self, outside: bytes, where: str) -> None:
        leading = len(outside) - len(outside.lstrip(_DIGITS))
        if self.digits + leading > MAX_DIGITS or _LONG_NUMBER.search(outside):
            raise OcdsError(self.path, f"a number of more than {MAX_DIGITS} digits, {where}")
        trailing = len(outside) - len(outside.rstrip(_DIGITS))
        self.digits = self.digits + trailing if trailing == len(outside) else trailing


def _items(path: Path, max_bytes: int, prefix: str) -> Iterator[Any]:
    """The values at `prefix` in a JSON document, streamed; malformed JSON raises."""
    with _open(path, max_bytes) as stream:
        try:
            yield from _ijson.items(stream, prefix, buf_size=CHUNK)
        except (ijson.JSONError, ValueError, InvalidOperation) as exc:
            # ValueError: bad UTF-8, or a number Python will not convert; InvalidOperation:
            # an exponent that Decimal refuses.
            raise _malformed(path, stream, exc) from exc


def _top_level_keys(path: Path, max_bytes: int) -> set[str]:
    keys: set[str] = set()
    with _open(path, max_bytes) as stream:
        try:
            for prefix, event, value in _ijson.parse(stream, buf_size=CHUNK):
                if prefix == "" and event == "map_key":
                    keys.add(value)
        except (ijson.JSONError, ValueError, InvalidOperation) as exc:
            raise _malformed(path, stream, exc) from exc
    return keys


def _malformed(path: Path, stream: io.BufferedReader[_Reader], exc: Exception) -> OcdsError:
    reader = stream.raw
    detail = exc.args[0] if exc.args and not isinstance(exc, InvalidOperation) else exc
    if isinstance(detail, bytes):  # the C backend quotes the bad bytes as they were
        detail = detail.decode("utf-8", "replace")
    # yajl's message is "what went wrong", the text around it, and a caret: keep the
    # first two, on one line.
    lines = [line.strip() for line in str(detail).splitlines() if line.strip()]
    what = lines[0] if lines else type(exc).__name__
    if isinstance(exc, InvalidOperation):
        what = "a number too large for a decimal"
    near = f" near {lines[1]!r}" if len(lines) > 2 else ""
    where = f"between bytes {reader.start:,} and {reader.end:,}"
    return OcdsError(path, f"malformed JSON {where}: {what}{near}")


def _lines(path: Path, max_bytes: int) -> Iterator[tuple[int, Any]]:
    with _open(path, max_bytes) as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line, parse_float=Decimal, parse_constant=_no_constant)
            except (ValueError, RecursionError) as exc:
                raise OcdsError(path, f"malformed JSON: {exc}", line=number) from exc
            yield number, value


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, though Python's json module accepts them.
    raise ValueError(f"{name} is not JSON")


# -- one release ---------------------------------------------------------------------------


def _notice(release: Any, where: _Where, record_ocid: str) -> Notice:
    if not isinstance(release, dict):
        raise _Bad(f"a release must be an object, not {_kind(release)}")
    ocid = release.get("ocid", record_ocid)
    if not isinstance(ocid, str) or not ocid.strip():
        raise _Bad("a release must have an ocid", "ocid")
    ocid = ocid.strip()
    try:
        return _fields(release, ocid, where)
    except _Bad as bad:
        bad.ocid = ocid
        raise


def _fields(release: dict[str, Any], ocid: str, where: _Where) -> Notice:
    tender = _object(release.get("tender"))
    awards = _objects(release.get("awards"))
    contracts = _objects(release.get("contracts"))
    parties = _objects(release.get("parties"))
    value, currency = _value(tender, awards, contracts)
    start, end = _period(tender, awards, contracts)
    stages = [tender, *awards, *contracts]
    return Notice(
        ocid=ocid,
        release_id=_text(release.get("id")),
        date=_date(release.get("date"), "date"),
        tags=_tags(release.get("tag")),
        title=_first_text(stages, "title"),
        description=_first_text(stages, "description"),
        buyer=_buyer(release.get("buyer"), parties),
        suppliers=_suppliers(awards, parties),
        value=value,
        currency=currency,
        start=start,
        end=end,
        cpv_codes=_cpv_codes(tender, awards, contracts),
        reference=_text(tender.get("id")) or _text(contracts[0].get("id") if contracts else None),
        position=where.position,
    )


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "true or false",
        type(None): "null",
    }
    return names.get(type(value), "a number")


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    # Identifiers are strings in OCDS 1.1, but some publishers write numbers.
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return ""


def _first_text(stages: list[dict[str, Any]], name: str) -> str:
    return next((text for text in (_text(stage.get(name)) for stage in stages) if text), "")


def _tags(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    return tuple(tag for tag in (_text(t) for t in _as_list(value)) if tag)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _date(value: Any, field: str) -> datetime.date | None:
    """The date part of an ISO 8601 date or date-time ("2015-04-01T00:00:00Z")."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and (len(value) == 10 or value[10:11] in ("T", "t", " ")):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise _Bad(f"not an ISO 8601 date: {str(value)[:40]!r}", field)


def _value(
    tender: dict[str, Any], awards: list[dict[str, Any]], contracts: list[dict[str, Any]]
) -> tuple[Decimal | None, str]:
    """The first stated value of the contracts, else of the awards, else of the tender.
    Every value is checked, so a bad one is reported wherever it is."""
    stages = [
        [(f"contracts[{i}].value", c.get("value")) for i, c in enumerate(contracts)],
        [(f"awards[{i}].value", a.get("value")) for i, a in enumerate(awards)],
        [("tender.value", tender.get("value"))],
    ]
    found = [[money for where, v in stage if (money := _money(v, where))] for stage in stages]
    for stage in found:
        if stage:
            return stage[0]
    return None, ""


def _money(value: Any, where: str) -> tuple[Decimal, str] | None:
    if not isinstance(value, dict):
        return None
    currency = value.get("currency")
    if currency is None or currency == "":
        code = ""
    elif isinstance(currency, str):
        try:
            code = check_currency(currency)
        except CurrencyError as exc:
            raise _Bad(str(exc), f"{where}.currency") from None
    else:
        raise _Bad(f"a currency must be a string, not {_kind(currency)}", f"{where}.currency")
    amount = value.get("amount")
    if amount is None:
        return None
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
        raise _Bad(f"the amount must be a number, not {_kind(amount)}", f"{where}.amount")
    number = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    if not number.is_finite():
        raise _Bad("the amount must be a finite number", f"{where}.amount")
    return number, code


def _period(
    tender: dict[str, Any], awards: list[dict[str, Any]], contracts: list[dict[str, Any]]
) -> tuple[datetime.date | None, datetime.date | None]:
    """The contracts' period, else the awards' contract period, else the tender's: the
    earliest start and latest end among those of the first stage that gives any."""
    stages = [
        [(f"contracts[{i}].period", c.get("period")) for i, c in enumerate(contracts)],
        [(f"awards[{i}].contractPeriod", a.get("contractPeriod")) for i, a in enumerate(awards)],
        [("tender.contractPeriod", tender.get("contractPeriod"))],
    ]
    found = [[_dates(period, where) for where, period in stage] for stage in stages]
    for stage in found:
        starts = [start for start, _ in stage if start]
        ends = [end for _, end in stage if end]
        if starts or ends:
            return min(starts, default=None), max(ends, default=None)
    return None, None


def _dates(period: Any, where: str) -> tuple[datetime.date | None, datetime.date | None]:
    if not isinstance(period, dict):
        return None, None
    start = _date(period.get("startDate"), f"{where}.startDate")
    return start, _date(period.get("endDate"), f"{where}.endDate")


def _party(value: dict[str, Any]) -> Party:
    identifier = _object(value.get("identifier"))
    scheme, number = _text(identifier.get("scheme")), _text(identifier.get("id"))
    roles = tuple(role for role in (_text(r) for r in _as_list(value.get("roles"))) if role)
    return Party(
        id=_text(value.get("id")),
        name=_text(value.get("name")),
        roles=roles,
        identifier=f"{scheme}-{number}" if scheme and number else "",
    )


def _resolve(reference: dict[str, Any], parties: list[dict[str, Any]]) -> Party | None:
    """The party a reference ({"id", "name"}) points to, with the reference's name when
    the party has none; the reference alone when no party has its id."""
    ref = _party(reference)
    if not ref.id and not ref.name:
        return None
    for candidate in parties:
        if ref.id and _text(candidate.get("id")) == ref.id:
            party = _party(candidate)
            return replace(
                party, name=party.name or ref.name, identifier=party.identifier or ref.identifier
            )
    return ref


def _with_role(parties: list[dict[str, Any]], role: str) -> list[Party]:
    found = [_party(party) for party in parties]
    return [party for party in found if role in (r.lower() for r in party.roles)]


def _buyer(reference: Any, parties: list[dict[str, Any]]) -> Party | None:
    party = _resolve(reference, parties) if isinstance(reference, dict) else None
    if party is not None and party.name:
        return party
    # No buyer reference, or one to an unnamed party: the party in the buyer role says more.
    return next(iter(_with_role(parties, "buyer")), party)


def _suppliers(awards: list[dict[str, Any]], parties: list[dict[str, Any]]) -> tuple[Party, ...]:
    named = [
        party
        for award in awards
        for reference in _objects(award.get("suppliers"))
        if (party := _resolve(reference, parties))
    ]
    return _union_parties(named or _with_role(parties, "supplier"), ())


def _cpv_codes(
    tender: dict[str, Any], awards: list[dict[str, Any]], contracts: list[dict[str, Any]]
) -> tuple[str, ...]:
    """CPV codes from the tender's classification and every item's classification and
    additional classifications (tender, awards, contracts), deduplicated in order."""
    items = [
        item for stage in (tender, *awards, *contracts) for item in _objects(stage.get("items"))
    ]
    classifications = [tender.get("classification")]
    for item in items:
        classifications.append(item.get("classification"))
        classifications.extend(_as_list(item.get("additionalClassifications")))
    codes: dict[str, None] = {}
    for entry in classifications:
        if isinstance(entry, dict) and _text(entry.get("scheme")).upper() == "CPV":
            code = normalise_cpv(_text(entry.get("id")))
            if code:
                codes[code] = None
    return tuple(codes)
