"""Investigations under embargo (registry/embargo.py): nothing of a sealed investigation
shows on any page, in the API, the exports, the findings or the admin, for anyone but its
team, until the day its embargo ends; its team sees it on its own page; the loader, the
checks and the stored figures keep to the same rule. docs/security.md describes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from camwatch.api.v1 import api
from camwatch.registry import embargo, snapshots
from camwatch.registry import models as m
from camwatch.registry.loader.run import load_data
from camwatch.web import roles

pytestmark = pytest.mark.django_db

MARK = "zq7"  # in every sealed record's key, title or text: found nowhere else
LATER = timezone.localdate() + dt.timedelta(days=30)


@dataclass
class Sealed:
    investigation: m.Investigation
    source: m.Source
    holding: m.Holding
    users: dict[str, Any]


def _users() -> dict[str, Any]:
    """reader (nobody), a contributor, a reviewer and an editor off the team; the owner
    and a team member (an editor, to show that the team, not the role, opens it); and an
    admin."""
    users = get_user_model().objects
    made: dict[str, Any] = {"reader": None}
    for name in ("contributor", "reviewer", "editor", "admin"):
        users.create_user(f"seal-{name}")
        made[name] = roles.grant(f"seal-{name}", name)
    made["owner"] = users.create_user("seal-owner")
    users.create_user("seal-member")
    made["member"] = roles.grant("seal-member", "editor")
    return made


def _seal(users: dict[str, Any]) -> Sealed:
    camden = m.PublicBody.objects.get(slug="camden")
    hikvision = m.Vendor.objects.get(slug="hikvision")
    source = m.Source.objects.create(
        key=f"{MARK}-replies", kind=m.SourceKind.FOI_RESPONSE, title=f"Replies {MARK.upper()}"
    )
    investigation = m.Investigation.objects.create(
        slug=f"{MARK}-inquiry", title=f"The {MARK.upper()} inquiry", kind="foi_campaign",
        conducted_by=f"Team {MARK}", stated_target_count=1, embargo_until=LATER,
        owner=users["owner"],
    )  # fmt: skip
    investigation.team.add(users["member"])
    investigation.sources.add(source)
    m.InvestigationTarget.objects.create(
        investigation=investigation, body=camden, outcome="provided", source=source
    )
    claim = m.Claim.objects.create(
        investigation=investigation, key=f"{MARK}-claim", text=f"1 of 1 {MARK} bodies",
        subject="bodies", numerator=1, denominator=1, source=source,
        recompute={"numerator": {"count": "targets", "outcomes": ["provided"]},
                   "denominator": {"count": "targets"}},
    )  # fmt: skip
    # A published claim corrected by the sealed one does not point to it.
    m.Claim.objects.filter(key="top10vpn-provided").update(corrected_by=claim)
    m.SurveyLocation.objects.create(
        investigation=investigation, name=f"{MARK} corner", locality="Camden", source=source
    )
    holding = m.Holding.objects.create(
        key=f"{MARK}-holding", body=camden, vendor=hikvision, count=7,
        as_of=dt.date(2026, 6, 1), as_of_precision="day", method="foi_response",
        confidence="high", investigation=investigation, description=f"{MARK} cameras",
    )  # fmt: skip
    m.HoldingSource.objects.create(holding=holding, source=source, quote=f"{MARK} quote")
    return Sealed(investigation, source, holding, users)


@pytest.fixture(scope="module")
def sealed(django_db_setup: None, django_db_blocker: Any) -> Iterator[Sealed]:
    """Made once, in a transaction rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _seal(_users())
        transaction.set_rollback(True)


def _login(client: Client, user: Any) -> Client:
    if user is not None:
        client.force_login(user)
    return client


# --- the managers -------------------------------------------------------------------


def test_the_published_managers_leave_out_every_sealed_record(sealed: Sealed) -> None:
    models = (m.Investigation, m.InvestigationTarget, m.Claim, m.SurveyLocation, m.Holding,
              m.HoldingSource, m.Source)  # fmt: skip
    for model in models:
        every = model.all_objects.count()  # type: ignore[attr-defined]
        assert model.objects.count() == every - 1, model.__name__
    # Related managers too, and a body's own holdings.
    assert not m.PublicBody.objects.get(slug="camden").holdings.filter(key__contains=MARK)
    assert m.Holding.objects.filter(pk=sealed.holding.pk).count() == 0
    with embargo.opened([sealed.investigation.pk]):
        assert m.Holding.objects.filter(pk=sealed.holding.pk).count() == 1
        assert sealed.investigation.targets.count() == 1
    assert sealed.investigation.targets.count() == 0


