"""ISO 4217 currency codes (camwatch.money.currency): no Django, no database."""

from __future__ import annotations

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from camwatch.money import currency
from camwatch.money.currency import CurrencyError, check_currency

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(
    ("code", "expected"),
    [("GBP", "GBP"), ("gbp", "GBP"), ("Eur", "EUR"), (" USD ", "USD"), ("chf", "CHF")],
)
def test_known_codes_come_back_upper_cased(code: str, expected: str) -> None:
    assert check_currency(code) == expected


def test_an_unknown_code_is_refused_by_name() -> None:
    with pytest.raises(CurrencyError) as raised:
        check_currency("XYZ")
    assert str(raised.value) == "unknown currency 'XYZ' (not an ISO 4217 code)"


@pytest.mark.parametrize(
    "code", ["", "   ", "GB", "GBPP", "£", "G8P", "\uff27\uff22\uff30", "GPB", "UKP"]
)
def test_anything_else_is_refused(code: str) -> None:
    with pytest.raises(CurrencyError, match="not an ISO 4217 code"):
        check_currency(code)


def test_a_currency_error_is_a_value_error() -> None:
    # Callers that validate with pydantic rely on this: a ValueError is a validation error.
    assert issubclass(CurrencyError, ValueError)


def test_every_code_pycountry_knows_is_accepted() -> None:
    codes = [c.alpha_3 for c in pycountry.currencies]
    assert "GBP" in codes
    assert all(check_currency(code.lower()) == code for code in codes)


def test_lookups_are_cached_and_the_cache_stays_small() -> None:
    currency._in_standard.cache_clear()
    for _ in range(3):
        check_currency("GBP")
    for junk in ("x" * 50, "1234", "££££"):
        with pytest.raises(CurrencyError):
            check_currency(junk)
    info = currency._in_standard.cache_info()
    assert (info.hits, info.currsize) == (2, 1)  # junk never reaches the cache


@given(st.text(max_size=8))
def test_any_text_is_a_code_or_a_currency_error(text: str) -> None:
    try:
        code = check_currency(text)
    except CurrencyError:
        return
    assert len(code) == 3
    assert pycountry.currencies.get(alpha_3=code) is not None
