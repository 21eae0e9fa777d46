import datetime as dt

from camwatch.registry.estates import CountRow, estates

D1, D2 = dt.date(2021, 1, 1), dt.date(2023, 6, 14)


def row(body: str, count: int, **kwargs: object) -> CountRow:
    values = {
        "device_type": "camera",
        "scope_kind": "whole_body",
        "as_of": D2,
        "qualifier": "exact",
        "holding": f"{body}-{count}",
    }
    values.update(kwargs)
    return CountRow(body=body, count=count, **values)  # type: ignore[arg-type]


def test_whole_body_total_beats_its_parts() -> None:
    rows = [row("3c", 612), row("3c", 241, scope_kind="town"), row("3c", 206, scope_kind="town")]
    (estate,) = estates(rows)
    assert estate.count == 612
    assert estate.holdings == ("3c-612",)


def test_parts_are_summed_without_a_total() -> None:
    (estate,) = estates([row("b", 5, scope_kind="town"), row("b", 7, scope_kind="town")])
    assert estate.count == 12


def test_latest_disclosure_wins() -> None:
    (estate,) = estates([row("c", 6, as_of=D1, device_type="nvr"), row("c", 27, device_type="nvr")])
    assert (estate.count, estate.as_of) == (27, D2)


def test_device_types_add_up_and_lower_bounds_are_kept() -> None:
    (estate,) = estates([row("g", 12, qualifier="at_least"), row("g", 3, device_type="nvr")])
    assert estate.count == 15
    assert estate.lower_bound
    assert estate.qualifier == "at_least"


def test_largest_first() -> None:
    assert [e.body for e in estates([row("small", 1), row("big", 100)])] == ["big", "small"]
