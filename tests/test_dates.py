import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from camwatch.registry.dates import PartialDate, Precision, render

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(
    ("text", "start", "precision", "end"),
    [
        ("2023", dt.date(2023, 1, 1), Precision.YEAR, dt.date(2023, 12, 31)),
        ("2023-02", dt.date(2023, 2, 1), Precision.MONTH, dt.date(2023, 2, 28)),
        ("2024-02", dt.date(2024, 2, 1), Precision.MONTH, dt.date(2024, 2, 29)),
        ("2023-12", dt.date(2023, 12, 1), Precision.MONTH, dt.date(2023, 12, 31)),
        ("2023-06-14", dt.date(2023, 6, 14), Precision.DAY, dt.date(2023, 6, 14)),
    ],
)
def test_parse_keeps_precision(
    text: str, start: dt.date, precision: Precision, end: dt.date
) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.start, parsed.precision, parsed.end) == (start, precision, end)
    assert parsed.isoformat() == text


def test_yaml_values_are_accepted() -> None:
    # PyYAML turns 2023-06-14 into a date and 2023 into an int.
    assert PartialDate.parse(dt.date(2023, 6, 14)).precision is Precision.DAY
    assert PartialDate.parse(2021).isoformat() == "2021"


@pytest.mark.parametrize("bad", ["June 2023", "2023-13", "2023-02-30", "23-01-01", ""])
def test_rejects_what_is_not_a_date(bad: str) -> None:
    with pytest.raises(ValueError, match=r"date|month|day"):
        PartialDate.parse(bad)


def test_display_is_no_more_precise_than_the_source() -> None:
    assert PartialDate.parse("2021").display() == "2021"
    assert PartialDate.parse("2021-02").display() == "February 2021"
    assert PartialDate.parse("2021-02-23").display() == "23 February 2021"


def test_render_stored_pair() -> None:
    assert render(dt.date(2021, 2, 1), "month") == "2021-02"
    assert render(None, "") == ""


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_month_end_is_last_day_of_month(day: dt.date) -> None:
    month = PartialDate.parse(f"{day.year:04d}-{day.month:02d}")
    assert month.start <= day <= month.end
    assert (month.end + dt.timedelta(days=1)).day == 1
