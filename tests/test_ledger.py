"""The ledger's judgement, on figures built by hand."""

from decimal import Decimal

import pytest

from camwatch.findings.ledger import Figure, Published, Recomputed, Status, judge

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb

EXACT = "count of targets"


def fig(value: int, complete: bool = True, how: str = EXACT, gaps: tuple[str, ...] = ()) -> Figure:
    return Figure(value, complete, how, gaps if not complete else ())


def test_match_when_every_printed_figure_is_recomputed_and_rounds() -> None:
    result = judge(
        Published("c", numerator=28, denominator=43, percent=Decimal("65")),
        Recomputed(numerator=fig(28), denominator=fig(43)),
    )
    assert result.status is Status.MATCH
    assert (result.published, result.recomputed) == ("28 of 43 (65%)", "28 of 43")


def test_truncation_is_a_mismatch_with_its_cause() -> None:
    result = judge(
        Published("c", numerator=11, denominator=36, percent=Decimal("30")),
        Recomputed(
            numerator=fig(11), denominator=fig(14, complete=False, gaps=("outcomes missing",))
        ),
    )
    assert result.status is Status.MISMATCH
    assert result.cause == "rounding versus truncation"
    assert "rounding gives 31%" in result.detail


def test_a_different_base_is_found_among_the_alternatives() -> None:
    result = judge(
        Published("c", numerator=39, percent=Decimal("91")),
        Recomputed(denominator=fig(47)),
        {"all bodies asked": 47, "territorial forces": 43},
    )
    assert result.status is Status.MISMATCH
    assert result.cause == "a different base: territorial forces (43)"


def test_parts_that_do_not_add_up() -> None:
    result = judge(
        Published("c", value=Decimal("612")),
        Recomputed(value=fig(611, how="sum of the disclosed parts")),
    )
    assert result.status is Status.MISMATCH
    assert result.cause == "a published total that differs from the sum of its disclosed parts"


def test_a_corrected_claim_is_an_update_after_publication() -> None:
    result = judge(Published("c", numerator=2, corrected_by="later"), Recomputed(numerator=fig(0)))
    assert result.cause == "an update after publication: corrected by claim later"


def test_bodies_answering_after_publication_explain_a_larger_base() -> None:
    result = judge(
        Published("c", numerator=28, denominator=43),
        Recomputed(numerator=fig(28), denominator=fig(44), answered_after_publication=1),
    )
    assert result.cause == "an update after publication: bodies that answered after it"


def test_incomplete_records_are_not_reproducible_unless_they_already_exceed() -> None:
    gaps = ("19 of the 52 bodies asked are not identified",)
    lower = judge(
        Published("c", value=Decimal("52")), Recomputed(value=fig(33, complete=False, gaps=gaps))
    )
    assert lower.status is Status.NOT_REPRODUCIBLE
    assert lower.detail.startswith("19 of the 52 bodies asked are not identified.")
    over = judge(
        Published("c", value=Decimal("30")), Recomputed(value=fig(33, complete=False, gaps=gaps))
    )
    assert over.status is Status.MISMATCH
    assert over.cause == "the registry records more than was published"


def test_unavailable_data_is_not_reproducible_but_impossible_print_is_a_mismatch() -> None:
    missing = judge(
        Published("c", value=Decimal("254529")), Recomputed(unavailable="no scan records")
    )
    assert missing.status is Status.NOT_REPRODUCIBLE
    assert missing.detail == "no scan records."
    impossible = judge(
        Published("c", denominator=66, percent=Decimal("66")),
        Recomputed(unavailable="no per-college data"),
    )
    assert impossible.status is Status.MISMATCH
    assert impossible.cause == "rounding versus truncation"
    assert "44 truncates" in impossible.detail


def test_no_recipe_is_not_reproducible() -> None:
    assert judge(Published("c", value=Decimal("1")), Recomputed()).status is Status.NOT_REPRODUCIBLE
