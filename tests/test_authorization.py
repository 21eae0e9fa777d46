"""The authorization matrix: every view and every API operation, for each role (reader,
contributor, reviewer, editor, admin), with the real roles from web/roles.py; object-level
rules (FOI embargo, unpublished sightings); contributors' identity; and the roles' groups
and commands. docs/security.md describes the same matrix in words."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from click.testing import CliRunner
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from camwatch.api.v1 import api
from camwatch.cli import main
from camwatch.web import roles

pytestmark = pytest.mark.django_db

ROLE_NAMES = ("reader", *roles.ROLES)  # reader: not signed in


def by_role(statuses: str) -> dict[str, int]:
    """'302 403 200 200 200': the status for reader, contributor, reviewer, editor, admin."""
    codes = [int(code) for code in statuses.split()]
    assert len(codes) == len(ROLE_NAMES), statuses
    return dict(zip(ROLE_NAMES, codes, strict=True))


PUBLIC = "200 200 200 200 200"
READ_ONLY = "405 405 405 405 405"  # GET, HEAD and OPTIONS only (docs/security.md)
NOT_FOUND = "404 404 404 404 404"
# login_required first (a reader is sent to log in), then the review permission.
REVIEWERS = "302 403 200 200 200"
# login_required first, then the method: a POST-only view asked with GET, or a page that
# only shows asked with POST.
LOGIN_THEN_405 = "302 405 405 405 405"
# After login_required and the permission, a POST with an empty form is turned back to
# the page it came from with a message: acting is allowed, nothing was asked.
ACTS = "302 403 302 302 302"


@dataclass(frozen=True)
class Page:
    """Expected GET and POST statuses by role (by_role), the URL's arguments as names of
    samples (World.samples), and the form sent with the POST."""

    get: str
    post: str = READ_ONLY
    kwargs: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    basemap: bool = False  # with a local .pmtiles basemap configured


# Every view of the site, by URL name: a .json, .csv, .xlsx or .geojson twin shares its
# page's entry. A view missing here fails test_every_view_is_in_the_matrix.
PAGES: dict[str, Page] = {
    # The admin: staff only (editor, admin); anyone else is sent to its login page.
    "admin:index": Page("302 302 302 200 200", post="302 302 302 200 200"),
    # Deleted records: staff only; a POST that names no record is refused.
    "admin-deleted": Page("302 302 302 200 200", post="302 302 302 400 400"),
    # The schema and its docs page are read-only (docs_decorator=require_safe in api/v1.py).
    "api-v1:openapi-json": Page(PUBLIC),
    "api-v1:openapi-view": Page(PUBLIC),
    # An empty login form is shown again with its errors; logging out is POST only.
    "login": Page(PUBLIC, post=PUBLIC),
    "logout": Page(READ_ONLY, post="302 302 302 302 302"),
    "home": Page(PUBLIC),
    "about": Page(PUBLIC),
    "body-list": Page(PUBLIC),
    "body-detail": Page(PUBLIC, kwargs={"slug": "body"}),
    "body-money": Page(PUBLIC, kwargs={"slug": "body"}),
    "vendor-list": Page(PUBLIC),
    "vendor-detail": Page(PUBLIC, kwargs={"slug": "vendor"}),
    "investigation-list": Page(PUBLIC),
    "investigation-detail": Page(PUBLIC, kwargs={"slug": "investigation"}),
    "source-list": Page(PUBLIC),
    "source-detail": Page(PUBLIC, kwargs={"key": "source"}),
    "holding-list": Page(PUBLIC),
    "claim-list": Page(PUBLIC),
    "location-list": Page(PUBLIC),
    "findings": Page(PUBLIC),
    "finding-detail": Page(PUBLIC, kwargs={"slug": "finding"}),
    "money": Page(PUBLIC),
    "contract-list": Page(PUBLIC),
    "contract-detail": Page(PUBLIC, kwargs={"key": "contract"}),
    "organisation-list": Page(PUBLIC),
    "organisation-detail": Page(PUBLIC, kwargs={"slug": "organisation"}),
    "policy-list": Page(PUBLIC),
    # Reviewers only; anonymous visitors get 403 here, not the login page.
    "money-names": Page("403 403 200 200 200", post="403 403 404 404 404"),
    # A campaign out of embargo; test_embargo covers one under it.
    "foi-campaigns": Page(PUBLIC),
    "foi-campaign": Page(PUBLIC, kwargs={"slug": "campaign"}),
    "foi-request": Page(PUBLIC, kwargs={"reference": "request"}),
    # The review queue answers 404 to anonymous visitors, as if it did not exist.
    "coding-queue": Page("404 403 200 200 200"),
    "coding-document": Page("404 403 200 200 200", kwargs={"pk": "document"}),
    "coding-upload": Page(LOGIN_THEN_405, post=ACTS),
    "coding-decide": Page(LOGIN_THEN_405, post=ACTS, kwargs={"pk": "suggestion"}),
    "coding-public": Page(PUBLIC, kwargs={"pk": "document"}),
    "map": Page(PUBLIC),
    "map-basemap": Page(PUBLIC, basemap=True),
    "sighting-counts": Page(PUBLIC),
    "sighting-unknown-operator": Page(PUBLIC),
    # Open to everyone (rate-limited): a minimal sighting is accepted from every role.
    "sighting-new": Page(
        PUBLIC,
        post="302 302 302 302 302",
        data={"camera_type": "dome", "latitude": "52.2", "longitude": "0.12"},
    ),
    # Only the session that sent a sighting sees its thank-you page; no role does.
    "sighting-thanks": Page(NOT_FOUND, post=READ_ONLY, kwargs={"pk": "pending_sighting"}),
    "sighting-review": Page(REVIEWERS, post=LOGIN_THEN_405),
    "sighting-decide": Page(LOGIN_THEN_405, post=ACTS, kwargs={"pk": "pending_sighting"}),
    "sighting-photo": Page(PUBLIC, kwargs={"pk": "photo"}),
    "sighting-photo-original": Page(REVIEWERS, post=LOGIN_THEN_405, kwargs={"pk": "photo"}),
}

SKIPPED_NAMESPACES = ("admin", "api-v1")  # the admin's own pages; the API by its schema
CHECKED_ANYWAY = {"admin:index", "api-v1:openapi-json", "api-v1:openapi-view"}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def url_names() -> list[str]:
    """Every named URL of the project but the admin's internals and the API's routes."""
    names = []
    for name in dict.fromkeys(_walk(get_resolver().url_patterns)):
        if name in CHECKED_ANYWAY or name.partition(":")[0] not in SKIPPED_NAMESPACES:
            names.append(name)
    return names


def page_of(name: str) -> Page:
    """A format twin ("body-detail.json") is checked as its page ("body-detail")."""
    page = PAGES.get(name) or PAGES.get(name.split(".")[0])
    if page is None:
        pytest.fail(f"{name} is not in the authorization matrix: add it to PAGES")
    return page


# --- the people and the records the matrix needs, made once for the module -------------


@dataclass
class World:
    users: dict[str, Any]
    samples: dict[str, Any]
    objects: dict[str, Any]

    def login(self, client: Client, who: str) -> Client:
        if who != "reader":
            client.force_login(self.users[who])
        return client


BUNDLED = {
    "body": "hammersmith-and-fulham",
    "vendor": "hikvision",
    "investigation": "top10vpn-2020-councils",
    "source": "top10vpn-uk-video-surveillance-2021",
    "contract": "hammersmith-and-fulham-chroma-vision-2015",
    "organisation": "chroma-vision",
    "holding": "top10vpn-hammersmith-and-fulham-hikvision-cameras",
    "claim": "top10vpn-provided",
    "finding": "claims",
}
REPLY = (
    "Dear Requester,\nThe Council operates 41 Hikvision cameras. None of our cameras have "
    "facial recognition enabled.\nKind regards,\nJane Smith\n"
)
QUIET, NAMED, VERIFIER = "quiet-contributor-x7", "named-contributor-q3", "verifier-k9"


def _users() -> dict[str, Any]:
    """One user per role, given it through roles.grant as an operator would; and an FOI
    campaign's owner and collaborator, who hold no role."""
    users = get_user_model().objects
    made = {}
    for name in roles.ROLES:
        users.create_user(f"authz-{name}")
        made[name] = roles.grant(f"authz-{name}", name)
    for name in ("owner", "collaborator", QUIET, NAMED, VERIFIER):
        made[name] = users.create_user(name)
    return made


