"""Exports: a Datasette-ready SQLite file, and a static copy of the site."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from camwatch.cli import main
from camwatch.findings.export_site import export_site
from camwatch.findings.export_sqlite import export_sqlite, tables
from camwatch.registry import models as m


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(command: list[str], url: str, cwd: Path | None = None) -> Iterator[None]:
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.3)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@pytest.mark.django_db
def test_sqlite_export_holds_the_registry(tmp_path: Path) -> None:
    path = tmp_path / "camwatch.db"
    metadata, counts = export_sqlite(path)
    assert counts["bodies"] == m.PublicBody.objects.count()
    assert counts["holdings"] == m.Holding.objects.count()
    assert counts["claims"] == m.Claim.objects.count()
    db = sqlite3.connect(path)
    row = db.execute(
        "SELECT count, as_of, vendor FROM holdings WHERE key = ?",
        ("top10vpn-hammersmith-and-fulham-hikvision-cameras",),
    ).fetchone()
    assert row == (1790, "2021-02", "hikvision")
    foreign = {r[2] for r in db.execute("PRAGMA foreign_key_list(holdings)")}
    assert foreign == {"bodies", "vendors"}
    (found,) = db.execute(
        "SELECT name FROM bodies WHERE rowid IN "
        "(SELECT rowid FROM bodies_fts WHERE bodies_fts MATCH 'hammersmith')"
    ).fetchone()
    assert found == "Hammersmith & Fulham Council"
    status = db.execute(
        "SELECT status FROM claims WHERE key = 'sonification-3c-612-cameras'"
    ).fetchone()
    assert status == ("mismatch",)
    contract = db.execute(
        "SELECT buyer, supplier, integrator, value FROM contracts "
        "WHERE key = 'hammersmith-and-fulham-chroma-vision-2015'"
    ).fetchone()
    assert contract == ("hammersmith-and-fulham", "chroma-vision", "chroma-vision", 492000.0)
    stances = dict(db.execute("SELECT key, stance FROM stated_policies").fetchall())
    assert stances["camden-2021-against-policy"] == "ban"
    meta = json.loads(metadata.read_text())
    described = meta["databases"]["camwatch"]["tables"]
    assert set(described) == {table.name for table in tables()}
    assert described["bodies"]["license"].startswith("Open Government Licence")


@pytest.mark.django_db
def test_exported_sqlite_opens_in_datasette_with_its_metadata(tmp_path: Path) -> None:
    path = tmp_path / "camwatch.db"
    metadata, _ = export_sqlite(path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    datasette = str(Path(sys.executable).with_name("datasette"))
    command = [datasette, "serve", str(path), "-m", str(metadata), "--port", str(port)]
    with serving(command, f"{base}/-/versions.json"):
        served_metadata = json.loads(fetch(f"{base}/-/metadata.json"))
        assert "claims" in served_metadata["databases"]["camwatch"]["tables"]
        found = json.loads(fetch(f"{base}/camwatch/bodies.json?_search=hammersmith&_shape=array"))
        assert found[0]["slug"] == "hammersmith-and-fulham"
        page = fetch(f"{base}/camwatch/holdings").decode()
        assert "Each a sourced fact" in page  # the table's description, from the metadata


@pytest.mark.django_db
def test_cli_export_sqlite(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "sqlite", str(tmp_path / "out.db")])
    assert result.exit_code == 0, result.output
    assert "holdings:" in result.output
    assert (tmp_path / "out.db.metadata.json").exists()


@pytest.mark.served
@pytest.mark.django_db
def test_static_site_works_from_a_plain_web_server_at_a_sub_path(tmp_path: Path) -> None:
    site = tmp_path / "public" / "camwatch"
    counts = export_site(site)
    assert counts["pages"] > m.PublicBody.objects.count()
    broken = []
    for page in site.rglob("*.html"):
        for url in re.findall(r'(?:href|src|action)="([^"#?]+)', page.read_text()):
            if not url.startswith(("http://", "https://")) and not (page.parent / url).exists():
                broken.append((str(page.relative_to(site)), url))
    assert broken == []
    port = free_port()
    base = f"http://127.0.0.1:{port}/camwatch"
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with serving(command, f"{base}/index.html", cwd=tmp_path / "public"):
        body = fetch(f"{base}/bodies/hammersmith-and-fulham/index.html").decode()
        assert "1,790 Hikvision cameras" in body
        link = re.search(
            r'href="([^"]*sources/top10vpn-uk-video-surveillance-2021/index\.html)"', body
        )
        assert link is not None
        source = fetch(f"{base}/bodies/hammersmith-and-fulham/{link.group(1)}").decode()
        assert "UK Video Surveillance Investigation" in source
        assert b"Hikvision" in fetch(f"{base}/bodies/_q/vendor-hikvision/index.html")
        assert (
            json.loads(fetch(f"{base}/bodies/hammersmith-and-fulham.json"))["slug"]
            == "hammersmith-and-fulham"
        )
        assert fetch(f"{base}/static/camwatch/build/site.css")
