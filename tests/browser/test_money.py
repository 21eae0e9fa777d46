"""A body's money trail in a real browser: from the body page to its contracts, the
integrator and the manufacturer behind them; and a contradicted policy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import serious_axe_violations

pytestmark = pytest.mark.browser


def test_hammersmith_money_trail_to_its_integrator(page: Any, artifacts: Path) -> None:
    page.goto("/bodies/hammersmith-and-fulham/")
    on_body_page = page.get_by_role("region", name="Money trail")
    assert "GBP 492,000" in on_body_page.inner_text()
    full = "The full money trail of Hammersmith & Fulham Council"
    on_body_page.get_by_role("link", name=full).click()
    page.wait_for_url(re.compile(r"/bodies/hammersmith-and-fulham/money/$"))
    contracts = page.get_by_role(
        "table", name="Suppliers, integrators and the manufacturers behind them"
    )
    row = contracts.locator("tr#contract-hammersmith-and-fulham-chroma-vision-2015")
    assert "GBP 492,000" in row.inner_text()
    assert "2015 to 2020" in row.inner_text()
    page.screenshot(path=str(artifacts / "money-hammersmith-and-fulham.png"), full_page=True)

    row.get_by_role("link", name="Chroma Vision Limited").first.click()
    page.wait_for_url(re.compile(r"/organisations/chroma-vision/$"))
    supplies = page.locator("main").inner_text()
    assert "Chroma Vision Limited integrates systems from Hikvision" in supplies
    page.get_by_role("link", name="Hikvision").first.click()
    page.wait_for_url(re.compile(r"/vendors/hikvision/$"))


def test_camden_policy_contradiction_is_shown(page: Any) -> None:
    page.goto("/money/")
    page.locator("#contradictions-heading + ul").get_by_role("link", name="camden").click()
    page.wait_for_url(re.compile(r"/bodies/camden/money/$"))
    note = page.get_by_role("note")
    assert "Hikvision digital video recorder (DVR) in use as of February 2021" in note.inner_text()


@pytest.mark.parametrize("path", ["/money/", "/bodies/hammersmith-and-fulham/money/", "/policies/"])
def test_money_pages_pass_axe(browser: Any, site: str, path: str) -> None:
    assert serious_axe_violations(browser, site, path) == []
