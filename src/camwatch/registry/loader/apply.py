"""Writing a validated bundle into the registry, in dependency order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models as dj

from camwatch.registry import embargo
from camwatch.registry import models as m
from camwatch.registry.dates import PartialDate
from camwatch.registry.loader import schema
from camwatch.registry.loader.bundle import Bundle, Entry
from camwatch.registry.loader.extensions import extensions
from camwatch.registry.loader.tables import LoadReport, Table, error_for, sync_m2m

Progress = Callable[[str, int], None]


def _date(value: PartialDate | None, name: str) -> dict[str, Any]:
    return {
        name: value.start if value else None,
        f"{name}_precision": value.precision.value if value else "",
    }


def _natural_key(model: type[dj.Model]) -> str:
    """`slug` for the things named by one (bodies, vendors), else `key` (sources, facts)."""
    return "slug" if any(f.name == "slug" for f in model._meta.fields) else "key"


class Applier:
    """Writes one bundle. Call run() inside a transaction."""

    def __init__(self, bundle: Bundle, report: LoadReport, progress: Progress | None) -> None:
        self.bundle = bundle
        self.report = report
        self.progress = progress or (lambda stage, count: None)
        self.tables: dict[type[dj.Model], Table] = {}

    def table(self, model: type[dj.Model], *key: str) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(model, key, self.report)
        return self.tables[model]

    def run(self) -> None:
        steps: list[tuple[str, Callable[[], None], int]] = [
            ("vocabulary", self.vocabulary, len(self.bundle.body_kinds)),
            ("sources", self.sources, len(self.bundle.sources)),
            ("public bodies", self.bodies, len(self.bundle.bodies)),
            ("vendors", self.vendors, len(self.bundle.vendors)),
            ("device models", self.device_models, len(self.bundle.device_models)),
            ("policies", self.policies, len(self.bundle.policies)),
            ("investigations", self.investigations, len(self.bundle.investigations)),
            ("holdings", self.holdings, len(self.bundle.holdings)),
            ("claims", self.claims, len(self.bundle.claims)),
            ("locations", self.locations, len(self.bundle.locations)),
        ]
        for extension in extensions():
            count = sum(len(self.bundle.section(name)) for name in extension.sections)
            steps.append((extension.name, lambda ext=extension: ext.apply(self), count))
        with embargo.unsealed():  # the files hold sealed investigations' records too
            for stage, step, count in steps:
                step()
                self.progress(stage, count)
        for table in self.tables.values():
            table.tally()

    # -- references -------------------------------------------------------------

    def ref(self, entry: Entry[Any], model: type[dj.Model], value: str, field: str) -> Any:
        key_field = _natural_key(model)
        found = self.table(model, key_field).find(**{key_field: value})
        if found is None:
            raise error_for(entry, model._meta.verbose_name, value, field)
        return found

    def optional_ref(
        self, entry: Entry[Any], model: type[dj.Model], value: str | None, field: str
    ) -> Any:
        return self.ref(entry, model, value, field) if value else None

    # -- steps --------------------------------------------------------------------

    def vocabulary(self) -> None:
        for model, entries in (
            (m.BodyKind, self.bundle.body_kinds),
            (m.Capability, self.bundle.capabilities),
        ):
            for order, entry in enumerate(entries):
                values = entry.record.model_dump(exclude={"slug"})
                self.table(model, "slug").put(
                    entry, {"slug": entry.record.slug}, {**values, "sort_order": order}
                )
        types = self.table(m.DeviceType, "slug")
        for order, entry in enumerate(self.bundle.device_types):
            record = entry.record
            values = {
                "label": record.label,
                "plural": record.plural,
                "description": record.description,
                "sort_order": order,
            }
            types.put(entry, {"slug": record.slug}, values)
        for entry in self.bundle.device_types:
            parent = self.optional_ref(entry, m.DeviceType, entry.record.parent, "parent")
            types.put(entry, {"slug": entry.record.slug}, {"parent": parent})

    def sources(self) -> None:
        table = self.table(m.Source, "key")
        for entry in self.bundle.sources:
            record = entry.record
            values = record.model_dump(exclude={"key", "published", "url", "archive_url"})
            values.update(_date(record.published, "published"))
            values.update(url=record.url or "", archive_url=record.archive_url or "")
            table.put(entry, {"key": record.key}, values)

    def bodies(self) -> None:
        table = self.table(m.PublicBody, "slug")
        for entry in self.bundle.bodies:
            table.put(entry, {"slug": entry.record.slug}, self._body_values(entry))
        for entry in self.bundle.bodies:
            record = entry.record
            links = {
                "parent": self.optional_ref(entry, m.PublicBody, record.parent, "parent"),
                "successor": self.optional_ref(entry, m.PublicBody, record.successor, "successor"),
            }
            body = table.put(entry, {"slug": record.slug}, links)
            self._memberships(entry, body)

    def _body_values(self, entry: Entry[schema.BodyRecord]) -> dict[str, Any]:
        record = entry.record
        return {
            "name": record.name,
            "kind": self.ref(entry, m.BodyKind, record.kind, "kind"),
            "nation": record.nation,
            "region": record.region,
            "official_code": record.official_code or "",
            "former_codes": record.former_codes,
            "aliases": record.aliases,
            "tags": sorted(set(record.tags)),
            "foi_regime": record.regime,
            "website": record.website or "",
            "foi_email": record.foi_email or "",
            "foi_url": record.foi_url or "",
            "whatdotheyknow_slug": record.whatdotheyknow_slug or "",
            "start_date": record.start_date,
            "end_date": record.end_date,
            "source": self.optional_ref(entry, m.Source, record.source, "source"),
            "notes": record.notes,
        }

    def _memberships(self, entry: Entry[schema.BodyRecord], group: m.PublicBody) -> None:
        table = self.table(m.Membership, "group", "member")
        keep = set()
        for item in entry.record.members:
            member = self.ref(entry, m.PublicBody, item.member, "members.member")
            values = {
                "role": item.role,
                "start_date": item.start_date,
                "end_date": item.end_date,
                "source": self.optional_ref(entry, m.Source, item.source, "members.source"),
            }
            table.put(entry, {"group": group, "member": member}, values)
            keep.add(table.marker(group=group, member=member))
        table.prune(keep, group=group)

    def vendors(self) -> None:
        table = self.table(m.Vendor, "slug")
        for entry in self.bundle.vendors:
            record = entry.record
            values = {
                "name": record.name,
                "role": record.role,
                "legal_name": record.legal_name,
                "country": record.country or "",
                "country_source": self.optional_ref(
                    entry, m.Source, record.country_source, "country_source"
                ),
                "website": record.website or "",
                "aliases": record.aliases,
                "description": record.description,
            }
            table.put(entry, {"slug": record.slug}, values)
        for entry in self.bundle.vendors:
            vendor = table.find(slug=entry.record.slug)
            self._relations(entry, vendor)
            self._ownership(entry, vendor)
            self._restrictions(entry, vendor)

    def _relations(self, entry: Entry[schema.VendorRecord], vendor: m.Vendor) -> None:
        table = self.table(m.VendorRelation, "vendor", "kind", "target")
        keep = set()
        for item in entry.record.relations:
            target = self.ref(entry, m.Vendor, item.target, "relations.target")
            key = {"vendor": vendor, "kind": item.kind, "target": target}
            values = {
                "confidence": item.confidence,
                **_date(item.start, "start"),
                **_date(item.end, "end"),
                "source": self.ref(entry, m.Source, item.source, "relations.source"),
                "quote": item.quote,
                "notes": item.notes,
            }
            table.put(entry, key, values)
            keep.add(table.marker(**key))
        table.prune(keep, vendor=vendor)

    def _ownership(self, entry: Entry[schema.VendorRecord], vendor: m.Vendor) -> None:
        table = self.table(m.Ownership, "vendor", "owner", "as_of")
        keep = set()
        for item in entry.record.ownership:
            key = {
                "vendor": vendor,
                "owner": item.owner,
                "as_of": item.as_of.start if item.as_of else None,
            }
            values = {
                "as_of_precision": item.as_of.precision.value if item.as_of else "",
                "state_controlled": item.state_controlled,
                "share_percent": item.share_percent,
                "source": self.ref(entry, m.Source, item.source, "ownership.source"),
                "quote": item.quote,
                "notes": item.notes,
            }
            table.put(entry, key, values)
            keep.add(table.marker(**key))
        table.prune(keep, vendor=vendor)

    def _restrictions(self, entry: Entry[schema.VendorRecord], vendor: m.Vendor) -> None:
        table = self.table(m.Restriction, "vendor", "instrument")
        keep = set()
        for item in entry.record.restrictions:
            key = {"vendor": vendor, "instrument": item.instrument}
            values = item.model_dump(exclude={"instrument", "source", "effective"})
            values.update(_date(item.effective, "effective"))
            values["source"] = self.ref(entry, m.Source, item.source, "restrictions.source")
            table.put(entry, key, values)
            keep.add(table.marker(**key))
        table.prune(keep, vendor=vendor)

    def device_models(self) -> None:
        table = self.table(m.DeviceModel, "vendor", "code")
        for entry in self.bundle.device_models:
            record = entry.record
            vendor = self.ref(entry, m.Vendor, record.vendor, "vendor")
            values = {
                "series": record.series,
                "device_type": self.ref(entry, m.DeviceType, record.device_type, "device_type"),
                "description": record.description,
                "source": self.optional_ref(entry, m.Source, record.source, "source"),
            }
            model = table.put(entry, {"vendor": vendor, "code": record.code}, values)
            wanted = [
                self.ref(entry, m.Capability, slug, "capabilities") for slug in record.capabilities
            ]
            sync_m2m(model.capabilities, wanted, self.report, "device model capabilities")

    def policies(self) -> None:
        table = self.table(m.ConcernPolicy, "slug")
        for entry in self.bundle.policies:
            record = entry.record
            values = {
                "name": record.name,
                "description": record.description,
                "definition": record.definition(),
            }
            table.put(entry, {"slug": record.slug}, values)

    def investigations(self) -> None:
        table = self.table(m.Investigation, "slug")
        for entry in self.bundle.investigations:
            record = entry.record
            values = record.model_dump(exclude={"slug", "started", "published", "sources"})
            values.update(_date(record.started, "started"))
            values.update(_date(record.published, "published"))
            investigation = table.put(entry, {"slug": record.slug}, values)
            wanted = [self.ref(entry, m.Source, key, "sources") for key in record.sources]
            sync_m2m(investigation.sources, wanted, self.report, "investigation sources")
        self._targets()

    def _targets(self) -> None:
        table = self.table(m.InvestigationTarget, "investigation", "body")
        keep_by_investigation: dict[str, set[tuple[Any, ...]]] = {
            entry.record.slug: set() for entry in self.bundle.investigations
        }
        for entry in self.bundle.targets:
            record = entry.record
            investigation = self.ref(
                entry, m.Investigation, entry.investigation or "", "investigation"
            )
            body = self.ref(entry, m.PublicBody, record.body, "body")
            values = {
                "outcome": record.outcome,
                "exemptions": record.exemptions,
                **_date(record.responded, "responded"),
                "source": self.optional_ref(entry, m.Source, record.source, "source"),
                "quote": record.quote,
                "notes": record.notes,
            }
            table.put(entry, {"investigation": investigation, "body": body}, values)
            keep_by_investigation[investigation.slug].add(
                table.marker(investigation=investigation, body=body)
            )
        for slug, keep in keep_by_investigation.items():
            table.prune(keep, investigation=self.table(m.Investigation, "slug").find(slug=slug))

    def holdings(self) -> None:
        table = self.table(m.Holding, "key")
        for entry in self.bundle.holdings:
            holding = table.put(entry, {"key": entry.record.key}, self._holding_values(entry))
            candidates = [
                self.ref(entry, m.Vendor, slug, "vendor_candidates")
                for slug in entry.record.vendor_candidates
            ]
            sync_m2m(holding.vendor_candidates, candidates, self.report, "holding candidates")
            self._citations(entry, holding)
            self._capabilities(entry, holding)

    def _holding_values(self, entry: Entry[schema.HoldingRecord]) -> dict[str, Any]:
        record = entry.record
        vendor = self.optional_ref(entry, m.Vendor, record.vendor, "vendor")
        return {
            "body": self.ref(entry, m.PublicBody, record.body, "body"),
            "vendor": vendor,
            "device_type": self.optional_ref(
                entry, m.DeviceType, record.device_type, "device_type"
            ),
            "device_model": self._device_model(entry, vendor),
            "count": record.count,
            "count_qualifier": record.qualifier,
            "status": record.status,
            **_date(record.as_of, "as_of"),
            "scope_kind": record.scope_kind,
            "scope_name": record.scope_name,
            "scope_body": self.optional_ref(entry, m.PublicBody, record.scope_body, "scope_body"),
            "method": record.method,
            "confidence": record.confidence,
            "investigation": self.optional_ref(
                entry, m.Investigation, entry.investigation, "investigation"
            ),
            "description": record.description,
            "notes": record.notes,
        }

    def _device_model(self, entry: Entry[schema.HoldingRecord], vendor: m.Vendor | None) -> Any:
        code = entry.record.device_model
        if not code:
            return None
        found = self.table(m.DeviceModel, "vendor", "code").find(vendor=vendor, code=code)
        if found is None:
            raise error_for(entry, "device model", code, "device_model")
        return found

    def _citations(self, entry: Entry[schema.HoldingRecord], holding: m.Holding) -> None:
        table = self.table(m.HoldingSource, "holding", "source", "locator")
        keep = set()
        for item in entry.record.sources:
            source = self.ref(entry, m.Source, item.source, "sources.source")
            key = {"holding": holding, "source": source, "locator": item.locator}
            table.put(entry, key, {"quote": item.quote})
            keep.add(table.marker(**key))
        table.prune(keep, holding=holding)

    def _capabilities(self, entry: Entry[schema.HoldingRecord], holding: m.Holding) -> None:
        table = self.table(m.HoldingCapability, "holding", "capability")
        keep = set()
        for slug, status in entry.record.capabilities.items():
            capability = self.ref(entry, m.Capability, slug, "capabilities")
            key = {"holding": holding, "capability": capability}
            table.put(entry, key, {"status": status})
            keep.add(table.marker(**key))
        table.prune(keep, holding=holding)

    def claims(self) -> None:
        table = self.table(m.Claim, "key")
        for position, entry in enumerate(self.bundle.claims):
            record = entry.record
            values = record.model_dump(
                exclude={"key", "published", "source", "corrected_by", "recompute"}
            )
            values["recompute"] = (
                record.recompute.model_dump(mode="json", exclude_defaults=True)
                if record.recompute
                else {}
            )
            values["position"] = position
            values.update(_date(record.published, "published"))
            values["source"] = self.ref(entry, m.Source, record.source, "source")
            values["investigation"] = self.ref(
                entry, m.Investigation, entry.investigation or "", "investigation"
            )
            table.put(entry, {"key": record.key}, values)
        for entry in self.bundle.claims:
            corrected_by = None
            if entry.record.corrected_by:
                corrected_by = table.find(key=entry.record.corrected_by)
                if corrected_by is None:
                    raise error_for(entry, "claim", entry.record.corrected_by, "corrected_by")
            table.put(entry, {"key": entry.record.key}, {"corrected_by": corrected_by})

    def locations(self) -> None:
        table = self.table(m.SurveyLocation, "investigation", "name")
        keep: dict[int, set[tuple[Any, ...]]] = {}
        for entry in self.bundle.locations:
            record = entry.record
            investigation = self.ref(
                entry, m.Investigation, entry.investigation or "", "investigation"
            )
            values = record.model_dump(exclude={"name", "source"})
            values["source"] = self.ref(entry, m.Source, record.source, "source")
            key = {"investigation": investigation, "name": record.name}
            table.put(entry, key, values)
            keep.setdefault(investigation.pk, set()).add(table.marker(**key))
        investigations = self.table(m.Investigation, "slug")
        for entry in self.bundle.investigations:
            investigation = investigations.find(slug=entry.record.slug)
            table.prune(keep.get(investigation.pk, set()), investigation=investigation)
