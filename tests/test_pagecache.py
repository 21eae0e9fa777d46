"""The page cache (web/pagecache.py): public pages kept for anonymous readers until the
registry or the money trail changes, and never anything personal."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from camwatch.money.apps import MONEY_REVISION
from camwatch.registry import models as m
from camwatch.registry import snapshots
from camwatch.web import pagecache
from camwatch.web.environment import ConfigurationError, cache_config
from camwatch.web.formats import FORMAT_SUFFIXES

pytestmark = pytest.mark.django_db
BODY = "/bodies/cambridge/"


def _state(response: HttpResponse) -> str | None:
    assert response.status_code == 200, response.content[:300]
    return response.get(pagecache.HEADER)


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace != "admin":
                found |= _names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.add(namespace + pattern.name)
    return found


def test_every_view_is_either_kept_or_listed_as_never_kept() -> None:
    names = set()
    for name in _names(get_resolver()):
        for suffix in FORMAT_SUFFIXES:
            name = name.removesuffix(suffix)
        names.add(name)
    listed = set(pagecache.CACHED_VIEWS) | set(pagecache.UNCACHED_VIEWS)
    assert names - listed == set(), "classify these views in web/pagecache.py"
    assert listed - names == set(), "these names are no longer views"
    assert not set(pagecache.CACHED_VIEWS) & set(pagecache.UNCACHED_VIEWS)


@pytest.mark.parametrize("url", [BODY, "/bodies.json?q=cambridge", "/api/v1/bodies/cambridge"])
def test_an_anonymous_reader_is_served_the_kept_page(url: str) -> None:
    client = Client()
    first = client.get(url)
    assert _state(first) == "miss"
    second = client.get(url)
    assert _state(second) == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # The outer middleware still adds its headers to a kept page.
    assert second["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in second


def test_a_change_to_the_registry_is_seen_at_once() -> None:
    client = Client()
    assert _state(client.get(BODY)) == "miss"
    # As a committed edit from another process: the row changes, the revision moves on.
    m.PublicBody.objects.filter(slug="cambridge").update(name="Cambridge Renamed Council")
    assert _state(client.get(BODY)) == "hit"  # nothing said the registry changed yet
    snapshots.bump()
    fresh = client.get(BODY)
    assert _state(fresh) == "miss"
    assert b"Cambridge Renamed Council" in fresh.content


def test_a_change_to_the_money_trail_is_seen_at_once() -> None:
    client = Client()
    assert _state(client.get(BODY)) == "miss"
    snapshots.bump(row=MONEY_REVISION)
    assert _state(client.get(BODY)) == "miss"


def test_a_connection_with_uncommitted_changes_neither_reads_nor_keeps_pages() -> None:
    client = Client()
    assert _state(client.get(BODY)) == "miss"
    body = m.PublicBody.objects.get(slug="cambridge")
    body.name = "Cambridge Edited In This Transaction"
    body.save()  # the revision moves on when this commits; until then, nothing is shared
    assert snapshots.pending()
    seen = client.get(BODY)
    assert _state(seen) is None
    assert b"Cambridge Edited In This Transaction" in seen.content


def test_signed_in_users_and_clients_with_cookies_are_served_afresh() -> None:
    reader = Client()
    assert _state(reader.get(BODY)) == "miss"
    editor = Client()
    editor.force_login(User.objects.create_user("editor-for-cache", password="x"))
    assert _state(editor.get(BODY)) is None
    with_messages = Client()
    with_messages.cookies["messages"] = "something"
    assert _state(with_messages.get(BODY)) is None
    with_csrf = Client()
    with_csrf.cookies["csrftoken"] = "a" * 32
    assert _state(with_csrf.get(BODY)) == "hit"  # the CSRF cookie alone changes nothing


def test_pages_with_forms_streams_and_large_answers_are_not_kept(settings: Any) -> None:
    client = Client()
    # A page with a form carries a CSRF token: never shared (and not in the table).
    assert _state(client.get("/sightings/new/")) is None
    assert _state(client.get("/sightings/new/")) is None
    # A CSV streams.
    csv = client.get("/bodies.csv")
    assert csv.streaming
    assert csv.get(pagecache.HEADER) is None
    settings.CAMWATCH_PAGE_CACHE_MAX_BYTES = 100
    assert _state(client.get("/vendors/")) is None
    assert _state(client.get("/vendors/")) is None


def test_only_plain_200_answers_may_be_shared() -> None:
    request = RequestFactory().get("/vendors/")
    assert pagecache.shareable_response(request, HttpResponse("ok"))
    assert not pagecache.shareable_response(request, HttpResponse("gone", status=404))
    with_cookie = HttpResponse("ok")
    with_cookie.set_cookie("sessionid", "x")
    assert not pagecache.shareable_response(request, with_cookie)
    private = HttpResponse("ok")
    private["Cache-Control"] = "private"
    assert not pagecache.shareable_response(request, private)
    request.META["CSRF_COOKIE_USED"] = True
    assert not pagecache.shareable_response(request, HttpResponse("ok"))


def test_a_setting_of_zero_keeps_nothing(settings: Any) -> None:
    settings.CAMWATCH_PAGE_CACHE_SECONDS = 0
    client = Client()
    assert _state(client.get(BODY)) is None
    assert _state(client.get(BODY)) is None


def test_two_states_with_the_same_revision_number_get_different_keys() -> None:
    """A number given out again (a rolled-back transaction, a restored backup) comes
    with another time, so a page kept for the old state is not served for the new."""
    request = RequestFactory().get(BODY)
    snapshots.bump()
    first = pagecache.cache_key(request)
    revision = m.Revision.objects.get(pk=snapshots.REGISTRY)
    m.Revision.objects.filter(pk=revision.pk).update(changed=revision.changed.replace(year=2001))
    assert pagecache.cache_key(request) != first


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_workers_share_pages_through_redis(settings: Any) -> None:
    import redis

    url = "redis://127.0.0.1:6379/14"
    redis.Redis.from_url(url).flushdb()
    settings.CACHES = {"default": cache_config(url, 10)}
    client = Client()
    assert _state(client.get(BODY)) == "miss"
    stored = redis.Redis.from_url(url).keys("*camwatch-page:*")
    assert len(stored) == 1  # kept where every worker finds it
    assert _state(Client().get(BODY)) == "hit"
    cache.clear()
    assert _state(client.get(BODY)) == "miss"


def test_the_cache_url_must_be_redis() -> None:
    assert cache_config("", 5)["OPTIONS"] == {"MAX_ENTRIES": 5}
    assert cache_config("redis://h:6379/1", 5)["LOCATION"] == "redis://h:6379/1"
    with pytest.raises(ConfigurationError, match="CAMWATCH_CACHE_URL"):
        cache_config("memcached://h", 5)
