"""Settings come from the environment only."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from camwatch.web.environment import ConfigurationError, env_bool, env_int, env_list, secret_key

PROBE = (
    "import json, django; from django.conf import settings; "
    "print(json.dumps({'debug': settings.DEBUG, 'db': str(settings.DATABASES['default']['NAME']), "
    "'engine': settings.DATABASES['default']['ENGINE'], 'hosts': settings.ALLOWED_HOSTS, "
    "'key': settings.SECRET_KEY, 'hsts': settings.SECURE_HSTS_SECONDS, "
    "'secure_cookie': settings.SESSION_COOKIE_SECURE, 'policy': settings.CAMWATCH_CONCERN_POLICY, "
    "'db_options': settings.DATABASES['default'].get('OPTIONS', {}), "
    "'request_line': settings.CAMWATCH_MAX_REQUEST_LINE}))"
)


def settings_with(env: dict[str, str]) -> dict[str, object]:
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "camwatch.web.settings"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_defaults_are_safe_and_local(tmp_path: Path) -> None:
    values = settings_with({"CAMWATCH_DATA_DIR": str(tmp_path)})
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db"] == str(tmp_path / "camwatch.sqlite3")
    assert values["hosts"] == ["127.0.0.1", "localhost", "[::1]"]
    assert values["hsts"] == 0
    assert values["policy"] == "uk-nil-2022"


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = settings_with({"CAMWATCH_DATA_DIR": str(tmp_path)})["key"]
    second = settings_with({"CAMWATCH_DATA_DIR": str(tmp_path)})["key"]
    assert first == second
    assert len(str(first)) >= 50
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_environment_overrides(tmp_path: Path) -> None:
    values = settings_with(
        {
            "CAMWATCH_DATA_DIR": str(tmp_path),
            "SECRET_KEY": "from-the-environment",
            "CAMWATCH_DEBUG": "yes",
            "DATABASE_URL": "postgres://u@db.example:5432/camwatch",
            "CAMWATCH_ALLOWED_HOSTS": "camwatch.example, www.camwatch.example",
            "CAMWATCH_HTTPS": "1",
            "CAMWATCH_CONCERN_POLICY": "ndaa-889",
        }
    )
    assert values["key"] == "from-the-environment"
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["hosts"] == ["camwatch.example", "www.camwatch.example"]
    assert values["hsts"] == 31536000
    assert values["secure_cookie"] is True
    assert values["policy"] == "ndaa-889"
    assert values["db_options"] == {"options": "-c jit=off"}
    assert not (tmp_path / "secret_key").exists()


def test_postgres_options_are_kept_and_jit_can_be_asked_for(tmp_path: Path) -> None:
    url = "postgres://u@db.example:5432/camwatch?options=-c%20statement_timeout%3D5000"
    base = {"CAMWATCH_DATA_DIR": str(tmp_path), "DATABASE_URL": url}
    off = settings_with(base)["db_options"]
    assert off == {"options": "-c statement_timeout=5000 -c jit=off"}
    on = settings_with({**base, "CAMWATCH_POSTGRES_JIT": "1"})["db_options"]
    assert on == {"options": "-c statement_timeout=5000"}


def test_request_line_limit_is_bounded(tmp_path: Path) -> None:
    base = {"CAMWATCH_DATA_DIR": str(tmp_path)}
    assert settings_with(base)["request_line"] == 4094
    assert settings_with({**base, "CAMWATCH_MAX_REQUEST_LINE": "8190"})["request_line"] == 8190
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "camwatch.web.settings",
             **base, "CAMWATCH_MAX_REQUEST_LINE": "9000"},
        timeout=60,
        check=False,
    )  # fmt: skip
    assert "CAMWATCH_MAX_REQUEST_LINE=9000 is above the maximum of 8190" in done.stderr


def test_parsers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ConfigurationError, match="X_BOOL='maybe' is not a boolean"):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ConfigurationError, match="not a whole number"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ConfigurationError, match="below the minimum of 1"):
        env_int("X_INT", 5, minimum=1)
    monkeypatch.setenv("X_LIST", "a, ,b")
    assert env_list("X_LIST", []) == ["a", "b"]


def test_two_processes_share_one_generated_key(tmp_path: Path) -> None:
    keys = {secret_key(tmp_path), secret_key(tmp_path)}
    assert len(keys) == 1
    assert not list(tmp_path.glob(".secret_key.*"))
