"""The shape of every record in the data files, checked before anything is written.

Each class is one kind of record. Unknown fields are errors, so that a typo cannot
silently drop a fact. References to other records (a body's slug, a source's key)
are checked when the records are applied, against the files and the database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from camwatch.registry.claimspec import Recompute
from camwatch.registry.concern import Policy, PolicyError
from camwatch.registry.dates import PartialDate

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


def _partial(value: Any) -> Any:
    return value if isinstance(value, PartialDate) else PartialDate.parse(value)


Partial = Annotated[PartialDate, BeforeValidator(_partial)]
Confidence = Literal["high", "medium", "low"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    def describe(self) -> str:
        """How an error message names this record."""
        for attribute in ("key", "slug", "code", "name", "body"):
            value = getattr(self, attribute, None)
            if value:
                return f"{attribute}={value}"
        return type(self).__name__


class TermRecord(Record):
    slug: Slug
    label: Text
    description: Text = ""


class BodyKindRecord(TermRecord):
    group: Slug
    group_label: Text


class DeviceTypeRecord(TermRecord):
    parent: Slug | None = None
    plural: Text = ""


class SourceRecord(Record):
    key: Slug
    kind: Literal[
        "news",
        "report",
        "foi-response",
        "survey",
        "web-page",
        "dataset",
        "legislation",
        "statement",
        "press-release",
        "chart",
        "other",
    ]
    title: Text
    publisher: Text = ""
    author: Text = ""
    url: Url | None = None
    archive_url: Url | None = None
    published: Partial | None = None
    retrieved: dt.date | None = None
    licence: Text = ""
    attribution: Text = ""
    quote: Text = ""
    notes: Text = ""


class MemberRecord(Record):
    member: Slug
    role: Text = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    source: Slug | None = None


class BodyRecord(Record):
    slug: Slug
    name: Text
    kind: Slug
    nation: Literal["england", "wales", "scotland", "northern-ireland", "uk"]
    region: Text = ""
    official_code: Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9A-Z]{8}$")] | None = None
    former_codes: list[str] = Field(default_factory=list)
    aliases: list[Text] = Field(default_factory=list)
    tags: list[Slug] = Field(default_factory=list)
    parent: Slug | None = None
    foi_regime: Literal["foia", "foisa"] | None = None
    website: Url | None = None
    foi_email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = (
        None
    )
    foi_url: Url | None = None
    whatdotheyknow_slug: Slug | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    successor: Slug | None = None
    source: Slug | None = None
    notes: Text = ""
    members: list[MemberRecord] = Field(default_factory=list)

    @property
    def regime(self) -> str:
        """FOISA for Scottish bodies, FOIA elsewhere, unless the record says otherwise."""
        return self.foi_regime or ("foisa" if self.nation == "scotland" else "foia")


class RelationRecord(Record):
    kind: Literal["brand_of", "subsidiary_of", "oem_of", "joint_venture_of"]
    target: Slug
    confidence: Confidence
    start: Partial | None = None
    end: Partial | None = None
    source: Slug
    quote: Text = ""
    notes: Text = ""


class OwnershipRecord(Record):
    owner: Text
    state_controlled: bool = False
    share_percent: Decimal | None = Field(default=None, ge=0, le=100)
    as_of: Partial | None = None
    source: Slug
    quote: Text = ""
    notes: Text = ""


class RestrictionRecord(Record):
    jurisdiction: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    instrument: Slug
    title: Text
    effective: Partial
    announced: dt.date | None = None
    ended: dt.date | None = None
    scope: Text = ""
    source: Slug
    quote: Text = ""


class VendorRecord(Record):
    slug: Slug
    name: Text
    role: Literal["manufacturer", "brand"]
    legal_name: Text = ""
    country: CountryCode | None = None
    country_source: Slug | None = None
    website: Url | None = None
    aliases: list[Text] = Field(default_factory=list)
    description: Text = ""
    relations: list[RelationRecord] = Field(default_factory=list)
    ownership: list[OwnershipRecord] = Field(default_factory=list)
    restrictions: list[RestrictionRecord] = Field(default_factory=list)

    @model_validator(mode="after")
    def _country_has_source(self) -> VendorRecord:
        if self.country and not self.country_source:
            raise ValueError("a country needs a country_source")
        return self


class DeviceModelRecord(Record):
    vendor: Slug
    code: Text
    series: Text = ""
    device_type: Slug
    capabilities: list[Slug] = Field(default_factory=list)
    description: Text = ""
    source: Slug | None = None


class PolicyRecord(Record):
    slug: Slug
    name: Text
    description: Text = ""
    criteria: list[dict[str, Any]]
    inherit_through: list[str] | None = None
    min_confidence: Confidence = "medium"

    @model_validator(mode="after")
    def _evaluable(self) -> PolicyRecord:
        try:
            Policy.from_dict(self.definition())
        except PolicyError as error:
            raise ValueError(str(error)) from error
        return self

    def definition(self) -> dict[str, Any]:
        data = self.model_dump(exclude_none=True)
        data.pop("description", None)
        return data


class InvestigationRecord(Record):
    slug: Slug
    title: Text
    kind: Literal["foi_campaign", "survey", "street_survey", "network_scan", "foi_request"]
    conducted_by: Text
    summary: Text = ""
    method: Text = ""
    questions: list[Text] = Field(default_factory=list)
    target_description: Text = ""
    stated_target_count: int | None = Field(default=None, ge=0)
    started: Partial | None = None
    published: Partial | None = None
    sources: list[Slug] = Field(default_factory=list)
    notes: Text = ""
    # Sealed until then (registry/embargo.py); its team is set in the admin.
    embargo_until: dt.date | None = None


Outcome = Literal[
    "provided",
    "partly_provided",
    "not_held",
    "withheld",
    "refused",
    "ncnd",
    "no_response",
    "after_publication",
    "unknown",
]


class TargetRecord(Record):
    body: Slug
    outcome: Outcome = "unknown"
    exemptions: list[Text] = Field(default_factory=list)
    responded: Partial | None = None
    source: Slug | None = None
    quote: Text = ""
    notes: Text = ""


class CitationRecord(Record):
    source: Slug
    quote: Text = ""
    locator: Text = ""


CapabilityStatus = Literal[
    "enabled", "present", "disabled", "not_enabled", "absent", "used_in_past", "planned"
]
Qualifier = Literal["exact", "at_least", "more_than", "approximately", "at_most", "not_stated"]


class HoldingRecord(Record):
    key: Slug
    body: Slug
    vendor: Slug | None = None
    vendor_candidates: list[Slug] = Field(default_factory=list)
    device_type: Slug | None = None
    device_model: Text | None = None
    count: int | None = Field(default=None, ge=0)
    count_qualifier: Qualifier | None = None
    status: Literal["in_use", "past", "planned"] = "in_use"
    as_of: Partial
    scope_kind: Literal["whole_body", "town", "site", "system", "unspecified"] = "whole_body"
    scope_name: Text = ""
    scope_body: Slug | None = None
    method: Literal[
        "foi_response", "survey_return", "published_report", "field_sighting", "network_audit"
    ]
    confidence: Confidence
    capabilities: dict[Slug, CapabilityStatus] = Field(default_factory=dict)
    sources: list[CitationRecord] = Field(min_length=1)
    description: Text = ""
    notes: Text = ""

    @model_validator(mode="after")
    def _consistent(self) -> HoldingRecord:
        if self.vendor and self.vendor_candidates:
            raise ValueError("give either vendor or vendor_candidates, not both")
        if len(self.vendor_candidates) == 1:
            raise ValueError("one candidate is a vendor: use vendor")
        if self.count is None and self.count_qualifier not in (None, "not_stated"):
            raise ValueError(f"count_qualifier {self.count_qualifier!r} needs a count")
        if self.device_model and not self.vendor:
            raise ValueError("a device_model needs the vendor that makes it")
        return self

    @property
    def qualifier(self) -> str:
        if self.count is None:
            return "not_stated"
        return self.count_qualifier or "exact"


class ClaimRecord(Record):
    key: Slug
    text: Text
    verbatim: bool = True
    subject: Text
    value: Decimal | None = None
    numerator: int | None = Field(default=None, ge=0)
    denominator: int | None = Field(default=None, ge=1)
    denominator_basis: Literal[
        "asked", "responded", "provided", "subgroup", "population", "implied", "not_stated"
    ] = "not_stated"
    percent_printed: Decimal | None = Field(default=None, ge=0, le=100)
    published: Partial | None = None
    source: Slug
    quote: Text = ""
    corrected_by: Slug | None = None
    recompute: Recompute | None = None
    notes: Text = ""


class LocationRecord(Record):
    name: Text
    locality: Text
    latitude: Decimal | None = Field(default=None, ge=-90, le=90)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180)
    coordinates_method: Text = ""
    count: int | None = Field(default=None, ge=0)
    source: Slug
    quote: Text = ""
    notes: Text = ""

    @model_validator(mode="after")
    def _coordinates_labelled(self) -> LocationRecord:
        has_point = self.latitude is not None or self.longitude is not None
        if has_point and (self.latitude is None or self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        if has_point and "derived" not in self.coordinates_method.lower():
            raise ValueError(
                "coordinates must be labelled as derived, with the method stated "
                "in coordinates_method"
            )
        return self
