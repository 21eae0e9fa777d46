"""A person's decision on a suggestion, and what an accepted one becomes: a Holding cited
to the reply, an investigation target's outcome, capabilities on the holdings. Every
decision records who made it and when; the registry records are history-tracked."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from camwatch.coding.models import Document, Suggestion, SuggestionStatus
from camwatch.registry.models import (
    Capability,
    DeviceModel,
    DeviceType,
    Holding,
    HoldingCapability,
    HoldingSource,
    InvestigationTarget,
    Source,
    SourceKind,
    Vendor,
)
from camwatch.registry.models.holdings import CapabilityStatus, CountQualifier, Method
from camwatch.registry.models.investigations import Outcome

EDITABLE = {
    "count": ("count", "device_type", "vendor"),
    "vendor": ("vendor", "status"),
    "capability": ("capability", "status"),
    "outcome": ("outcome",),
    "exemption": ("section",),
}


LOCATOR_CHARS = 200  # HoldingSource.locator's length
SECTION_LABEL = re.compile(r"^(?:s\.\d{1,2}|r\.\d{1,2}(?:\(\d\)\([a-g]\))?)$")


class ReviewError(ValueError):
    """A decision that cannot be applied, with the reason (e.g. an unknown vendor)."""


def _pending(suggestion: Suggestion) -> None:
    """A decision is final: reversing one would leave its Holding published, so a second
    decision is refused rather than half-applied (an editor corrects the registry record
    in the admin, where its history is kept)."""
    if suggestion.status != SuggestionStatus.PENDING:
        raise ReviewError(f"already {suggestion.get_status_display()}: a decision is final")


def _not_embargoed(document: Document) -> None:
    """Facts from a campaign's reply reach the public registry only after its embargo."""
    request = document.foi_request
    if request is not None and not request.campaign.is_public():
        until = request.campaign.embargo_until
        raise ReviewError(f"the campaign is under embargo until {until}: accept its facts then")


def reject(suggestion: Suggestion, user: Any) -> None:
    _pending(suggestion)
    _decide(suggestion, user, SuggestionStatus.REJECTED, None)
    suggestion.save()


@transaction.atomic
def accept(suggestion: Suggestion, user: Any, edits: dict[str, str] | None = None) -> str:
    """Accept, with any edited fields; returns what accepting it did."""
    _pending(suggestion)
    if suggestion.is_fact:
        _not_embargoed(suggestion.document)
    final = dict(suggestion.value)
    changed = {k: v for k, v in (edits or {}).items() if k in EDITABLE.get(suggestion.kind, ())}
    changed = {k: v for k, v in changed.items() if str(final.get(k) or "") != v}
    final.update(_typed(suggestion.kind, changed))
    status = SuggestionStatus.EDITED if changed else SuggestionStatus.ACCEPTED
    _decide(suggestion, user, status, final)
    suggestion.note = _apply(suggestion, final)
    suggestion.save()
    return suggestion.note


ALLOWED = {
    ("vendor", "status"): {"held", "not_held", "mentioned"},
    ("capability", "status"): {"yes", "no"},
    ("outcome", "outcome"): {o.value for o in Outcome},
}


def _typed(kind: str, changed: dict[str, str]) -> dict[str, Any]:
    """Edited values checked before anything is written: the forms are only a help."""
    out: dict[str, Any] = dict(changed)
    if "count" in out:
        try:
            out["count"] = int(str(out["count"]).replace(",", ""))
        except ValueError as error:
            raise ReviewError(f"count {out['count']!r} is not a whole number") from error
        if out["count"] < 1:
            raise ReviewError("a count is at least 1: reject the suggestion instead")
    for (of_kind, name), allowed in ALLOWED.items():
        if of_kind == kind and name in out and out[name] not in allowed:
            raise ReviewError(f"{name} {out[name]!r} is not one of {', '.join(sorted(allowed))}")
    if "section" in out and not SECTION_LABEL.match(out["section"]):
        raise ReviewError(f"section {out['section']!r} is not like s.31 or r.12(4)(b)")
    if "vendor" in out and not out["vendor"]:
        out["vendor"] = None
    return out


def _decide(suggestion: Suggestion, user: Any, status: str, final: Any) -> None:
    suggestion.status = status
    suggestion.final = final
    suggestion.reviewer = user if getattr(user, "is_authenticated", False) else None
    suggestion.reviewed_at = timezone.now()


def _apply(suggestion: Suggestion, final: dict[str, Any]) -> str:
    document = suggestion.document
    if suggestion.kind in ("count", "vendor"):
        if suggestion.kind == "vendor" and final.get("status") != "held":
            return "recorded: a vendor the body does not hold makes no holding"
        if document.body is None:
            raise ReviewError("the document has no public body: set one before accepting facts")
        holding = _holding(suggestion, final)
        suggestion.holding = holding
        return f"holding {holding.key}: {holding.summary()}"
    if suggestion.kind == "capability":
        return _capability(document, final)
    if suggestion.kind in ("outcome", "exemption"):
        return _target(suggestion, final)
    return "recorded"


