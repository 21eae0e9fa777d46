"""Timing helpers: medians of repeated runs, and the result record every benchmark returns."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Result:
    name: str
    unit: str
    value: float
    baseline_name: str
    baseline_value: float
    runs: int
    note: str = ""

    @property
    def ratio(self) -> float:
        """How many times the baseline's cost this benchmark costs (lower is better)."""
        return self.value / self.baseline_value if self.baseline_value else float("inf")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": round(self.ratio, 3)}


def median_seconds(work: Callable[[], object], runs: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        work()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def compare(
    name: str,
    work: Callable[[], object],
    baseline_name: str,
    baseline: Callable[[], object],
    runs: int,
    unit: str = "ms",
    note: str = "",
) -> Result:
    """Time work and baseline alternately-by-block, report milliseconds per call."""
    scale = 1000.0 if unit == "ms" else 1.0
    value = median_seconds(work, runs) * scale
    base = median_seconds(baseline, runs) * scale
    return Result(name, unit, round(value, 3), baseline_name, round(base, 3), runs, note)
