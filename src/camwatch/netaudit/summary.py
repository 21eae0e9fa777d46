"""Counts over identified devices: by manufacturer, type and CVE, mergeable across
workers, chunks and Dask partitions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from camwatch.netaudit.fusion import Device
from camwatch.netaudit.vendors import VendorRegister


@dataclass
class Summary:
    records: int = 0
    bad: int = 0
    devices: int = 0
    of_concern: int = 0
    by_vendor: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    by_cve: Counter[tuple[str, bool]] = field(default_factory=Counter)

    def add(self, device: Device, register: VendorRegister, times: int = 1) -> None:
        self.devices += times
        self.of_concern += times if device.of_concern else 0
        manufacturer = register.name(device.manufacturer) or "unknown"
        brand = register.name(device.brand) or ""
        self.by_vendor[(manufacturer, brand, device.device_type or "unknown")] += times
        for cve in device.cves:
            self.by_cve[(cve.cve, bool(cve.kev))] += times

    def merge(self, other: Summary) -> None:
        self.records += other.records
        self.bad += other.bad
        self.devices += other.devices
        self.of_concern += other.of_concern
        self.by_vendor.update(other.by_vendor)
        self.by_cve.update(other.by_cve)

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "bad_records": self.bad,
            "devices": self.devices,
            "of_concern": self.of_concern,
            "by_vendor": [
                {"manufacturer": m, "brand": b or None, "device_type": t, "devices": n}
                for (m, b, t), n in sorted(self.by_vendor.items(), key=lambda i: (-i[1], i[0]))
            ],
            "by_cve": [
                {"cve": cve, "kev": kev, "devices": n}
                for (cve, kev), n in sorted(self.by_cve.items(), key=lambda i: (-i[1], i[0]))
            ],
        }


def summarise(devices: Iterable[Device], register: VendorRegister) -> Summary:
    summary = Summary()
    for device in devices:
        summary.add(device, register)
    return summary
