"""Servers on loopback for the tests and benchmarks: a free TCP port, and a real
`camwatch serve` in a subprocess. Imports nothing from Django, so that a benchmark can use
it before (or without) setting Django up."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"camwatch serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def serving(
    env: dict[str, str], log_dir: Path, workers: int = 2, wait_seconds: float = 60
) -> Iterator[str]:
    """`camwatch serve` in a subprocess with this environment, until the block ends."""
    port = free_port()
    log = (log_dir / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "camwatch", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/", process, wait_seconds)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
