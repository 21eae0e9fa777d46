"""Property tests for the dates people type and the clocks counted from them: the deadline
CLI's date arguments (foi/commands.py), partial dates in data files (registry/dates.py),
and the statutory clocks' arithmetic (foi/calendar.py). Arbitrary text gives a date or the
project's own clear error (a usage error naming the argument, ClockError, ValueError),
never a traceback (docs/security.md)."""

from __future__ import annotations

import datetime as dt
import json
import re

import click
import click.testing
import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from camwatch.cli import main
from camwatch.foi import calendar
from camwatch.foi.calendar import (
    ClockError,
    Events,
    Pause,
    Regime,
    add_working_days,
    calendar_for,
    deadline,
    working_days_between,
)
from camwatch.foi.commands import DATE
from camwatch.registry.dates import PartialDate, Precision

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

# How many examples each property tries.
MAX_EXAMPLES = 300
CLI_EXAMPLES = 150  # each one runs the command through click

FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None)
CLI = settings(max_examples=CLI_EXAMPLES, deadline=None)

ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LAST_YEAR = dt.date.today().year + 50  # check_date: later is "too far in the future"
IN_RANGE = st.dates(min_value=calendar.EARLIEST, max_value=dt.date(LAST_YEAR, 12, 31))
CLOCK_DATES = st.dates(min_value=calendar.EARLIEST, max_value=dt.date(2070, 12, 31))
REGIMES = st.sampled_from(list(Regime))
DAYS = st.integers(min_value=0, max_value=400)  # the CLI's --working-days range


def _mangled(day: dt.date) -> st.SearchStrategy[str]:
    text = day.isoformat()
    return st.sampled_from(
        [text, text.replace("-", ""), text.replace("-", "/"), f" {text}", f"{text}\n",
         f"{text}T00:00", text[:7], text[2:], f"+{text}", text.replace("0", "\uff10"),
         f"{day.isocalendar().year}-W{day.isocalendar().week:02d}-{day.isoweekday()}",
         f"{day.year}-{day.month}-{day.day}", f"{day.day:02d}/{day.month:02d}/{day.year}"]
    )  # fmt: skip


# Text people might type for a date: anything, date-shaped text (with any Unicode digits,
# as \d matches them), and real dates written in other ways.
DATE_TEXT = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\d{1,5}-\d{1,3}-\d{1,3}", fullmatch=True),
    st.dates().flatmap(_mangled),
)


def deadline_cli(*args: str) -> click.testing.Result:
    result = CliRunner().invoke(main, ["foi", "deadline", *args])
    # A usage error is SystemExit(2); anything else escaping is a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def _accepted(text: str, result: click.testing.Result) -> bool:
    if result.exit_code == 0:
        assert ISO.fullmatch(text), f"{text!r} is not YYYY-MM-DD, yet was accepted"
        return True
    assert result.exit_code == 2, result.output
    return False


@CLI
@given(DATE_TEXT)
@example("20240603")  # ISO 8601's basic form: fromisoformat reads it, the CLI must not
@example("2024-W23-1")
@example("\x00")
@example("\udc80")
@example("1999-12-31")
@example("9999-12-31")
def test_the_received_argument_is_a_date_or_a_usage_error(text: str) -> None:
    # "--" so that text starting with "-" is the argument, not an unknown option.
    result = deadline_cli("--json", "--", text)
    if _accepted(text, result):
        assert json.loads(result.output)["received"] == text
    else:
        assert re.search(r"Invalid value for '?RECEIVED'?: ", result.output), result.output


@CLI
@given(DATE_TEXT)
@example("2024-06-31")
def test_the_clarified_option_is_a_date_or_a_usage_error(text: str) -> None:
    result = deadline_cli("--json", f"--clarified={text}", "2024-06-03")
    if _accepted(text, result):
        assert json.loads(result.output)["clock_start"] == max(text, "2024-06-03")
    else:
        # Refused either as no date at all (the option named) or as a date the clock
        # cannot start from (the message says it is the clarification date).
        assert "'--clarified'" in result.output or "the clarification date" in result.output


