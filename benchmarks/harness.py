"""Timing helpers: medians of repeated runs, and the result record every benchmark returns."""

from __future__ import annotations

import math
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
    database: str = "sqlite"
    target: float | None = None  # the most `value` may be (the least, if higher is better)
    higher_is_better: bool = False  # quality scores such as precision, rather than costs

    @property
    def ratio(self) -> float:
        """How many times the baseline's value this benchmark's value is: for costs, lower
        is better; for quality scores (higher_is_better), higher is."""
        return self.value / self.baseline_value if self.baseline_value else float("inf")

    @property
    def meets_target(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    def as_dict(self) -> dict[str, Any]:
        # A zero baseline (a baseline scoring nothing) gives an infinite ratio, not JSON.
        ratio = round(self.ratio, 3) if math.isfinite(self.ratio) else None
        return {**asdict(self), "ratio": ratio, "meets_target": self.meets_target}

    def line(self) -> str:
        baseline = f"{self.baseline_name}: {self.baseline_value} {self.unit}"
        text = f"[{self.database}] {self.name}: {self.value} {self.unit} "
        text += f"({self.ratio:.2f}x {baseline})"
        if self.target is not None:
            text += (
                f"; target {self.target} {self.unit}: {'met' if self.meets_target else 'NOT met'}"
            )
        return text


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
    **extra: Any,
) -> Result:
    """Time work and baseline alternately-by-block, report milliseconds per call.
    `extra` sets the result's database and target, and the warm-up runs (default 1)."""
    scale = 1000.0 if unit == "ms" else 1.0
    warmup = extra.pop("warmup", 1)
    value = median_seconds(work, runs, warmup) * scale
    base = median_seconds(baseline, runs, warmup) * scale
    return Result(name, unit, round(value, 3), baseline_name, round(base, 3), runs, note, **extra)
