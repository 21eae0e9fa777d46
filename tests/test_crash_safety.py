"""Imports are transactional and idempotent, under SIGKILL.

Each test runs a real import through the CLI in a subprocess three times, on clones of
one migrated and loaded camwatch: to completion in a reference database, measuring how
long its write transaction stays open; killed with SIGKILL half-way through that
transaction in a second database, which must then hold exactly what it held before; and
again to completion in that second database, which must end equal to the reference, table
by table, and stay so when the import is run once more. SQLite here, scratch PostgreSQL
databases in the PostgreSQL pass.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest
import yaml
from django.apps import apps
from django.db import connection, models
from tests.conftest import _camwatch, _postgres_admin
from tests.money_fixtures import write_ocds_package

from camwatch.registry.loader.run import bundled_data_dir

Rows = list[tuple[Any, ...]]
Tables = dict[str, tuple[tuple[str, ...], Rows]]  # table: its columns, its rows in order

POLL = 0.02  # seconds between looks at the database while an import runs
KILL_AT = 0.5  # of the reference run's write transaction
GENERATED_HOLDINGS = 300  # enough for the load's transaction to last a second or more
OCDS_NOTICES = 800  # every one a contract (see _surveillance_package)
SURVEILLANCE_CPV = "32323500"  # video surveillance system: the classifier keeps it
# Figures that are not data: how long computing a stored result took.
TIMINGS = {"registry_snapshot": {"seconds"}}


def _postgres() -> bool:
    return str(connection.vendor) == "postgresql"


# -- databases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """A camwatch with a database of its own: the CLI's environment and its database (the
    SQLite file, or the PostgreSQL database's name)."""

    env: dict[str, str]
    database: str


def _pg_connect(dbname: str) -> Any:
    import psycopg

    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname=dbname,
        autocommit=True,
    )


def _sessions(dbname: str) -> int:
    with _pg_connect("postgres") as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (dbname,)
        ).fetchone()
    return int(row[0])


def _wait_for_no_sessions(dbname: str, seconds: float = 30) -> None:
    """A killed client's backend notices the closed socket and ends its session (rolling its
    transaction back) a moment later; a finished CLI's backend likewise."""
    deadline = time.monotonic() + seconds
    while _sessions(dbname):
        assert time.monotonic() < deadline, f"sessions on {dbname} outlived their clients"
        time.sleep(0.05)


