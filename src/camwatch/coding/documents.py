"""What a reply's files hold once read: documents, each with its text by page and its
tables. Pure: no Django.

Every reader turns its format into the same shape, so the extraction never asks what the
file was. Tables are kept as rows and are also written into their page's text, one row a
line with cells separated by tabs, so that one text-based reader of tables serves every
format (a PDF's text layer has no table structure to keep) and every piece of evidence is
a span of page text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from camwatch.coding.limits import Limits

CELL_SEPARATOR = "\t"


class DocumentError(ValueError):
    """A file that cannot be read, with its name and the reason."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass
class Table:
    page: int  # 1-based page number the table's text is on
    title: str  # the sheet's name, or "" for a table in running text
    rows: list[list[str]]


@dataclass
class Document:
    name: str  # path-like: "reply.eml/assets.zip/sheet.xlsx" for nested files
    format: str
    sha256: str
    size: int
    pages: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # e.g. OCR not available
    parent: str = ""  # the containing file's name

    @property
    def text(self) -> str:
        return "\n\n".join(self.pages)

    def add_page(self, text: str) -> int:
        # NUL is not text (and PostgreSQL cannot store it in JSON): binary junk in a page.
        self.pages.append(text.replace("\x00", ""))
        return len(self.pages)

    def add_table_page(self, title: str, rows: list[list[str]], prefix: str = "") -> None:
        """A sheet becomes a page of its own holding the rows as tab-separated lines."""
        rows = [[cell.replace("\x00", "") for cell in row] for row in rows]
        lines = [CELL_SEPARATOR.join(" ".join(c.split()) for c in row) for row in rows]
        number = self.add_page(prefix + "\n".join(lines))
        self.tables.append(Table(number, title, rows))


@dataclass
class Reading:
    """Everything read from one file: it and what it contains, and what could not be read."""

    documents: list[Document] = field(default_factory=list)
    errors: list[DocumentError] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(document.text for document in self.documents)


@dataclass
class Context:
    """The budget that one top-level file and everything inside it share."""

    limits: Limits
    reading: Reading
    expanded: int = 0

    def spend(self, name: str, size: int) -> None:
        self.expanded += size
        if self.expanded > self.limits.max_expanded_bytes:
            raise DocumentError(
                name,
                f"unpacks to more than {self.limits.max_expanded_bytes:,} bytes "
                "(CAMWATCH_CODING_MAX_EXPANDED_BYTES); refused as a possible archive bomb",
            )


Reader = Callable[[Document, bytes, Context, int], None]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_limited(path: Path, limits: Limits) -> bytes:
    """The file's bytes, refused by name before reading when it is over the size limit."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise DocumentError(path.name, _too_big(size, limits))
        return path.read_bytes()
    except OSError as error:
        raise DocumentError(path.name, error.strerror or str(error)) from error


def read_path(path: Path, limits: Limits | None = None) -> Reading:
    """Read one file from disk, refusing it before reading if it is over the size limit."""
    limits = limits or Limits.from_environment()
    try:
        data = read_limited(path, limits)
    except DocumentError as error:
        return Reading(errors=[error])
    return read_bytes(path.name, data, limits)


def read_bytes(name: str, data: bytes, limits: Limits | None = None) -> Reading:
    limits = limits or Limits.from_environment()
    reading = Reading()
    if len(data) > limits.max_file_bytes:
        reading.errors.append(DocumentError(name, _too_big(len(data), limits)))
        return reading
    read_into(Context(limits, reading), name, data, depth=0)
    return reading


def read_into(context: Context, name: str, data: bytes, depth: int, parent: str = "") -> None:
    """Read `data` as a document of `context`'s reading; a failure is recorded against its
    name and reading carries on with the next file. A container is listed before what it
    contains, so documents come in the order a person would read them."""
    from camwatch.coding.readers import READERS, detect_format

    documents = context.reading.documents
    try:
        kind = detect_format(name, data)
    except DocumentError as error:
        context.reading.errors.append(error)
        return
    document = Document(name, kind, sha256(data), len(data), parent=parent)
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix and suffix != kind and not _same_family(suffix, kind):
        document.notices.append(f"named .{suffix} but its content is {kind.upper()}")
    documents.append(document)
    try:
        READERS[kind](document, data, context, depth)
    except DocumentError as error:
        documents.remove(document)
        context.reading.errors.append(error)
    except Exception as error:
        # Parsers raise whatever their internals hit on damaged files (struct.error,
        # IndexError, their own error types); to the user it is one damaged file.
        documents.remove(document)
        reason = f"a damaged {kind.upper()} file ({type(error).__name__}: {error})"
        context.reading.errors.append(DocumentError(name, reason[:500]))


def _same_family(suffix: str, kind: str) -> bool:
    families = {"htm": "html", "eml": "eml", "msg": "eml", "text": "txt", "jpeg": "jpg"}
    return families.get(suffix) == kind


def _too_big(size: int, limits: Limits) -> str:
    return (
        f"{size:,} bytes is more than the limit of {limits.max_file_bytes:,} "
        "(CAMWATCH_CODING_MAX_FILE_BYTES)"
    )


def iter_pages(reading: Reading) -> Iterator[tuple[Document, int, str]]:
    for document in reading.documents:
        for number, text in enumerate(document.pages, start=1):
            yield document, number, text
