"""The money trail's rules (money/trail.py), on plain facts."""

from decimal import Decimal

import pytest

from camwatch.money import trail
from camwatch.registry.dates import PartialDate

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb


def d(text: str) -> PartialDate:
    return PartialDate.parse(text)


def policy(stance: str = "ban", stated: str = "2021-02", **kw: object) -> trail.PolicyFact:
    values = {"key": "p", "body": "camden", "stance": stance, "vendors": frozenset({"hikvision"})}
    values.update(kw)
    return trail.PolicyFact(stated=d(stated), **values)  # type: ignore[arg-type]


def holding(as_of: str, count: int | None = 1, status: str = "in_use", vendor: str = "hikvision"):
    return trail.HoldingFact(
        f"h-{as_of}-{vendor}-{status}", "camden", vendor, status, d(as_of), count, "a DVR"
    )


def test_a_ban_is_contradicted_by_equipment_in_use_in_the_same_month():
    found = trail.contradictions([policy()], [holding("2021-02")])
    assert [c.reason for c in found] == ["a DVR in use as of February 2021"]


@pytest.mark.parametrize(
    ("fact", "why"),
    [
        (holding("2019"), "before the policy"),
        (holding("2021-03", count=0), "a disclosed zero is compliance"),
        (holding("2021-03", status="past"), "past use"),
        (holding("2021-03", vendor="axis"), "another vendor"),
    ],
)
def test_a_ban_is_not_contradicted_by(fact, why):
    assert trail.contradictions([policy()], [fact]) == [], why


def test_a_ban_is_contradicted_by_a_planned_purchase_and_by_a_later_contract():
    contract = trail.ContractFact("c", "camden", frozenset({"hikvision"}), d("2022"), "CCTV")
    older = trail.ContractFact("o", "camden", frozenset({"hikvision"}), d("2018"), "CCTV")
    found = trail.contradictions([policy()], [holding("2020", status="planned")], [contract, older])
    assert [c.record.key for c in found] == ["h-2020-hikvision-planned", "c"]


def test_a_replacement_plan_is_broken_only_after_its_deadline():
    plan = policy("replace", deadline=d("2023-03"))
    assert trail.contradictions([plan], [holding("2023-03")]) == []
    found = trail.contradictions([plan], [holding("2023-04-01")])
    assert "after the deadline of March 2023" in found[0].reason
    assert trail.contradictions([policy("replace")], [holding("2030")]) == []  # no deadline


def test_an_effective_date_moves_the_start():
    late = policy(effective=d("2022"))
    assert trail.contradictions([late], [holding("2021-06")]) == []
    assert len(trail.contradictions([late], [holding("2022-06")])) == 1


def test_removal_progress_follows_the_latest_record_of_each_vendor():
    facts = [holding("2020"), holding("2022", count=0)]
    (done,) = trail.removal_progress([policy()], facts)
    assert (done.state, str(done.latest)) == ("removed", "2022")
    (still,) = trail.removal_progress([policy()], [holding("2020", count=0), holding("2022")])
    assert still.state == "in use"
    (unknown,) = trail.removal_progress([policy()], [])
    assert unknown.state == "no evidence"
    assert trail.removal_progress([policy("keep")], facts) == []


def test_spend_tables_never_add_currencies_together():
    spends = [
        trail.Spend("camden", "Councils", 2020, Decimal(100), "GBP", True, "contract"),
        trail.Spend("camden", "Councils", 2021, Decimal(50), "GBP", False, "payment"),
        trail.Spend("camden", "Councils", 2021, Decimal(7), "EUR", True, "payment"),
    ]
    rows = trail.spend_table(spends, "body").rows()
    assert [(r["currency"], r["amount"], r["of_concern"], r["items"]) for r in rows] == [
        ("EUR", Decimal(7), Decimal(7), 1),
        ("GBP", Decimal(150), Decimal(100), 2),
    ]
    years = [(r["year"], r["currency"]) for r in trail.spend_table(spends, "year").rows()]
    assert years == [(2020, "GBP"), (2021, "EUR"), (2021, "GBP")]


def test_league_table_ranks_by_bodies_supplied_then_value():
    deals = [
        trail.SupplierDeal("chroma", "hf", Decimal(492000), "GBP", frozenset({"hikvision"})),
        trail.SupplierDeal("synectics", "cambridge", None, "GBP", frozenset({"hikvision"})),
        trail.SupplierDeal("synectics", "hunts", Decimal(10), "GBP", frozenset({"axis"})),
    ]
    table = trail.league_table(deals, lambda slug: slug == "hikvision")
    assert [(r.supplier, r.buyers, r.contracts) for r in table] == [
        ("synectics", 2, 2),
        ("chroma", 1, 1),
    ]
    assert table[0].manufacturers == ("axis", "hikvision")
    assert table[0].of_concern == ("hikvision",)
    assert table[1].value == {"GBP": Decimal(492000)}