def document_source(document: Document) -> Source:
    """The Source every fact accepted from this document cites: the reply itself."""
    if document.source_id:
        return document.source
    body = document.body.name if document.body else "unknown body"
    # Kept if the document was deleted and ingested again.
    source, _ = Source.all_objects.get_or_create(
        key=f"reply-{document.sha256[:16]}",
        defaults={
            "kind": SourceKind.FOI_RESPONSE,
            "title": f"{body}: reply {document.published(document.name)}"[:500],
            "publisher": body,
            "retrieved": document.created.date(),
            "sha256": document.sha256,
            "notes": "A reply coded in camwatch; its public copy has officers' personal data "
            "removed.",
        },
    )
    document.source = source
    document.save(update_fields=["source"])
    return source


def reply_date(document: Document) -> dt.date:
    """The first accepted date, else the first not rejected, else the day of ingest."""
    dates = document.suggestions.filter(kind="date").exclude(status=SuggestionStatus.REJECTED)
    chosen = dates.exclude(status=SuggestionStatus.PENDING).order_by("order").first()
    chosen = chosen or dates.order_by("order").first()
    if chosen is not None:
        return dt.date.fromisoformat((chosen.final or chosen.value)["date"])
    return document.created.date()


def _holding(suggestion: Suggestion, final: dict[str, Any]) -> Holding:
    document = suggestion.document
    vendor = _get(Vendor, final.get("vendor"), "vendor")
    count = final.get("count")
    holding, _ = Holding.all_objects.update_or_create(
        key=f"reply-{document.sha256[:12]}-{suggestion.pk}",
        defaults={
            "body": document.body,
            "vendor": vendor,
            "device_type": _get(DeviceType, final.get("device_type"), "device type"),
            "device_model": _model(final.get("model"), vendor),
            "count": count,
            "count_qualifier": CountQualifier.EXACT if count else CountQualifier.NOT_STATED,
            "as_of": reply_date(document),
            "as_of_precision": "day",
            "method": Method.FOI_RESPONSE,
            "confidence": "high",
            "investigation": document.investigation,
            "description": _quote(suggestion)[:300],
        },
    )
    HoldingSource.all_objects.update_or_create(
        holding=holding,
        source=document_source(document),
        locator=_locator(suggestion),
        defaults={"quote": _quote(suggestion)},
    )
    _apply_capabilities(document, [holding])
    return holding


def _locator(suggestion: Suggestion) -> str:
    """Where in the reply, as published: a file name may name a person."""
    part = suggestion.document.published(suggestion.part)
    page = f", page {suggestion.page}"
    return part[: LOCATOR_CHARS - len(page)] + page


def _quote(suggestion: Suggestion) -> str:
    """The evidence as the registry publishes it: one line, personal data removed."""
    return " ".join(suggestion.document.published(suggestion.quote).split())


def _get(model: Any, slug: str | None, what: str) -> Any:
    if not slug:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise ReviewError(f"no {what} {slug!r} in the registry")
    return found


def _model(code: str | None, vendor: Vendor | None) -> DeviceModel | None:
    if not code or vendor is None:
        return None
    return DeviceModel.objects.filter(vendor=vendor, code__iexact=code).first()


def _capability(document: Document, final: dict[str, Any]) -> str:
    holdings = list(Holding.all_objects.filter(key__startswith=f"reply-{document.sha256[:12]}-"))
    _get(Capability, final["capability"], "capability")
    _apply_capabilities(document, holdings)
    if not holdings:
        return "recorded: applied to holdings accepted from this reply later"
    return f"applied to {len(holdings)} holding(s) from this reply"


def _apply_capabilities(document: Document, holdings: list[Holding]) -> None:
    accepted = document.suggestions.filter(
        kind="capability", status__in=[SuggestionStatus.ACCEPTED, SuggestionStatus.EDITED]
    )
    for suggestion in accepted:
        final = suggestion.final or suggestion.value
        capability = Capability.objects.get(slug=final["capability"])
        status = CapabilityStatus.PRESENT if final["status"] == "yes" else CapabilityStatus.ABSENT
        for holding in holdings:
            HoldingCapability.all_objects.update_or_create(
                holding=holding, capability=capability, defaults={"status": status}
            )


def _target(suggestion: Suggestion, final: dict[str, Any]) -> str:
    document = suggestion.document
    if document.investigation is None or document.body is None:
        return "recorded: the document is not part of an investigation"
    target, _ = InvestigationTarget.all_objects.get_or_create(
        investigation=document.investigation, body=document.body
    )
    if suggestion.kind == "outcome" and "outcome" in final:
        target.outcome = final["outcome"]
        target.responded = reply_date(document)
        target.source = document_source(document)
        target.quote = _quote(suggestion)
    elif suggestion.kind == "exemption":
        target.exemptions = sorted({*target.exemptions, final["section"]})
    target.save()
    return f"{document.investigation}: {document.body} {target.get_outcome_display()}"
