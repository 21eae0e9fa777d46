"""The site under load: gunicorn with 4 workers on the scale benchmark's PostgreSQL database
(50,000 bodies, 1,000,000 holdings, 1,000,000 sightings), 200 concurrent locust users for 5
minutes of mixed reading (benchmarks/locustfile.py) with a burst of contributions beside it.
Targets: p95 under 200 ms and no errors. The baseline is the same mix from one user at a
time, measured in the same run: the ratio is what concurrency costs.

Run by `python -m benchmarks` after the scale benchmarks; alone, against a database that
holds data: `python -m benchmarks.bench_http_load --database-url URL [--seconds N]`.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.ports import serving

from benchmarks.harness import Result

REPO = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
P95_TARGET_MS = 200.0
WORKERS = 4
# The benchmark's own Redis database (15), emptied before each run.
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")


def _shared_cache() -> str:
    """Redis on this machine, emptied, when it answers: the deployment docs/configuration.md
    recommends (one page cache for every worker). Else "" (each worker's own memory)."""
    import redis

    client = redis.Redis.from_url(CACHE_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        return ""
    return CACHE_URL


def _environment(database_url: str, data_dir: Path, cache_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CAMWATCH_DATA_DIR": str(data_dir),
        "CAMWATCH_ALLOWED_HOSTS": "127.0.0.1",
        # One address sends everything here: the per-address limits would measure
        # themselves, not the site.
        "CAMWATCH_DATA_REQUESTS_PER_MINUTE": "0",
        "CAMWATCH_CONTRIBUTIONS_PER_HOUR": "1000000",
        "CAMWATCH_CACHE_URL": cache_url,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _locust(base: str, users: int, seconds: int, folder: Path, label: str) -> dict[str, float]:
    prefix = folder / label
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    command += ["--users", str(users), "--spawn-rate", str(max(1, users // 10))]
    command += ["--run-time", f"{seconds}s", "--host", base, "--csv", str(prefix)]
    command += ["--only-summary", "--stop-timeout", "10", "--exit-code-on-error", "0"]
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return _aggregate(Path(f"{prefix}_stats.csv"))


def _aggregate(stats: Path) -> dict[str, float]:
    with stats.open(newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    # The set-up requests that sample slugs are not part of the mix.
    setup = [row for name, row in rows.items() if name.startswith("setup ")]
    sent = rows.get("/sightings/new/ (send)", {}).get("Request Count", "0")
    return {
        "contributions": float(sent),
        "requests": float(total["Request Count"]) - sum(float(r["Request Count"]) for r in setup),
        "failures": float(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
    }


def run(
    database_url: str, seconds: int = 300, users: int = 200, keep: Path | None = None
) -> list[Result]:
    """`keep`: a folder for the server's access log (with each request's time) and
    locust's CSV files, to see which requests were slow; else they are thrown away."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        cache_url = _shared_cache()
        env = _environment(database_url, folder, cache_url)
        with serving(env, folder, workers=WORKERS, wait_seconds=120) as base:
            # Warm every worker first (the map's index is built on a worker's first
            # request), so that neither measurement pays for start-up.
            _locust(base, 2 * WORKERS, 20, folder, "warm-up")
            alone = _locust(base, 1, max(30, seconds // 10), folder, "baseline")
            loaded = _locust(base, users, seconds, folder, "loaded")
    return _results(alone, loaded, users, seconds, cache_url)


def _results(
    alone: dict[str, float], loaded: dict[str, float], users: int, seconds: int, cache_url: str
) -> list[Result]:
    cache = "Redis page cache" if cache_url else "per-worker page cache"
    what = f"{users} users, {seconds} s, gunicorn {WORKERS} workers, PostgreSQL, {cache}"
    note = (
        f"{loaded['requests']:.0f} requests at {loaded['rps']:.1f}/s, "
        f"{loaded['failures']:.0f} failed; mixed reading plus "
        f"{loaded['contributions']:.0f} contributions sent"
    )
    baseline = "the same mix from 1 user"
    targets = {"p95": P95_TARGET_MS, "failures": 0.0}
    measures = [("p50", "ms"), ("p95", "ms"), ("p99", "ms"), ("failures", "requests")]
    return [
        Result(
            f"load: {'failed requests' if key == 'failures' else key}, {what}",
            unit,
            loaded[key],
            baseline,
            alone[key],
            1,
            note=note,
            database="postgresql",
            target=targets.get(key),
        )
        for key, unit in measures
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="keep the logs and CSV files here")
    args = parser.parse_args()
    for result in run(args.database_url, args.seconds, args.users, args.keep):
        print(result.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
