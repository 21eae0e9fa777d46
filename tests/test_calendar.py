"""The statutory clocks (foi/calendar.py) against the statutes. Every expected date was
counted by hand on a calendar; each test names the rule it checks.

FOIA 2000 s.10(1): due on the twentieth working day after the date of receipt (day 0).
FOIA s.10(6): not a working day: Saturday, Sunday, Christmas Day, Good Friday, or a bank
holiday in any part of the UK. FOISA 2002 s.73: bank holidays in Scotland only.
"""

from __future__ import annotations

import datetime as dt

import pytest

from camwatch.foi.calendar import (
    ClockError,
    Events,
    Pause,
    Regime,
    add_working_days,
    calendar_for,
    deadline,
    review_clock,
    working_days_between,
)

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

D = dt.date.fromisoformat
FOIA, FOISA, EIR = Regime.FOIA, Regime.FOISA, Regime.EIR


def due(received: str, regime: Regime = FOIA, **kwargs: object) -> str:
    found = deadline(D(received), regime, **kwargs).due  # type: ignore[arg-type]
    assert found is not None
    return found.isoformat()


def test_easter_good_friday_and_easter_monday() -> None:
    # s.10(6) names Good Friday; Easter Monday is a bank holiday in England, Wales and NI.
    assert due("2024-03-27") == "2024-04-26"
    # s.73: Easter Monday is not a bank holiday in Scotland, so FOISA counts it.
    assert due("2024-03-27", FOISA) == "2024-04-25"


def test_christmas_and_the_scottish_second_of_january() -> None:
    # Christmas Day (named in s.10(6)), Boxing Day and New Year's Day everywhere; 2 January
    # is a bank holiday in Scotland only, and under s.10(6) it extends FOIA deadlines too.
    assert due("2023-12-20") == "2024-01-23"
    assert due("2023-12-20", FOISA) == "2024-01-23"
    assert "New Year Holiday (Scotland)" in dict(deadline(D("2023-12-20")).skipped)[D("2024-01-02")]


def test_st_patricks_day_counts_for_foia_not_foisa() -> None:
    # 17 March 2023 (a Friday): a bank holiday in Northern Ireland only.
    assert due("2023-03-10") == "2023-04-12"  # also Good Friday and Easter Monday
    assert due("2023-03-10", FOISA) == "2023-04-10"  # Good Friday only
    skipped = dict(deadline(D("2023-03-10")).skipped)
    assert "Saint Patrick's Day (Northern Ireland)" in skipped[D("2023-03-17")]


def test_st_andrews_day() -> None:
    # 30 November 2023 (a Thursday): a bank holiday in Scotland, so in both calendars.
    assert due("2023-11-27", FOISA) == "2023-12-28"
    assert due("2023-11-27") == "2023-12-28"
    # In 2024 it fell on a Saturday and the holiday moved to Monday 2 December.
    assert D("2024-12-02") in dict(deadline(D("2024-11-25"), FOISA).skipped)


def test_battle_of_the_boyne_and_the_scottish_august_holiday() -> None:
    # 12 July: Northern Ireland only. First Monday of August (5 August 2024): Scotland only.
    assert due("2024-07-10") == "2024-08-09"
    assert due("2024-07-10", FOISA) == "2024-08-08"
    # Both calendars skip 5 August 2024; England and Wales alone would not.
    assert due("2024-07-25") == "2024-08-23"
    assert due("2024-07-25", FOISA) == "2024-08-23"
    assert calendar_for(FOIA).closed(D("2024-08-26")).startswith("Late Summer Bank Holiday")
    assert calendar_for(FOISA).is_working(D("2024-08-26"))


def test_proclaimed_one_off_days() -> None:
    # The state funeral of 19 September 2022 was proclaimed a bank holiday UK-wide.
    assert not calendar_for(FOIA).is_working(D("2022-09-19"))
    # A day proclaimed after the holidays package was built can be added by hand.
    plain = deadline(D("2031-03-03"))
    proclaimed = deadline(D("2031-03-03"), events=Events(extra_days=((D("2031-03-10"), "X"),)))
    assert proclaimed.due == add_working_days(plain.due, 1, calendar_for(FOIA))  # type: ignore[arg-type]
    assert (D("2031-03-10"), "X (proclaimed)") in proclaimed.skipped


def test_day_zero_is_the_day_of_receipt_even_at_a_weekend() -> None:
    # s.10(1) counts from the day after receipt; receipt on a Saturday or Sunday gives the
    # same due date as receipt on the Friday before (Monday is day 1 in all three).
    assert due("2024-06-07") == due("2024-06-08") == due("2024-06-09") == "2024-07-05"
    assert working_days_between(D("2024-06-07"), D("2024-07-05"), calendar_for(FOIA)) == 20


