"""A limit on requests for data (the API and every page's .json, .csv, .xlsx and
.geojson) per client address, so that one scraper cannot take the site from everyone.

A fixed one-minute window counted in Django's cache. With the default per-process cache
each worker counts on its own, so the effective limit is the setting times the workers;
point CACHES at a shared cache (Redis, the database) for one count across workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

from camwatch.web.formats import FORMAT_SUFFIXES

WINDOW_SECONDS = 60


def is_data_request(path: str) -> bool:
    return path.startswith("/api/") or path.endswith(FORMAT_SUFFIXES)


def client_address(request: HttpRequest) -> str:
    """The peer's address. Behind a proxy every request would share the proxy's address,
    so the proxy must pass the client's on and the operator must say so (docs/security.md);
    a client's own X-Forwarded-For is never trusted here."""
    return str(request.META.get("REMOTE_ADDR", ""))


class DataRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.CAMWATCH_DATA_REQUESTS_PER_MINUTE
        if limit and is_data_request(request.path):
            window = int(time.time() // WINDOW_SECONDS)
            key = f"camwatch-rate:{client_address(request)}:{window}"
            # add() then incr(): atomic in a shared cache, so two workers never both reset it
            cache.add(key, 0, WINDOW_SECONDS + 1)
            if cache.incr(key) > limit:
                return _too_many(window)
        return self.get_response(request)


def _too_many(window: int) -> HttpResponse:
    retry = max(1, (window + 1) * WINDOW_SECONDS - int(time.time()))
    limit = settings.CAMWATCH_DATA_REQUESTS_PER_MINUTE
    message = f"Too many requests for data: at most {limit} a minute. Try again in {retry} s."
    response = JsonResponse({"detail": message}, status=429)
    response["Retry-After"] = str(retry)
    return response
