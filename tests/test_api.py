"""The read-only API: shapes, filters, pagination, errors, and its OpenAPI schema."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from camwatch.registry import models as m

REPO = Path(__file__).resolve().parent.parent


def get(client: Client, url: str, expect: int = 200, **params: str) -> dict:
    response = client.get(url, params)
    assert response.status_code == expect, (url, response.status_code, response.content[:300])
    return response.json()


@pytest.mark.django_db
def test_lists_page_with_limit_and_offset(client: Client) -> None:
    first = get(client, "/api/v1/bodies", limit="5")
    assert first["count"] == m.PublicBody.objects.current().count()
    second = get(client, "/api/v1/bodies", limit="5", offset="5")
    assert len(first["items"]) == len(second["items"]) == 5
    assert not {b["slug"] for b in first["items"]} & {b["slug"] for b in second["items"]}
    get(client, "/api/v1/bodies", 422, limit="0")
    get(client, "/api/v1/bodies", 422, limit="100000")


@pytest.mark.django_db
def test_filters_are_the_sites_own(client: Client) -> None:
    api = get(client, "/api/v1/bodies", nation="wales", kind="welsh-council", limit="100")
    site = json.loads(
        client.get(
            "/bodies.json", {"nation": "wales", "kind": "welsh-council", "_size": "100"}
        ).content
    )
    assert [b["slug"] for b in api["items"]] == [b["slug"] for b in site["results"]]
    assert (
        get(client, "/api/v1/bodies", 422, kind="nonsense")["detail"] == "unknown kind 'nonsense'"
    )
    hikvision = get(client, "/api/v1/holdings", vendor="hikvision", limit="1000")
    assert all(h["vendor"] == "hikvision" for h in hikvision["items"])


@pytest.mark.django_db
def test_detail_records(client: Client) -> None:
    body = get(client, "/api/v1/bodies/hammersmith-and-fulham")
    assert body["holdings"][0]["count"] == 1790
    assert body["holdings"][0]["citations"][0]["source"] == "top10vpn-uk-video-surveillance-2021"
    vendor = get(client, "/api/v1/vendors/lorex")
    assert any(
        r["kind"] == "subsidiary_of" and r["end"] == "2022-11-24" for r in vendor["relations"]
    )
    claim = get(client, "/api/v1/claims/sonification-3c-612-cameras")
    assert claim["reproduction"]["status"] == "mismatch"
    investigation = get(client, "/api/v1/investigations/bscc-2022-police-survey")
    assert len(investigation["targets"]) == 47
    assert get(client, "/api/v1/bodies/no-such-body", 404)["detail"]
    checks = get(client, "/api/v1/findings/checks")
    assert any(f["check"] == "parts-do-not-sum" for f in checks)


@pytest.mark.django_db
def test_claims_filter_by_verdict(client: Client) -> None:
    found = get(client, "/api/v1/claims", status="mismatch", limit="100")
    assert found["count"] == 9
    assert {c["reproduction"]["status"] for c in found["items"]} == {"mismatch"}


@pytest.mark.django_db
def test_schema_is_served_and_describes_every_resource(client: Client) -> None:
    schema = get(client, "/api/v1/openapi.json")
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for resource in ("bodies", "vendors", "holdings", "sources", "investigations", "claims"):
        assert f"/api/v1/{resource}" in paths
        assert any(p.startswith(f"/api/v1/{resource}/{{") for p in paths)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content  # Swagger UI comes from the installed package
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert "414" in operation["responses"], operation["operationId"]


@pytest.mark.served
def test_an_overlong_request_line_is_refused_as_documented(site: str) -> None:
    """gunicorn refuses a request line over CAMWATCH_MAX_REQUEST_LINE (4094 by default)
    with the 414 that the schema documents, and a shorter one reaches the API."""
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{site}/api/v1/claims?q={'x' * 5000}", timeout=30)
    assert refused.value.code == 414
    with urllib.request.urlopen(f"{site}/api/v1/claims?q={'x' * 3000}", timeout=30) as answer:
        assert json.load(answer)["count"] == 0


@pytest.mark.served
def test_schemathesis_finds_no_failures(site: str, tmp_path: Path) -> None:
    """Property-based requests from the OpenAPI schema against a real served instance.

    Every check runs except positive_data_acceptance: filter values are checked against
    the registry's vocabularies (a kind that does not exist is a 422), which a schema of
    plain strings cannot enumerate."""
    report = tmp_path / "junit.xml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(REPO / "tests" / "schemathesis.toml"),
            "run",
            f"{site}/api/v1/openapi.json",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            "25",
            "--workers",
            "2",
            "--seed",
            "1",
            "--report",
            "junit",
            "--report-junit-path",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        # schemathesis keeps a cache of past failures in its working directory and
        # replays them; a fresh directory keeps every run independent of the last.
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "tests=" in report.read_text()
