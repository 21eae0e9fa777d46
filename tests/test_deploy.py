"""`camwatch manage check --deploy` is clean under production settings, and the settings it
checks are what the documentation says."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PRODUCTION = {
    "CAMWATCH_HTTPS": "1",
    "CAMWATCH_ALLOWED_HOSTS": "camwatch.example.org",
}


def check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        **PRODUCTION,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "CAMWATCH_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    }
    env.pop("CAMWATCH_DEBUG", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [
        sys.executable,
        "-m",
        "camwatch",
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    ]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    done = check_deploy(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_without_https_the_check_complains(tmp_path: Path) -> None:
    done = check_deploy(tmp_path, CAMWATCH_HTTPS="0")
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECURE_HSTS_SECONDS", "31536000"),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "True"),
        ("SECURE_HSTS_PRELOAD", "True"),
        ("SESSION_COOKIE_SECURE", "True"),
        ("CSRF_COOKIE_SECURE", "True"),
        ("SECURE_SSL_REDIRECT", "True"),
        ("DEBUG", "False"),
    ],
)
def test_production_settings(tmp_path: Path, name: str, value: str) -> None:
    env = {**os.environ, **PRODUCTION, "CAMWATCH_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = f"import camwatch.web.settings as s; print(s.{name})"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == value
