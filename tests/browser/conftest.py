"""Playwright driving Debian's headless Chromium against the served instance (the `site`
fixture in tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CAMWATCH_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium tries to reach Google's services at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("CAMWATCH_ARTIFACTS", REPO / "test-artifacts"))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, site: str) -> Iterator[object]:
    context = browser.new_context(base_url=site)  # type: ignore[attr-defined]
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def serious_axe_violations(browser: Any, site: str, path: str, ready: str = "") -> list[str]:
    """axe-core's serious and critical violations on a page (after `ready`, a selector,
    appears). axe is injected as an inline script, which the site's CSP rightly blocks."""
    context = browser.new_context(base_url=site, bypass_csp=True)
    page = context.new_page()
    page.goto(path)
    if ready:
        page.locator(ready).first.wait_for()
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    context.close()
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def add_superuser(env: dict[str, str], username: str, password: str) -> None:
    """A superuser in the camwatch of `env`, made by the CLI as an operator would."""
    from tests.conftest import _camwatch

    admin = {**env, "DJANGO_SUPERUSER_PASSWORD": password}
    _camwatch(admin, "manage", "createsuperuser", "--noinput", "--username", username,
              "--email", f"{username}@example.org")  # fmt: skip


def new_page(browser: Any, base: str) -> Any:
    """A page in a fresh context (its own cookies) with a patient default timeout."""
    page = browser.new_context(base_url=base).new_page()
    page.set_default_timeout(15_000)
    return page


def log_in(page: Any, username: str, password: str, then: str) -> None:
    """Sign in through the login form and land on `then`."""
    import re

    page.goto(f"/accounts/login/?next={then}")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(then) + "$"))
