"""What several readers share: numbered text lines of any size, batches of JSON lines,
the first line of a head, HTTP and RTSP response headers, and address checks."""

from __future__ import annotations

import codecs
import io
import ipaddress
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from camwatch.netaudit.observation import AuditInputError, ReadReport

CHUNK = 1 << 20
# Longest line kept. Longer lines are counted as bad, never held whole: a 10 GB file
# without a newline must not become a 10 GB string.
MAX_LINE = 1 << 20
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
BATCH_BYTES = 1 << 20  # lines are read in batches of about this many bytes
LINE_LIMIT = 64 << 20  # a longer line is counted bad and skipped
HEADER_SEARCH = 16384  # response headers are looked for in the first 16 KB of a banner
HEADER_NEEDLES = tuple((name, f"\n{name}:") for name in ("server", "www-authenticate", "location"))
# What reading a damaged stream raises: a truncated gzip EOFError, a bad checksum
# BadGzipFile (an OSError), damaged deflate data zlib.error (no OSError).
READ_ERRORS = (OSError, EOFError, zlib.error)


def valid_ip(value: object) -> str | None:
    """An IPv4 or IPv6 address in its canonical spelling, or None."""
    if not isinstance(value, str):
        return None
    text = value.strip().strip("[]")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def text_lines(
    stream: BinaryIO, source: str, report: ReadReport
) -> Iterator[tuple[int, str | None]]:
    """(1-based line number, text) for each line of a binary stream; text is None for a
    line longer than MAX_LINE characters. UTF-8 unless the file starts with a UTF-16 byte
    order mark (PowerShell writes redirected output as UTF-16); bad bytes are replaced."""
    chunk = _read(stream, source, report, 0)
    encoding = "utf-16" if chunk[:2] in UTF16_BOMS else "utf-8-sig"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending, overlong, number = "", False, 0
    while chunk:
        parts = (pending + decoder.decode(chunk)).split("\n")
        pending = parts.pop()
        for part in parts:
            number += 1
            yield number, None if overlong or len(part) > MAX_LINE else part.rstrip("\r")
            overlong = False
        if len(pending) > MAX_LINE:
            overlong, pending = True, ""
        chunk = _read(stream, source, report, number)
    pending += decoder.decode(b"", final=True)
    if pending or overlong:
        yield number + 1, None if overlong else pending.rstrip("\r")


def _read(stream: BinaryIO, source: str, report: ReadReport, number: int) -> bytes:
    """The next chunk; b"" at the end, or where compressed data breaks off (counted)."""
    try:
        return stream.read(CHUNK)
    except EOFError:
        report.add_bad(source, number + 1, "file ends early (truncated compressed data)")
        return b""
    except (OSError, zlib.error) as error:
        raise AuditInputError(f"cannot read: {error}", source=source, line=number + 1) from error


def bad_reason(error: ValueError) -> str:
    if isinstance(error, orjson.JSONDecodeError):
        return f"invalid JSON: {error}"
    return str(error)


def batches(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[list[bytes]]:
    """The lines of a stream (with their line ends), a megabyte or so at a time: fewer
    Python-level calls per line than iterating the stream, for plain and gzip files.

    A stream that fails before its first line raises AuditInputError; one that fails later
    (a truncated gzip, say) keeps every whole line read, counts one bad record after them,
    and ends. A line over LINE_LIMIT bytes is counted bad and skipped, not held in memory.
    """
    # read1: at most one read of the raw stream, so a failing read loses no earlier data.
    read = getattr(stream, "read1", stream.read)
    lines = _Lines(source, report)
    while True:
        try:
            chunk = read(BATCH_BYTES)
        except READ_ERRORS as error:
            if lines.count == 0 and not lines.rest:
                raise AuditInputError(f"cannot read: {error}", source=source) from error
            report.add_bad(source, lines.count + 1, f"cannot read further: {error}")
            return
        batch = lines.split(chunk)
        if batch:
            yield batch
        if not chunk:
            return


class _Lines:
    """Cuts chunks of a stream into whole lines (with their line ends), carrying a cut
    line on to the next chunk."""

    def __init__(self, source: str, report: ReadReport) -> None:
        self.source = source
        self.report = report
        self.count = 0  # lines given so far
        self.rest: list[bytes] = []  # the start of a line not yet ended
        self.size = 0  # of the rest
        self.skipping = False  # inside a line over the limit: dropped up to its end

    def split(self, chunk: bytes) -> list[bytes]:
        if not chunk:
            # The end: a last line without a line end is a line too.
            batch = [b"".join(self.rest)] if self.rest else []
        elif chunk.find(b"\n") < 0:
            carried = self._carry(chunk, self.count + 1)
            self.count += len(carried)
            return carried
        else:
            if self.skipping:
                # The over-long line ends here; it was numbered when it was skipped.
                self.skipping = False
                chunk = chunk[chunk.find(b"\n") + 1 :]
            elif self.rest:
                chunk = b"".join(self.rest) + chunk
            # BytesIO.readlines is several times faster than bytes.split here.
            batch = io.BytesIO(chunk).readlines()
        self.rest, self.size = [], 0
        if chunk and batch and not batch[-1].endswith(b"\n"):
            batch.extend(self._carry(batch.pop(), self.count + len(batch)))
        self.count += len(batch)
        return batch

    def _carry(self, part: bytes, number: int) -> list[bytes]:
        """Keep the start of an unended line; an empty line stands in for one too long."""
        if self.skipping:
            return []
        self.rest.append(part)
        self.size += len(part)
        if self.size <= LINE_LIMIT:
            return []
        self.report.add_bad(self.source, number, "line over 64 MB")
        self.rest, self.size, self.skipping = [], 0, True
        return [b""]


def first_object(head: bytes) -> tuple[dict[str, Any] | None, bytes]:
    """The first line of a head parsed, when it is a JSON object; else None, with the line
    without spaces, by which a line too long for the head can still be judged."""
    first = first_line(head)
    if not first.startswith(b"{"):
        return None, b""
    try:
        record = orjson.loads(first)
    except orjson.JSONDecodeError:
        return None, first.replace(b" ", b"")
    return (record if isinstance(record, dict) else None), b""


def first_line(head: bytes) -> bytes:
    """The first non-blank line of a head (without a UTF-8 BOM), stripped."""
    for raw in head.removeprefix(b"\xef\xbb\xbf").splitlines():
        stripped = raw.strip()
        if stripped:
            return stripped
    return b""


def headers_of(text: str) -> dict[str, str]:
    """The Server, WWW-Authenticate and Location headers of a raw HTTP or RTSP response,
    by lower-case name (the first of each; none that is empty)."""
    end = text.find("\r\n\r\n", 0, HEADER_SEARCH)
    if end < 0:
        end = text.find("\n\n", 0, HEADER_SEARCH)
    block = text[: end if end >= 0 else HEADER_SEARCH]
    # A few finds in the lowered block beat splitting every header line into a dict.
    low = block.lower()
    found: dict[str, str] = {}
    for name, needle in HEADER_NEEDLES:
        at = low.find(needle)
        if at >= 0:
            start = at + len(needle)
            stop = block.find("\n", start)
            value = block[start : stop if stop >= 0 else len(block)].strip()
            if value:
                found[name] = value
    return found