def test_eir_extension_and_custom_lengths() -> None:
    # EIR reg 5(2): 20 working days; reg 7(1): extendable to 40 when notified.
    found = deadline(D("2024-03-27"), EIR, events=Events(extended=True))
    assert found.due == D("2024-04-26")
    assert found.extended_due == D("2024-05-28")  # 6 May and 27 May are bank holidays
    assert due("2024-03-27", working_days=40) == "2024-05-28"


def test_clarification_restarts_and_a_fees_notice_pauses() -> None:
    # s.1(3): the request is received when the clarification is; day 0 moves.
    assert due("2024-06-03", events=Events(clarified=(D("2024-06-10"),))) == due("2024-06-10")
    # s.10(2): working days from the fees notice to the fee's receipt are disregarded.
    paid = Events(pauses=(Pause(D("2024-06-10"), D("2024-06-14")),))
    assert due("2024-06-03", events=paid) == "2024-07-08"  # five days later than 2024-07-01
    assert due("2024-06-03") == "2024-07-01"
    waiting = deadline(D("2024-06-03"), events=Events(pauses=(Pause(D("2024-06-10")),)))
    assert waiting.due is None
    assert waiting.status(D("2025-01-01")) == "paused"
    assert any("not yet received" in note for note in waiting.notes)


def test_overdue_and_long_overdue() -> None:
    # A reply is late the day after its due date; long overdue after 40 working days
    # (12 July 2024, the Battle of the Boyne, is not one: s.10(6) counts every part).
    found = deadline(D("2024-06-03"))
    assert found.long_overdue_after == D("2024-07-30")
    assert found.status(D("2024-07-01")) == "in_time"
    assert found.status(D("2024-07-02")) == "overdue"
    assert found.status(D("2024-07-30")) == "overdue"
    assert found.status(D("2024-07-31")) == "long_overdue"


def test_maintained_schools() -> None:
    # SI 2004/3364 reg 3: the earlier of the 20th school day and the 60th working day.
    unknown = deadline(D("2024-06-03"), school=True)
    # 60 working days, with 12 July, 5 August and 26 August skipped
    assert unknown.due == D("2024-08-29")
    assert any("term dates are unknown" in note.lower() for note in unknown.notes)
    assert unknown.long_overdue_after == unknown.due
    # Summer term to 19 July 2024, autumn term from 4 September: 13 school days in July
    # after day 0 (12 July is not a working day), and seven more in September.
    terms = ((D("2024-04-15"), D("2024-07-19")), (D("2024-09-04"), D("2024-12-20")))
    in_term = deadline(D("2024-07-01"), school=True, events=Events(term=terms))
    assert in_term.due == D("2024-09-12")
    # When the holiday is long, the 60th working day comes first.
    long_holiday = ((D("2024-04-15"), D("2024-07-02")), (D("2024-11-04"), D("2024-12-20")))
    capped = deadline(D("2024-07-01"), school=True, events=Events(term=long_holiday))
    assert capped.due == D("2024-09-26")


def test_review_clocks() -> None:
    # FOIA: s.45 Code of Practice paras 5.3-5.5, 40 working days to ask, 20 (at most 40)
    # to answer. FOISA s.20 and s.21: 40 to require a review, 20 to answer it.
    foia = review_clock(FOIA, D("2024-06-03"), requested=D("2024-06-10"))
    assert (foia.ask_by, foia.due, foia.most) == (D("2024-07-30"), D("2024-07-08"), D("2024-08-07"))
    foisa = review_clock(FOISA, D("2024-06-03"), requested=D("2024-06-10"))
    assert (foisa.due, foisa.most) == (D("2024-07-08"), None)
    eir = review_clock(EIR, D("2024-06-03"), requested=D("2024-06-10"))
    assert eir.due == D("2024-08-07")  # EIR reg 11(4): 40 working days
    assert review_clock(FOIA, D("2024-06-03")).due is None


def test_bad_dates_are_refused_with_a_reason() -> None:
    with pytest.raises(ClockError, match="1999-12-31 is before 2000"):
        deadline(D("1999-12-31"))
    with pytest.raises(ClockError, match="cannot run"):
        deadline(D("2024-06-03"), working_days=-1)
    assert any("1 January 2005" in n for n in deadline(D("2003-05-01")).notes)


def test_as_dict_gives_the_working() -> None:
    found = deadline(D("2024-03-27")).as_dict()
    assert found["due"] == "2024-04-26"
    assert found["skipped"][0] == {
        "date": "2024-03-29",
        "reason": "Good Friday (England, Wales, Scotland, Northern Ireland)",
    }
    assert found["calendar"].startswith("bank holidays in any part of the UK")
