"""The API's response shapes. The fields follow registry/rows.py, which also feeds the
.json and .csv pages, so every way of reading a record says the same thing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class Error(Schema):
    """A message, or (for a malformed parameter) the validation errors, one per field."""

    detail: str | list[dict[str, Any]]


class BodyOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    nation: str
    region: str
    official_code: str
    foi_regime: str
    website: str
    whatdotheyknow_slug: str
    end_date: dt.date | None
    url: str


class CitationOut(Schema):
    source: str
    title: str
    quote: str
    locator: str
    url: str


class HoldingOut(Schema):
    key: str
    body: str
    body_name: str
    summary: str
    vendor: str | None
    vendor_candidates: list[str]
    device_type: str | None
    device_model: str | None
    count: int | None
    count_qualifier: str
    status: str
    as_of: str
    scope_kind: str
    scope_name: str
    method: str
    confidence: str
    capabilities: list[str]
    investigation: str | None
    sources: list[str]
    source_urls: list[str]
    body_url: str


class HoldingDetailOut(HoldingOut):
    description: str
    notes: str
    citations: list[CitationOut]


class TargetOut(Schema):
    investigation: str
    body: str
    body_name: str
    outcome: str
    exemptions: list[str]
    responded: str
    source: str | None
    quote: str
    body_url: str


class BodyDetailOut(BodyOut):
    aliases: list[str]
    former_codes: list[str]
    parent: str | None
    successor: str | None
    member_of: list[str]
    members: list[str]
    source: str | None
    holdings: list[HoldingDetailOut]
    investigations: list[TargetOut]


class VendorOut(Schema):
    slug: str
    name: str
    role: str
    legal_name: str
    country: str
    aliases: list[str]
    url: str


class ReasonOut(Schema):
    vendor: str
    finding: str
    sources: list[str]
    via: list[str]


class VerdictOut(Schema):
    policy: str
    on: dt.date
    of_concern: bool
    reasons: list[ReasonOut]


class VendorDetailOut(VendorOut):
    description: str
    relations: list[dict[str, Any]]
    brands: list[dict[str, Any]]
    ownership: list[dict[str, Any]]
    restrictions: list[dict[str, Any]]
    verdicts: list[VerdictOut]


class SourceOut(Schema):
    key: str
    kind: str
    title: str
    publisher: str
    author: str
    published: str
    source_url: str
    licence: str
    url: str


class InvestigationOut(Schema):
    slug: str
    title: str
    kind: str
    conducted_by: str
    started: str
    published: str
    stated_target_count: int | None
    url: str


class ReproductionOut(Schema):
    status: str
    published: str
    recomputed: str
    cause: str
    detail: str


class ClaimOut(Schema):
    key: str
    investigation: str
    text: str
    verbatim: bool
    subject: str
    value: float | None
    numerator: int | None
    denominator: int | None
    denominator_basis: str
    percent_printed: float | None
    percent_from_own_figures: float | None
    published: str
    source: str
    source_url: str
    corrected_by: str | None
    notes: str
    reproduction: ReproductionOut


class InvestigationDetailOut(InvestigationOut):
    summary: str
    method: str
    questions: list[str]
    target_description: str
    notes: str
    sources: list[str]
    targets: list[TargetOut]
    claims: list[ClaimOut]


class RecordOut(Schema):
    kind: str
    key: str
    url: str


class FindingOut(Schema):
    check: str
    message: str
    records: list[RecordOut]
