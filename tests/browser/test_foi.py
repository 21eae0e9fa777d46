"""The FOI campaign dashboard in a real browser, against a real `camwatch serve` whose
campaign went out through a live SMTP server and whose replies were imported as .eml."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from tests.browser.conftest import add_superuser
from tests.conftest import _camwatch, _free_port, serving, site_environment
from tests.foi_replies import reply
from tests.mailservers import SmtpServer

pytestmark = pytest.mark.browser

SPEC = """
slug: cctv-dashboard
title: Council CCTV makers
requester_name: A. Researcher
owner: owner
embargo_until: 2999-01-01
targets:
  csv: targets.csv
templates:
  - group: local-authority
    subject: "CCTV manufacturers"
    body: "Dear {body_name}, under the {law}: who made your cameras? {requester_name}"
"""
BODIES = {"camden": "provided", "hackney": "refused", "islington": None, "leeds": "ncnd"}


def _prepare(folder: Path, env: dict[str, str]) -> None:
    """A campaign sent through a live SMTP server, and replies to three of the requests."""
    smtp = SmtpServer(_free_port())
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp.port)
    controller.start()
    try:
        rows = "".join(f"{slug},foi@{slug}.gov.example\n" for slug in BODIES)
        (folder / "targets.csv").write_text("body,email\n" + rows)
        (folder / "campaign.yaml").write_text(SPEC)
        _camwatch(env, "foi", "campaign", str(folder / "campaign.yaml"))
        _camwatch({**env, "CAMWATCH_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}"}, "foi", "send",
                  "cctv-dashboard")  # fmt: skip
    finally:
        controller.stop()
    assert len(smtp.received) == len(BODIES)
    replies = []
    for envelope in smtp.received:
        slug = envelope.recipients[0].split("@")[1].split(".")[0]
        if BODIES[slug]:
            path = folder / f"{slug}.eml"
            path.write_bytes(
                reply(envelope.data, BODIES[slug], attachment=BODIES[slug] == "provided")
            )
            replies.append(str(path))
    _camwatch(env, "foi", "import-mail", *replies)


@pytest.fixture(scope="module")
def foi_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("foi-site")
    env = {**site_environment(folder), "CAMWATCH_FOI_MAILBOX": "foi@campaigns.example"}
    add_superuser(env, "owner", "owner-password-1")
    _prepare(folder, env)
    with serving(env, folder, workers=1) as base:
        yield base


def test_the_campaign_dashboard(browser: Any, foi_site: str, artifacts: Path) -> None:
    context = browser.new_context(base_url=foi_site)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/foi/")
    assert "Council CCTV makers" not in page.locator("main").inner_text()  # under embargo
    assert page.request.get(f"{foi_site}/foi/cctv-dashboard/").status == 404

    page.get_by_role("link", name="log in").click()
    page.get_by_label("User name").fill("owner")
    page.get_by_label("Password").fill("owner-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/foi/$"))
    page.get_by_role("link", name="Council CCTV makers").click()
    page.wait_for_url(re.compile(r"/foi/cctv-dashboard/$"))
    assert "Under embargo until 2999-01-01" in page.locator("main").inner_text()

    progress = page.locator("ul.progress")
    for label in ("Successful", "Refused", "Neither confirmed nor denied", "Awaiting response"):
        bar = progress.get_by_role("progressbar", name=re.compile(f"^{label}: 1 of 4"))
        assert bar.get_attribute("value") == "1"
    page.screenshot(path=str(artifacts / "foi-dashboard.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV, one row per request").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = {row["body_slug"]: row["state"] for row in csv.DictReader(io.StringIO(text))}
    assert rows == {
        "camden": "successful", "hackney": "rejected", "islington": "waiting_response",
        "leeds": "neither_confirm_nor_deny",
    }  # fmt: skip

    page.get_by_role("link", name="Hackney Council").first.click()
    page.wait_for_url(re.compile(r"/foi/requests/CW-\d+-\d+/$"))
    assert page.locator("#request-status").inner_text() == "Refused"
    timeline = page.locator("#timeline").inner_text()
    assert "waiting_response → rejected" in timeline
    assert "section 24" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts / "foi-request.png"), full_page=True)
    context.close()
