"""Running an audit over files: every core, bounded memory, the same answer every way.

Scan JSON Lines (zgrab2, Shodan, Censys) go through the fast path (fast.py) in chunks of
whole lines, several chunks at a time in worker processes; each worker reads its own byte
range, so nothing but results crosses between processes, and at most two chunks per worker
are in flight, so memory stays flat however big the file. Other formats are read as a
stream; consecutive records of one host (an nmap host's ports, say) are fused together,
and `by_host` gathers a host's records from every file first.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

from camwatch.netaudit import fast
from camwatch.netaudit.crew import Chunk, Crew, audit_chunk
from camwatch.netaudit.fusion import DEFAULT_MIN_CONFIDENCE, Device, fuse
from camwatch.netaudit.observation import Observation, ReadReport
from camwatch.netaudit.readers import GZIP_MAGIC, detect, read_path
from camwatch.netaudit.rules import bundled_rules
from camwatch.netaudit.summary import Summary
from camwatch.netaudit.vendors import register

GZIP_PIECE = 1 << 20
CHUNK_BYTES = int(os.environ.get("CAMWATCH_AUDIT_CHUNK_BYTES", str(8 << 20)))


@dataclass
class AuditRun:
    """What to audit and how; `write` receives JSON Lines output when given."""

    paths: list[Path]
    fmt: str | None = None
    workers: int = 0
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    strict: bool = False
    by_host: bool = False
    all_makers: bool = False
    collect: bool = True
    write: Callable[[bytes], Any] | None = None
    report: ReadReport = field(default_factory=ReadReport)
    summary: Summary = field(default_factory=Summary)

    @property
    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1


def audit(run: AuditRun) -> Iterator[Device]:
    """Every device identified in the run's files (collected devices only when `collect`)."""
    if run.by_host:
        yield from _by_host(run)
    else:
        for path in run.paths:
            fmt = run.fmt or detect(path)
            if fmt in fast.FAST_FORMATS:
                yield from _fast(run, path, fmt)
            else:
                yield from _stream(run, read_path(path, run.report, fmt))
    run.summary.records = run.report.records
    run.summary.bad = run.report.bad


def _emit(run: AuditRun, device: Device) -> Device:
    registry = register()
    run.summary.add(device, registry)
    if run.write is not None:
        import orjson

        run.write(orjson.dumps(device.as_dict(registry)) + b"\n")
    return device


def _stream(run: AuditRun, observations: Iterable[Observation]) -> Iterator[Device]:
    rules, registry = bundled_rules(), register()
    for _host, group in groupby(observations, key=Observation.host_key):
        device = fuse(list(group), rules, registry, run.min_confidence)
        if device is not None and (device.of_concern or run.all_makers):
            yield _emit(run, device)


def _by_host(run: AuditRun) -> Iterator[Device]:
    hosts: dict[str, list[Observation]] = {}
    for path in run.paths:
        for observation in read_path(path, run.report, run.fmt):
            hosts.setdefault(observation.host_key(), []).append(observation)
    yield from _stream(run, (o for group in hosts.values() for o in group))


def chunk_ranges(path: Path, size: int | None = None) -> Iterator[tuple[int, int]]:
    """Byte ranges of a plain file that each end just after a newline (or at the end)."""
    size = size or CHUNK_BYTES
    total = path.stat().st_size
    with path.open("rb") as stream:
        start = 0
        while start < total:
            stream.seek(min(start + size, total))
            stream.readline()
            end = min(stream.tell(), total)
            yield start, end
            start = end


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(2) == GZIP_MAGIC


def _gunzip(path: Path) -> Iterator[bytes]:
    """The decompressed bytes of a gzip file, piece by piece, all members. Unlike GzipFile,
    a truncated archive gives up everything before the break, then EOFError."""
    with path.open("rb") as raw:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        while compressed := raw.read(GZIP_PIECE):
            while compressed:
                yield inflater.decompress(compressed)
                if not inflater.eof:
                    break
                compressed = inflater.unused_data  # the next member, if any
                if compressed:
                    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        yield inflater.flush()
        if not inflater.eof:
            raise EOFError("compressed file ended before the end-of-stream marker")


def gzip_chunks(path: Path, size: int | None = None) -> Iterator[bytes]:
    """Blocks of whole lines of a gzip file, decompressed in this process. A truncated or
    corrupt archive yields every whole line before the break, then raises."""
    size = size or CHUNK_BYTES
    pending = bytearray()
    try:
        for piece in _gunzip(path):
            pending += piece
            if len(pending) >= size:
                cut = pending.rfind(b"\n") + 1
                if cut:
                    yield bytes(pending[:cut])
                    del pending[:cut]
    except (EOFError, zlib.error):
        cut = pending.rfind(b"\n") + 1
        if cut:
            yield bytes(pending[:cut])
        raise
    if pending:
        yield bytes(pending)


def _tasks(run: AuditRun, path: Path, options: fast.Options) -> Iterator[Chunk]:
    """The file's chunks: byte ranges of a plain file, decompressed blocks of a gzip one."""
    source = str(path)
    if not _is_gzip(path):
        yield from ((options, source, (source, a, b)) for a, b in chunk_ranges(path))
        return
    lines = 0
    try:
        for block in gzip_chunks(path):
            yield options, source, block
            lines += fast.count_lines(block)
    except (EOFError, OSError, zlib.error) as error:
        # A truncated or corrupt archive: what came out of it is audited, and the break
        # is a bad record where it happened.
        run.report.add_bad(source, lines + 1, f"compressed data ends or breaks here: {error}")


def _results(
    run: AuditRun, chunks: Iterator[Chunk], options: fast.Options
) -> Iterator[fast.ChunkResult]:
    """Chunk results in file order, numbered: here, or from a crew of worker processes."""
    if run.worker_count == 1:
        base = 0
        for chunk in chunks:
            result = audit_chunk(chunk, base)
            base += result.lines_in_chunk
            yield result
        return
    yield from Crew(run.worker_count, options).run(chunks)


def fast_options(run: AuditRun, path: Path, fmt: str | None = None) -> fast.Options:
    """The fast path's options for one file of a run."""
    return fast.Options(
        fmt=fmt or run.fmt or detect(path),
        min_confidence=run.min_confidence,
        strict=run.strict,
        output=run.write is not None,
        collect=run.collect,
        all_makers=run.all_makers,
    )


def _fast(run: AuditRun, path: Path, fmt: str) -> Iterator[Device]:
    options = fast_options(run, path, fmt)
    yield from consume(run, path, fmt, _results(run, _tasks(run, path, options), options))


def consume(
    run: AuditRun, path: Path, fmt: str, results: Iterable[fast.ChunkResult]
) -> Iterator[Device]:
    """A file's chunk results, in order: numbered, written, counted and yielded."""
    run.report.formats[fmt] = run.report.formats.get(fmt, 0) + 1
    base = 0
    for result in results:
        result.renumber(base)  # a no-op for a chunk that numbered itself
        _account(run, result, str(path))
        if run.write is not None and result.output:
            run.write(result.output)
        yield from result.devices
        base += result.lines_in_chunk


def _account(run: AuditRun, result: fast.ChunkResult, source: str) -> None:
    run.report.records += result.lines_in_chunk
    for line, reason in result.bad:
        run.report.add_bad(source, line, reason)
    result.summary.records = result.summary.bad = 0
    run.summary.merge(result.summary)
