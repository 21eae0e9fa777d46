from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from camwatch.findings.arithmetic import (
    Fit,
    check_percent,
    decimals_of,
    denominators_for,
    fit,
    numerators_for,
)


def test_decimals_as_printed() -> None:
    assert decimals_of(Decimal("65.000")) == 0
    assert decimals_of(Decimal("73.200")) == 1
    assert decimals_of(Decimal("66.667")) == 3


@pytest.mark.parametrize(
    ("numerator", "denominator", "printed", "expected"),
    [
        (28, 43, "65", Fit.ROUNDED),  # Top10VPN
        (30, 43, "70", Fit.ROUNDED),
        (11, 36, "30", Fit.TRUNCATED),  # BSCC initial analysis
        (15, 43, "34.9", Fit.ROUNDED),  # BBW via the sonification
        (39, 47, "91", Fit.NEITHER),  # BSCC return rate on all 47
        (39, 43, "91", Fit.ROUNDED),  # ... on the 43 territorial forces
        (30, 52, "66.667", Fit.NEITHER),  # "two-thirds" of all 52
    ],
)
def test_fit(numerator: int, denominator: int, printed: str, expected: Fit) -> None:
    assert fit(numerator, denominator, Decimal(printed)) is expected


def test_impossible_under_rounding_but_fits_truncation() -> None:
    assert numerators_for(66, Decimal("66")) == {Fit.ROUNDED: [], Fit.TRUNCATED: [44]}
    assert numerators_for(73, Decimal("54")) == {Fit.ROUNDED: [], Fit.TRUNCATED: [40]}
    assert numerators_for(43, Decimal("65")) == {Fit.ROUNDED: [28], Fit.TRUNCATED: []}


def test_denominators_implied_by_a_printed_percentage() -> None:
    assert denominators_for(251, Decimal("75"), 10_000) == [333, 334, 335, 336]
    assert 344 in denominators_for(251, Decimal("73"), 10_000)


def test_explanations() -> None:
    assert check_percent(11, 36, Decimal("30")).explain() == (
        "11/36 = 30.56%, printed 30%: truncated, where rounding gives 31%"
    )
    assert "neither rounds nor truncates" in check_percent(39, 47, Decimal("91")).explain()


@given(
    st.integers(1, 2000).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d))),
    st.integers(0, 2),
)
def test_the_rounded_value_always_fits(pair: tuple[int, int], places: int) -> None:
    numerator, denominator = pair
    printed = (Decimal(100 * numerator) / denominator).quantize(
        Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP"
    )
    assert fit(numerator, denominator, printed) is Fit.ROUNDED
    assert numerator in numerators_for(denominator, printed)[Fit.ROUNDED]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 1500), st.integers(0, 100), st.integers(0, 2))
def test_numerators_for_is_exactly_the_numerators_that_fit(
    denominator: int, whole: int, places: int
) -> None:
    printed = Decimal(whole).quantize(Decimal(1).scaleb(-places))
    found = numerators_for(denominator, printed)
    for how in (Fit.ROUNDED, Fit.TRUNCATED):
        expected = [n for n in range(denominator + 1) if fit(n, denominator, printed) is how]
        assert found[how] == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.integers(1, 99))
def test_denominators_for_finds_every_rounding_base(numerator: int, whole: int) -> None:
    # Independent oracle: half-up rounding to a whole percent means
    # whole - 1/2 <= 100n/d < whole + 1/2, i.e. (2w - 1)d <= 200n < (2w + 1)d.
    expected = [
        d
        for d in range(max(numerator, 1), 5_001)
        if (2 * whole - 1) * d <= 200 * numerator < (2 * whole + 1) * d
    ]
    assert denominators_for(numerator, Decimal(whole), 5_000) == expected
