"""Importing procurement notices: 1,000 OCDS notices (tests/money_fixtures.py, the answer
known by construction) through `import_ocds`, against a plain script doing the same job
(json.load, a regex search per term, rapidfuzz over every name for each notice,
update_or_create); and the classifier's false positives and recall against text terms
alone. Each import is rolled back, so every run starts from the same database.
Run alone (after `make install`) with `python -m benchmarks.bench_money`.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from rapidfuzz import fuzz, process
from tests.money_fixtures import write_ocds_package

from benchmarks.harness import Result, compare
from camwatch.money import classify, ocds

NOTICES = 1000
TARGET_MS = 5000.0


class _RollBack(Exception):
    pass


def _rolled_back(work: Any) -> Any:
    def run() -> None:
        try:
            with transaction.atomic():
                work()
                raise _RollBack
        except _RollBack:
            pass

    return run


def _plain_script(path: Path) -> None:
    """What a one-off script would do: load it all, test every term, match every name
    against every name, write each notice with update_or_create."""
    from camwatch.money import models as mm
    from camwatch.registry import models as m

    rules = classify.load_rules()
    terms = [re.compile(term.pattern, re.IGNORECASE) for term in rules.terms]
    bodies = {b.name: b for b in m.PublicBody.objects.all()}
    source = m.Source.objects.get(key="top10vpn-uk-video-surveillance-2021")
    for release in json.loads(path.read_text())["releases"]:
        tender = release.get("tender", {})
        cpv = [tender.get("classification", {}).get("id", "")]
        text = f"{tender.get('title', '')}\n{tender.get('description', '')}"
        by_cpv = classify.classify(cpv, "", rules).related
        if not (by_cpv or any(term.search(text) for term in terms)):
            continue
        buyer_name = release.get("buyer", {}).get("name", "")
        best = process.extractOne(buyer_name, list(bodies), scorer=fuzz.WRatio)
        buyer = bodies[best[0]] if best and best[1] >= 92 else None
        mm.Contract.objects.update_or_create(
            ocid=release["ocid"],
            defaults={
                "key": release["ocid"],
                "buyer": buyer,
                "title": text[:500],
                "source": source,
            },
        )


def _quality(path: Path, truth: set[str]) -> tuple[Result, Result]:
    rules = classify.load_rules()
    notices = ocds.merge_releases(ocds.read_notices(path, max_bytes=1 << 30))
    found, by_text = set(), set()
    for notice in notices:
        text = f"{notice.title}\n{notice.description}"
        if classify.classify(notice.cpv_codes, text, rules).related:
            found.add(notice.ocid)
        if rules.text.search(text):
            by_text.add(notice.ocid)
    false_positives = Result(
        "OCDS surveillance notices: false positives",
        "notices",
        len(found - truth),
        "text terms alone",
        len(by_text - truth),
        1,
        note=f"{len(notices)} notices, {len(truth)} about surveillance; decoys are cleaning "
        "and catering notices that mention CCTV",
        target=0,
    )
    recall = Result(
        "OCDS surveillance notices: recall",
        "share",
        round(len(found & truth) / len(truth), 4),
        "text terms alone",
        round(len(by_text & truth) / len(truth), 4),
        1,
        target=1.0,
        higher_is_better=True,
    )
    return false_positives, recall


def run(runs: int) -> list[Result]:
    from camwatch.money.imports import import_ocds  # models: after Django is set up

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notices.json"
        truth = write_ocds_package(path, count=NOTICES)
        timed = compare(
            f"import-ocds, {NOTICES:,} notices",
            _rolled_back(lambda: import_ocds(path)),
            "plain script (json.load, regex per term, fuzzy match per name, update_or_create)",
            _rolled_back(lambda: _plain_script(path)),
            runs=max(3, runs // 3),
            note=f"{len(truth)} surveillance notices stored, buyers and suppliers matched",
            target=TARGET_MS,
        )
        return [timed, *_quality(path, truth)]


if __name__ == "__main__":
    from benchmarks.__main__ import _setup_django

    with tempfile.TemporaryDirectory() as scratch:
        _setup_django(Path(scratch) / "bench.sqlite3")
        for result in run(5):
            print(result.line())
