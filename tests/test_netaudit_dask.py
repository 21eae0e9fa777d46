"""The Dask runner (netaudit/distributed.py) on a real LocalCluster of worker processes:
its output equals the local run's, for JSON Lines and for Parquet."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from benchmarks.netaudit_synthetic import record, write

from camwatch.netaudit import distributed, session

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
    ) as local:
        yield local


def audit_lines(paths: list[Path], **options) -> list[dict]:
    out = io.BytesIO()
    session.run_audit(paths, write=out.write, **options)
    return [orjson.loads(line) for line in out.getvalue().splitlines()]


def test_dask_jsonl_equals_local_run(cluster, tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path / "scan.jsonl", 4000)
    local = audit_lines([path], workers=1)
    monkeypatch.setattr(distributed, "BLOCK_BYTES", 200_000)  # several partitions
    on_cluster = audit_lines([path], scheduler=cluster.scheduler_address)
    assert len(local) > 500
    assert on_cluster == local


def test_dask_parquet_equals_local_run(cluster, tmp_path: Path) -> None:
    import random

    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(3)
    rows = [record(rng) for _ in range(3000)]
    jsonl = tmp_path / "scan.jsonl"
    jsonl.write_bytes(b"\n".join(orjson.dumps(row) for row in rows) + b"\n")
    parquet = tmp_path / "scan.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet, row_group_size=700)
    local = audit_lines([jsonl], workers=1)
    on_cluster = audit_lines([parquet], scheduler=cluster.scheduler_address)
    strip = [{k: v for k, v in d.items() if k != "records"} for d in local]
    assert [{k: v for k, v in d.items() if k != "records"} for d in on_cluster] == strip
    assert [d["records"][0].split(":")[-1] for d in on_cluster] == [
        d["records"][0].split(":")[-1] for d in local
    ]
