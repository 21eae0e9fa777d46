"""The load benchmark's users (benchmarks/bench_http_load.py runs locust on this file).

Readers browse the way people and scripts do: the home page, bodies (searched, filtered and
opened), vendors, holdings, findings, the money trail, the API and the map's clusters.
Contributors send sightings through the form, with its CSRF token, as a burst beside the
reading. Slugs are sampled from the site's own API when each user starts.
"""

from __future__ import annotations

import random
import re

from locust import HttpUser, between, task

_SAMPLE: dict[str, list[str]] = {}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Boxes over Great Britain for the map, at zooms a person pans through.
VIEWS = [
    ("-6.5,49.8,2.0,55.9", 6),
    ("-2.6,51.2,-1.9,51.6", 10),
    ("-0.30,51.45,0.05,51.56", 12),
    ("-0.16,51.49,-0.10,51.52", 14),
    ("-1.95,52.45,-1.85,52.50", 15),
]


def _sample(user: HttpUser, name: str, url: str, key: str) -> list[str]:
    if name not in _SAMPLE:
        with user.client.get(url, name=f"setup {name}", catch_response=True) as response:
            items = response.json().get("items", []) if response.ok else []
            response.success()
        _SAMPLE[name] = [item[key] for item in items] or ["no-such-record"]
    return _SAMPLE[name]


class Reader(HttpUser):
    weight = 20
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.bodies = _sample(self, "bodies", "/api/v1/bodies?limit=500", "slug")
        self.vendors = _sample(self, "vendors", "/api/v1/vendors?limit=200", "slug")

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="/")

    @task(4)
    def body(self) -> None:
        self.client.get(f"/bodies/{random.choice(self.bodies)}/", name="/bodies/[slug]/")

    @task(2)
    def search_bodies(self) -> None:
        term = random.choice(["borough", "police", "city", "county", "academy", "trust"])
        self.client.get(f"/bodies/?q={term}", name="/bodies/?q=")

    @task(2)
    def vendor(self) -> None:
        self.client.get(f"/vendors/{random.choice(self.vendors)}/", name="/vendors/[slug]/")

    @task(2)
    def holdings(self) -> None:
        vendor = random.choice(self.vendors)
        self.client.get(f"/holdings/?vendor={vendor}", name="/holdings/?vendor=")

    @task(1)
    def findings(self) -> None:
        self.client.get("/findings/", name="/findings/")

    @task(1)
    def money(self) -> None:
        self.client.get("/money/", name="/money/")

    @task(3)
    def api_bodies(self) -> None:
        vendor = random.choice(self.vendors)
        self.client.get(f"/api/v1/bodies?vendor={vendor}&limit=50", name="/api/v1/bodies")

    @task(2)
    def api_body(self) -> None:
        slug = random.choice(self.bodies)
        self.client.get(f"/api/v1/bodies/{slug}", name="/api/v1/bodies/[slug]")

    @task(3)
    def clusters(self) -> None:
        bbox, zoom = random.choice(VIEWS)
        url = f"/api/v1/sightings/clusters?bbox={bbox}&zoom={zoom}"
        self.client.get(url, name="/api/v1/sightings/clusters")


class Contributor(HttpUser):
    """A burst of contributions: fewer users, each sending a sighting every few seconds."""

    weight = 1
    wait_time = between(2, 5)

    @task
    def contribute(self) -> None:
        form = self.client.get("/sightings/new/", name="/sightings/new/ (form)")
        found = TOKEN.search(form.text)
        if not found:
            form.failure("no CSRF token on the contribution form")
            return
        data = {
            "csrfmiddlewaretoken": found.group(1),
            "latitude": f"{random.uniform(51.3, 51.7):.6f}",
            "longitude": f"{random.uniform(-0.5, 0.3):.6f}",
            "accuracy_m": "10",
            "camera_type": "dome",
            "street": "Load Test Street",
        }
        self.client.post(
            "/sightings/new/",
            data=data,
            headers={"Referer": f"{self.host}/sightings/new/"},
            name="/sightings/new/ (send)",
        )
