"""The CLI is a thin layer: each command calls the library and reports its result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import camwatch
from camwatch.cli import main

REPO = Path(__file__).resolve().parent.parent


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"camwatch, version {camwatch.__version__}"


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    for command in ("load-data", "serve", "manage"):
        assert command in result.output


@pytest.mark.django_db
def test_load_data_reports_no_changes_on_rerun() -> None:
    result = CliRunner().invoke(main, ["load-data", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["changes"] == 0
    assert report["unchanged"]["holdings"] > 40


@pytest.mark.django_db
def test_load_data_dry_run(data_copy: Path) -> None:
    path = data_copy / "investigations" / "top10vpn-2020-councils.yaml"
    path.write_text(path.read_text().replace("count: 1790", "count: 1800"))
    result = CliRunner().invoke(main, ["load-data", "--data-dir", str(data_copy), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 records would change." in result.output
    assert "updated 1 holdings" in result.output


@pytest.mark.django_db
def test_load_data_bad_file_exits_1_naming_it(data_copy: Path) -> None:
    (data_copy / "broken.yaml").write_text("bodies:\n  - slug: Not A Slug\n")
    result = CliRunner().invoke(main, ["load-data", "--data-dir", str(data_copy)])
    assert result.exit_code == 1
    assert "broken.yaml:2: record slug=Not A Slug: field 'slug'" in result.output


def test_serve_help() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output


def run_camwatch(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"CAMWATCH_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "DATABASE_URL": ""}
    return subprocess.run(
        [sys.executable, "-m", "camwatch", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_manage_runs_django_commands(tmp_path: Path) -> None:
    done = run_camwatch(tmp_path, "manage", "check")
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_manage_migrations_are_complete(tmp_path: Path) -> None:
    done = run_camwatch(tmp_path, "manage", "makemigrations", "--check", "--dry-run")
    assert done.returncode == 0, done.stdout + done.stderr
