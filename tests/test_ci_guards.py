"""CI must fail, not pass quietly, when the PostgreSQL or browser tests cannot run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_skipped_browser_test_fails_the_run_when_skips_are_forbidden() -> None:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-m",
        "browser",
        "-k",
        "phone",
    ]
    allowed = run(command, CAMWATCH_CHROMIUM="/nonexistent/chromium", CAMWATCH_FORBID_SKIPS="")
    assert allowed.returncode == 0, allowed.stdout
    assert "1 skipped" in allowed.stdout
    forbidden = run(command, CAMWATCH_CHROMIUM="/nonexistent/chromium", CAMWATCH_FORBID_SKIPS="1")
    assert forbidden.returncode == 1
    assert "CAMWATCH_FORBID_SKIPS: 1 tests were skipped" in forbidden.stdout


def test_an_unreachable_postgresql_fails_make_when_required() -> None:
    command = [
        "make",
        "-s",
        "test-postgres",
        "TEST_DATABASE_URL=postgres://nobody@127.0.0.1:9/none",
    ]
    optional = run(command, CAMWATCH_REQUIRE_POSTGRES="")
    assert optional.returncode == 0
    assert "PostgreSQL pass skipped" in optional.stdout
    required = run(command, CAMWATCH_REQUIRE_POSTGRES="1")
    assert required.returncode != 0
    assert "CAMWATCH_REQUIRE_POSTGRES is set" in required.stderr
