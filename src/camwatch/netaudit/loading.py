"""Attach an audit's devices to a body as holdings (the thin Django layer of the audit).

The scan files become one Source, keyed by their SHA-256, so loading the same scan again
changes nothing. Devices are counted by vendor as sold (the brand, else the maker), device
type and model; each group becomes one holding "N <vendor> <type>s, found by network
audit", as of the scan's date, cited to the scan with the evidence summarised. Vendors the
register does not know are reported, not invented. One transaction: all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from camwatch.netaudit.fusion import Device
from camwatch.registry.models import (
    DeviceType,
    Holding,
    HoldingSource,
    PublicBody,
    Source,
    Vendor,
)
from camwatch.registry.models.base import Confidence
from camwatch.registry.models.holdings import CountQualifier, Method, ScopeKind

TYPE_SLUGS = {
    "camera": "ip-camera",
    "thermal": "thermal-camera",
    "nvr": "nvr",
    "dvr": "dvr",
    "encoder": "encoder",
}


class LoadError(ValueError):
    """The audit cannot be attached (unknown body); nothing was stored."""


@dataclass
class LoadReport:
    body: str
    source: str
    created: int = 0
    unchanged: int = 0
    devices: int = 0
    unknown_vendors: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        text = (
            f"{self.body}: {self.devices:,} devices as {self.created:,} new and "
            f"{self.unchanged:,} unchanged holdings, cited to source {self.source}."
        )
        if self.unknown_vendors:
            names = ", ".join(f"{n} {v}" for v, n in self.unknown_vendors.most_common())
            text += f" Not in the vendor register, so not loaded: {names}."
        return text


def _digest(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def _source(paths: Sequence[Path], body: PublicBody, sha: str) -> Source:
    names = ", ".join(path.name for path in paths)
    source, _ = Source.all_objects.get_or_create(
        key=f"network-audit-{sha[:16]}",
        defaults={
            "kind": "dataset",
            "title": f"Network audit of {body.name}: {names}"[:500],
            "sha256": sha,
            "retrieved": dt.date.today(),
            "notes": "Devices identified by `camwatch audit` from the scan or inventory files "
            f"{names} (SHA-256 {sha}). Identification is passive: from banners and "
            "inventories, with the evidence listed per device.",
        },
    )
    return source


def _group_key(device: Device) -> tuple[str, str, str]:
    return (device.brand or device.manufacturer or "", device.device_type or "", device.model or "")


def _confidence(devices: Sequence[Device]) -> str:
    weakest = min(device.confidence for device in devices)
    if weakest >= 0.9:
        return Confidence.HIGH
    return Confidence.MEDIUM if weakest >= 0.7 else Confidence.LOW


@dataclass(frozen=True)
class Scan:
    body: PublicBody
    source: Source
    sha: str
    as_of: dt.date


def _holding(scan: Scan, key: tuple[str, str, str], devices: list[Device]) -> bool:
    body, source, sha = scan.body, scan.source, scan.sha
    vendor_slug, type_name, model = key
    vendor = Vendor.objects.get(slug=vendor_slug)
    device_type = DeviceType.objects.filter(slug=TYPE_SLUGS.get(type_name, "")).first()
    label = f"{vendor_slug}-{type_name or 'device'}-{model or 'any'}".lower()
    holding, created = Holding.all_objects.get_or_create(
        key=f"audit-{sha[:12]}-{_slug(label)}"[:120],
        defaults={
            "body": body,
            "vendor": vendor,
            "device_type": device_type,
            "count": len(devices),
            "count_qualifier": CountQualifier.EXACT,
            "as_of": scan.as_of,
            "scope_kind": ScopeKind.SYSTEM,
            "scope_name": f"network audit {sha[:12]}",
            "method": Method.NETWORK_AUDIT,
            "confidence": _confidence(devices),
            "description": f"{len(devices)} {vendor.name} {model or type_name or 'device'}"[:300],
        },
    )
    if created:
        HoldingSource.objects.create(
            holding=holding,
            source=source,
            quote=_quote(devices),
            locator=", ".join(d.records[0] for d in devices[:5] if d.records)[:200],
        )
    return created


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text).strip("-")


def _quote(devices: Sequence[Device]) -> str:
    """What identified the devices, by rule and signal, counted. Citations are public, so
    no address, MAC, serial or banner text of any one device is quoted."""
    tally: Counter[tuple[str, str]] = Counter()
    for device in devices:
        for rule, signal in {(e.rule, e.signal) for e in device.evidence}:
            tally[(rule, signal)] += 1
    lines = [
        f"{signal} matched rule {rule}: {n} of {len(devices)} devices"
        for (rule, signal), n in tally.most_common(10)
    ]
    return "\n".join(lines)


def load_devices(body_slug: str, devices: Sequence[Device], paths: Sequence[Path]) -> LoadReport:
    """Attach identified devices to a body; idempotent, one transaction."""
    body = PublicBody.objects.filter(slug=body_slug).first()
    if body is None:
        raise LoadError(f"no body with the slug {body_slug!r} (see /bodies/)")
    sha = _digest(paths)
    known = set(Vendor.objects.values_list("slug", flat=True))
    groups: dict[tuple[str, str, str], list[Device]] = {}
    report = LoadReport(body=body.slug, source="", devices=0)
    for device in devices:
        key = _group_key(device)
        if key[0] in known:
            groups.setdefault(key, []).append(device)
            report.devices += 1
        else:
            report.unknown_vendors[key[0] or "unknown"] += 1
    with transaction.atomic():
        source = _source(paths, body, sha)
        report.source = source.key
        # The scan's date: when its newest file was written.
        as_of = dt.date.fromtimestamp(max(path.stat().st_mtime for path in paths))
        scan = Scan(body, source, sha, as_of)
        for key in sorted(groups):
            if _holding(scan, key, groups[key]):
                report.created += 1
            else:
                report.unchanged += 1
    return report
