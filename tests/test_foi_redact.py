"""Officers' personal data out of published correspondence (foi/redact.py)."""

from __future__ import annotations

import pytest

from camwatch.foi.redact import EMAIL_MARK, NAME_MARK, PHONE_MARK, redact

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(
    "phone",
    ["0113 222 4444", "+44 113 222 4444", "(0113) 2224444", "020 8356 3000", "07700 900123"],
)
def test_phone_numbers_go(phone: str) -> None:
    assert redact(f"Call {phone} today.") == f"Call {PHONE_MARK} today."


def test_references_dates_and_counts_stay() -> None:
    text = "Ref FOI-2024-123, dated 03/06/2024: 241 cameras, 38 of them Hikvision (2019)."
    assert redact(text) == text


def test_personal_addresses_go_and_role_mailboxes_stay() -> None:
    text = "Write to j.smith@leeds.gov.uk or foi@leeds.gov.uk or Enquiries@leeds.gov.uk."
    assert redact(text) == f"Write to {EMAIL_MARK} or foi@leeds.gov.uk or Enquiries@leeds.gov.uk."


def test_sign_offs_and_known_names() -> None:
    text = "Jane Smith has checked the register.\n\nYours sincerely\n\nDr Jane Smith\nFOI Team"
    shown = redact(text, ["Jane Smith"])
    assert "Jane" not in shown
    assert shown.endswith(f"Yours sincerely\n\n{NAME_MARK}\nFOI Team")
    assert redact("Kind regards,\nThe FOI Team") == "Kind regards,\nThe FOI Team"
    assert redact("Regards,\nPlease see the attached letter.").endswith("attached letter.")
    assert redact("Council text", ["FOI Team"]) == "Council text"  # not a person's name
