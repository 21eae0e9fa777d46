"""The public site in a real browser, against a real `camwatch serve`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import serious_axe_violations

pytestmark = pytest.mark.browser


def test_search_hammersmith_to_its_cameras_and_their_source(page: Any, artifacts: Path) -> None:
    page.goto("/")
    page.get_by_label("Search public bodies").fill("Hammersmith")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Hammersmith & Fulham Council").click()
    page.wait_for_url(re.compile(r"/bodies/hammersmith-and-fulham/$"))
    holdings = page.locator("table.holdings")
    assert "1,790 Hikvision cameras" in holdings.inner_text()
    page.screenshot(path=str(artifacts / "hammersmith-and-fulham.png"), full_page=True)

    with page.expect_navigation():
        holdings.get_by_role("link", name="Top10VPN").click()
    assert page.url.endswith("/sources/top10vpn-uk-video-surveillance-2021/")
    assert page.locator("h1").inner_text() == "UK Video Surveillance Investigation"
    external = page.locator("a.source-url")
    assert (
        external.get_attribute("href")
        == "https://www.top10vpn.com/research/uk-video-surveillance-investigation/"
    )
    assert "Hammersmith & Fulham Council alone disclosed" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts / "source-top10vpn.png"), full_page=True)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/bodies/?q=cambridge",
        "/bodies/3c-shared-services/",
        "/vendors/hikvision/",
        "/investigations/top10vpn-2020-councils/",
        "/claims/",
        "/sources/sonification-2023-3c-652-devices/",
        "/about/",
        "/findings/",
    ],
)
def test_pages_pass_axe_accessibility_checks(browser: Any, site: str, path: str) -> None:
    assert serious_axe_violations(browser, site, path) == []


def test_phone_width_has_no_sideways_scroll(browser: Any, site: str, artifacts: Path) -> None:
    context = browser.new_context(
        base_url=site, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    page = context.new_page()
    for path in ("/", "/bodies/hammersmith-and-fulham/"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    page.screenshot(path=str(artifacts / "phone-body.png"), full_page=True)
    context.close()


def test_keyboard_and_progressive_enhancement(page: Any) -> None:
    page.goto("/bodies/")
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.id") == "site-search"
    with page.expect_navigation():
        page.get_by_label("Nation").select_option("wales")
    assert "nation=wales" in page.url
    # 22 councils and 4 police forces.
    assert "26 bodies" in page.locator("main").inner_text()


def test_styles_load_and_nothing_leaves_the_machine(page: Any, site: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/vendors/")
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert colour == "rgb(27, 31, 35)"
    assert requested
    assert [url for url in requested if not url.startswith(site)] == []


def test_data_links_answer(page: Any) -> None:
    page.goto("/bodies/hammersmith-and-fulham/")
    json_href = page.get_by_role("link", name="JSON").get_attribute("href")
    response = page.request.get(json_href)
    assert response.ok
    assert response.json()["holdings"][0]["count"] == 1790
    csv_href = page.get_by_role("link", name="CSV").get_attribute("href")
    assert page.request.get(csv_href).text().startswith("key,body,")


def test_a_charts_data_table_opens(page: Any, artifacts: Path) -> None:
    page.goto("/findings/")
    section = page.locator("section#changes")
    table = section.locator("details.data-table table")
    assert not table.is_visible()
    section.get_by_text("Data table").click()
    assert table.is_visible()
    assert "Cambridge City Council" in table.inner_text()
    assert "27" in table.inner_text()
    page.screenshot(path=str(artifacts / "findings.png"), full_page=True)
