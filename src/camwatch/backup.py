"""`camwatch backup FILE` and `camwatch restore FILE`: the database and the uploaded files
(photos, documents) in one archive, and back.

The archive is a tar file: `manifest.json` (format, camwatch version, database engine,
migrations applied, each part's size and SHA-256), `database.sqlite3` (SQLite's online
backup API: a consistent copy while the site runs) or `database.pgdump` (pg_dump's
custom format), and `media/`. A restore checks the manifest and every checksum before it
touches anything; the database is replaced in one step (SQLite's backup API, or
pg_restore in a single transaction), and the media folder it replaces is kept beside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

import camwatch
from camwatch.registry.loader.files import file_sha256

FORMAT = 1
MANIFEST = "manifest.json"
PARTS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Report:
    path: str
    engine: str
    database_bytes: int
    media_files: int
    kept_media: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _engine() -> str:
    if connection.vendor not in PARTS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return str(connection.vendor)


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """pg_dump and pg_restore's connection options, the password in the environment."""
    db = connection.settings_dict
    options = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            options += [flag, str(db[key])]
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
    return options, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        # The program is pg_dump or pg_restore; the arguments come from the settings.
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from error
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump(work: Path, engine: str) -> Path:
    target = work / PARTS[engine]
    if engine == "sqlite":
        connection.ensure_connection()
        _sqlite_copy(connection.connection, target)
    else:
        options, env = _pg_env()
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(target), *options], env)  # fmt: skip
    return target


def _migrations() -> dict[str, str]:
    """The newest migration applied per app."""
    applied: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied[app] = max(applied.get(app, ""), name)
    return dict(sorted(applied.items()))


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def backup(target: Path) -> Report:
    """Write the archive to `target` (written aside, then moved into place)."""
    engine = _engine()
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".camwatch-backup-") as work:
        database = _dump(Path(work), engine)
        media = _media_files()
        manifest = {
            "format": FORMAT, "camwatch": camwatch.__version__, "engine": engine,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "migrations": _migrations(),
            "database": {"name": database.name, "bytes": database.stat().st_size,
                         "sha256": file_sha256(database)},
            "media": {str(p.relative_to(settings.MEDIA_ROOT)): file_sha256(p) for p in media},
        }  # fmt: skip
        manifest_file = Path(work) / MANIFEST
        manifest_file.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = Path(work) / "archive.tar"
        with tarfile.open(partial, "w") as archive:
            archive.add(manifest_file, MANIFEST)
            archive.add(database, database.name)
            for path in media:
                archive.add(path, f"media/{path.relative_to(settings.MEDIA_ROOT)}")
        os.replace(partial, target)
    return Report(str(target), engine, manifest["database"]["bytes"], len(media))


def _read_manifest(archive: tarfile.TarFile, source: Path) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
        manifest: dict[str, Any] = json.load(member) if member else {}
    except (KeyError, json.JSONDecodeError) as error:
        raise BackupError(f"{source}: not a camwatch backup (no readable {MANIFEST})") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: backup format {manifest.get('format')!r}, not {FORMAT}")
    return manifest


def _unpack(source: Path, work: Path) -> dict[str, Any]:
    """Extract the archive into `work` (no path may leave it) and check every part."""
    try:
        with tarfile.open(source, "r") as archive:
            manifest = _read_manifest(archive, source)
            archive.extractall(work, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{source}: cannot be read as a backup archive: {error}") from error
    parts = {manifest["database"]["name"]: manifest["database"]["sha256"]}
    parts |= {f"media/{name}": digest for name, digest in manifest["media"].items()}
    for name, digest in parts.items():
        path = work / name
        if not path.is_file() or file_sha256(path) != digest:
            raise BackupError(f"{source}: {name} is missing or damaged (checksum differs)")
    return manifest


def _sqlite_copy(source: sqlite3.Connection, target: Path | str) -> None:
    """Every page of `source` into the file `target`, through SQLite's online backup API:
    consistent while others write, and replacing the target in one step."""
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()


def _load(database: Path, engine: str) -> None:
    connection.close()
    if engine == "sqlite":
        source = sqlite3.connect(database)
        try:
            _sqlite_copy(source, settings.DATABASES["default"]["NAME"])
        finally:
            source.close()
    else:
        options, env = _pg_env()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", *options, str(database)], env)  # fmt: skip


def _swap_media(unpacked: Path) -> str | None:
    """Put the archive's media in place; keep what was there beside it, never delete it."""
    root = Path(settings.MEDIA_ROOT)
    kept = None
    if root.exists() and any(root.iterdir()):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        kept_path = root.with_name(f"{root.name}.before-restore-{stamp}")
        root.rename(kept_path)
        kept = str(kept_path)
    elif root.exists():
        root.rmdir()
    if unpacked.is_dir():
        shutil.move(str(unpacked), root)
    else:
        root.mkdir(parents=True)
    return kept


def restore(source: Path) -> Report:
    """Replace the database and media with the archive's, once every part checks out."""
    engine = _engine()
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    with tempfile.TemporaryDirectory(prefix=".camwatch-restore-",
                                     dir=Path(settings.MEDIA_ROOT).parent) as work:  # fmt: skip
        manifest = _unpack(source, Path(work))
        if manifest["engine"] != engine:
            raise BackupError(
                f"{source}: a {manifest['engine']} backup cannot be restored into {engine}; "
                "restore it into the same kind of database, then copy across"
            )
        database = Path(work) / manifest["database"]["name"]
        _load(database, engine)
        kept = _swap_media(Path(work) / "media")
    return Report(str(source), engine, manifest["database"]["bytes"],
                  len(manifest["media"]), kept)  # fmt: skip


def _plain(value: Any) -> Any:
    # PostgreSQL hands bytea back as a memoryview, whose repr is its address.
    return bytes(value) if isinstance(value, memoryview) else value


def table_digest() -> dict[str, list[Any]]:
    """Every table's row count and a SHA-256 of its rows in a stable order: two databases
    hold the same data when their digests are equal."""
    found: dict[str, list[Any]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall())
            found[table] = [len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()]
    return found
