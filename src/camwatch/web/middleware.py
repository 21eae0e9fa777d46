"""Response headers that Django's own security middleware does not set, and the sealed
investigations read once per request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from camwatch.registry import embargo


class ContentSecurityPolicyMiddleware:
    """Send CONTENT_SECURITY_POLICY on every response that has not set its own.

    The site loads nothing from other origins (no CDN), so one strict policy fits
    every page; the admin works under it too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class SealedOncePerRequestMiddleware:
    """Read which investigations are under embargo at most once in the request, when a
    query first needs it, so that its queries leave their records out by a list of ids (or
    not at all, when none is) rather than by a subquery each (registry/embargo.py
    `fixed`). After the page cache, which serves its pages without building them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with embargo.fixed():
            return self.get_response(request)
