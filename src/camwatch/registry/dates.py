"""Dates as precise as their source: a year, a month or a day.

Sources often say only "late 2020" or "June 2023". A PartialDate keeps what was said
(its precision) and a first day to sort and compare by, so that nothing is stored as
more exact than the evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

_PATTERN = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?$")


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True, order=True)
class PartialDate:
    start: dt.date
    precision: Precision

    @classmethod
    def parse(cls, text: str | dt.date | int) -> PartialDate:
        """Read "2023", "2023-06" or "2023-06-14" (or a date, or a bare year)."""
        if isinstance(text, dt.datetime):
            return cls(text.date(), Precision.DAY)
        if isinstance(text, dt.date):
            return cls(text, Precision.DAY)
        match = _PATTERN.match(str(text).strip())
        if not match:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year = int(match["year"])
        if match["day"]:
            return cls(dt.date(year, int(match["month"]), int(match["day"])), Precision.DAY)
        if match["month"]:
            return cls(dt.date(year, int(match["month"]), 1), Precision.MONTH)
        return cls(dt.date(year, 1, 1), Precision.YEAR)

    @property
    def end(self) -> dt.date:
        """The last day this date could mean."""
        if self.precision is Precision.DAY:
            return self.start
        if self.precision is Precision.MONTH:
            following = self.start.replace(day=28) + dt.timedelta(days=4)
            return following - dt.timedelta(days=following.day)
        return self.start.replace(month=12, day=31)

    def isoformat(self) -> str:
        if self.precision is Precision.YEAR:
            return f"{self.start.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    def display(self) -> str:
        if self.precision is Precision.YEAR:
            return str(self.start.year)
        if self.precision is Precision.MONTH:
            return self.start.strftime("%B %Y")
        return f"{self.start.day} {self.start.strftime('%B %Y')}"

    def __str__(self) -> str:
        return self.isoformat()


def render(start: dt.date | None, precision: str | None) -> str:
    """A stored (start, precision) pair as the text it was recorded from, or ""."""
    if start is None:
        return ""
    return PartialDate(start, Precision(precision or Precision.DAY)).isoformat()
