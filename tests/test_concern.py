"""The concern engine, on facts built by hand: policies decide, not flags."""

import datetime as dt

import pytest

from camwatch.registry.concern import (
    OwnershipFact,
    Policy,
    PolicyError,
    RelationFact,
    RestrictionFact,
    VendorFacts,
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