def test_read_once_the_queries_carry_its_id_or_no_filter_at_all(sealed: Sealed) -> None:
    every = m.Holding.all_objects.count()
    with embargo.fixed():
        assert m.Holding.objects.count() == every - 1
        assert "registry_investigation" not in str(m.Holding.objects.all().query)
    m.Investigation.all_objects.filter(pk=sealed.investigation.pk).update(embargo_until=None)
    with embargo.fixed():
        assert m.Holding.objects.count() == every
        assert "NOT" not in str(m.Holding.objects.all().query)


def test_a_request_reads_the_sealed_ones_only_when_a_query_needs_them(client: Client) -> None:
    def investigation_queries(url: str) -> int:
        with CaptureQueriesContext(connection) as seen:
            client.get(url)
        return sum("registry_investigation" in query["sql"] for query in seen.captured_queries)

    assert investigation_queries("/no-such-page/") == 0
    assert investigation_queries("/holdings.json") >= 1


def test_a_source_another_investigation_lists_stays_public(sealed: Sealed) -> None:
    """A source is sealed only while no investigation anyone may see lists it."""
    shared = m.Source.objects.filter(investigations__isnull=False).first()
    sealed.investigation.sources.add(shared)
    assert m.Source.objects.filter(pk=shared.pk).exists()
    assert not m.Source.objects.filter(pk=sealed.source.pk).exists()


# --- every page and every API operation, for everyone off the team -------------------


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            if inner != "admin":
                yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _pages() -> list[str]:
    """Every page and format that takes no argument, the detail pages the sealed records
    would show on, and every API list."""
    found = []
    for name in dict.fromkeys(_walk(get_resolver().url_patterns)):
        try:
            found.append(reverse(name))
        except NoReverseMatch:
            continue
    for suffix in ("", ".json", ".csv"):
        found += [f"/bodies/camden{suffix}", f"/vendors/hikvision{suffix}"]
    schema = api.get_openapi_schema()
    found += [path for path in schema["paths"] if "{" not in path and "sightings" not in path]
    found += ["/api/v1/bodies/camden", "/api/v1/vendors/hikvision"]
    return sorted(set(found) - {reverse("logout")})


PAGES = _pages()
OFF_THE_TEAM = ("reader", "contributor", "reviewer", "editor")


@pytest.mark.parametrize("who", OFF_THE_TEAM)
def test_no_page_shows_a_sealed_record(who: str, sealed: Sealed, client: Client) -> None:
    _login(client, sealed.users[who])
    shown = []
    for url in PAGES:
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if MARK in body.decode("utf-8", "replace").lower():
            shown.append(url)
    assert shown == [], f"{who} sees the sealed investigation on {shown}"
    assert len(PAGES) > 60


DETAILS = [
    f"/investigations/{MARK}-inquiry/", f"/investigations/{MARK}-inquiry.json",
    f"/investigations/{MARK}-inquiry.csv", f"/sources/{MARK}-replies/",
    f"/api/v1/investigations/{MARK}-inquiry", f"/api/v1/claims/{MARK}-claim",
    f"/api/v1/holdings/{MARK}-holding", f"/api/v1/sources/{MARK}-replies",
]  # fmt: skip


@pytest.mark.parametrize("who", OFF_THE_TEAM)
def test_a_sealed_record_is_not_found(who: str, sealed: Sealed, client: Client) -> None:
    _login(client, sealed.users[who])
    for url in DETAILS:
        assert client.get(url).status_code == 404, f"{url} as {who}"


@pytest.mark.parametrize("who", ["owner", "member", "admin"])
def test_the_team_sees_it_on_its_page(who: str, sealed: Sealed, client: Client) -> None:
    _login(client, sealed.users[who])
    page = client.get(f"/investigations/{MARK}-inquiry/")
    assert page.status_code == 200
    assert f"Under embargo until {LATER:%Y-%m-%d}" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    data = client.get(f"/investigations/{MARK}-inquiry.json").json()
    assert [h["key"] for h in data["holdings"]] == [f"{MARK}-holding"]
    assert [c["key"] for c in data["claims"]] == [f"{MARK}-claim"]
    assert data["sources"] == [f"{MARK}-replies"]
    # The claim is recomputed from the investigation's own records, opened with it.
    reproduction = data["claims"][0]["reproduction"]
    assert (reproduction["status"], reproduction["recomputed"]) == ("match", "1 of 1"), reproduction
    assert len(data["targets"]) == 1
    # Everywhere else it stays sealed, for the team too: the public record is one.
    assert MARK not in client.get("/holdings.json").content.decode().lower()


