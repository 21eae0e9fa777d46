"""`findings audit`: every claim and every check at once, over worker processes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from camwatch.findings.audit import audit
from camwatch.findings.checks import run_checks
from camwatch.findings.reproduce import reproduce

pytestmark = pytest.mark.django_db


def test_audit_gives_what_reproduce_and_check_give() -> None:
    result = audit(workers=2)  # inside the test's transaction: runs in this process
    assert result.claims == reproduce()
    assert result.findings == run_checks()


def _audit_json(env: dict[str, str], workers: int) -> dict[str, object]:
    command = [sys.executable, "-m", "camwatch", "findings", "audit", "--json"]
    output = subprocess.run(
        [*command, "--workers", str(workers)],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    ).stdout
    return json.loads(output)


def test_worker_processes_give_the_same_report(scratch_registry: dict[str, str]) -> None:
    alone = _audit_json(scratch_registry, workers=1)
    spread = _audit_json(scratch_registry, workers=3)
    assert spread == alone
    assert alone["summary"] == {"match": 8, "mismatch": 9, "not_reproducible": 73}
    messages = [finding["message"] for finding in alone["findings"]]  # type: ignore[union-attr]
    assert any("612" in message and "611" in message for message in messages)
