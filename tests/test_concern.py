"""The concern engine, on facts built by hand: policies decide, not flags."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from camwatch.registry.concern import (
    OwnershipFact,
    Period,
    Policy,
    PolicyError,
    RelationFact,
    RestrictionFact,
    VendorFacts,
    concern_periods,
    evaluate,
    vendors_of_concern,
)

ENTITY_LIST = RestrictionFact(
    "US", "us-entity-list", "US Entity List", dt.date(2019, 10, 9), source="fr"
)
FACTS = {
    "maker": VendorFacts(
        "maker", "Maker", country="CN", country_source="oui", restrictions=(ENTITY_LIST,)
    ),
    "brand": VendorFacts(
        "brand", "Brand", relations=(RelationFact("brand_of", "maker", "high", source="wiki"),)
    ),
    "weak": VendorFacts(
        "weak", "Weak", relations=(RelationFact("oem_of", "maker", "low", source="forum"),)
    ),
    "former": VendorFacts(
        "former",
        "Former",
        relations=(
            RelationFact(
                "subsidiary_of", "maker", "high", dt.date(2018, 2, 6), dt.date(2022, 11, 24), "news"
            ),
        ),
    ),
    "loop-a": VendorFacts("loop-a", "A", relations=(RelationFact("brand_of", "loop-b", "high"),)),
    "loop-b": VendorFacts("loop-b", "B", relations=(RelationFact("brand_of", "loop-a", "high"),)),
    "other": VendorFacts("other", "Other", country="SE", country_source="reg"),
}
TODAY = dt.date(2026, 1, 1)


def policy(**overrides: object) -> Policy:
    data = {
        "slug": "p",
        "name": "P",
        "criteria": [{"kind": "restriction", "jurisdictions": ["US"]}],
    }
    data.update(overrides)
    return Policy.from_dict(data)


def test_direct_restriction_with_source() -> None:
    verdict = evaluate(policy(), "maker", FACTS, TODAY)
    assert verdict.of_concern
    assert verdict.reasons[0].sources == ("fr",)
    assert verdict.reasons[0].via == ()


def test_restriction_not_yet_in_force() -> None:
    assert not evaluate(policy(), "maker", FACTS, dt.date(2019, 10, 8)).of_concern


def test_brand_inherits_through_relation_and_says_how() -> None:
    verdict = evaluate(policy(), "brand", FACTS, TODAY)
    assert verdict.of_concern
    (step,) = verdict.reasons[0].via
    assert (step.vendor, step.kind, step.target, step.source) == (
        "brand",
        "brand_of",
        "maker",
        "wiki",
    )


def test_low_confidence_relation_needs_a_permissive_policy() -> None:
    assert not evaluate(policy(), "weak", FACTS, TODAY).of_concern
    assert evaluate(policy(min_confidence="low"), "weak", FACTS, TODAY).of_concern


def test_relation_counts_only_while_it_held() -> None:
    assert evaluate(policy(), "former", FACTS, dt.date(2020, 6, 1)).of_concern
    assert not evaluate(policy(), "former", FACTS, dt.date(2024, 1, 1)).of_concern


def test_relation_kinds_can_be_excluded() -> None:
    assert not evaluate(policy(inherit_through=["oem_of"]), "brand", FACTS, TODAY).of_concern


def test_cycles_terminate() -> None:
    assert not evaluate(policy(), "loop-a", FACTS, TODAY).of_concern


def test_headquarters_criterion() -> None:
    hq = policy(criteria=[{"kind": "headquarters", "countries": ["CN"], "label": "in China"}])
    verdict = evaluate(hq, "maker", FACTS, TODAY)
    assert [(r.finding, r.sources) for r in verdict.reasons] == [("in China", ("oui",))]
    assert not evaluate(hq, "other", FACTS, TODAY).of_concern


def test_state_ownership_uses_latest_stake_per_owner() -> None:
    facts = {
        "d": VendorFacts(
            "d",
            "D",
            ownership=(
                OwnershipFact("China Mobile", True, 10.42, dt.date(2021, 3, 1), "a"),
                OwnershipFact("China Mobile", True, 8.8, dt.date(2023, 1, 1), "b"),
                OwnershipFact("Founder", False, 30.0, dt.date(2023, 1, 1), "c"),
            ),
        )
    }
    owned = policy(criteria=[{"kind": "state_ownership", "min_share_percent": 10}])
    assert not evaluate(owned, "d", facts, dt.date(2020, 1, 1)).of_concern
    assert evaluate(owned, "d", facts, dt.date(2022, 1, 1)).reasons[0].sources == ("a",)
    assert not evaluate(owned, "d", facts, dt.date(2024, 1, 1)).of_concern


def test_vendors_of_concern_lists_only_flagged() -> None:
    assert set(vendors_of_concern(policy(), FACTS, TODAY)) == {"maker", "brand"}


def test_unknown_vendor_is_not_of_concern() -> None:
    assert not evaluate(policy(), "nobody", FACTS, TODAY).of_concern


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"criteria": []}, "no criteria"),
        ({"criteria": [{"kind": "vibes"}]}, "criterion kind"),
        ({"criteria": [{"kind": "headquarters"}]}, "country"),
        ({"criteria": [{"kind": "restriction"}]}, "instruments or jurisdictions"),
        ({"inherit_through": ["cousin_of"]}, "unknown relation"),
        ({"min_confidence": "certain"}, "min_confidence"),
        (
            {"criteria": [{"kind": "headquarters", "countries": ["CN"], "colour": "red"}]},
            "unknown criterion",
        ),
    ],
)
def test_bad_policies_are_rejected(definition: dict[str, object], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        policy(**definition)


def test_periods_of_a_former_subsidiary() -> None:
    periods = concern_periods(policy(), "former", FACTS)
    # The Entity List from 9 Oct 2019; the subsidiary relation until 24 Nov 2022 inclusive.
    assert periods == (Period(dt.date(2019, 10, 9), dt.date(2022, 11, 25)),)
    assert dt.date(2022, 11, 24) in periods[0]
    assert dt.date(2022, 11, 25) not in periods[0]
    assert concern_periods(policy(), "other", FACTS) == ()
    assert concern_periods(policy(), "maker", FACTS) == (Period(dt.date(2019, 10, 9), None),)


_DAYS = st.dates(dt.date(2015, 1, 1), dt.date(2025, 12, 31))
_SLUGS = st.sampled_from(["a", "b", "c"])


@st.composite
def _registers(draw: st.DrawFn) -> dict[str, VendorFacts]:
    def restriction() -> RestrictionFact:
        start = draw(_DAYS)
        ended = draw(st.none() | st.dates(start, dt.date(2026, 12, 31)))
        return RestrictionFact(draw(st.sampled_from(["US", "UK"])), "i", "t", start, ended)

    def relation() -> RelationFact:
        start, end = draw(st.none() | _DAYS), draw(st.none() | _DAYS)
        confidence = draw(st.sampled_from(["low", "medium", "high"]))
        return RelationFact("brand_of", draw(_SLUGS), confidence, start, end)

    def owner() -> OwnershipFact:
        share = draw(st.floats(0, 100))
        return OwnershipFact(draw(st.sampled_from(["x", "y"])), True, share, draw(_DAYS))

    return {
        slug: VendorFacts(
            slug,
            slug,
            restrictions=tuple(restriction() for _ in range(draw(st.integers(0, 2)))),
            relations=tuple(relation() for _ in range(draw(st.integers(0, 2)))),
            ownership=tuple(owner() for _ in range(draw(st.integers(0, 2)))),
        )
        for slug in ("a", "b", "c")
    }


@settings(max_examples=300, deadline=None)
@given(
    _registers(),
    _SLUGS,
    st.lists(st.dates(dt.date(2010, 1, 1), dt.date(2030, 1, 1)), min_size=1, max_size=8),
    st.booleans(),
)
def test_periods_agree_with_every_verdict(
    facts: dict[str, VendorFacts], vendor: str, days: list[dt.date], by_ownership: bool
) -> None:
    criteria = [{"kind": "state_ownership", "min_share_percent": 40}] if by_ownership else []
    chosen = policy(criteria=[{"kind": "restriction", "jurisdictions": ["US"]}, *criteria])
    periods = concern_periods(chosen, vendor, facts)
    edges = {
        day + dt.timedelta(days=shift)
        for register in facts.values()
        for fact in (*register.restrictions, *register.relations, *register.ownership)
        for day in vars(fact).values()
        if isinstance(day, dt.date)
        for shift in (-1, 0, 1)
    }
    for day in [*days, *edges]:
        assert any(day in period for period in periods) == (
            evaluate(chosen, vendor, facts, day).of_concern
        )
