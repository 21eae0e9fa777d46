"""Public pages kept in the cache for anonymous readers, until what they show changes.

Most of the site's traffic is people and scripts reading the same public pages: a body,
a vendor, a list filtered by vendor. Their answers change only when the registry or the
money trail does, so each is kept, keyed by its URL and by the revision stamps of those
two (registry/snapshots.py): the first edit after a page was kept makes a new key, and the
old answer is never served again. A page is also dated (verdicts depend on the day) and
kept for at most CAMWATCH_PAGE_CACHE_SECONDS, which bounds what a write that bypasses
Django (raw SQL) can leave stale. A connection with uncommitted changes (inside a
transaction) neither reads nor keeps pages, as snapshots are not trusted there either.

Only what is the same for every anonymous reader is kept:
- GET requests to the views in CACHED_VIEWS (a test checks that every view is listed in
  one table or the other), from a client with no cookies but the CSRF one: anyone logged
  in, or with messages waiting, is served afresh;
- 200 answers, whole (not streamed), within CAMWATCH_PAGE_CACHE_MAX_BYTES, that set no
  cookie and used no CSRF token (a page with a form is never shared).

With the default cache each worker keeps its own pages; CAMWATCH_CACHE_URL=redis://...
shares them between workers (docs/configuration.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix
from django.utils import timezone

import camwatch
from camwatch.money.apps import MONEY_REVISION
from camwatch.registry import snapshots
from camwatch.web.formats import FORMAT_SUFFIXES

# The revision rows public pages depend on: the registry's and the money trail's.
ROWS = (snapshots.REGISTRY, MONEY_REVISION)
HEADER = "X-Camwatch-Cache"

REGISTRY_VIEWS = {
    "home",
    "about",
    "body-list",
    "body-detail",
    "vendor-list",
    "vendor-detail",
    "investigation-list",
    "investigation-detail",
    "source-list",
    "source-detail",
    "holding-list",
    "claim-list",
    "location-list",
    "findings",
    "finding-detail",
}
MONEY_VIEWS = {
    "money",
    "contract-list",
    "contract-detail",
    "organisation-list",
    "organisation-detail",
    "policy-list",
    "body-money",
}
API_VIEWS = {
    f"api-v1:{name}"
    for name in (
        "index",
        "api-root",
        "list_bodies",
        "get_body",
        "list_vendors",
        "get_vendor",
        "list_holdings",
        "get_holding",
        "list_sources",
        "get_source",
        "list_investigations",
        "get_investigation",
        "list_claims",
        "get_claim",
        "list_checks",
        "list_contracts",
        "get_contract",
        "list_organisations",
        "get_organisation",
        "list_policies",
        "get_summary",
    )
}
CACHED_VIEWS = frozenset(REGISTRY_VIEWS | MONEY_VIEWS | API_VIEWS)

# Never kept, and why.
UNCACHED_VIEWS = {
    # Sightings change with every contribution, and the map's own index already answers
    # in milliseconds; the form carries a CSRF token; photos are files served by the view.
    **dict.fromkeys(
        (
            "map",
            "map-basemap",
            "sighting-counts",
            "sighting-unknown-operator",
            "sighting-new",
            "sighting-thanks",
            "sighting-review",
            "sighting-decide",
            "sighting-photo",
            "sighting-photo-original",
            "api-v1:list_sightings",
            "api-v1:sighting_clusters",
            "api-v1:get_sighting",
            "api-v1:list_signs",
        ),
        "sightings change with every contribution",
    ),
    # FOI campaigns have embargoes and teams; coding is for reviewers; the money names
    # queue is for reviewers; logins carry CSRF tokens.
    **dict.fromkeys(
        (
            "foi-campaigns",
            "foi-request",
            "foi-campaign",
            "coding-queue",
            "coding-upload",
            "coding-decide",
            "coding-public",
            "coding-document",
            "money-names",
            "login",
            "logout",
            "admin-deleted",
        ),
        "depends on who is asking, or on records outside the registry and money trail",
    ),
    # The API's own description, which django-ninja builds once per process.
    **dict.fromkeys(("api-v1:openapi-view", "api-v1:openapi-json"), "built once already"),
}


def view_name(request: HttpRequest) -> str:
    """The resolved view's name, with a format twin's suffix (`body-list.json`) removed."""
    match = request.resolver_match
    name = match.view_name if match else ""
    for suffix in FORMAT_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def shareable_request(request: HttpRequest) -> bool:
    """A GET from a client that carries no cookie but the CSRF one: an anonymous reader
    with nothing of their own on the page."""
    if request.method != "GET" or not settings.CAMWATCH_PAGE_CACHE_SECONDS:
        return False
    return all(name == settings.CSRF_COOKIE_NAME for name in request.COOKIES)


def shareable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_USED")
        and "private" not in response.get("Cache-Control", "")
        and len(response.content) <= settings.CAMWATCH_PAGE_CACHE_MAX_BYTES
    )


def cache_key(request: HttpRequest) -> str:
    """The page's URL (host and scheme included: pages link absolutely), the day, the
    release, and the stamps of the revisions it depends on."""
    parts = (
        camwatch.__version__,
        get_script_prefix(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        timezone.localdate().isoformat(),
        snapshots.stamps(ROWS),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"camwatch-page:{digest}"


def _stored(response: HttpResponse) -> tuple[bytes, list[tuple[str, str]]]:
    return response.content, list(response.items())


def _restored(entry: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    content, headers = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response[HEADER] = "hit"
    return response


class PageCacheMiddleware:
    """Serve kept public pages; keep the ones that may be shared."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_camwatch_page_key", None)
        if key is not None and shareable_response(request, response):
            cache.set(key, _stored(response), settings.CAMWATCH_PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not shareable_request(request) or view_name(request) not in CACHED_VIEWS:
            return None
        if any(snapshots.pending(row=row) for row in ROWS):
            # Uncommitted changes on this connection: what it sees is not what others see.
            return None
        key = cache_key(request)
        entry = cache.get(key)
        if entry is not None:
            return _restored(entry)
        request._camwatch_page_key = key  # type: ignore[attr-defined]
        return None
