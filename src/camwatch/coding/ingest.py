"""Storing replies: read, extract, and save a document with its suggestions in one
transaction. The same bytes twice are one document, so ingesting a folder again is
harmless."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from camwatch.coding.documents import DocumentError, Reading, read_bytes, read_limited, sha256
from camwatch.coding.extract import Extraction, extract_reading
from camwatch.coding.limits import Limits
from camwatch.coding.models import Document, Suggestion


@dataclass
class Ingested:
    name: str
    document: Document | None = None
    created: bool = False
    errors: list[str] = field(default_factory=list)


def ingest_path(path: Path, limits: Limits | None = None, **links: Any) -> Ingested:
    limits = limits or Limits.from_environment()
    try:
        data = read_limited(path, limits)
    except DocumentError as error:
        return Ingested(path.name, errors=[str(error)])
    return ingest_bytes(path.name, data, limits, **links)


def ingest_bytes(name: str, data: bytes, limits: Limits | None = None, **links: Any) -> Ingested:
    """`links` are the Document's body, investigation, foi_request, uploaded_by and
    sender_name."""
    digest = sha256(data)
    existing = Document.objects.filter(sha256=digest).first()
    if existing is not None:
        return Ingested(name, existing, created=False)
    reading = read_bytes(name, data, limits or Limits.from_environment())
    if not reading.documents:
        return Ingested(name, errors=[str(error) for error in reading.errors])
    extraction = extract_reading(name, reading)
    with transaction.atomic():
        document = _store(name, data, digest, reading, links)
        _suggest(document, extraction)
    return Ingested(name, document, True, [str(error) for error in reading.errors])


def _store(
    name: str, data: bytes, digest: str, reading: Reading, links: dict[str, Any]
) -> Document:
    top = reading.documents[0]
    document = Document(
        name=name,
        sha256=digest,
        size=len(data),
        format=top.format,
        parts=[_part(part) for part in reading.documents],
        errors=[{"file": e.name, "reason": e.reason} for e in reading.errors],
        **links,
    )
    document.file.save(Path(name).name or "reply", ContentFile(data), save=False)
    document.save()
    return document


def _part(part: Any) -> dict[str, Any]:
    return {
        "name": part.name, "format": part.format, "sha256": part.sha256, "size": part.size,
        "pages": part.pages, "notices": part.notices,
        "tables": [{"page": t.page, "title": t.title, "rows": t.rows} for t in part.tables],
    }  # fmt: skip


def _suggest(document: Document, extraction: Extraction) -> None:
    Suggestion.objects.bulk_create(
        Suggestion(
            document=document,
            order=order,
            kind=item.kind,
            value=item.value,
            part=item.evidence.document,
            page=item.evidence.page,
            start=item.evidence.start,
            end=item.evidence.end,
            quote=item.evidence.quote,
        )
        for order, item in enumerate(extraction.suggestions)
    )


def ingest_campaign(slug: str, limits: Limits | None = None) -> list[Ingested]:
    """Every reply a campaign has received, as kept byte for byte, linked to its request,
    its body, the sender's name (removed from the public copy) and, once the campaign is
    published, its investigation."""
    from camwatch.foi.models import Campaign, Message
    from camwatch.registry.models import Investigation

    campaign = Campaign.objects.get(slug=slug)
    investigation = Investigation.all_objects.filter(slug=f"campaign-{slug}"[:120]).first()
    replies = Message.objects.filter(
        request__campaign=campaign, direction=Message.Direction.IN, kind="reply"
    ).select_related("request__body")
    done = []
    for message in replies.order_by("date", "pk"):
        if not message.raw:
            continue
        with message.raw.open("rb") as raw:
            data = raw.read()
        request = message.request
        done.append(
            ingest_bytes(
                f"{request.reference}-{message.pk}.eml", data, limits, body=request.body,
                foi_request=request, investigation=investigation,
                sender_name=message.sender_name,
            )
        )  # fmt: skip
    return done


__all__ = ["DocumentError", "Ingested", "ingest_bytes", "ingest_campaign", "ingest_path"]