@CLI
@given(day=st.dates(), regime=REGIMES, school=st.booleans())
@example(day=dt.date(1999, 12, 31), regime=Regime.FOIA, school=False)
@example(day=dt.date(2000, 1, 1), regime=Regime.FOISA, school=True)
@example(day=dt.date(9999, 12, 31), regime=Regime.EIR, school=False)
def test_any_real_date_gives_the_deadline_or_says_why_not(
    day: dt.date, regime: Regime, school: bool
) -> None:
    """A date in range round-trips and its due date is the library's; one outside the
    range is a usage error that says why."""
    args = ["--json", f"--regime={regime.value}", *(["--school"] if school else [])]
    result = deadline_cli(*args, day.isoformat())
    if day >= calendar.EARLIEST and day.year <= LAST_YEAR:
        assert result.exit_code == 0, result.output
        found = json.loads(result.output)
        assert found["received"] == day.isoformat()
        assert found["due"] == deadline(day, regime, school=school).due.isoformat()  # type: ignore[union-attr]
    else:
        assert result.exit_code == 2
        assert "before 2000" in result.output or "too far in the future" in result.output


@FUZZ
@given(DATE_TEXT)
def test_the_date_type_gives_a_date_or_bad_parameter(text: str) -> None:
    """The parameter type every `camwatch foi` date argument uses."""
    try:
        day = DATE.convert(text, None, None)
    except click.BadParameter as error:
        message = error.format_message()
    else:
        assert day.isoformat() == text
        return
    assert repr(text) in message


@FUZZ
@given(st.one_of(DATE_TEXT, st.integers(), st.dates().map(lambda d: d.isoformat()[:7])))
@example("\uff12\uff10\uff12\uff13")  # fullwidth digits: \d matches them
@example("\u0662\u0660\u0662\u0663-\u0660\u0666")  # Arabic-Indic
@example("0000")
@example("2023-02-30")
@example(" 2023-06\n")
def test_a_partial_date_is_read_as_written_or_refused(text: str | int) -> None:
    """Data files' dates: what is accepted is written back the same; the rest is a
    ValueError (which the loader reports with the file, line and field)."""
    try:
        found = PartialDate.parse(text)
    except ValueError as error:
        message = str(error)
    else:
        assert found.isoformat() == str(text).strip()
        assert found.start <= found.end
        assert PartialDate.parse(found.isoformat()) == found
        return
    assert message


@FUZZ
@given(day=st.dates(), precision=st.sampled_from(list(Precision)))
def test_every_partial_date_round_trips(day: dt.date, precision: Precision) -> None:
    text = day.isoformat()[: {"year": 4, "month": 7, "day": 10}[precision.value]]
    found = PartialDate.parse(text)
    assert (found.isoformat(), found.precision) == (text, precision)
    assert found.start <= day <= found.end


# The clocks (foi/calendar.py): day 0 is the start; the n-th working day after it is due.


@FUZZ
@given(start=CLOCK_DATES, days=st.integers(0, 120), regime=REGIMES)
def test_the_nth_working_day_counts_back_to_n(start: dt.date, days: int, regime: Regime) -> None:
    cal = calendar_for(regime)
    due = add_working_days(start, days, cal)
    assert due is not None
    assert working_days_between(start, due, cal) == days
    if days == 0:
        assert due == start
    else:
        assert due > start
        assert cal.is_working(due)
        assert working_days_between(start, due - dt.timedelta(days=1), cal) == days - 1


@FUZZ
@given(
    first=CLOCK_DATES, gap=st.integers(0, 60), days=st.integers(0, 60),
    more=st.integers(1, 30), regime=REGIMES,
)  # fmt: skip
def test_a_later_start_or_a_longer_clock_is_never_due_sooner(
    first: dt.date, gap: int, days: int, more: int, regime: Regime
) -> None:
    cal = calendar_for(regime)
    due = add_working_days(first, days, cal)
    later = add_working_days(first + dt.timedelta(days=gap), days, cal)
    longer = add_working_days(first, days + more, cal)
    assert due is not None
    assert later is not None
    assert longer is not None
    assert due <= later
    assert due < longer


@FUZZ
@given(received=CLOCK_DATES, days=st.integers(1, 120), regime=REGIMES)
def test_a_deadline_is_a_working_day_and_shows_its_working(
    received: dt.date, days: int, regime: Regime
) -> None:
    found = deadline(received, regime, working_days=days)
    cal = calendar_for(regime)
    assert found.due is not None
    assert found.long_overdue_after is not None
    assert found.due > received
    assert cal.is_working(found.due)
    assert working_days_between(received, found.due, cal) == days
    assert found.long_overdue_after >= found.due
    # Every weekday skipped between day 0 and the due date is listed, with its reason.
    weekdays = (received + dt.timedelta(days=n) for n in range(1, (found.due - received).days))
    closed = [(d, cal.closed(d)) for d in weekdays if d.weekday() < 5 and not cal.is_working(d)]
    assert list(found.skipped) == closed
    assert found.status(found.due) == "in_time"
    assert found.status(found.due + dt.timedelta(days=1)) in ("overdue", "long_overdue")