def _campaign(slug: str, embargo: dt.date | None, users: dict[str, Any]) -> Any:
    from camwatch.foi.models import Campaign, Request
    from camwatch.registry.models import PublicBody

    campaign = Campaign.objects.create(
        slug=slug, title=f"Campaign {slug}", requester_name="R", owner=users["owner"],
        embargo_until=embargo,
    )  # fmt: skip
    campaign.collaborators.add(users["collaborator"])
    Request.objects.create(
        campaign=campaign, body=PublicBody.objects.get(slug="camden"),
        reference=f"CW-{slug.upper()}-1", regime="foia", subject="S", text="T",
    )  # fmt: skip
    return campaign


def _document(text: str, **links: Any) -> Any:
    """A reply with one suggestion published (as if accepted: the status is all the public
    copy checks) and the others pending."""
    from camwatch.coding.ingest import ingest_bytes
    from camwatch.coding.models import SuggestionStatus

    document = ingest_bytes("reply.txt", text.encode(), **links).document
    first = document.suggestions.order_by("order").first()
    document.suggestions.filter(pk=first.pk).update(status=SuggestionStatus.ACCEPTED)
    return document


def _sightings(users: dict[str, Any]) -> dict[str, Any]:
    """Two verified cameras (one contributor unnamed, one named), a pending one, and a
    photo of the first and of the pending one."""
    from camwatch.sightings.models import Sighting, SightingPhoto, Status

    def camera(lat: float, status: str, **fields: Any) -> Sighting:
        return Sighting.objects.create(
            latitude=lat, longitude=-0.2240, camera_type="dome", status=status, **fields
        )

    verified = {"status": Status.VERIFIED, "reviewer": users[VERIFIER]}
    quiet = camera(51.4920, **verified, contributor=users[QUIET], contributor_public=False)
    named = camera(51.4930, **verified, contributor=users[NAMED], contributor_public=True)
    pending = camera(51.4940, Status.PENDING, contributor=users[QUIET])
    photo = SightingPhoto(sighting=quiet, width=1, height=1)
    photo.original.save("authz-original", ContentFile(b"original"), save=False)
    photo.published.save("authz.jpg", ContentFile(b"published"), save=False)
    photo.save()
    pending_photo = SightingPhoto(sighting=pending, width=1, height=1)
    pending_photo.original.save("authz-pending-original", ContentFile(b"o"), save=False)
    pending_photo.published.save("authz-pending.jpg", ContentFile(b"p"), save=False)
    pending_photo.save()
    return {"quiet": quiet, "named": named, "pending": pending, "photo": photo,
            "pending_photo": pending_photo}  # fmt: skip


