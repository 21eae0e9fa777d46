"""Shared fixtures. The bundled dataset is loaded once per test database (per xdist
worker); each test then runs inside a transaction that is rolled back."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from tests.ports import free_port, serving

from camwatch.registry.loader.run import bundled_data_dir, load_data

REPO = Path(__file__).resolve().parent.parent
# Live SMTP and IMAP servers on loopback for the FOI tests.
pytest_plugins = ["tests.mailservers"]


# A real camwatch, migrated, loaded and served by `camwatch serve` in a subprocess, for
# the browser tests and the API fuzzing (markers browser and served).


def _free_port() -> int:
    return free_port()


def _camwatch(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "camwatch", *args], env=env, check=True, timeout=300)


def site_environment(data_dir: Path) -> dict[str, str]:
    """A camwatch of its own: a data directory, migrated and loaded with the bundled data.
    The limit on data requests is off: the browser tests and the API fuzzing ask for far
    more than a person would (tests/test_throttling.py tests the limit)."""
    env = {
        **os.environ,
        "CAMWATCH_DATA_DIR": str(data_dir),
        "DATABASE_URL": "",
        "CAMWATCH_DATA_REQUESTS_PER_MINUTE": "0",
        # The browser tests contribute and review, then look at the map at once.
        "CAMWATCH_MAP_REFRESH_SECONDS": "0",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _camwatch(env, "manage", "migrate", "--noinput", "-v0")
    _camwatch(env, "load-data")
    return env


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("site")
    with serving(site_environment(data_dir), data_dir) as base:
        yield base


@pytest.fixture
def scratch_registry(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a camwatch with a database of its own, migrated and loaded by
    the CLI in subprocesses: for what must see committed data from other processes. In
    the PostgreSQL pass the database is a scratch PostgreSQL database, dropped after."""
    env = {**os.environ, "CAMWATCH_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    scratch = None
    if connection.vendor == "postgresql":
        scratch = f"camwatch_scratch_{os.getpid()}_{time.monotonic_ns()}"
        _postgres_admin(f'CREATE DATABASE "{scratch}"')
        settings = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{scratch}"
        )
    try:
        _camwatch(env, "manage", "migrate", "--noinput", "-v0")
        _camwatch(env, "load-data")
        yield env
    finally:
        if scratch:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _postgres_admin(statement: str) -> None:
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(statement)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_data()


@pytest.fixture(autouse=True)
def _suite_settings(settings: Any) -> None:
    """The suite asks one process for thousands of .json pages a minute; the limit has its
    own tests (tests/test_throttling.py), which set it back."""
    settings.CAMWATCH_DATA_REQUESTS_PER_MINUTE = 0
    # Tests write sightings and read the map at once; tests/test_map.py tests the interval.
    settings.CAMWATCH_MAP_REFRESH_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> None:
    """Each test starts with no kept pages. Inside a test the page cache is on, as in
    production: a test that changes the registry sees its change, through the revision."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data folder, for tests that break it."""
    import shutil

    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every camwatch table (history included), for before/after comparisons."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_app_config("registry").get_models():
        columns = [field.column for field in model._meta.concrete_fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} "
                f"FROM {connection.ops.quote_name(model._meta.db_table)}"
            )
            tables[model._meta.db_table] = sorted(cursor.fetchall(), key=repr)
    return tables


@pytest.fixture
def forbid_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any attempt to open a connection off this machine."""
    import socket

    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "::1", "localhost")
            and not host.startswith("/")
        ):
            raise AssertionError(f"network access to {host} during a test")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With CAMWATCH_FORBID_SKIPS set (CI does), a skipped test fails the run: the
    PostgreSQL and browser tests must really run."""
    if not os.environ.get("CAMWATCH_FORBID_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        names = ", ".join(str(getattr(report, "nodeid", report)) for report in skipped[:5])
        print(f"\nCAMWATCH_FORBID_SKIPS: {len(skipped)} tests were skipped ({names})")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