@FUZZ
@given(received=CLOCK_DATES, days=st.integers(1, 60))
def test_scottish_clocks_are_never_longer(received: dt.date, days: int) -> None:
    """FOISA skips Scottish bank holidays only; FOIA those of every part of the UK."""
    foisa = deadline(received, Regime.FOISA, working_days=days).due
    foia = deadline(received, Regime.FOIA, working_days=days).due
    assert foisa is not None
    assert foia is not None
    assert foisa <= foia


@FUZZ
@given(received=CLOCK_DATES, later=st.integers(-30, 60), regime=REGIMES)
def test_a_clarification_restarts_the_clock(received: dt.date, later: int, regime: Regime) -> None:
    clarified = received + dt.timedelta(days=later)
    restarted = deadline(received, regime, events=Events(clarified=(clarified,)))
    assert restarted.due == deadline(max(received, clarified), regime).due


@FUZZ
@given(
    received=CLOCK_DATES, notice=st.integers(0, 40), paid=st.integers(0, 40) | st.none(),
    proclaimed=st.integers(1, 40), regime=REGIMES,
)  # fmt: skip
def test_fees_and_proclaimed_days_never_bring_the_due_date_forward(
    received: dt.date, notice: int, paid: int | None, proclaimed: int, regime: Regime
) -> None:
    plain = deadline(received, regime)
    assert plain.due is not None
    given = received + dt.timedelta(days=notice)
    pause = Pause(given, None if paid is None else given + dt.timedelta(days=paid))
    paused = deadline(received, regime, events=Events(pauses=(pause,)))
    if paused.due is None:  # a fee still awaited stops the clock before it got there
        assert pause.ended is None
        assert pause.started <= plain.due
        assert paused.status(plain.due) == "paused"
    else:
        assert paused.due >= plain.due
    extra = ((received + dt.timedelta(days=proclaimed), "proclaimed"),)
    holiday = deadline(received, regime, events=Events(extra_days=extra))
    assert holiday.due is not None
    assert holiday.due >= plain.due


@FUZZ
@given(received=CLOCK_DATES, regime=REGIMES, today=st.lists(CLOCK_DATES, min_size=2, max_size=2))
def test_status_only_gets_worse_with_time(
    received: dt.date, regime: Regime, today: list[dt.date]
) -> None:
    order = ["in_time", "overdue", "long_overdue"]
    found = deadline(received, regime, events=Events(extended=True))
    assert found.effective_due == found.extended_due
    assert found.effective_due is not None
    assert found.due is not None
    assert found.effective_due >= found.due
    first, second = sorted(today)
    assert order.index(found.status(first)) <= order.index(found.status(second))


@FUZZ
@given(received=CLOCK_DATES, regime=REGIMES)
def test_a_school_without_term_dates_has_the_sixtieth_working_day(
    received: dt.date, regime: Regime
) -> None:
    found = deadline(received, regime, school=True)
    assert found.due == add_working_days(received, 60, calendar_for(regime))


@FUZZ
@given(
    day=st.dates(), regime=REGIMES, days=DAYS, school=st.booleans(),
    clarified=st.dates() | st.none(),
)  # fmt: skip
@example(day=dt.date.max, regime=Regime.FOIA, days=400, school=True, clarified=None)
@example(day=dt.date(2000, 1, 1), regime=Regime.EIR, days=0, school=False, clarified=dt.date.max)
def test_any_date_gives_a_deadline_or_a_clock_error(
    day: dt.date, regime: Regime, days: int, school: bool, clarified: dt.date | None
) -> None:
    """Whatever dates the app or the CLI pass, the clock answers or says why not."""
    events = Events(clarified=(clarified,) if clarified else (), extended=True)
    try:
        found = deadline(day, regime, days, school=school, events=events)
    except ClockError as error:
        message = str(error)
    else:
        assert found.clock_start >= calendar.EARLIEST
        assert found.clock_start.year <= LAST_YEAR
        json.dumps(found.as_dict())
        return
    assert message
    assert day < calendar.EARLIEST or max(day, clarified or day).year > LAST_YEAR
