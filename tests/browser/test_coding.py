"""Coding a reply end to end in a real browser: upload a PDF, accept one suggestion and
edit another from the keyboard, then find the new Holding on the body's page, cited to
the reply, whose published copy has the officer's details removed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.coding_corpus import render_bytes
from tests.browser.conftest import add_superuser, log_in, new_page
from tests.conftest import serving, site_environment

pytestmark = pytest.mark.browser

REPLY = {
    "title": "Freedom of Information request FOI/2024/0077",
    "paragraphs": [
        "Date: 9 April 2024",
        "Dear Requester,",
        "Your request has been considered under the Freedom of Information Act 2000.",
        "The Council's CCTV cameras and recorders are listed below.",
        "Kind regards,",
        "Priya Natarajan",
        "priya.natarajan@camden.gov.uk",
    ],
    "tables": [{"rows": [["Make", "Model", "Qty"], ["Hikvision", "DS-2CD2143G0-I", "40"],
                         ["Dahua", "NVR4208-8P-4KS2", "2"]]}],
}  # fmt: skip


@pytest.fixture(scope="module")
def coding_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("coding-site")
    env = site_environment(folder)
    add_superuser(env, "coder", "coder-password-1")
    reply = folder / "camden-reply.pdf"
    reply.write_bytes(render_bytes(REPLY, "pdf", "b01-camden"))
    with serving(env, folder, workers=1) as base:
        yield base, reply


def _select(page: Any, text: str) -> None:
    """Move the keyboard selection to the suggestion whose value contains `text`."""
    items = page.locator("[data-suggestion]")
    values = [items.nth(i).locator(".suggestion-value").inner_text() for i in range(items.count())]
    target = next(i for i, value in enumerate(values) if text in value)
    current = next(
        i for i in range(items.count()) if "current" in (items.nth(i).get_attribute("class") or "")
    )
    key = "j" if target >= current else "k"
    for _ in range(abs(target - current)):
        page.keyboard.press(key)
    assert "current" in items.nth(target).get_attribute("class")


def test_code_a_reply_from_upload_to_holding(
    browser: Any, coding_site: tuple[str, Path], artifacts: Path
) -> None:
    base, reply = coding_site
    page = new_page(browser, base)
    log_in(page, "coder", "coder-password-1", then="/coding/")

    page.get_by_label("Files").set_input_files(str(reply))
    page.get_by_label("Public body").select_option("camden")
    page.get_by_role("button", name="Read and suggest").click()
    page.wait_for_url(re.compile(r"/coding/\d+/$"))
    assert page.locator("mark.evidence").count() > 3

    _select(page, "count: 40")
    marked = page.locator("mark.evidence.current").all_inner_texts()
    assert any("40" in text for text in marked)  # the evidence lights up beside it
    page.keyboard.press("a")
    page.wait_for_load_state()
    accepted = page.locator("[data-suggestion]", has_text="count: 40")
    assert "40 Hikvision cameras" in accepted.inner_text()

    _select(page, "count: 2")
    page.keyboard.press("e")
    field = page.locator(".suggestion.current input[name=edit-count]")
    field.fill("3")
    field.press("Enter")
    page.wait_for_load_state()
    edited = page.locator("[data-suggestion]", has_text="count: 2")
    assert "accepted with edits" in edited.inner_text()
    assert "3 Dahua" in edited.inner_text()
    page.screenshot(path=str(artifacts / "coding-review.png"), full_page=True)

    accepted.get_by_role("link", name="view holding").click()
    page.wait_for_url(re.compile(r"/bodies/camden/"))
    row = page.locator("tr", has_text="40 Hikvision cameras").first
    assert row.is_visible()
    row.locator("td.sources a").first.click()
    page.wait_for_url(re.compile(r"/sources/reply-"))
    page.get_by_role("link", name="Read the reply camden-reply.pdf").click()
    text = page.locator("main").inner_text()
    assert "DS-2CD2143G0-I" in text
    assert "Priya Natarajan" not in text
    assert "priya.natarajan@" not in text
    page.screenshot(path=str(artifacts / "coding-public.png"), full_page=True)
