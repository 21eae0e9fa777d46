"""`load_data`: the one entry point that the CLI and the tests call."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from pydantic import ValidationError

from camwatch.registry.loader import reference
from camwatch.registry.loader.apply import Applier, Progress
from camwatch.registry.loader.bundle import Bundle, Entry, read_bundle
from camwatch.registry.loader.errors import DataFileError, DataFileErrors
from camwatch.registry.loader.extensions import extensions
from camwatch.registry.loader.files import strip_lines
from camwatch.registry.loader.tables import LoadReport

UNIQUE_KEYS: dict[str, Callable[[Any], str]] = {
    "body_kinds": lambda r: r.slug,
    "device_types": lambda r: r.slug,
    "capabilities": lambda r: r.slug,
    "sources": lambda r: r.key,
    "bodies": lambda r: r.slug,
    "vendors": lambda r: r.slug,
    "device_models": lambda r: f"{r.vendor}/{r.code}",
    "policies": lambda r: r.slug,
    "investigations": lambda r: r.slug,
    "holdings": lambda r: r.key,
    "claims": lambda r: r.key,
}


class _RollBack(Exception):
    pass


def bundled_data_dir() -> Path:
    return Path(str(resources.files("camwatch") / "data"))


def read_data(folder: Path | None = None) -> Bundle:
    """Read, validate and expand a data folder without touching the database."""
    folder = folder or bundled_data_dir()
    bundle = read_bundle(folder, settings.CAMWATCH_MAX_DATA_FILE_BYTES)
    _expand_councils(bundle)
    check_unique(bundle)
    return bundle


def load_data(
    folder: Path | None = None, *, progress: Progress | None = None, dry_run: bool = False
) -> LoadReport:
    """Load a data folder (by default the bundled one) in one transaction.

    Raises DataFileErrors, naming file, line, record and field, before or instead of
    writing anything. With dry_run the writes are made and then rolled back, so the
    report says what a real run would change.
    """
    return write_bundle(read_data(folder), progress=progress, dry_run=dry_run)


def write_bundle(
    bundle: Bundle, *, progress: Progress | None = None, dry_run: bool = False
) -> LoadReport:
    """Write validated records in one transaction (rolled back again with dry_run)."""
    report = LoadReport()
    try:
        with transaction.atomic():
            Applier(bundle, report, progress).run()
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    except DataFileError as error:
        raise DataFileErrors([error]) from error
    return report


def _expand_councils(bundle: Bundle) -> None:
    for path, raw in bundle.council_reference:
        line = raw.get("__line__", 1) if isinstance(raw, dict) else 1
        try:
            ref = reference.CouncilReference.model_validate(strip_lines(raw))
            reference.check_versions(ref)
            records = reference.build_councils(
                reference.read_lookup(), set(reference.read_current_codes()), ref
            )
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(step) for step in first["loc"])
            raise DataFileErrors(
                [DataFileError(path, first["msg"], line, "council_reference", where)]
            ) from error
        except reference.ReferenceDataError as error:
            raise DataFileErrors(
                [DataFileError(path, str(error), line, "council_reference")]
            ) from error
        _check_cited(bundle, path, line, ref)
        bundle.bodies.extend(Entry(record, path, line) for record in records)


def _check_cited(bundle: Bundle, path: Path, line: int, ref: reference.CouncilReference) -> None:
    """The datasets the councils come from must be recorded as sources, for attribution."""
    known = {entry.record.key for entry in bundle.sources}
    missing = sorted({ref.lookup_source, ref.current_codes_source} - known)
    if missing:
        raise DataFileErrors(
            [
                DataFileError(
                    path,
                    f"cites sources that no file defines: {', '.join(missing)}",
                    line,
                    "council_reference",
                )
            ]
        )


def check_unique(bundle: Bundle) -> None:
    errors = []
    unique_keys = dict(UNIQUE_KEYS)
    for extension in extensions():
        unique_keys.update(extension.unique_keys)
    for section, key_of in unique_keys.items():
        seen: dict[str, Entry[Any]] = {}
        for entry in bundle.section(section):
            key = key_of(entry.record)
            if key in seen:
                first = seen[key]
                errors.append(
                    entry.error(
                        f"repeats {section} key {key!r} first given at {first.path}:{first.line}"
                    )
                )
            seen[key] = entry
    if errors:
        raise DataFileErrors(errors)
