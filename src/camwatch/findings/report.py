"""`camwatch report INVESTIGATION --format html|pdf`: a findings report to publish.

One self-contained HTML file (its styles inline, its charts SVG) with the investigation's
figures beside their recomputation, and a methods section written from the data: what
each denominator counts, the dates, and the caveats the records imply. The PDF is that
HTML printed by headless Chromium.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

import camwatch
from camwatch.findings import charts, stats
from camwatch.findings.checks import Finding, run_checks
from camwatch.findings.reproduce import Reproduction, by_claim
from camwatch.registry import models as m
from camwatch.registry.dates import PartialDate, Precision

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]


class ReportError(RuntimeError):
    """A report that cannot be made, and why."""


@dataclass
class Methods:
    bases: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)


def _bases(claims: list[m.Claim]) -> list[str]:
    found = []
    for claim in claims:
        if claim.denominator is None:
            continue
        basis = m.DenominatorBasis(claim.denominator_basis).label
        figure = (
            f"{claim.numerator} of {claim.denominator}"
            if claim.numerator is not None
            else (f"a share of {claim.denominator}")
        )
        found.append(f"“{claim.subject}”: {figure}; the base is {basis}.")
    return found


def _when(date: PartialDate) -> str:
    """'on 14 June 2023', 'in June 2023', 'in 2023'."""
    return f"{'on' if date.precision is Precision.DAY else 'in'} {date.display()}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _dates(investigation: m.Investigation, holdings: list[m.Holding]) -> list[str]:
    found = []
    if investigation.started_partial:
        found.append(f"Requests or fieldwork began {_when(investigation.started_partial)}.")
    if investigation.published_partial:
        found.append(f"Published {_when(investigation.published_partial)}.")
    if holdings:
        first = min(h.as_of_partial for h in holdings if h.as_of_partial)  # type: ignore[type-var]
        last = max(h.as_of_partial for h in holdings if h.as_of_partial)  # type: ignore[type-var]
        found.append(
            f"The {len(holdings)} holdings it established are dated from {first.display()} to "
            f"{last.display()}, each only as precisely as its source."
        )
    return found


def _caveats(
    investigation: m.Investigation,
    targets: list[m.InvestigationTarget],
    claims: list[m.Claim],
    results: dict[str, Reproduction],
    findings: list[Finding],
) -> list[str]:
    found = []
    stated = investigation.stated_target_count
    if stated and stated > len(targets):
        found.append(
            f"{stated - len(targets)} of the {stated} bodies asked are not identified "
            "in the sources."
        )
    unknown = sum(1 for t in targets if t.outcome == m.Outcome.UNKNOWN)
    if unknown:
        found.append(f"{unknown} of the bodies identified have no recorded outcome.")
    paraphrased = [c.key for c in claims if not c.verbatim]
    if paraphrased:
        found.append(
            f"{len(paraphrased)} claims are recorded as paraphrases (the words are camwatch's; "
            "the figures are as printed)."
        )
    found.extend(
        f"Claim {c.key} was corrected by claim {c.correction.key}." for c in claims if c.correction
    )
    reasons = Counter(
        r.detail.split(".")[0]
        for r in results.values()
        if r.status == "not_reproducible" and r.detail
    )
    found.extend(
        f"Not reproducible ({_count(n, 'claim', 'claims')}): {reason}."
        for reason, n in reasons.most_common()
    )
    found.extend(finding.message for finding in findings)
    if investigation.notes:
        found.append(investigation.notes)
    return found


def _involved(findings: list[Finding], keys: set[str]) -> list[Finding]:
    return [f for f in findings if any(record.key in keys for record in f.records)]


def _charts(
    targets: list[m.InvestigationTarget], claims: list[m.Claim], results: dict[str, Reproduction]
) -> list[str]:
    drawn = []
    outcomes = Counter(t.get_outcome_display() for t in targets)
    if outcomes:
        bars = [
            charts.Bar(label, n, _count(n, "body", "bodies")) for label, n in outcomes.most_common()
        ]
        drawn.append(charts.bar_chart(bars, "Bodies asked, by outcome"))
    verdicts = Counter(result.status.replace("_", " ") for result in results.values())
    if verdicts:
        bars = [
            charts.Bar(label, n, f"{n} of {_count(len(results), 'claim', 'claims')}")
            for label, n in verdicts.most_common()
        ]
        drawn.append(charts.bar_chart(bars, "Claims, recomputed from the registry"))
    shares = [c for c in claims if c.numerator is not None and c.denominator]
    if shares:
        rows = []
        for claim in shares:
            basis = (
                "provided"
                if claim.denominator_basis in ("implied", "not_stated")
                else claim.denominator_basis
            )
            share = stats.Proportion(claim.numerator, claim.denominator, basis)  # type: ignore[arg-type]
            low, high = share.wilson()
            label = claim.subject if len(claim.subject) < 40 else claim.subject[:38] + "…"
            rows.append(
                charts.Interval(
                    label, share.share, low, high, f"{claim.numerator}/{claim.denominator}"
                )
            )
        drawn.append(charts.interval_chart(rows, "Published shares with 95% intervals"))
    return drawn


def context(slug: str) -> dict[str, Any]:
    investigation = m.Investigation.objects.filter(slug=slug).first()
    if investigation is None:
        raise ReportError(f"no investigation {slug!r}")
    targets = list(investigation.targets.select_related("body", "body__kind", "source"))
    claims = list(investigation.claims.select_related("investigation", "source", "corrected_by"))
    holdings = list(m.Holding.objects.with_related().filter(investigation=investigation))
    results = by_claim(claims)
    keys = {c.key for c in claims} | {h.key for h in holdings}
    findings = _involved(run_checks(), keys)
    methods = Methods(
        bases=_bases(claims),
        dates=_dates(investigation, holdings),
        caveats=_caveats(investigation, targets, claims, results, findings),
    )
    return {
        "investigation": investigation,
        "targets": targets,
        "claims": [(claim, results[claim.key]) for claim in claims],
        "holdings": holdings,
        "charts": _charts(targets, claims, results),
        "methods": methods,
        "sources": sorted(
            {c.source for c in claims} | set(investigation.sources.all()), key=lambda s: s.title
        ),
        "generated": dt.date.today(),
        "version": camwatch.__version__,
    }


def render_html(slug: str) -> str:
    return render_to_string("findings/report.html", context(slug))


def chromium() -> str:
    found = os.environ.get("CAMWATCH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        raise ReportError(
            "PDF reports are printed by Chromium, which is not installed "
            "(Debian package chromium); --format html needs nothing more"
        )
    return found


def write_report(slug: str, output: Path, fmt: str) -> Path:
    html = render_html(slug)
    if fmt == "html":
        output.write_text(html, encoding="utf-8")
        return output
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "report.html"
        page.write_text(html, encoding="utf-8")
        # The program is Chromium from a fixed path or the environment; the arguments are ours.
        done = subprocess.run(  # noqa: S603
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={scratch}/profile",
                f"--print-to-pdf={output}",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if done.returncode != 0 or not output.exists():
        raise ReportError(f"Chromium could not print the report: {done.stderr.strip()[-500:]}")
    return output
