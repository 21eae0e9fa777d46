import datetime as dt

import pytest

from camwatch.registry.estates import Fact, estates, standing

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

D1, D2 = dt.date(2021, 1, 1), dt.date(2023, 6, 14)


def fact(body: str, count: int | None, **kwargs: object) -> Fact:
    values: dict[str, object] = {
        "vendor": "hik",
        "device_type": "camera",
        "scope_kind": "whole_body",
        "as_of": D2,
        "qualifier": "exact" if count is not None else "not_stated",
        "holding": f"{body}-{count}",
    }
    values.update(kwargs)
    return Fact(body=body, count=count, **values)  # type: ignore[arg-type]


def test_whole_body_total_beats_its_parts() -> None:
    facts = [
        fact("3c", 612),
        fact("3c", 241, scope_kind="town"),
        fact("3c", 206, scope_kind="town"),
    ]
    (estate,) = estates(facts)
    assert estate.count == 612
    assert estate.holdings == ("3c-612",)


def test_parts_are_summed_without_a_total() -> None:
    (estate,) = estates([fact("b", 5, scope_kind="town"), fact("b", 7, scope_kind="town")])
    assert estate.count == 12


def test_latest_disclosure_wins() -> None:
    (estate,) = estates(
        [fact("c", 6, as_of=D1, device_type="nvr"), fact("c", 27, device_type="nvr")]
    )
    assert (estate.count, estate.as_of) == (27, D2)


def test_device_types_add_up_and_bounds_are_kept() -> None:
    (estate,) = estates([fact("g", 12, qualifier="at_least"), fact("g", 3, device_type="nvr")])
    assert (estate.count, estate.qualifier) == (15, "at_least")
    (upper,) = estates([fact("u", 5, qualifier="at_most")])
    assert upper.qualifier == "at_most"
    (both,) = estates(
        [fact("v", 5, qualifier="at_most"), fact("v", 2, device_type="dvr", qualifier="at_least")]
    )
    assert both.qualifier == "approximately"


def test_largest_first_and_uncounted_facts_make_no_estate() -> None:
    found = estates([fact("small", 1), fact("big", 100), fact("unknown", None)])
    assert [e.body for e in found] == ["big", "small"]


def test_a_later_zero_retires_earlier_facts() -> None:
    earlier = fact("t", 100, as_of=D1)
    none_now = fact("t", 0, device_type=None)
    other_vendor = fact("t", 5, as_of=D1, vendor="dahua")
    assert standing([earlier, none_now, other_vendor]) == [other_vendor]


def test_a_zero_for_one_device_type_leaves_the_others() -> None:
    cameras = fact("t", 100, as_of=D1)
    recorders = fact("t", 4, as_of=D1, device_type="nvr")
    assert standing([cameras, recorders, fact("t", 0, device_type="nvr")]) == [cameras]


def test_an_earlier_zero_retires_nothing() -> None:
    later = fact("t", 3)
    assert standing([fact("t", 0, as_of=D1), later]) == [later]
