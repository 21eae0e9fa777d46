"""SVG charts drawn on the server for the findings pages: bars, shares with their
intervals, and ranges. Readable without JavaScript, printable, and each one carries
a text title that says what it shows; labels are escaped here. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 880
LABEL_WIDTH = 260
TEXT_WIDTH = 330
ROW = 30
TOP = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    href: str = ""
    open_ended: bool = False


@dataclass(frozen=True)
class Interval:
    label: str
    share: float
    low: float
    high: float
    text: str
    href: str = ""


def _frame(title: str, rows: int, body: str) -> str:
    height = TOP * 2 + ROW * max(rows, 1)
    # A chart with links is a group of controls, not a picture: role="img" may not hold them.
    role = "group" if "<a " in body else "img"
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="{role}" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _label(text: str, href: str, y: float) -> str:
    inner = f'<text x="{LABEL_WIDTH - 8}" y="{y:.1f}" text-anchor="end">{escape(text)}</text>'
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def _plot_width() -> int:
    return WIDTH - LABEL_WIDTH - TEXT_WIDTH


def bar_chart(bars: list[Bar], title: str) -> str:
    """Horizontal bars scaled to the largest; an open-ended bar (a lower bound) trails
    off in a dashed line."""
    top = max((bar.value for bar in bars), default=0) or 1
    parts = []
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        length = _plot_width() * bar.value / top
        parts.append(_label(bar.label, bar.href, y + ROW * 0.62))
        parts.append(
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 6}" '
            f'width="{length:.1f}" height="{ROW - 12}"/>'
        )
        if bar.open_ended:
            end = LABEL_WIDTH + length
            middle = y + ROW / 2
            parts.append(
                f'<line class="open" x1="{end:.1f}" y1="{middle}" '
                f'x2="{end + 24:.1f}" y2="{middle}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + (30 if bar.open_ended else 6):.1f}" '
            f'y="{y + ROW * 0.62:.1f}">{escape(bar.text)}</text>'
        )
    return _frame(title, len(bars), "".join(parts))


def interval_chart(rows: list[Interval], title: str) -> str:
    """Shares from 0 to 100%, each a dot on its interval."""
    left, width = LABEL_WIDTH, _plot_width()
    axis = "".join(
        f'<line class="grid" x1="{left + width * tick / 100:.1f}" y1="{TOP / 2}" '
        f'x2="{left + width * tick / 100:.1f}" y2="{TOP + ROW * len(rows)}"/>'
        for tick in (0, 25, 50, 75, 100)
    )
    parts = [axis]
    for index, row in enumerate(rows):
        y = TOP + index * ROW + ROW / 2
        x_low, x_high = left + width * row.low, left + width * row.high
        parts.append(_label(row.label, row.href, y + 4))
        parts.append(
            f'<line class="interval" x1="{x_low:.1f}" y1="{y}" x2="{x_high:.1f}" y2="{y}"/>'
        )
        parts.append(f'<circle cx="{left + width * row.share:.1f}" cy="{y}" r="5"/>')
        parts.append(f'<text x="{left + width + 8}" y="{y + 4}">{escape(row.text)}</text>')
    return _frame(title, len(rows), "".join(parts))
