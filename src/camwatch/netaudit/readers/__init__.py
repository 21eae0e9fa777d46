"""Readers: scans and inventories in, `Observation`s out, streamed, gzip or not.

Every reader module has the same three names:

- `NAME`: the format's name, as `--format` takes it;
- `sniff(head: bytes) -> bool`: whether the first bytes of a file (up to `HEAD_BYTES`,
  already decompressed) look like this format; cheap, and never raises;
- `read(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Observation]`:
  the records of a binary stream. Bad records are counted in the report with their line
  numbers and skipped; only a file that cannot be read at all raises `AuditInputError`.

`FORMATS` lists the modules in the order `detect` tries them: the most specific first.
"""

from __future__ import annotations

import gzip
import importlib
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from camwatch.netaudit.observation import AuditInputError, Observation, ReadReport

HEAD_BYTES = 65536
GZIP_MAGIC = b"\x1f\x8b"

# Module names under camwatch.netaudit.readers, most specific sniff first.
FORMATS = (
    "nmap",
    "onvif",
    "masscan",
    "zgrab2",
    "censys",
    "shodan",
    "dhcp",
    "arp",
    "inventory",
)


def reader(name: str) -> ModuleType:
    """The reader module for a format name."""
    if name not in FORMATS:
        raise AuditInputError(f"unknown format {name!r}; known: {', '.join(FORMATS)}")
    return importlib.import_module(f"camwatch.netaudit.readers.{name}")


@contextmanager
def open_input(path: Path) -> Iterator[BinaryIO]:
    """A binary stream of a file, decompressed when it is gzip."""
    try:
        raw = path.open("rb")
    except OSError as error:
        raise AuditInputError(f"cannot open: {error.strerror}", source=str(path)) from error
    with raw:
        if raw.read(2) == GZIP_MAGIC:
            raw.seek(0)
            with gzip.GzipFile(fileobj=raw) as unzipped:
                yield unzipped  # type: ignore[misc]
        else:
            raw.seek(0)
            yield raw


def head_of(path: Path) -> bytes:
    """The first bytes of a file, decompressed."""
    with open_input(path) as stream:
        try:
            return stream.read(HEAD_BYTES)
        except (OSError, EOFError, zlib.error) as error:
            raise AuditInputError(f"cannot read: {error}", source=str(path)) from error


def detect(path: Path) -> str:
    """The format of a file, from its first bytes, or AuditInputError naming it."""
    head = head_of(path)
    suffix = path.name.lower().removesuffix(".gz")
    if suffix.endswith((".xlsx", ".xlsm")):
        return "inventory"
    for name in FORMATS:
        if reader(name).sniff(head):
            return name
    raise AuditInputError("format not recognised; name one with --format", source=str(path))


def read_path(path: Path, report: ReadReport, fmt: str | None = None) -> Iterator[Observation]:
    """Every observation in a file, in the named format or the detected one."""
    name = fmt or detect(path)
    module = reader(name)
    report.formats[name] = report.formats.get(name, 0) + 1
    with open_input(path) as stream:
        yield from module.read(stream, str(path), report)