class Sites:
    """One camwatch migrated and loaded by the CLI, and clones of it: a copy of the SQLite
    file, or a PostgreSQL database made from it as a template. Cloning takes a fraction
    of a second where migrating and loading take ten."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: list[str] = []  # PostgreSQL databases, to drop

    def start(self) -> None:
        self.base = self._site("base")
        _camwatch(self.base.env, "manage", "migrate", "--noinput", "-v0")
        _camwatch(self.base.env, "load-data")

    def _site(self, name: str, template: str = "") -> Site:
        data_dir = self.root / f"{name}-{len(list(self.root.iterdir()))}"
        data_dir.mkdir()
        env = {**os.environ, "CAMWATCH_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        if not _postgres():
            return Site(env, str(data_dir / "camwatch.sqlite3"))
        dbname = f"camwatch_crash_{os.getpid()}_{time.monotonic_ns()}"
        copy_of = f' TEMPLATE "{template}"' if template else ""
        _postgres_admin(f'CREATE DATABASE "{dbname}"{copy_of}')
        self.made.append(dbname)
        settings = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{dbname}"
        )
        return Site(env, dbname)

    def clone(self, name: str) -> Site:
        if _postgres():
            _wait_for_no_sessions(self.base.database)  # a template must have none
            return self._site(name, template=self.base.database)
        site = self._site(name)
        source, target = sqlite3.connect(self.base.database), sqlite3.connect(site.database)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return site

    def drop(self) -> None:
        for dbname in self.made:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    made = Sites(tmp_path_factory.mktemp("crash"))
    try:
        made.start()
        yield made
    finally:
        made.drop()


# -- reading a database from outside ---------------------------------------------------------


def _sqlite_tables(path: str) -> Tables:
    db = sqlite3.connect(path)
    try:
        names = [
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        found: Tables = {}
        for name in names:
            cursor = db.execute(f'SELECT * FROM "{name}"')
            found[name] = (tuple(d[0] for d in cursor.description), cursor.fetchall())
        return found
    finally:
        db.close()


def _pg_tables(dbname: str) -> Tables:
    with _pg_connect(dbname) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        found: Tables = {}
        for name in names:
            cursor = db.execute(f'SELECT * FROM "{name}"')
            columns = tuple(d.name for d in cursor.description or ())
            # bytea comes back as a memoryview, whose repr is its address.
            rows = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
            found[name] = (columns, rows)
    return found


def read_tables(site: Site) -> Tables:
    """Every table of the database, every column, as committed: what a killed writer
    left uncommitted (in SQLite's WAL, say) is not read, as by any reader."""
    return _pg_tables(site.database) if _postgres() else _sqlite_tables(site.database)


def exact(tables: Tables) -> dict[str, list[str]]:
    """Every row of every table, in a stable order: equal exactly when the data is."""
    return {name: sorted(map(repr, rows)) for name, (_columns, rows) in tables.items()}


def differing(left: dict[str, list[str]], right: dict[str, list[str]]) -> list[str]:
    """The tables whose rows differ, with their row counts: a readable failure."""
    return [
        f"{name}: {len(left.get(name, []))} rows against {len(right.get(name, []))}"
        for name in sorted(left.keys() | right.keys())
        if left.get(name) != right.get(name)
    ]


def _id_spaces(model: type[models.Model]) -> dict[str, str]:
    """The columns of a model's table that hold row ids, each with the table whose ids
    they are: its own automatic key, its foreign keys and, for a history table, the
    recorded row's id."""
    meta = model._meta
    spaces = {
        f.column: f.related_model._meta.db_table
        for f in meta.concrete_fields
        if f.is_relation and f.related_model
    }
    if isinstance(meta.pk, models.AutoField):
        spaces[meta.pk.column] = meta.db_table
    recorded = getattr(model, "instance_type", None)
    if recorded is not None:
        spaces[recorded._meta.pk.column] = recorded._meta.db_table
    return spaces


def _volatile(model: type[models.Model]) -> set[str]:
    """Columns that differ between two equal imports: when a row was written (the model's
    auto timestamps, copied into its history too) and how long a computation took."""
    recorded = getattr(model, "instance_type", model)
    stamps = {
        f.column
        for f in recorded._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    return stamps | {"history_date"} | TIMINGS.get(model._meta.db_table, set())


def _without_times(payload: Any) -> str:
    """A stored result's payload less the moment it was computed (the headlines keep one)."""
    value = json.loads(payload) if isinstance(payload, str) else payload
    if isinstance(value, dict):
        value = {key: item for key, item in value.items() if key != "built"}
    return json.dumps(value, sort_keys=True)


NORMALISE: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("registry_snapshot", "payload"): _without_times
}


def _ranks(tables: Tables, chosen: list[type[models.Model]]) -> dict[str, dict[Any, int]]:
    """For each table, its row ids (those in any column that holds them) by rank."""
    values: dict[str, set[Any]] = {}
    for model in chosen:
        columns, rows = tables[model._meta.db_table]
        for column, space in _id_spaces(model).items():
            at = columns.index(column)
            values.setdefault(space, set()).update(row[at] for row in rows if row[at] is not None)
    return {space: {v: n for n, v in enumerate(sorted(ids))} for space, ids in values.items()}


def _column_maps(
    model: type[models.Model], columns: tuple[str, ...], ranks: dict[str, dict[Any, int]]
) -> list[tuple[int, Callable[[Any], Any]]]:
    """What to keep of each column, and how: ids by rank, other values as they are."""
    spaces, volatile, table = _id_spaces(model), _volatile(model), model._meta.db_table
    return [
        (
            n,
            ranks[spaces[column]].get
            if column in spaces
            else NORMALISE.get((table, column), _same),
        )
        for n, column in enumerate(columns)
        if column not in volatile
    ]


def _same(value: Any) -> Any:
    return value


def canonical(tables: Tables) -> dict[str, list[str]]:
    """Every model's rows with the volatile columns left out and every row id replaced by
    its rank among the ids of its table. PostgreSQL's sequences are not transactional: a
    killed import's rolled-back rows still used up ids, so a rerun's rows have others; but
    the same writes in the same order give the same ranks, and so the same rows here."""
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    ranks = _ranks(tables, chosen)
    found: dict[str, list[str]] = {}
    for model in chosen:
        columns, rows = tables[model._meta.db_table]
        maps = _column_maps(model, columns, ranks)
        found[model._meta.db_table] = sorted(
            repr(tuple(change(row[n]) for n, change in maps)) for row in rows
        )
    return found


# -- watching an import ------------------------------------------------------------------------


class Probe(Protocol):
    def open_for(self) -> float | None:
        """How long the import's write transaction has been open, or None when none is."""

    def close(self) -> None: ...


class SqliteProbe:
    """A writer holds SQLite's write lock from BEGIN IMMEDIATE (camwatch's transaction
    mode) until it commits or dies, so a BEGIN IMMEDIATE of our own that fails at once
    shows an open write transaction. SQLite cannot say since when: we time each unbroken
    run of such answers."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, timeout=0, isolation_level=None)
        self.since: float | None = None

    def open_for(self) -> float | None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
            now = time.monotonic()
            self.since = self.since if self.since is not None else now
            return now - self.since
        self.db.execute("ROLLBACK")  # we held the lock for a moment; the import waits for it
        self.since = None
        return None

    def close(self) -> None:
        self.db.close()


class PostgresProbe:
    """PostgreSQL says it: a session of the scratch database in a transaction that has
    been given a transaction id (backend_xid), which happens at its first write, open
    since xact_start. Asked from the postgres database, so as not to be a session of the
    scratch database ourselves."""

    def __init__(self, dbname: str) -> None:
        self.dbname = dbname
        self.db = _pg_connect("postgres")

    def open_for(self) -> float | None:
        row = self.db.execute(
            "SELECT extract(epoch FROM clock_timestamp() - xact_start)::float "
            "FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL "
            "ORDER BY xact_start LIMIT 1",
            (self.dbname,),
        ).fetchone()
        return float(row[0]) if row else None

    def close(self) -> None:
        self.db.close()


@dataclass
class Run:
    returncode: int
    seconds: float  # from start to exit, or to the kill
    longest_write: float  # the longest a write transaction was seen open
    report: dict[str, Any]


def run_import(site: Site, args: list[str], log: Path, kill_after: float | None = None) -> Run:
    """Run `camwatch ARGS --json` in a subprocess, watching the database. With kill_after,
    SIGKILL it as soon as its write transaction has been open that long."""
    probe: Probe = PostgresProbe(site.database) if _postgres() else SqliteProbe(site.database)
    longest = 0.0
    with log.open("wb") as out:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "camwatch", *args, "--json"],
            env=site.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            while process.poll() is None and time.monotonic() - started < 120:
                open_for = probe.open_for()
                longest = max(longest, open_for or 0.0)
                if kill_after is not None and open_for is not None and open_for >= kill_after:
                    os.kill(process.pid, signal.SIGKILL)
                    break
                time.sleep(POLL)
            returncode = process.wait(timeout=120)
        finally:
            probe.close()
            if process.poll() is None:
                process.kill()
                process.wait()
        seconds = time.monotonic() - started
    output = log.read_text(encoding="utf-8", errors="replace")
    if kill_after is None:
        assert returncode == 0, f"camwatch {' '.join(args)} failed:\n{output}"
    report = json.loads(output) if returncode == 0 else {}
    return Run(returncode, seconds, longest, report)


def _consistent(site: Site) -> None:
    """What SQLite can say of a file: every page and index sound, no key dangling."""
    if _postgres():
        return  # PostgreSQL checks foreign keys at commit; what was not committed is gone
    db = sqlite3.connect(site.database)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()


def kill_halfway(reference: Site, victim: Site, args: list[str], log_dir: Path) -> Run:
    """Run the import to completion in `reference`, timing its write transaction; then in
    `victim`, SIGKILLed half-way through that transaction. Returns the reference run."""
    uninterrupted = run_import(reference, args, log_dir / "reference.log")
    assert uninterrupted.longest_write > 0.2, "the import's transaction was never seen open"
    kill_after = uninterrupted.longest_write * KILL_AT
    killed = run_import(victim, args, log_dir / "killed.log", kill_after=kill_after)
    assert killed.returncode == -signal.SIGKILL, "the import finished before it was killed"
    print(  # the measured kill point, shown with -s
        f"\n{connection.vendor} {args[0]}: uninterrupted {uninterrupted.seconds:.2f} s, write "
        f"transaction open {uninterrupted.longest_write:.2f} s; killed at "
        f"{killed.seconds:.2f} s, {killed.longest_write:.2f} s into its transaction"
    )
    if _postgres():  # the killed client's backend rolls back and ends a moment later
        _wait_for_no_sessions(victim.database)
    return uninterrupted


def crash_then_rerun(sites: Sites, args: list[str], log_dir: Path) -> tuple[Run, Run]:
    """The whole check, for one import; returns the uninterrupted run and the last one,
    of the import already complete."""
    reference, victim = sites.clone("reference"), sites.clone("victim")
    before = exact(read_tables(victim))
    uninterrupted = kill_halfway(reference, victim, args, log_dir)

    # (a) Nothing half-written: the database holds exactly what it held before.
    assert differing(exact(read_tables(victim)), before) == []
    _consistent(victim)

    # (b) The same import again completes, with the report of an uninterrupted run...
    rerun = run_import(victim, args, log_dir / "rerun.log")
    assert rerun.report == uninterrupted.report
    # (c) ...and the same end state, table by table.
    after = read_tables(victim)
    assert differing(canonical(after), canonical(read_tables(reference))) == []

    # Once complete, running it again changes nothing at all.
    again = run_import(victim, args, log_dir / "again.log")
    assert differing(exact(read_tables(victim)), exact(after)) == []
    return uninterrupted, again


# -- the imports -------------------------------------------------------------------------------


def _bump_counts(path: Path) -> None:
    """Every block-style `count: N` (holdings, survey locations) becomes N + 1: updates of
    existing rows, besides the generated file's new ones."""
    text = path.read_text(encoding="utf-8")
    bumped = re.sub(r"(?m)^(\s+count: )(\d+)$", lambda m: f"{m[1]}{int(m[2]) + 1}", text)
    path.write_text(bumped, encoding="utf-8")


def _generated(count: int) -> dict[str, Any]:
    bodies = [
        "avon-and-somerset-constabulary",
        "bedfordshire-police",
        "cambridgeshire-constabulary",
        "cheshire-constabulary",
        "greater-anglia",
    ]
    vendors = ["hikvision", "dahua", "axis", "bosch"]
    sources = [
        {"key": f"crash-survey-{n}", "kind": "survey", "title": f"Crash survey {n}"}
        for n in range(count // 10)
    ]
    holdings = []
    for n in range(count):
        holding: dict[str, Any] = {
            "key": f"crash-holding-{n}",
            "body": bodies[n % len(bodies)],
            "device_type": "camera",
            "count": n + 1,
            "as_of": "2024-05",
            "method": "survey_return",
            "confidence": "medium",
            "capabilities": {"anpr": "enabled"},
            "sources": [{"source": f"crash-survey-{n // 10}", "locator": f"row {n}"}],
        }
        if n % 7:
            holding["vendor"] = vendors[n % len(vendors)]
        else:  # a many-to-many write too
            holding["vendor_candidates"] = vendors[:2]
        holdings.append(holding)
    return {"sources": sources, "holdings": holdings}


@pytest.fixture
def edited_data(tmp_path: Path) -> Path:
    """The bundled data with many changes to write: the holdings' and survey locations'
    counts edited, and a file of generated holdings named to sort last (records are written
    in path order), so that the edits come first and the kill lands among the new rows."""
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    for path in [*target.glob("investigations/*.yaml"), *target.glob("facts/*.yaml")]:
        _bump_counts(path)
    text = yaml.safe_dump(_generated(GENERATED_HOLDINGS), sort_keys=False)
    (target / "zz-generated.yaml").write_text(text, encoding="utf-8")
    return target


def _surveillance_package(path: Path, count: int) -> Path:
    """The fixture module's realistic package, every tender reclassified under a CPV code
    for video surveillance, so that every notice becomes a contract (not about 6%)."""
    write_ocds_package(path, count=count)
    package = json.loads(path.read_text(encoding="utf-8"))
    for release in package["releases"]:
        if "classification" in release.get("tender", {}):
            release["tender"]["classification"]["id"] = SURVEILLANCE_CPV
    path.write_text(json.dumps(package), encoding="utf-8")
    return path


def test_a_killed_load_changes_nothing_and_a_rerun_completes_it(
    sites: Sites, edited_data: Path, tmp_path: Path
) -> None:
    uninterrupted, again = crash_then_rerun(
        sites, ["load-data", "--data-dir", str(edited_data)], tmp_path
    )
    assert uninterrupted.report["created"]["holdings"] == GENERATED_HOLDINGS
    assert uninterrupted.report["updated"]["holdings"] >= 10  # the edited counts
    assert again.report["changes"] == 0


def test_a_killed_ocds_import_changes_nothing_and_a_rerun_completes_it(
    sites: Sites, tmp_path: Path
) -> None:
    package = _surveillance_package(tmp_path / "notices.json", OCDS_NOTICES)
    uninterrupted, again = crash_then_rerun(sites, ["money", "import-ocds", str(package)], tmp_path)
    assert uninterrupted.report["created"] == OCDS_NOTICES
    assert (again.report["created"], again.report["updated"]) == (0, 0)
    assert again.report["unchanged"] == OCDS_NOTICES
