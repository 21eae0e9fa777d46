"""Worker processes for the fast path that number their own output.

Chunk i goes to worker i mod N, at most two chunks per worker at a time, so memory stays
flat. A worker first counts its chunk's lines and says how many; the parent, which hears
every count, tells each worker how many lines come before its chunk as soon as that is
known; the worker audits the chunk meanwhile, then numbers its output and sends it whole.
So the parent only relays small numbers and writes finished bytes: no line counting and
no per-device work of its own. Workers are forked with the engine already built where the
platform allows, else started afresh and build their own.
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import multiprocessing
import threading
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Any

from camwatch.netaudit import fast

# A chunk of work: the options, the file's name, and its bytes or a (path, start, end).
Chunk = tuple[fast.Options, str, Any]
IN_FLIGHT = 2
BUFFERED = 4  # finished chunks that may wait for an earlier one, per worker


class WorkerError(RuntimeError):
    """A worker process failed; the message carries its traceback."""


@contextmanager
def chunk_bytes(what: Any) -> Iterator[Any]:
    """A chunk's bytes: given, or a (path, start, end) range of the file mapped into memory
    for as long as the chunk is audited (no copy), then unmapped, so that a worker's memory
    does not grow as it moves through the file."""
    if isinstance(what, bytes):
        yield what
        return
    path, start, end = what
    aligned = start - start % mmap.ALLOCATIONGRANULARITY
    with open(path, "rb") as stream:
        mapped = mmap.mmap(stream.fileno(), end - aligned, offset=aligned, access=mmap.ACCESS_READ)
    view = memoryview(mapped)[start - aligned :]
    try:
        yield view
    finally:
        view.release()
        _unmap(mapped)


def _unmap(mapped: mmap.mmap) -> None:
    """Unmap now; if a slice of it still lives (held by an exception's traceback, say, until
    the garbage collector breaks the cycle), collect and try again, else let the last
    reference unmap it."""
    for attempt in range(2):
        try:
            mapped.close()
            return
        except BufferError:
            if attempt == 0:
                gc.collect()


def audit_chunk(chunk: Chunk, base: int | None) -> fast.ChunkResult:
    options, source, what = chunk
    with chunk_bytes(what) as data:
        return fast.engine_for(options).chunk(data, source, base)


class _Inbox:
    """A worker's view of the parent's messages: chunks queue up, bases are kept."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.chunks: deque[tuple[int, Chunk]] = deque()
        self.bases: dict[int, int] = {}
        self.closed = False

    def take(self) -> None:
        message = self.conn.recv()
        if message is None:
            self.closed = True
        elif message[0] == "chunk":
            self.chunks.append((message[1], message[2]))
        else:
            self.bases[message[1]] = message[2]

    def base_for(self, index: int) -> int:
        while index not in self.bases:
            self.take()
        return self.bases.pop(index)


def _serve(conn: Connection) -> None:
    """A worker's loop: count, audit, wait for the base, number, send."""
    inbox = _Inbox(conn)
    try:
        while not inbox.closed:
            if not inbox.chunks:
                inbox.take()
                continue
            index, (options, source, what) = inbox.chunks.popleft()
            with chunk_bytes(what) as data:
                conn.send(("lines", index, fast.count_lines(data)))
                result = fast.engine_for(options).chunk(data, source)
            result.renumber(inbox.base_for(index))
            conn.send(("result", index, result))
    except (EOFError, KeyboardInterrupt):
        return
    except Exception:
        conn.send(("error", -1, traceback.format_exc()))


def _context(options: fast.Options) -> Any:
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        fast.engine_for(options)  # built once here; the forked workers inherit it
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class Crew:
    """N worker processes auditing chunks; results come back in chunk order.

    A chunk goes to whichever worker has room (fewer than IN_FLIGHT chunks), so a worker
    slowed by a hard chunk does not hold the others up; finished results wait here for
    their turn, at most BUFFERED of them, so memory stays bounded.
    """

    def __init__(self, workers: int, options: fast.Options) -> None:
        context = _context(options)
        self.conns: list[Connection] = []
        self.processes: list[Any] = []
        for _ in range(workers):
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(child,), daemon=True)
            process.start()
            child.close()
            self.conns.append(parent)
            self.processes.append(process)
        self.load = dict.fromkeys(self.conns, 0)
        self.owners: dict[int, Connection] = {}
        self.counts: dict[int, int] = {}
        self.results: dict[int, fast.ChunkResult] = {}
        self.assigned = 0
        self.exhausted = False
        self.sent = 0  # chunks before this one have been sent their base
        self.summed = 0  # chunks before this one have their line counts in `base`
        self.base = 0

    def _fill(self, chunks: Iterator[Chunk]) -> None:
        """Give chunks to workers with room, while the results waiting stay few."""
        while not self.exhausted and len(self.results) < BUFFERED * len(self.conns):
            conn = min(self.conns, key=self.load.__getitem__)
            if self.load[conn] >= IN_FLIGHT:
                return
            chunk = next(chunks, None)
            if chunk is None:
                self.exhausted = True
                return
            conn.send(("chunk", self.assigned, chunk))
            self.owners[self.assigned] = conn
            self.load[conn] += 1
            self.assigned += 1
            self._release()

    def _release(self) -> None:
        """Send each assigned chunk its base as soon as the counts before it settle it."""
        while True:
            if self.sent == self.summed < self.assigned:
                self.owners[self.sent].send(("base", self.sent, self.base))
                self.sent += 1
            if self.summed < self.sent and self.summed in self.counts:
                self.base += self.counts.pop(self.summed)
                self.summed += 1
                continue
            return

    def _collect(self, chunks: Iterator[Chunk]) -> Iterator[fast.ChunkResult]:
        done = 0
        self._fill(chunks)
        while done < self.assigned:
            for conn in wait(self.conns):
                self._receive(conn)
            while done in self.results:
                self.owners.pop(done)
                yield self.results.pop(done)
                done += 1
            self._fill(chunks)

    def _receive(self, conn: Any) -> None:
        try:
            kind, index, payload = conn.recv()
        except EOFError as error:
            raise WorkerError("a worker process ended unexpectedly") from error
        if kind == "error":
            raise WorkerError(payload)
        if kind == "lines":
            self.counts[index] = payload
            self._release()
        else:
            self.results[index] = payload
            self.load[conn] -= 1

    def close(self) -> None:
        for conn in self.conns:
            with contextlib.suppress(OSError, ValueError):  # a worker already gone
                conn.send(None)
            conn.close()
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()

    def run(self, chunks: Iterable[Chunk]) -> Iterator[fast.ChunkResult]:
        try:
            yield from self._collect(iter(chunks))
        finally:
            self.close()