def test_the_api_is_the_published_record_for_the_team_too(sealed: Sealed, client: Client) -> None:
    _login(client, sealed.users["owner"])
    assert client.get(f"/api/v1/investigations/{MARK}-inquiry").status_code == 404


# --- the end of an embargo --------------------------------------------------------------


def test_it_shows_everywhere_on_the_day_its_embargo_ends(sealed: Sealed, client: Client) -> None:
    before = snapshots.key_for()
    # update() moves no revision on: only the day does, as it would overnight.
    m.Investigation.all_objects.filter(pk=sealed.investigation.pk).update(
        embargo_until=timezone.localdate()
    )
    assert snapshots.key_for() != before, "figures stored under the embargo must not be kept"
    assert client.get(f"/investigations/{MARK}-inquiry/").status_code == 200
    assert client.get(f"/api/v1/holdings/{MARK}-holding").status_code == 200
    assert m.Source.objects.filter(pk=sealed.source.pk).exists()


def test_stored_figures_are_not_stored_while_one_is_opened(sealed: Sealed) -> None:
    built = []
    derived = snapshots.Derived("embargo-test", lambda: built.append(1) or len(built), int, int)
    with embargo.opened([sealed.investigation.pk]):
        derived.get()
    assert not m.Snapshot.objects.filter(name="embargo-test").exists()


# --- the admin and the coding pages ------------------------------------------------------


@pytest.mark.parametrize(("who", "seen"), [("editor", False), ("member", True), ("admin", True)])
def test_the_admin_shows_it_to_its_team_only(
    who: str, seen: bool, sealed: Sealed, client: Client
) -> None:
    _login(client, sealed.users[who])
    change = client.get(f"/admin/registry/investigation/{sealed.investigation.pk}/change/")
    assert change.status_code == (200 if seen else 302)  # the admin sends an unknown id home
    listed = client.get("/admin/registry/holding/", {"q": MARK})
    assert (f"{MARK}-holding" in listed.content.decode()) == seen


@pytest.mark.parametrize(("who", "seen"), [("editor", False), ("member", True), ("admin", True)])
def test_a_deleted_record_of_it_is_listed_for_its_team_only(
    who: str, seen: bool, sealed: Sealed, client: Client
) -> None:
    m.Claim.all_objects.filter(key=f"{MARK}-claim").delete()
    _login(client, sealed.users[who])
    page = client.get("/admin/deleted/").content.decode()
    assert (f"1 of 1 {MARK} bodies" in page) == seen


def test_a_reply_filed_under_it_is_not_published(sealed: Sealed, client: Client) -> None:
    from camwatch.coding.ingest import ingest_bytes
    from camwatch.coding.models import SuggestionStatus

    text = "The Council operates 12 Hikvision cameras.\n"
    document = ingest_bytes("zq7.txt", text.encode(), investigation=sealed.investigation).document
    document.suggestions.update(status=SuggestionStatus.ACCEPTED)
    assert client.get(f"/coding/{document.pk}/public/").status_code == 404
    _login(client, sealed.users["owner"])
    assert client.get(f"/coding/{document.pk}/public/").status_code == 200
    document.file.storage.delete(document.file.name)


# --- the loader and the checks -------------------------------------------------------------


def test_the_loader_seals_an_investigation_and_a_rerun_changes_nothing(data_copy: Path) -> None:
    path = data_copy / "investigations" / "top10vpn-2020-councils.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\n  kind: " in text
    path.write_text(text.replace("\n  kind: ", "\n  embargo_until: 2999-01-01\n  kind: ", 1))
    public = m.Holding.objects.count()
    assert load_data(data_copy).updated["investigations"] == 1
    sealed_holdings = m.Holding.all_objects.filter(investigation__slug="top10vpn-2020-councils")
    assert m.Holding.objects.count() == public - sealed_holdings.count() < public
    again = load_data(data_copy)
    assert again.changes == 0, again.as_dict()


