"""The claims ledger's judgement: does the registry reproduce a published figure?

Three answers, as the issue of record asks:
- match: every figure the claim prints is recomputed from complete records, and any
  printed percentage is the rounded value of them;
- mismatch: a recomputed figure differs, or the percentage cannot come from its own
  figures as printed; with the likely cause (a different base, rounding versus
  truncation, an update after publication, parts that do not add up to a total);
- not reproducible: the registry lacks the records (targets not identified, outcomes
  not recorded, data of a kind camwatch does not hold yet).

Pure Python: the Django side (reproduce.py) recomputes the figures and hands them in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from camwatch.findings.arithmetic import Fit, check_percent, numerators_for, plain


class Status(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    NOT_REPRODUCIBLE = "not_reproducible"


@dataclass(frozen=True)
class Figure:
    """A recomputed figure; incomplete figures are lower bounds, with the gaps named."""

    value: int
    complete: bool
    how: str
    gaps: tuple[str, ...] = ()

    def text(self) -> str:
        return f"{self.value:,}" if self.complete else f"at least {self.value:,}"


@dataclass(frozen=True)
class Published:
    key: str
    value: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    percent: Decimal | None = None
    corrected_by: str = ""

    def text(self) -> str:
        if self.numerator is not None and self.denominator:
            shown = f"{self.numerator:,} of {self.denominator:,}"
        elif self.numerator is not None:
            shown = f"{self.numerator:,}"
        elif self.value is not None:
            shown = f"{self.value.normalize():,f}"
        elif self.denominator:
            shown = f"? of {self.denominator:,}"
        else:
            shown = ""
        if self.percent is not None:
            percent = f"{plain(self.percent)}%"
            shown = f"{shown} ({percent})" if shown else percent
        return shown or "no figure"


@dataclass(frozen=True)
class Recomputed:
    numerator: Figure | None = None
    denominator: Figure | None = None
    value: Figure | None = None
    unavailable: str = ""
    answered_after_publication: int = 0

    def text(self) -> str:
        if self.unavailable:
            return "not recomputable"
        parts = []
        if self.value:
            parts.append(self.value.text())
        if self.numerator and self.denominator:
            parts.append(f"{self.numerator.text()} of {self.denominator.text()}")
        elif self.numerator:
            parts.append(self.numerator.text())
        elif self.denominator:
            parts.append(f"? of {self.denominator.text()}")
        return "; ".join(parts) or "nothing recomputed"


@dataclass(frozen=True)
class Judgement:
    status: Status
    published: str
    recomputed: str
    cause: str = ""
    detail: str = ""


@dataclass
class _Case:
    published: Published
    recomputed: Recomputed
    alternatives: Mapping[str, int]
    notes: list[str] = field(default_factory=list)

    def done(self, status: Status, cause: str = "") -> Judgement:
        return Judgement(
            status=status,
            published=self.published.text(),
            recomputed=self.recomputed.text(),
            cause=cause,
            detail=" ".join(self.notes),
        )


def judge(
    published: Published, recomputed: Recomputed, alternatives: Mapping[str, int] | None = None
) -> Judgement:
    """Compare a claim as printed with its recomputation from the registry."""
    case = _Case(published, recomputed, alternatives or {})
    pairs = _pairs(published, recomputed)
    differing = [
        (name, printed, figure) for name, printed, figure in pairs if _differs(printed, figure)
    ]
    if differing:
        return case.done(Status.MISMATCH, _cause_of_difference(case, differing))
    percent_cause = _percent_cause(case)
    if percent_cause:
        return case.done(Status.MISMATCH, percent_cause)
    if recomputed.unavailable:
        case.notes.insert(0, recomputed.unavailable + ".")
        return case.done(Status.NOT_REPRODUCIBLE)
    gaps = [gap for _name, _printed, figure in pairs if figure for gap in figure.gaps]
    if not pairs or any(figure is None for _, _, figure in pairs) or gaps:
        case.notes.insert(
            0, ("; ".join(dict.fromkeys(gaps)) or "nothing in the registry recomputes it") + "."
        )
        return case.done(Status.NOT_REPRODUCIBLE)
    return case.done(Status.MATCH)


def _pairs(
    published: Published, recomputed: Recomputed
) -> list[tuple[str, Decimal, Figure | None]]:
    """The printed figures beside their recomputations."""
    pairs: list[tuple[str, Decimal, Figure | None]] = []
    if published.value is not None:
        pairs.append(("value", published.value, recomputed.value))
    if published.numerator is not None:
        pairs.append(("numerator", Decimal(published.numerator), recomputed.numerator))
    if published.denominator is not None:
        pairs.append(("denominator", Decimal(published.denominator), recomputed.denominator))
    return pairs


def _differs(printed: Decimal, figure: Figure | None) -> bool:
    if figure is None:
        return False
    if figure.complete:
        return Decimal(figure.value) != printed
    return Decimal(figure.value) > printed  # records alone already exceed the claim


def _cause_of_difference(case: _Case, differing: list[tuple[str, Decimal, Figure | None]]) -> str:
    for name, printed, figure in differing:
        assert figure is not None
        how = f"{name}: printed {plain(printed)}, recomputed {figure.text()} ({figure.how})"
        case.notes.append(how + ".")
    published, recomputed = case.published, case.recomputed
    if published.corrected_by:
        return f"an update after publication: corrected by claim {published.corrected_by}"
    denominator = next((f for n, _, f in differing if n == "denominator"), None)
    if (
        denominator is not None
        and recomputed.answered_after_publication
        and published.denominator is not None
        and denominator.value - published.denominator == recomputed.answered_after_publication
    ):
        return "an update after publication: bodies that answered after it"
    if any("parts" in (figure.how if figure else "") for _, _, figure in differing):
        return "a published total that differs from the sum of its disclosed parts"
    if any(figure is not None and not figure.complete for _, _, figure in differing):
        return "the registry records more than was published"
    return "different figures in the registry"


def _percent_cause(case: _Case) -> str:
    """Whether the printed percentage follows from the claim's figures."""
    published, recomputed = case.published, case.recomputed
    if published.percent is None:
        return ""
    numerator = _known(published.numerator, recomputed.numerator)
    denominator = _known(published.denominator, recomputed.denominator)
    if numerator is not None and denominator:
        return _percent_of(case, numerator, denominator)
    if denominator and numerator is None:
        return _impossible_over(case, denominator)
    return ""


