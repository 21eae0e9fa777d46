"""Small SVG charts drawn on the server: readable without JavaScript, and printable.

Pure Python; labels are escaped here, so the result can be marked safe in a template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 480, 180
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[dt.date, int]]


def _x(day: dt.date, first: dt.date, last: dt.date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _y(value: int, top: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / max(top, 1))


def step_chart(series: Series) -> str:
    """A step line of counts over time, with each disclosure marked and labelled."""
    points = sorted(series.points)
    first, last = points[0][0], points[-1][0]
    top = max(value for _day, value in points)
    path = []
    for index, (day, value) in enumerate(points):
        x, y = _x(day, first, last), _y(value, top)
        if index:
            path.append(f"H{x:.1f}V{y:.1f}")
        else:
            path.append(f"M{x:.1f},{y:.1f}")
    marks = "".join(
        f'<circle cx="{_x(day, first, last):.1f}" cy="{_y(value, top):.1f}" r="4"/>'
        f'<text x="{_x(day, first, last):.1f}" y="{_y(value, top) - 8:.1f}" '
        f'text-anchor="middle">{value:,}</text>'
        f'<text x="{_x(day, first, last):.1f}" y="{HEIGHT - 12}" text-anchor="middle">'
        f"{day.isoformat()}</text>"
        for day, value in points
    )
    label = escape(series.label)
    summary = escape(", ".join(f"{value:,} on {day.isoformat()}" for day, value in points))
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">'
        f"<title>{label}: {summary}</title>"
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}"/>'
        f'<path class="series" d="{"".join(path)}"/>{marks}</svg>'
    )
