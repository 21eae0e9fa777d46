"""Statutory clocks for UK information requests, as pure functions.

Imports nothing from Django: the app, the CLI (`camwatch foi deadline`) and anyone else
call the same functions.

The rules, in the law's own terms:

- FOIA 2000 s.10(1): comply "not later than the twentieth working day following the date
  of receipt". The day of receipt is day 0; the next working day is day 1. s.10(6): a
  working day is any day other than a Saturday, a Sunday, Christmas Day, Good Friday or a
  bank holiday under the Banking and Financial Dealings Act 1971 in *any* part of the UK,
  so the calendar is the union of the England and Wales, Scotland and Northern Ireland
  calendars, one-off proclaimed days included.
- FOIA s.10(2): the working days from the day a fees notice is given to the day the fee is
  received are disregarded (the clock pauses). s.1(3): a request that needs clarifying is
  received when the clarification is (the clock restarts).
- FOISA 2002 s.10 and s.73: 20 working days, where only bank holidays *in Scotland* are
  not working days. s.20: the requester has 40 working days to require a review; s.21: the
  authority has 20 working days to answer it.
- EIR 2004 reg 5(2) and 7(1): 20 working days, extendable to 40 for complex and voluminous
  requests; reg 11(4): representations answered within 40 working days. (The Scottish
  regulations, EISR 2004, are not modelled yet.)
- Maintained schools (SI 2004/3364 reg 3; NI: SI 2009/1369): the twentieth working day
  disregarding any day that is not a school day, or the sixtieth working day, whichever is
  earlier. Without term dates only the sixtieth working day can be computed, and the
  result says so.
- Internal review under FOIA (s.45 Code of Practice, paras 5.3-5.5): asked for within 40
  working days of the response; answered within 20 working days, 40 at most.
- A request unanswered 40 working days after receipt is long overdue (60 for schools).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

import holidays
from dateutil.easter import easter

EARLIEST = dt.date(2000, 1, 1)  # FOIA's Royal Assent: 30 November 2000
COMMENCEMENT = dt.date(2005, 1, 1)  # the rights of access of FOIA, FOISA and EIR
RESPONSE_DAYS = 20
EXTENDED_DAYS = 40  # EIR reg 7; the usual most for a FOIA public interest extension
LONG_OVERDUE_DAYS = 40
SCHOOL_LONG_STOP_DAYS = 60
REVIEW_REQUEST_DAYS = 40
REVIEW_DAYS = 20
REVIEW_MOST_DAYS = 40


class Regime(StrEnum):
    FOIA = "foia"
    FOISA = "foisa"
    EIR = "eir"

    @property
    def scottish(self) -> bool:
        return self is Regime.FOISA

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Regime.FOIA: "Freedom of Information Act 2000",
    Regime.FOISA: "Freedom of Information (Scotland) Act 2002",
    Regime.EIR: "Environmental Information Regulations 2004",
}
_UK_PARTS = ("ENG", "WLS", "SCT", "NIR")
_PART_NAMES = {
    "ENG": "England",
    "WLS": "Wales",
    "SCT": "Scotland",
    "NIR": "Northern Ireland",
}


class ClockError(ValueError):
    """A date or figure the clock cannot work from, with the reason."""


@dataclass(frozen=True)
class Calendar:
    """Which days are not working days, and why. `parts` are the UK's parts whose bank
    holidays count; `extra` are proclaimed days the holidays package may not know yet."""

    name: str
    parts: tuple[str, ...]
    extra: tuple[tuple[dt.date, str], ...] = ()

    def closed(self, day: dt.date) -> str:
        """Why `day` is not a working day, or "" if it is one."""
        if day.weekday() >= 5:
            return day.strftime("%A")
        return _reasons(self.parts, self.extra, day.year).get(day, "")

    def is_working(self, day: dt.date) -> bool:
        return not self.closed(day)


@lru_cache(maxsize=512)
def _reasons(
    parts: tuple[str, ...], extra: tuple[tuple[dt.date, str], ...], year: int
) -> dict[dt.date, str]:
    """Each closed weekday of a year: 'Easter Monday (England, Wales, Northern Ireland)'."""
    found: dict[dt.date, dict[str, list[str]]] = {}
    for part in parts:
        for day, name in holidays.country_holidays("GB", subdiv=part, years=year).items():
            found.setdefault(day, {}).setdefault(name, []).append(_PART_NAMES[part])
    # Named in FOIA s.10(6) and FOISA s.73 themselves, whatever the bank holiday lists say.
    for day, name in ((easter(year) - dt.timedelta(days=2), "Good Friday"),
                      (dt.date(year, 12, 25), "Christmas Day")):  # fmt: skip
        found.setdefault(day, {}).setdefault(name, [])
    for day, name in extra:
        if day.year == year:
            found.setdefault(day, {}).setdefault(name, []).append("proclaimed")
    return {
        day: "; ".join(f"{name} ({', '.join(where)})" if where else name
                       for name, where in names.items())
        for day, names in found.items()
    }  # fmt: skip


def calendar_for(regime: Regime, extra: Iterable[tuple[dt.date, str]] = ()) -> Calendar:
    extra_days = tuple(sorted(extra))
    if regime.scottish:
        return Calendar("Scottish bank holidays (FOISA s.73)", ("SCT",), extra_days)
    return Calendar("bank holidays in any part of the UK (FOIA s.10(6))", _UK_PARTS, extra_days)


@dataclass(frozen=True)
class Pause:
    """Days the clock does not run: from a fees notice to the fee's receipt (FOIA
    s.10(2)). `ended` None means the fee is still awaited."""

    started: dt.date
    ended: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.started <= day and (self.ended is None or day <= self.ended)


def check_date(day: dt.date, what: str = "date") -> dt.date:
    if day < EARLIEST:
        raise ClockError(
            f"{what} {day.isoformat()} is before 2000: FOIA received Royal Assent on "
            "30 November 2000 and its right of access began on 1 January 2005"
        )
    if day.year > dt.date.today().year + 50:
        raise ClockError(f"{what} {day.isoformat()} is too far in the future")
    return day


def add_working_days(
    start: dt.date,
    days: int,
    calendar: Calendar,
    pauses: Sequence[Pause] = (),
    counts: Callable[[dt.date], bool] | None = None,
) -> dt.date | None:
    """The `days`-th working day after `start` (day 0), skipping paused days and, with
    `counts`, days it rejects (e.g. days that are not school days). None while an open
    pause stops the clock before it gets there."""
    if days < 0:
        raise ClockError(f"a clock of {days} working days cannot run")
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if any(p.ended is None and day >= p.started for p in pauses):
            return None
        paused = any(p.covers(day) for p in pauses)
        if calendar.is_working(day) and not paused and (counts is None or counts(day)):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date, calendar: Calendar) -> int:
    """How many working days after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += calendar.is_working(day)
    return count


