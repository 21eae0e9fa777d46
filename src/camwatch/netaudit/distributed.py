"""The same audit on a Dask cluster, over partitioned JSON Lines or Parquet.

Each partition is audited by the same engine as a local chunk (fast.Engine), in whatever
worker holds it; the client puts the results back in file order and numbers the lines,
so the output equals a local run's, line for line. JSON Lines files are split into blocks
of whole lines by dask.bytes (one block per file when gzip); a Parquet file's partitions
hold one record per row, with the same nested fields as the JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from camwatch.netaudit import fast
from camwatch.netaudit.observation import AuditInputError

BLOCK_BYTES = 64 << 20


def audit_block(block: bytes, options: fast.Options, source: str) -> fast.ChunkResult:
    """One block of whole JSON lines, audited in a Dask worker."""
    return fast.engine_for(options).chunk(block, source)


def audit_row_group(path: str, group: int, options: fast.Options) -> fast.ChunkResult:
    """One row group of a Parquet file (one record per row), audited in a Dask worker."""
    import pyarrow.parquet as pq

    rows = pq.ParquetFile(path).read_row_group(group).to_pylist()
    return fast.engine_for(options).records(rows, path)


def _json_tasks(path: Path, options: fast.Options) -> list[Any]:
    from dask.bytes.core import read_bytes
    from dask.delayed import delayed

    gzip = path.suffix == ".gz"
    _sample, blocks = read_bytes(  # type: ignore[no-untyped-call]
        str(path),
        delimiter=b"\n",
        blocksize=None if gzip else BLOCK_BYTES,
        compression="gzip" if gzip else None,
        sample=False,
    )
    return [delayed(audit_block)(block, options, str(path)) for block in blocks[0]]


def _parquet_tasks(path: Path, options: fast.Options) -> list[Any]:
    import pyarrow.parquet as pq
    from dask.delayed import delayed

    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    return [
        delayed(audit_row_group)(str(file), group, options)
        for file in files
        for group in range(pq.ParquetFile(file).num_row_groups)
    ]


def run(
    paths: list[Path], scheduler: str, options_for: Any
) -> Iterator[tuple[Path, str, list[fast.ChunkResult]]]:
    """Each file's format and chunk results, in order, computed on the cluster at
    `scheduler`. A Parquet file's rows are read as the run's --format (zgrab2 unless named)."""
    from distributed import Client

    with Client(scheduler, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        for path in paths:
            parquet = path.suffix == ".parquet" or path.is_dir()
            options = options_for(path, "parquet" if parquet else None)
            if options.fmt not in fast.FAST_FORMATS:
                raise AuditInputError(
                    f"the Dask runner reads {', '.join(fast.FAST_FORMATS)} JSON Lines or Parquet",
                    source=str(path),
                )
            tasks = _parquet_tasks(path, options) if parquet else _json_tasks(path, options)
            yield path, options.fmt, client.gather(client.compute(tasks))
