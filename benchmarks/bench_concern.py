"""The concern engine: every vendor's verdict on many dates, against a lookup in a
precomputed set of the same answers (the cost the engine adds over a hard-coded flag)."""

from __future__ import annotations

import datetime as dt

from benchmarks.harness import Result, compare
from camwatch.registry import concern
from camwatch.registry.verdicts import active_policy, load_facts


def run(runs: int) -> list[Result]:
    policy, facts = active_policy(), load_facts()
    days = [dt.date(2015, 1, 1) + dt.timedelta(days=30 * i) for i in range(150)]
    answers = {
        (slug, day)
        for slug in facts
        for day in days
        if concern.evaluate(policy, slug, facts, day).of_concern
    }

    def evaluate_all() -> int:
        return sum(concern.evaluate(policy, s, facts, d).of_concern for s in facts for d in days)

    def look_up_all() -> int:
        return sum((s, d) in answers for s in facts for d in days)

    checks = len(facts) * len(days)
    return [
        compare(
            f"concern verdicts, {checks} vendor-dates",
            evaluate_all,
            "set lookups of the same answers",
            look_up_all,
            runs,
        )
    ]
