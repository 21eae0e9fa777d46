import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from camwatch.findings.stats import (
    Point,
    Proportion,
    StatisticsError,
    changes,
    count_range,
    crosstab,
)

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb


def test_wilson_interval_matches_the_formula() -> None:
    # 28 of 43: the textbook Wilson interval at 95% is about 50.2% to 77.6%.
    low, high = Proportion(28, 43, "provided").wilson()
    assert low == pytest.approx(0.5021, abs=5e-4)
    assert high == pytest.approx(0.7758, abs=5e-4)


def test_interval_at_the_edges_stays_inside_0_and_1() -> None:
    low, high = Proportion(0, 5, "asked").wilson()
    assert low == 0.0
    assert 0 < high < 0.5
    low, high = Proportion(5, 5, "asked").wilson()
    assert high == 1.0
    assert 0.5 < low < 1


@given(
    st.integers(min_value=1, max_value=5000).flatmap(
        lambda d: st.tuples(st.integers(0, d), st.just(d))
    )
)
def test_interval_contains_the_share(pair: tuple[int, int]) -> None:
    numerator, denominator = pair
    share = numerator / denominator
    low, high = Proportion(numerator, denominator, "responded").wilson()
    assert low - 1e-12 <= share <= high + 1e-12
    wider = Proportion(numerator, denominator, "responded").wilson(0.99)
    assert wider[0] <= low + 1e-12
    assert wider[1] >= high - 1e-12


def test_proportions_must_name_a_base_and_make_sense() -> None:
    with pytest.raises(StatisticsError, match="must name its base"):
        Proportion(1, 2, "")
    with pytest.raises(StatisticsError, match=r"outside 0\.\.2"):
        Proportion(3, 2, "asked")
    with pytest.raises(StatisticsError, match="at least 1"):
        Proportion(0, 0, "asked")
    assert (
        "28 of 43 bodies that provided the information (65.1%"
        in Proportion(28, 43, "provided").describe()
    )


def test_crosstab_counts_and_margins() -> None:
    records = [
        {"kind": "police", "vendor": "hikvision"},
        {"kind": "police", "vendor": "hikvision"},
        {"kind": "police", "vendor": "dahua"},
        {"kind": "council", "vendor": "hikvision"},
    ]
    table = crosstab(records, "kind", "vendor")
    assert table.count("police", "hikvision") == 2
    assert table.row_total("police") == 3
    assert table.column_total("hikvision") == 3
    assert table.total == 4
    assert math.isclose(table.row_share("police", "dahua").share, 1 / 3)


def test_changes_over_time() -> None:
    points = [
        Point("cambridge nvr", dt.date(2023, 6, 14), 27),
        Point("cambridge nvr", dt.date(2021, 1, 1), 6),
        Point("other", dt.date(2021, 1, 1), 5),
    ]
    (change,) = changes(points)
    assert (change.before.count, change.after.count, change.delta) == (6, 27, 21)
    assert change.ratio == 4.5


def test_count_range_is_open_when_a_body_gave_no_count() -> None:
    closed = count_range({"a": (10, False), "b": (5, False)})
    assert (closed.low, closed.high) == (15, 15)
    opened = count_range({"a": (10, False), "b": (None, False), "c": (12, True)})
    assert (opened.low, opened.high, opened.bodies_uncounted) == (22, None, 1)
    assert opened.describe() == "at least 22 devices from 2 bodies; 1 more gave no count"