def _build() -> World:
    from camwatch.findings.dashboard import refresh

    # Derived figures stored now, inside the module's transaction: computed on a page
    # view instead, they would be stored in that test's transaction and computed again
    # by the next test.
    refresh()
    users = _users()
    open_campaign = _campaign("authz-open", None, users)
    secret = _campaign("authz-secret", dt.date(2999, 1, 1), users)
    document = _document(REPLY)
    secret_document = _document(
        REPLY.replace("41", "43"), foi_request=secret.requests.get(), body=None
    )
    made = _sightings(users)
    objects = {"document": document, "secret_document": secret_document, "secret": secret,
               **made}  # fmt: skip
    samples = {
        **BUNDLED,
        "campaign": open_campaign.slug,
        "request": open_campaign.requests.get().reference,
        "document": document.pk,
        "suggestion": document.suggestions.filter(status="pending").first().pk,
        "pending_sighting": made["pending"].pk,
        "photo": made["photo"].pk,
        "sighting": made["quiet"].pk,
    }
    return World(users, samples, objects)


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Made once, inside a transaction rolled back after the module (each test's own is a
    savepoint within it), so the other tests never see these records."""
    from camwatch.sightings import mapindex

    with django_db_blocker.unblock(), transaction.atomic():
        built = _build()
        basemap = tmp_path_factory.mktemp("basemap") / "local.pmtiles"
        basemap.write_bytes(b"PMTiles" + bytes(121))
        built.samples["basemap"] = str(basemap)
        yield built
        transaction.set_rollback(True)
    made = built.objects
    for stored in (made["photo"].original, made["photo"].published, made["pending_photo"].original,
                   made["pending_photo"].published, made["document"].file,
                   made["secret_document"].file):  # fmt: skip
        stored.storage.delete(stored.name)  # files outlive the rollback
    mapindex._loaded = None  # it may hold the rolled-back sightings


# --- every view, for every role --------------------------------------------------------

CASES = [(role, name) for name in url_names() for role in ROLE_NAMES]


def test_every_view_is_in_the_matrix() -> None:
    """test_view fails for each view missing too; this says so in one place."""
    names = url_names()
    missing = [name for name in names if name not in PAGES and name.split(".")[0] not in PAGES]
    assert missing == [], f"add these views to PAGES: {missing}"
    stale = set(PAGES) - {name.split(".")[0] for name in names} - set(names)
    assert stale == set(), f"PAGES names views that no longer exist: {stale}"


@pytest.mark.parametrize(("role", "name"), CASES, ids=[f"{r}-{n}" for r, n in CASES])
def test_view(role: str, name: str, world: World, client: Client, settings: Any) -> None:
    page = page_of(name)
    if page.basemap:
        settings.CAMWATCH_MAP_BASEMAP = world.samples["basemap"]
    url = reverse(name, kwargs={k: world.samples[v] for k, v in page.kwargs.items()})
    world.login(client, role)
    got = client.get(url).status_code
    assert got == by_role(page.get)[role], f"GET {url} as {role}"
    got = client.post(url, page.data).status_code
    assert got == by_role(page.post)[role], f"POST {url} as {role}"


# --- every API operation, for every role, from the served schema ----------------------

SCHEMA = api.get_openapi_schema()
# Each path parameter's sample (World.samples), by path; a new one needs an entry.
PATH_SAMPLES = {
    "/api/v1/bodies/{slug}": "body",
    "/api/v1/vendors/{slug}": "vendor",
    "/api/v1/holdings/{key}": "holding",
    "/api/v1/sources/{key}": "source",
    "/api/v1/investigations/{slug}": "investigation",
    "/api/v1/claims/{key}": "claim",
    "/api/v1/sightings/{sighting_id}": "sighting",
    "/api/v1/contracts/{key}": "contract",
    "/api/v1/organisations/{slug}": "organisation",
}
AROUND = "-0.2250,51.4910,-0.2230,51.4950"  # the sightings World makes, in Hammersmith
REQUIRED_QUERY = {"bbox": AROUND, "zoom": "18"}
API_CASES = [
    (role, path) for path, ops in SCHEMA["paths"].items() if "get" in ops for role in ROLE_NAMES
]


def _api_request(
    path: str, samples: dict[str, Any], unknown: bool = False
) -> tuple[str, dict[str, str]]:
    """The operation's address with its path parameter filled (with a record that exists,
    or with one that does not), and its required query parameters."""
    operation = SCHEMA["paths"][path]["get"]
    url = path
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            if path not in PATH_SAMPLES:
                pytest.fail(f"{path}: add a sample for {{{parameter['name']}}} to PATH_SAMPLES")
            value = "no-such-record" if unknown else samples[PATH_SAMPLES[path]]
            url = url.replace(f"{{{parameter['name']}}}", str(value))
    required = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"
                and p.get("required")]  # fmt: skip
    if set(required) - set(REQUIRED_QUERY):
        pytest.fail(f"{path}: add a value for {required} to REQUIRED_QUERY")
    return url, {name: REQUIRED_QUERY[name] for name in required}


def test_the_schema_walked_is_the_one_served(client: Client) -> None:
    served = client.get("/api/v1/openapi.json").json()
    assert served["paths"].keys() == SCHEMA["paths"].keys()
    methods = {method for operations in served["paths"].values() for method in operations}
    assert methods == {"get"}, "the API is read-only (docs/security.md)"


@pytest.mark.parametrize(("role", "path"), API_CASES, ids=[f"{r}-{p}" for r, p in API_CASES])
def test_api(role: str, path: str, world: World, client: Client) -> None:
    """Every role reads every operation alike; a documented 404 is what an unknown record
    gets; any other method is refused."""
    world.login(client, role)
    url, query = _api_request(path, world.samples)
    assert client.get(url, query).status_code == 200, f"GET {url} as {role}"
    if "404" in {str(code) for code in SCHEMA["paths"][path]["get"]["responses"]}:
        missing, query = _api_request(path, world.samples, unknown=True)
        assert client.get(missing, query).status_code == 404, f"GET {missing} as {role}"
    for method in ("post", "put", "patch", "delete"):
        got = getattr(client, method)(url).status_code
        assert got == 405, f"{method.upper()} {url} as {role}"


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_pending_sightings_on_the_map_are_for_reviewers(
    role: str, world: World, client: Client
) -> None:
    world.login(client, role)
    query = {"bbox": AROUND, "zoom": "18"}
    public = client.get("/api/v1/sightings/clusters", query).json()["total"]
    response = client.get("/api/v1/sightings/clusters", {**query, "pending": "true"})
    assert response.status_code == by_role("403 403 200 200 200")[role]
    if response.status_code == 200:
        assert response.json()["total"] == public + 1  # World's one pending camera


# --- object-level rules ------------------------------------------------------------------

# An embargoed campaign's team is its owner, its collaborators and the admins (superusers):
# editors are staff, but an embargo holds against them (foi/models.py Campaign.is_team).
ON_THE_TEAM = {"reader": False, "contributor": False, "reviewer": False, "editor": False,
               "admin": True, "owner": True, "collaborator": True}  # fmt: skip
# The embargoed reply in /coding/: the review permission, then the team (a reviewer who
# is not on it finds nothing); the owner and collaborator may not review.
CODING_EMBARGOED = {"reader": 404, "contributor": 403, "reviewer": 404, "editor": 404,
                    "admin": 200, "owner": 403, "collaborator": 403}  # fmt: skip
DECIDING_EMBARGOED = {**CODING_EMBARGOED, "reader": 302, "admin": 302}


@pytest.mark.parametrize("who", list(ON_THE_TEAM))
def test_embargo(who: str, world: World, client: Client) -> None:
    secret, document = world.objects["secret"], world.objects["secret_document"]
    world.login(client, who)
    seen = 200 if ON_THE_TEAM[who] else 404
    reference = secret.requests.get().reference
    for url in (f"/foi/{secret.slug}/", f"/foi/{secret.slug}.json", f"/foi/requests/{reference}/",
                f"/foi/requests/{reference}.csv", f"/coding/{document.pk}/public/"):  # fmt: skip
        assert client.get(url).status_code == seen, f"{url} as {who}"
    listed = [row["slug"] for row in client.get("/foi.json").json()["campaigns"]]
    assert (secret.slug in listed) == ON_THE_TEAM[who]
    assert client.get(f"/coding/{document.pk}/").status_code == CODING_EMBARGOED[who]
    pending = document.suggestions.filter(status="pending").first()
    decided = client.post(f"/coding/suggestions/{pending.pk}/", {"action": "reject"})
    assert decided.status_code == DECIDING_EMBARGOED[who]


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_a_sighting_awaiting_review_is_shown_to_reviewers_only(
    role: str, world: World, client: Client
) -> None:
    world.login(client, role)
    photo = world.objects["pending_photo"]
    got = client.get(f"/sightings/photos/{photo.pk}.jpg").status_code
    assert got == by_role("404 404 200 200 200")[role]
    # The API is the public record: not even a reviewer gets an unverified sighting there.
    assert client.get(f"/api/v1/sightings/{photo.sighting_id}").status_code == 404


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_a_contribution_is_credited_to_its_account(role: str, world: World, client: Client) -> None:
    from camwatch.sightings.models import Sighting

    world.login(client, role)
    response = client.post("/sightings/new/", PAGES["sighting-new"].data)
    sighting = Sighting.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    assert sighting.contributor == world.users.get(role)  # None for a reader
    assert (sighting.status, sighting.contributor_public) == ("pending", False)


# --- contributors' identity -------------------------------------------------------------

PUBLIC_SIGHTINGS = (
    "/sightings/unknown-operator/", "/sightings/unknown-operator.json",
    "/sightings/unknown-operator.csv", "/sightings/unknown-operator.geojson", "/map/",
    f"/api/v1/sightings?bbox={AROUND}", f"/api/v1/sightings/clusters?bbox={AROUND}&zoom=18",
)  # fmt: skip


def _text(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_a_contributor_is_named_only_if_they_chose(role: str, world: World, client: Client) -> None:
    """The public pages, exports and the data the map's popups are made from (the clusters
    and /api/v1/sightings/<id>): the same for every role."""
    quiet, named = world.objects["quiet"], world.objects["named"]
    world.login(client, role)
    assert str(quiet.pk) in _text(client.get("/sightings/unknown-operator.json"))
    for url in (*PUBLIC_SIGHTINGS, f"/api/v1/sightings/{quiet.pk}"):
        text = _text(client.get(url))
        for private in (QUIET, VERIFIER):  # nor who verified it
            assert private not in text, f"{private} in {url} as {role}"
    assert client.get(f"/api/v1/sightings/{quiet.pk}").json()["contributor"] is None
    assert client.get(f"/api/v1/sightings/{named.pk}").json()["contributor"] == NAMED
    listed = client.get("/api/v1/sightings", {"bbox": AROUND}).json()["items"]
    assert {row["id"]: row["contributor"] for row in listed} == {quiet.pk: None, named.pk: NAMED}


# --- the roles themselves ---------------------------------------------------------------

DERIVED = {"revision", "snapshot", "snapshotbody"}  # computed by camwatch, never edited


@pytest.mark.parametrize("with_state", [True, False], ids=["migrate", "flush"])
def test_migrate_and_flush_make_the_groups(with_state: bool) -> None:
    """migrate sends post_migrate with the migrated state's apps, flush without."""
    from django.core.management.sql import emit_post_migrate_signal

    Group.objects.filter(name__in=roles.ROLES).delete()
    emit_post_migrate_signal(0, False, "default", **({"apps": apps} if with_state else {}))
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)
    assert all(row["in_sync"] for row in roles.describe())


