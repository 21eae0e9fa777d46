"""The ledger and the checks run against the bundled registry and hand-built cases."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from tests.factories import HoldingFactory, PublicBodyFactory

from camwatch.cli import main
from camwatch.findings.checks import CHECKS, run_checks
from camwatch.findings.reproduce import reproduce, summary
from camwatch.registry import models as m

pytestmark = pytest.mark.django_db


def by_claim() -> dict[str, object]:
    return {result.claim: result for result in reproduce()}


def test_every_seed_claim_has_a_recipe_and_a_verdict() -> None:
    assert not m.Claim.objects.filter(recompute={}).exists()
    results = reproduce()
    assert len(results) == m.Claim.objects.count()
    assert all(r.status in ("match", "mismatch", "not_reproducible") for r in results)
    assert all(r.detail or r.status == "match" for r in results)


def test_seed_claims_reproduce_as_expected() -> None:
    results = by_claim()
    expectations = {
        "sonification-3c-652-devices": ("match", ""),
        "sonification-3c-612-cameras": (
            "mismatch",
            "a published total that differs from the sum of its disclosed parts",
        ),
        "sonification-3c-40-nvrs": (
            "mismatch",
            "a published total that differs from the sum of its disclosed parts",
        ),
        "bscc-initial-hikvision": ("mismatch", "rounding versus truncation"),
        "bscc-full-return-rate": (
            "mismatch",
            "a different base: police forces of England and Wales asked (43)",
        ),
        "bscc-full-body-worn-at-least-two": (
            "mismatch",
            "an update after publication: corrected by claim bscc-full-body-worn-corrected",
        ),
        "street-survey-14-cameras": (
            "mismatch",
            "an update after publication: corrected by claim street-survey-34-cameras",
        ),
        "bbw-fe-colleges-66": ("mismatch", "rounding versus truncation"),
        "bbw-universities-54": ("mismatch", "rounding versus truncation"),
        "top10vpn-facial-recognition-past": ("match", ""),
        "bbw-government-departments": ("match", ""),
        "top10vpn-hikvision": ("not_reproducible", ""),
        "top10vpn-networks-uk-hikvision-2021-11": ("not_reproducible", ""),
    }
    for key, (status, cause) in expectations.items():
        assert (results[key].status, results[key].cause) == (status, cause), key
    assert "26 recorded targets have no recorded outcome" in results["top10vpn-hikvision"].detail
    assert "28/43 = 65.12%, printed 65% (rounded)" in results["top10vpn-hikvision"].detail


def test_reproduction_follows_the_registry() -> None:
    part = m.Holding.objects.get(key="3c-2023-yaxley-hikvision-nvrs")
    part.count = 0
    part.save()  # parts now add up to 40: the NVR claim reproduces
    assert by_claim()["sonification-3c-40-nvrs"].status == "match"


def test_checks_find_the_3c_parts_and_the_impossible_percentages() -> None:
    found = run_checks()
    kinds = {finding.check for finding in found}
    assert {"parts-do-not-sum", "impossible-percentage", "same-devices-twice"} <= kinds
    parts = [f for f in found if f.check == "parts-do-not-sum"]
    assert any(
        "the stated total is 612 but its 5 disclosed parts add up to 611" in f.message
        for f in parts
    )
    assert any(
        "the stated total is 40 but its 6 disclosed parts add up to 41" in f.message for f in parts
    )
    cited = {r.key for f in parts for r in f.records}
    assert {"3c-2023-total-hikvision-cameras", "3c-2023-yaxley-hikvision-nvrs"} <= cited
    percentages = {r.key for f in found if f.check == "impossible-percentage" for r in f.records}
    assert percentages == {
        "bscc-initial-hikvision",
        "bbw-fe-colleges-66",
        "bbw-universities-54",
        "bbw-two-thirds-of-all-52",
    }


def test_sources_that_disagree_on_one_date() -> None:
    body = PublicBodyFactory(slug="two-sources")
    vendor = m.Vendor.objects.get(slug="hikvision")
    HoldingFactory(body=body, vendor=vendor, count=100, as_of=dt.date(2024, 3, 1), key="one")
    HoldingFactory(body=body, vendor=vendor, count=120, as_of=dt.date(2024, 3, 1), key="two")
    (finding,) = [f for f in run_checks() if f.check == "totals-disagree"]
    assert "the sources give 100" in finding.message
    assert {r.key for r in finding.records} >= {"one", "two", "two-sources"}


def test_duplicate_bodies_and_oversized_bases() -> None:
    PublicBodyFactory(
        name="Camden Council",
        slug="camden-again",
        kind=m.BodyKind.objects.get(slug="london-borough"),
    )
    claim = m.Claim.objects.get(key="top10vpn-provided")
    claim.denominator = 60
    claim.numerator = 61
    claim.save()
    found = run_checks()
    twice = [f for f in found if f.check == "same-body-twice"]
    assert {r.key for f in twice for r in f.records} == {"camden", "camden-again"}
    kinds = {f.check for f in found if any(r.key == "top10vpn-provided" for r in f.records)}
    assert {"base-larger-than-asked", "count-larger-than-base"} <= kinds


def test_every_check_is_documented_in_methods() -> None:
    from pathlib import Path

    methods = (Path(__file__).resolve().parent.parent / "docs" / "methods.md").read_text()
    for name in CHECKS:
        assert f"`{name}`" in methods


def test_cli_reproduce_and_check_json() -> None:
    result = CliRunner().invoke(main, ["findings", "reproduce", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["summary"] == summary(reproduce())
    item = data["claims"][0]
    assert {"investigation", "claim", "published", "recomputed", "status"} <= set(item)
    result = CliRunner().invoke(main, ["findings", "check", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["findings"]


def test_cli_reproduce_text_and_filter() -> None:
    result = CliRunner().invoke(
        main, ["findings", "reproduce", "--investigation", "sonification-3c-foi-2023"]
    )
    assert result.exit_code == 0
    assert (
        "MISMATCH          sonification-3c-612-cameras: published 612, recomputed 611"
        in result.output
    )
    bad = CliRunner().invoke(main, ["findings", "reproduce", "--investigation", "nope"])
    assert bad.exit_code == 2


def test_series_checks_group_unknown_vendors_and_types_and_read_in_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Records with no vendor or device type form a series of their own (SQL groups
    NULLs together, and so must the matching in Python), and reading the crowded series
    in chunks of bodies finds what one read finds."""
    from camwatch.findings import checks

    day = dt.date(2024, 5, 1)
    unknown = PublicBodyFactory(slug="unknown-vendor")
    HoldingFactory(body=unknown, vendor=None, device_type=None, count=5, as_of=day, key="u-5")
    HoldingFactory(body=unknown, vendor=None, device_type=None, count=7, as_of=day, key="u-7")
    towns = PublicBodyFactory(slug="by-towns")
    vendor = m.Vendor.objects.get(slug="dahua")
    HoldingFactory(body=towns, vendor=vendor, count=8, as_of=day, key="t-total")
    for town, count in (("North", 3), ("South", 4)):
        HoldingFactory(
            body=towns, vendor=vendor, count=count, as_of=day, key=f"t-{town}",
            scope_kind="town", scope_name=town,
        )  # fmt: skip
    whole = checks.series_checks()
    monkeypatch.setattr(checks, "_CHUNK", 1)
    assert checks.series_checks() == whole
    clash = [f for f in whole["totals-disagree"] if f.records[0].key == "unknown-vendor"]
    assert len(clash) == 1
    assert [r.key for r in clash[0].records] == ["unknown-vendor", "u-5", "u-7"]
    (parts,) = [f for f in whole["parts-do-not-sum"] if f.records[0].key == "by-towns"]
    assert "the stated total is 8 but its 2 disclosed parts add up to 7" in parts.message
    assert whole["parts-do-not-sum"] == checks.parts_and_totals()
    assert whole["totals-disagree"] == checks.conflicting_totals()
