"""What the `camwatch audit` commands do, as plain functions: run an audit (here or on a
Dask cluster), write its report, probe hosts, refresh the KEV catalogue, list the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from camwatch.netaudit import runner
from camwatch.netaudit.fusion import Device
from camwatch.netaudit.observation import ReadReport
from camwatch.netaudit.summary import Summary
from camwatch.netaudit.vendors import register


@dataclass
class AuditResult:
    paths: list[Path]
    summary: Summary
    report: ReadReport
    devices: list[Device] = field(default_factory=list)


def run_audit(
    paths: list[Path],
    *,
    write: Callable[[bytes], Any] | None = None,
    scheduler: str | None = None,
    collect: bool = False,
    **options: Any,
) -> AuditResult:
    """Audit files; devices are kept in the result only when `collect`."""
    run = runner.AuditRun(paths=paths, write=write, collect=collect, **options)
    devices = _dask(run, scheduler) if scheduler else runner.audit(run)
    kept = [device for device in devices if collect]
    return AuditResult(paths, run.summary, run.report, kept)


def _dask(run: runner.AuditRun, scheduler: str) -> Iterator[Device]:
    from camwatch.netaudit import distributed

    def options_for(path: Path, kind: str | None) -> Any:
        fmt = (run.fmt or "zgrab2") if kind == "parquet" else None
        return runner.fast_options(run, path, fmt)

    for path, fmt, results in distributed.run(run.paths, scheduler, options_for):
        yield from runner.consume(run, path, fmt, results)
    run.summary.records = run.report.records
    run.summary.bad = run.report.bad


def summary_text(result: AuditResult) -> str:
    data = result.summary.as_dict()
    lines = [
        f"Read {data['records']:,} records ({data['bad_records']:,} bad) from "
        f"{len(result.paths)} file(s): {data['devices']:,} devices identified, "
        f"{data['of_concern']:,} from vendors of concern.",
    ]
    if data["by_vendor"]:
        lines.append(f"{'Manufacturer':<22} {'Brand as sold':<22} {'Type':<10} {'Devices':>9}")
        for row in data["by_vendor"]:
            maker, brand, kind = row["manufacturer"], row["brand"] or "", row["device_type"]
            lines.append(f"{maker:<22} {brand:<22} {kind:<10} {row['devices']:>9,}")
    if data["by_cve"]:
        lines.append(f"{'CVE':<18} {'KEV':<4} {'Devices':>9}")
        for row in data["by_cve"]:
            lines.append(
                f"{row['cve']:<18} {'yes' if row['kev'] else 'no':<4} {row['devices']:>9,}"
            )
    return "\n".join(lines)


def write_html(result: AuditResult, path: Path) -> None:
    from camwatch.netaudit.report import render_report

    registry = register()
    page = render_report(
        [device.as_dict(registry) for device in result.devices],
        result.summary.as_dict(),
        title="camwatch network audit",
        sources=[str(p) for p in result.paths],
        bad_examples=[str(problem) for problem in result.report.examples],
        generated=dt.datetime.now(dt.UTC),
    )
    path.write_text(page, encoding="utf-8")


def device_line(device: dict[str, Any]) -> str:
    where = f"{device['ip']}:{device['port']}" if device.get("port") else str(device["ip"])
    brand = f" (sold as {device['brand']})" if device.get("brand") else ""
    model = f" {device['model']}" if device.get("model") else ""
    concern = " [of concern]" if device["of_concern"] else ""
    cves = ", ".join(cve["cve"] for cve in device["cves"])
    return f"{where}: {device['manufacturer']}{brand}{model} {device['device_type'] or ''}" + (
        f"{concern} {cves}".rstrip()
    )


def probe_and_identify(targets: list[str], timeout: float) -> list[tuple[str, Any]]:
    """Probe hosts read-only; ("device", dict) per identified service, ("error"|"unknown", text)."""
    from camwatch.netaudit import probe
    from camwatch.netaudit.fusion import fuse
    from camwatch.netaudit.rules import bundled_rules

    parsed = [target for text in targets for target in probe.parse_target(text)]
    out: list[tuple[str, Any]] = []
    registry, rules = register(), bundled_rules()
    for result in probe.probe(parsed, timeout=timeout):
        where = f"{result.target.host}:{result.target.port}"
        if result.observation is None:
            out.append(("error", f"{where}: {result.error}"))
            continue
        device = fuse([result.observation], rules, registry)
        if device is None:
            out.append(("unknown", f"{where}: not identified"))
        else:
            out.append(("device", device.as_dict(registry)))
    return out


def update_kev(feed: Path, output: Path | None) -> str:
    """Refresh the KEV catalogue: into `output`, else $CAMWATCH_KEV_FILE, else the data
    directory's kev.json, which audits read when $CAMWATCH_KEV_FILE is unset."""
    import os

    from camwatch.netaudit import vulns

    named = os.environ.get(vulns.KEV_ENV, "").strip()
    target = output or (Path(named) if named else vulns.kept_kev_path())
    summary = vulns.update_kev(feed, target)
    note = ""
    if output is not None and Path(named or "") != output:
        note = f"\nSet {vulns.KEV_ENV}={target} for audits to use it."
    return f"wrote {target}: {summary}{note}"


def rules_listing(check: bool) -> tuple[list[dict[str, Any]], list[str]]:
    from camwatch.netaudit.rules import bundled_rules, example_problems

    ruleset = bundled_rules()
    listing = [
        {
            "id": rule.id,
            "fields": list(rule.fields),
            "manufacturer": rule.manufacturer,
            "brand": rule.brand,
            "device_type": rule.device_type,
            "confidence": rule.confidence,
            "source": rule.source,
            "file": rule.file,
            "examples": len(rule.examples),
        }
        for rule in ruleset.rules
    ]
    problems = example_problems(ruleset.rules) if check else []
    return listing + _oui_listing(), problems


def _oui_listing() -> list[dict[str, Any]]:
    """The MAC-block rules, with how many blocks each holds in the IEEE registry."""
    from collections import Counter

    from camwatch.netaudit.oui import organisation_rules, oui_rules

    blocks = Counter(rule.id for rule in oui_rules().values())
    return [
        {
            "id": item.rule.id,
            "fields": ["mac"],
            "manufacturer": item.rule.manufacturer,
            "brand": item.rule.brand,
            "device_type": None,
            "confidence": item.rule.confidence,
            "source": item.rule.source,
            "file": item.rule.file,
            "examples": 0,
            "blocks": blocks[item.rule.id],
        }
        for item in organisation_rules()
    ]


def rules_text(listing: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{r['id']:<40} {','.join(r['fields']):<24} {r['manufacturer'] or '-':<12} "
        f"{r['confidence']}"
        for r in listing
    )