def _known(printed: int | None, figure: Figure | None) -> int | None:
    if figure is not None and figure.complete:
        return figure.value
    return printed


def _percent_of(case: _Case, numerator: int, denominator: int) -> str:
    percent = case.published.percent
    assert percent is not None
    checked = check_percent(numerator, denominator, percent)
    if checked.fit is Fit.ROUNDED:
        case.notes.append(checked.explain() + ".")
        return ""
    case.notes.append(checked.explain() + ".")
    if checked.fit is Fit.TRUNCATED:
        return "rounding versus truncation"
    for label, base in case.alternatives.items():
        if (
            base
            and base >= numerator
            and check_percent(numerator, base, percent).fit is Fit.ROUNDED
        ):
            case.notes.append(f"{numerator}/{base} ({label}) rounds to {plain(percent)}%.")
            return f"a different base: {label} ({base})"
    return "a percentage that does not follow from its figures"


def _impossible_over(case: _Case, denominator: int) -> str:
    percent = case.published.percent
    assert percent is not None
    fits = numerators_for(denominator, percent)
    shown = f"{plain(percent)}%"
    if fits[Fit.ROUNDED]:
        return ""
    if fits[Fit.TRUNCATED]:
        case.notes.append(
            f"No whole number of {denominator} rounds to {shown}; "
            f"{', '.join(map(str, fits[Fit.TRUNCATED]))} truncates to it."
        )
        return "rounding versus truncation"
    case.notes.append(f"No whole number of {denominator} gives {shown}, rounded or truncated.")
    return "a percentage that no count over its base can give"
