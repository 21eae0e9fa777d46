"""Serving pages in-process through Django's full middleware stack, against a baseline
of the cheapest possible request (a 404, which routes and runs the middleware only).

The pages are built on every request here (the page cache off), since building them is
what is measured; one more result shows a body page served from the page cache against
the same page built."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client, override_settings

from benchmarks.harness import Result, compare

PAGES = [
    ("home page figures (/index.json)", "/index.json"),
    ("body search (/bodies.json?q=cambridge)", "/bodies.json?q=cambridge"),
    ("body page (/bodies/3c-shared-services/)", "/bodies/3c-shared-services/"),
    ("vendor page with verdicts (/vendors/hikvision/)", "/vendors/hikvision/"),
    ("all bodies as CSV (/bodies.csv)", "/bodies.csv"),
]


def _getter(client: Client, url: str) -> object:
    def fetch() -> object:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        return response

    return fetch


def built(fetch: Callable[[], object]) -> Callable[[], object]:
    """The request with the page cache off: the page is built every time."""

    def built() -> object:
        with override_settings(CAMWATCH_PAGE_CACHE_SECONDS=0):
            return fetch()

    return built


def run(runs: int) -> list[Result]:
    client = Client()
    baseline = _getter(client, "/no-such-page/")
    results = [
        compare(
            name, built(_getter(client, url)), "a 404 through the same middleware", baseline, runs
        )
        for name, url in PAGES
    ]
    body = _getter(client, "/bodies/3c-shared-services/")
    results.append(
        compare(
            "body page from the page cache (/bodies/3c-shared-services/)",
            body,
            "the same page built",
            built(body),
            runs,
            note="an anonymous reader; the first request (the warm-up) kept it",
        )
    )
    return results