def test_editors_add_and_change_every_record_and_nobody_deletes() -> None:
    editor = set(roles.ROLES["editor"].permissions)
    for app in roles.EDITED_MODELS:
        for model in apps.get_app_config(app).get_models():
            name = model._meta.model_name
            if name.startswith("historical") or name in DERIVED:
                continue
            assert {f"{app}.add_{name}", f"{app}.change_{name}"} <= editor, name
    assert set(roles.REVIEW) <= editor
    granted = [p for r in roles.ROLES.values() for p in r.permissions]
    assert not [p for p in granted if ".delete_" in p]
    assert roles.ROLES["contributor"].permissions == ()


def test_grant_and_revoke_set_staff_and_superuser() -> None:
    user = get_user_model().objects.create_user("someone")
    roles.grant("someone", "editor")
    roles.grant("someone", "admin")
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, True)
    assert "someone" in roles.members("admin")
    assert roles.revoke("someone", "admin")
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, False)  # still an editor
    assert roles.revoke("someone", "editor")
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser, user.groups.count()) == (False, False, 0)
    assert not roles.revoke("someone", "editor")


def test_roles_commands() -> None:
    get_user_model().objects.create_user("helper")
    runner = CliRunner()
    granted = runner.invoke(main, ["roles", "grant", "helper", "reviewer"])
    assert (granted.exit_code, granted.stdout.strip()) == (0, "helper is now reviewer")
    listed = json.loads(runner.invoke(main, ["roles", "list", "--json"]).stdout)
    reviewer = next(row for row in listed if row["role"] == "reviewer")
    assert "helper" in reviewer["members"]
    assert reviewer["permissions"] == list(roles.REVIEW)
    assert "sightings.review_sighting" in runner.invoke(main, ["roles", "list"]).stdout
    for args, message in (
        (["grant", "nobody", "editor"], "no user 'nobody'"),
        (["grant", "helper", "reader"], "unknown role 'reader'"),
        (["revoke", "helper", "owner"], "unknown role 'owner'"),
    ):
        refused = runner.invoke(main, ["roles", *args])
        assert (refused.exit_code, message in refused.stderr) == (1, True), args
    assert runner.invoke(main, ["roles", "revoke", "helper", "reviewer"]).exit_code == 0
    assert not get_user_model().objects.get(username="helper").groups.exists()


def test_sync_restores_a_changed_group() -> None:
    Group.objects.get(name="reviewer").permissions.clear()
    runner = CliRunner()
    assert runner.invoke(main, ["roles", "sync"]).stdout.strip() == "Updated: reviewer"
    assert runner.invoke(main, ["roles", "sync"]).stdout.strip() == "The roles were up to date."


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_change_records_in_the_admin_but_do_not_delete_them(
    role: str, world: World, client: Client
) -> None:
    from camwatch.registry.models import Vendor

    world.login(client, role)
    vendor = Vendor.objects.get(slug="hikvision").pk
    assert client.get(f"/admin/registry/vendor/{vendor}/change/").status_code == 200
    assert client.get("/admin/registry/vendor/add/").status_code == 200
    deleting = client.get(f"/admin/registry/vendor/{vendor}/delete/").status_code
    assert deleting == {"editor": 403, "admin": 200}[role]
    # Nobody but the contributor decides whether they are named, nor whose sighting it is.
    form = client.get(f"/admin/sightings/sighting/{world.objects['quiet'].pk}/change/")
    assert form.status_code == 200
    for field_name in ("contributor_public", "contributor", "submitter"):
        assert f'name="{field_name}"' not in form.content.decode()
