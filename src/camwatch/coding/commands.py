"""`camwatch coding ...`: reading replies from the command line, a thin layer over the
library. `extract` needs no database; `ingest` stores documents and queues their
suggestions for review at /coding/."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from camwatch.runtime import setup_django


@click.group()
def coding() -> None:
    """Response coding: replies in, suggested facts with their evidence out."""


def _files(paths: tuple[Path, ...]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


@coding.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object.")
def extract_command(file: Path, as_json: bool) -> None:
    """Print the facts FILE suggests, each with its evidence (no database needed)."""
    from camwatch.coding.extract import extract_file

    extraction = extract_file(file)
    if as_json:
        click.echo(json.dumps(extraction.as_dict(), indent=2, ensure_ascii=False))
    else:
        for document in extraction.reading.documents:
            click.echo(f"{document.name}: {document.format}, {len(document.pages)} page(s)")
            for notice in document.notices:
                click.echo(f"  notice: {notice}")
        for suggestion in extraction.suggestions:
            where = f"{suggestion.evidence.document} p.{suggestion.evidence.page}"
            quote = " ".join(suggestion.evidence.quote.split())
            click.echo(f'{suggestion.kind:<10} {suggestion.label:<40} {where}: "{quote}"')
    for error in extraction.errors:
        click.echo(f"error: {error}", err=True)
    if not extraction.reading.documents:
        sys.exit(1)


@coding.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--body", help="The public body that sent the replies (its slug).")
@click.option("--investigation", help="The investigation they answer (its slug).")
@click.option("--campaign", help="Code every reply this FOI campaign has received (its slug).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file.")
def ingest_command(
    paths: tuple[Path, ...],
    body: str | None,
    investigation: str | None,
    campaign: str | None,
    as_json: bool,
) -> None:
    """Store replies (files or folders, or a campaign's received mail) and queue their
    suggestions for review. A file already stored (same SHA-256) is skipped; a file that
    cannot be read is reported and the others carry on."""
    if bool(paths) == bool(campaign):
        raise click.UsageError("give either PATHS or --campaign")
    setup_django()
    from camwatch.coding.ingest import ingest_campaign, ingest_path
    from camwatch.registry.models import Investigation, PublicBody

    if campaign:
        from camwatch.foi.models import Campaign

        _find(Campaign, campaign, "campaign")
        results = ingest_campaign(campaign)
        for done in results:
            _report(Path(done.name), done, as_json)
        if not results:
            click.echo(f"campaign {campaign!r} has no replies with their mail kept", err=True)
        return

    links = {
        "body": _find(PublicBody, body, "public body"),
        "investigation": _find(Investigation, investigation, "investigation"),
    }
    from camwatch.coding.ingest import Ingested

    failed = 0
    for path in _files(paths):
        try:
            done = ingest_path(path, **links)
        except Exception as error:  # one file's failure must not stop the rest
            done = Ingested(
                path.name, errors=[f"{path}: not stored ({type(error).__name__}: {error})"]
            )
        failed += bool(done.errors and done.document is None)
        _report(path, done, as_json)
    if failed:
        sys.exit(1)


def _find(model: type, slug: str | None, what: str) -> object:
    if not slug:
        return None
    found = model._base_manager.filter(slug=slug).first()  # type: ignore[attr-defined]
    if found is None:
        raise click.ClickException(f"no {what} with slug {slug!r}")
    return found


def _report(path: Path, done: object, as_json: bool) -> None:
    document = getattr(done, "document", None)
    errors = getattr(done, "errors", [])
    if as_json:
        row = {
            "file": str(path),
            "document": document.pk if document else None,
            "created": getattr(done, "created", False),
            "suggestions": document.suggestions.count() if document else 0,
            "errors": errors,
        }
        click.echo(json.dumps(row))
        return
    if document is not None:
        state = "stored" if getattr(done, "created", False) else "already stored"
        click.echo(f"{path}: {state} as document {document.pk}, "
                   f"{document.suggestions.count()} suggestion(s)")  # fmt: skip
    for error in errors:
        click.echo(f"error: {error}", err=True)
