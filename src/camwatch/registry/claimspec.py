"""How a published claim is to be recomputed from the registry: a small, declarative
recipe stored with the claim (the `recompute:` field in the data files).

    recompute:
      numerator: {count: targets, with_holding: {vendors: [hikvision]}, closed: true}
      denominator: {count: targets, outcomes: [provided, partly_provided]}

`count: targets` counts the investigation's targets (optionally by outcome, body kind
and nation, and whether the body has a matching holding); `sum: holdings` adds up
recorded counts (a whole-body total, or the disclosed parts of one). `closed: true`
says the registry's list is complete for this count (the source names every member, or
every body of the kinds counted is identified), so the count is exact, not a lower bound.
`unavailable:` says why the registry cannot recompute the claim. Pure: pydantic only.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=120)]
OutcomeName = Literal[
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
StatusName = Literal["in_use", "past", "planned"]
DEFAULT_STATUSES: tuple[StatusName, ...] = ("in_use", "past")
CapabilityStatusName = Literal[
    "enabled", "present", "disabled", "not_enabled", "absent", "used_in_past", "planned"
]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HoldingFilter(_Spec):
    """Which holdings count: attributed to these vendors (all candidates within them),
    of these device types, with these capabilities in these states."""

    vendors: list[Slug] = Field(default_factory=list)
    device_types: list[Slug] = Field(default_factory=list)
    capabilities: dict[Slug, list[CapabilityStatusName]] = Field(default_factory=dict)
    statuses: list[StatusName] = Field(default_factory=lambda: list(DEFAULT_STATUSES))
    this_investigation: bool = True


class CountTargets(_Spec):
    count: Literal["targets"]
    outcomes: list[OutcomeName] | None = None
    kinds: list[Slug] = Field(default_factory=list)
    nations: list[str] = Field(default_factory=list)
    with_holding: HoldingFilter | None = None
    closed: bool = False


class SumHoldings(_Spec):
    sum: Literal["holdings"]
    body: Slug
    vendors: list[Slug] = Field(default_factory=list)
    device_types: list[Slug] = Field(default_factory=list)
    scope: Literal["whole_body", "parts"] = "whole_body"
    this_investigation: bool = True
    year: int | None = None


Part = CountTargets | SumHoldings


class Recompute(_Spec):
    numerator: Part | None = None
    denominator: CountTargets | None = None
    value: Part | None = None
    unavailable: str = ""

    @model_validator(mode="after")
    def _something(self) -> Recompute:
        parts = (self.numerator, self.denominator, self.value)
        if self.unavailable and any(parts):
            raise ValueError("a claim is either recomputed or unavailable, not both")
        if not self.unavailable and not any(parts):
            raise ValueError("give numerator, denominator or value, or say why it is unavailable")
        return self
