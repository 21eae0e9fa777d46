"""The shape of the money sections of the data files: organisations, contracts,
payments and stated policies. Checked before anything is written, like the registry's."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from camwatch.money.currency import CurrencyError, check_currency
from camwatch.registry.loader.schema import (
    Confidence,
    CountryCode,
    Partial,
    Record,
    Slug,
    Text,
    Url,
)

OrganisationKind = Literal["integrator", "installer", "maintainer", "distributor", "supplier"]
SupplyRelation = Literal["installs", "integrates", "distributes", "partners"]
Stance = Literal["ban", "replace", "no_new_purchases", "keep", "adopt"]


def _currency(value: str) -> str:
    try:
        return check_currency(value)
    except CurrencyError as error:
        raise ValueError(str(error)) from error


class SuppliesRecord(Record):
    vendor: Slug
    relation: SupplyRelation
    confidence: Confidence
    start: Partial | None = None
    end: Partial | None = None
    source: Slug
    quote: Text = ""


class OrganisationRecord(Record):
    slug: Slug
    name: Text
    kind: OrganisationKind
    company_number: Text = ""
    country: CountryCode | None = None
    website: Url | None = None
    aliases: list[Text] = Field(default_factory=list)
    description: Text = ""
    source: Slug | None = None
    supplies: list[SuppliesRecord] = Field(default_factory=list)


class ContractRecord(Record):
    key: Slug
    buyer: Slug
    supplier: Slug | None = None
    supplier_body: Slug | None = None
    integrator: Slug | None = None
    manufacturers: list[Slug] = Field(default_factory=list)
    title: Text
    description: Text = ""
    value: Decimal | None = Field(default=None, ge=0)
    currency: str = "GBP"
    value_kind: Literal["contract", "paid", "estimate"] = "contract"
    start: Partial | None = None
    end: Partial | None = None
    reference: Text = ""
    cpv_codes: list[str] = Field(default_factory=list)
    source: Slug
    quote: Text = ""
    notes: Text = ""

    _check_currency = field_validator("currency")(_currency)

    @model_validator(mode="after")
    def _one_supplier(self) -> ContractRecord:
        if self.supplier and self.supplier_body:
            raise ValueError("give either supplier (an organisation) or supplier_body, not both")
        return self


class PaymentRecord(Record):
    key: Slug
    body: Slug
    supplier: Slug | None = None
    supplier_name: Text = ""
    date: Partial
    end: Partial | None = None
    amount: Decimal
    currency: str = "GBP"
    description: Text = ""
    surveillance: bool = True
    source: Slug
    quote: Text = ""

    _check_currency = field_validator("currency")(_currency)


class StatedPolicyRecord(Record):
    key: Slug
    body: Slug
    stance: Stance
    vendors: list[Slug] = Field(min_length=1)
    stated: Partial
    effective: Partial | None = None
    deadline: Partial | None = None
    scope: Text = ""
    source: Slug
    quote: Text = ""
    notes: Text = ""
