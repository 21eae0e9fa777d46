"""Serving pages in-process through Django's full middleware stack, against a baseline
of the cheapest possible request (a 404, which routes and runs the middleware only)."""

from __future__ import annotations

from django.test import Client

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


def run(runs: int) -> list[Result]:
    client = Client()
    baseline = _getter(client, "/no-such-page/")
    return [
        compare(name, _getter(client, url), "a 404 through the same middleware", baseline, runs)
        for name, url in PAGES
    ]