def test_the_checks_leave_out_sealed_holdings(sealed: Sealed) -> None:
    from camwatch.findings.checks import crowded_series

    twin = m.Holding.all_objects.get(pk=sealed.holding.pk)
    twin.pk, twin.key, twin.count = None, f"{MARK}-twin", 9
    twin.save()
    series = (sealed.holding.body_id, sealed.holding.vendor_id, None, dt.date(2026, 6, 1))
    assert series not in crowded_series()
    with embargo.opened([sealed.investigation.pk]):
        assert series in crowded_series()


# --- the commands ---------------------------------------------------------------------------


def test_embargo_commands(client: Client) -> None:
    import json

    from click.testing import CliRunner

    from camwatch.cli import main

    users = get_user_model().objects
    users.create_user("seal-cli-owner")
    users.create_user("seal-cli-member")
    slug = "top10vpn-2020-councils"
    runner = CliRunner()
    done = runner.invoke(
        main, ["embargo", "set", slug, "--until", "2999-01-01", "--owner", "seal-cli-owner",
               "--team", "seal-cli-member"],
    )  # fmt: skip
    assert (done.exit_code, done.stdout.strip()) == (
        0,
        f"{slug} is under embargo until 2999-01-01.",
    )
    assert client.get(f"/investigations/{slug}/").status_code == 404
    sealed = m.Investigation.all_objects.get(slug=slug)
    assert sealed.history.latest().embargo_until == dt.date(2999, 1, 1)
    listed = json.loads(runner.invoke(main, ["embargo", "list", "--json"]).stdout)
    assert [row for row in listed if row["slug"] == slug] == [
        {"slug": slug, "title": sealed.title, "embargo_until": "2999-01-01", "sealed": True,
         "owner": "seal-cli-owner", "team": ["seal-cli-member"]}
    ]  # fmt: skip
    for args, message in (
        (["set", "no-such", "--until", "2999-01-01"], "no investigation 'no-such'"),
        (["set", slug, "--until", "2999-01-01", "--team", "nobody"], "no user 'nobody'"),
        (["set", slug, "--until", "1 March"], "Invalid value for '--until'"),
        (["lift", "no-such"], "no investigation 'no-such'"),
    ):
        refused = runner.invoke(main, ["embargo", *args])
        assert refused.exit_code != 0, args
        assert message in refused.output, (args, refused.output)
    assert runner.invoke(main, ["embargo", "lift", slug]).exit_code == 0
    assert client.get(f"/investigations/{slug}/").status_code == 200
    assert slug not in runner.invoke(main, ["embargo", "list"]).stdout
    assert runner.invoke(main, ["embargo", "set", slug, "--until", "2020-01-01"]).exit_code == 0
    shown = runner.invoke(main, ["embargo", "list"]).stdout.splitlines()
    line = f"{slug}: published on 2020-01-01; owner seal-cli-owner; team seal-cli-member"
    assert line in shown
    assert client.get(f"/investigations/{slug}/").status_code == 200


def test_the_sqlite_export_leaves_it_out(sealed: Sealed, tmp_path: Path) -> None:
    import sqlite3

    from camwatch.findings.export_sqlite import export_sqlite

    path = tmp_path / "camwatch.db"
    export_sqlite(path)
    with sqlite3.connect(path) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        dumped = "\n".join(db.iterdump()).lower()
    assert "holdings" in tables
    assert "top10vpn" in dumped  # the published record is there
    assert MARK not in dumped


def test_a_key_a_sealed_record_holds_is_a_form_error(sealed: Sealed, client: Client) -> None:
    from django.core.exceptions import ValidationError

    copy = m.Source(key=f"{MARK}-replies", kind=m.SourceKind.REPORT, title="Another")
    with pytest.raises(ValidationError) as refused:
        copy.validate_unique()
    assert "key" in refused.value.message_dict
    # In the admin, an editor off the team gets the form back with the error, not a 500.
    _login(client, sealed.users["editor"])
    form = {"key": f"{MARK}-replies", "kind": "report", "title": "Another"}
    answer = client.post("/admin/registry/source/add/", form)
    assert answer.status_code == 200
    assert "already exists" in answer.content.decode()
    assert m.Source.all_objects.filter(key=f"{MARK}-replies").count() == 1