def skipped_days(start: dt.date, end: dt.date, calendar: Calendar) -> list[tuple[dt.date, str]]:
    """The weekdays between start and end that were not working days, and why."""
    found = []
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        reason = calendar.closed(day)
        if reason and day.weekday() < 5:
            found.append((day, reason))
    return found


@dataclass(frozen=True)
class Deadline:
    """When a reply is due, with its working: what the clock counted from, which weekdays
    it skipped and why, and what the law leaves open."""

    regime: Regime
    received: dt.date
    clock_start: dt.date
    working_days: int
    due: dt.date | None  # None while a fees notice is unpaid
    long_overdue_after: dt.date | None
    calendar: str
    school: bool = False
    extended_due: dt.date | None = None
    skipped: tuple[tuple[dt.date, str], ...] = ()
    notes: tuple[str, ...] = ()

    def status(self, today: dt.date) -> str:
        """in_time, overdue (after the due date) or long_overdue (after the long stop),
        by calendar date: a reply is late the day after it was due; paused if awaiting
        a fee."""
        due = self.effective_due
        if due is None:
            return "paused"
        if self.long_overdue_after is not None and today > self.long_overdue_after:
            return "long_overdue"
        return "overdue" if today > due else "in_time"

    @property
    def effective_due(self) -> dt.date | None:
        """The due date in force: the extended one once an extension is notified (an
        extension never brings a date forward, as it could for a school)."""
        if self.extended_due is None or self.due is None:
            return self.due
        return max(self.due, self.extended_due)

    def as_dict(self) -> dict[str, object]:
        def iso(day: dt.date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "regime": self.regime.value,
            "law": self.regime.label,
            "received": iso(self.received),
            "clock_start": iso(self.clock_start),
            "working_days": self.working_days,
            "due": iso(self.due),
            "extended_due": iso(self.extended_due),
            "long_overdue_after": iso(self.long_overdue_after),
            "calendar": self.calendar,
            "school": self.school,
            "skipped": [{"date": iso(day), "reason": why} for day, why in self.skipped],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Events:
    """What happened to the clock after receipt: clarifications received (each restarts
    it, FOIA s.1(3)) and fees notices (each pauses it, s.10(2))."""

    clarified: tuple[dt.date, ...] = ()
    pauses: tuple[Pause, ...] = ()
    extended: bool = False  # EIR reg 7 (or a FOIA public interest extension) notified
    term: tuple[tuple[dt.date, dt.date], ...] | None = None  # a school's terms, if known
    extra_days: tuple[tuple[dt.date, str], ...] = field(default=())


def deadline(
    received: dt.date,
    regime: Regime = Regime.FOIA,
    working_days: int | None = None,
    school: bool = False,
    events: Events = Events(),
) -> Deadline:
    """The due date of a request received on `received` (day 0)."""
    check_date(received, "the date of receipt")
    calendar = calendar_for(regime, events.extra_days)
    start = max((received, *events.clarified))
    if start != received:
        check_date(start, "the clarification date")
    days = RESPONSE_DAYS if working_days is None else working_days
    pauses = tuple(p for p in events.pauses if p.started >= start)
    notes = _notes(regime, received, start, pauses)
    if school:
        due, school_notes = _school_due(start, days, calendar, pauses, events.term)
        notes += school_notes
        long_stop_days = SCHOOL_LONG_STOP_DAYS
    else:
        due = add_working_days(start, days, calendar, pauses)
        long_stop_days = LONG_OVERDUE_DAYS
    long_stop = add_working_days(start, max(long_stop_days, days), calendar, pauses)
    extended = add_working_days(start, EXTENDED_DAYS, calendar, pauses) if events.extended else None
    end = due or long_stop or start
    return Deadline(
        regime=regime,
        received=received,
        clock_start=start,
        working_days=days,
        due=due,
        long_overdue_after=long_stop,
        calendar=calendar.name,
        school=school,
        extended_due=extended,
        skipped=tuple(skipped_days(start, end, calendar)),
        notes=tuple(notes),
    )


def _notes(regime: Regime, received: dt.date, start: dt.date, pauses: Sequence[Pause]) -> list[str]:
    notes = [f"Day 0 is {start.isoformat()}; the next working day is day 1."]
    if received < COMMENCEMENT:
        notes.append("The right of access began on 1 January 2005; earlier dates are hypothetical.")
    if start != received:
        notes.append(f"The clock restarted on {start.isoformat()}, when the clarification came.")
    for pause in pauses:
        if pause.ended is None:
            notes.append(
                f"A fees notice was given on {pause.started.isoformat()} and the fee is not yet "
                "received: the clock is stopped until it is."
            )
        else:
            notes.append(
                f"The working days from the fees notice on {pause.started.isoformat()} to the "
                f"fee on {pause.ended.isoformat()} are disregarded."
            )
    if regime.scottish:
        notes.append("Only bank holidays in Scotland count (FOISA s.73).")
    return notes


def _school_due(
    start: dt.date,
    days: int,
    calendar: Calendar,
    pauses: Sequence[Pause],
    term: Sequence[tuple[dt.date, dt.date]] | None,
) -> tuple[dt.date | None, list[str]]:
    long_stop = add_working_days(start, SCHOOL_LONG_STOP_DAYS, calendar, pauses)
    if not term:
        return long_stop, [
            "A maintained school has until the earlier of 20 school days and 60 working days "
            "(SI 2004/3364 reg 3). Its term dates are unknown, so the 60th working day is "
            "given: the reply may be due sooner."
        ]

    def in_term(day: dt.date) -> bool:
        return any(first <= day <= last for first, last in term)

    by_school_days = add_working_days(start, days, calendar, pauses, counts=in_term)
    candidates = [d for d in (by_school_days, long_stop) if d is not None]
    due = min(candidates) if candidates else None
    which = "school days" if due == by_school_days else "the 60-working-day long stop"
    return due, [
        f"A maintained school: the earlier of 20 school days and 60 working days ({which})."
    ]


@dataclass(frozen=True)
class ReviewClock:
    """An internal review (FOIA, EIR) or a statutory review (FOISA): by when the
    requester may ask for it, and when the answer is due once asked for."""

    regime: Regime
    ask_by: dt.date | None
    requested: dt.date | None
    due: dt.date | None
    most: dt.date | None
    notes: tuple[str, ...]
    long_stop: dt.date | None = None  # long overdue after this (40 working days)

    def status(self, today: dt.date) -> str:
        """in_time, overdue or long_overdue, as Deadline.status() for a first reply."""
        if self.due is None:
            return "in_time"
        if self.long_stop is not None and today > self.long_stop:
            return "long_overdue"
        return "overdue" if today > self.due else "in_time"

    def as_dict(self) -> dict[str, object]:
        return {
            "regime": self.regime.value,
            "ask_by": self.ask_by.isoformat() if self.ask_by else None,
            "requested": self.requested.isoformat() if self.requested else None,
            "due": self.due.isoformat() if self.due else None,
            "most": self.most.isoformat() if self.most else None,
            "long_stop": self.long_stop.isoformat() if self.long_stop else None,
            "notes": list(self.notes),
        }


def review_clock(
    regime: Regime,
    answered: dt.date | None,
    requested: dt.date | None = None,
    extra_days: Iterable[tuple[dt.date, str]] = (),
) -> ReviewClock:
    """`answered` is the date of the reply complained of (or, with none, the date the
    reply was due); `requested` the day the review was asked for, if it has been."""
    calendar = calendar_for(regime, extra_days)
    ask_by = (
        add_working_days(check_date(answered, "the reply date"), REVIEW_REQUEST_DAYS, calendar)
        if answered
        else None
    )
    due = most = long_stop = None
    if requested is not None:
        check_date(requested, "the review request date")
        answer_days = REVIEW_MOST_DAYS if regime is Regime.EIR else REVIEW_DAYS
        due = add_working_days(requested, answer_days, calendar)
        long_stop = add_working_days(requested, REVIEW_MOST_DAYS, calendar)
        if regime is Regime.FOIA:
            most = long_stop
    notes = tuple(_REVIEW_NOTES[regime])
    return ReviewClock(regime, ask_by, requested, due, most, notes, long_stop)


_REVIEW_NOTES = {
    Regime.FOIA: [
        "FOIA has no statutory review: the s.45 Code of Practice asks requesters to ask within "
        "40 working days and authorities to answer within 20, and 40 at most (paras 5.3-5.5)."
    ],
    Regime.FOISA: [
        "FOISA s.20: a requirement for review within 40 working days; s.21: the authority "
        "answers within 20 working days. An appeal to the Scottish Information Commissioner "
        "may follow within six months."
    ],
    Regime.EIR: [
        "EIR reg 11: representations within 40 working days; the authority answers within "
        "40 working days."
    ],
}
