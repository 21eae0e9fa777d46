"""The bundled dataset says what its sources say: figures as printed, disagreements kept,
every fact cited. These tests hold the data files and the loader to that."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from camwatch.registry import models as m
from camwatch.registry.verdicts import ConcernIndex, policy_named

pytestmark = pytest.mark.django_db


def test_every_holding_cites_a_source_with_a_passage_or_locator() -> None:
    for holding in m.Holding.objects.prefetch_related("citations__source"):
        citations = list(holding.citations.all())
        assert citations, holding.key
        assert all(c.quote or c.locator for c in citations), holding.key


def test_every_claim_cites_a_source_and_percentages_fit_their_figures() -> None:
    for claim in m.Claim.objects.all():
        assert claim.source_id
        has_figure = any(
            value is not None for value in (claim.value, claim.numerator, claim.percent_printed)
        )
        assert has_figure or "Words, not a figure" in claim.notes, claim.key
        if claim.numerator is not None and claim.denominator:
            assert claim.numerator <= claim.denominator, claim.key


def test_hammersmith_and_fulham_1790_hikvision_cameras() -> None:
    holding = m.Holding.objects.get(body__slug="hammersmith-and-fulham", vendor__slug="hikvision")
    assert (holding.count, holding.count_qualifier, holding.device_type.slug) == (
        1790,
        "exact",
        "camera",
    )
    assert holding.as_of_partial.isoformat() == "2021-02"
    sources = {c.source.key for c in holding.citations.all()}
    assert "top10vpn-uk-video-surveillance-2021" in sources


def test_3c_parts_and_totals_both_recorded_as_stated() -> None:
    towns = m.Holding.objects.filter(body__slug="3c-shared-services", scope_kind="town")
    cameras = sum(h.count for h in towns if h.device_type.slug == "camera")
    nvrs = sum(h.count for h in towns if h.device_type.slug == "nvr")
    totals = {
        h.device_type.slug: h.count
        for h in m.Holding.objects.filter(body__slug="3c-shared-services", scope_kind="whole_body")
    }
    assert (cameras, nvrs) == (611, 41)  # the parts, as disclosed
    assert totals == {"camera": 612, "nvr": 40}  # the stated totals, as disclosed
    assert cameras + nvrs == totals["camera"] + totals["nvr"] == 652
    members = {
        ms.member.slug for ms in m.Membership.objects.filter(group__slug="3c-shared-services")
    }
    assert members == {"cambridge", "south-cambridgeshire", "huntingdonshire"}


def test_cambridge_nvrs_over_time() -> None:
    cambridge_2021 = m.Holding.objects.get(key="cambridge-2021-hikvision-nvrs")
    cambridge_2023 = m.Holding.objects.get(key="3c-2023-cambridge-hikvision-nvrs")
    assert (cambridge_2021.count, cambridge_2021.as_of.year) == (6, 2021)
    assert (cambridge_2023.count, cambridge_2023.scope_name) == (27, "Cambridge")


def test_top10vpn_campaign_records_what_is_known_and_no_more() -> None:
    campaign = m.Investigation.objects.get(slug="top10vpn-2020-councils")
    assert campaign.stated_target_count == 52
    targets = campaign.targets.select_related("body", "body__kind")
    boroughs = [t for t in targets if t.body.kind.slug == "london-borough"]
    assert len(boroughs) == 32
    outcomes = Counter(t.outcome for t in targets)
    assert outcomes["after_publication"] == 1  # Tower Hamlets
    assert outcomes["provided"] == 6
    claims = {c.key: c for c in campaign.claims.all()}
    hik = claims["top10vpn-hikvision"]
    assert (hik.numerator, hik.denominator, hik.percent_printed) == (28, 43, 65)
    either = claims["top10vpn-hikvision-or-dahua"]
    assert (either.numerator, either.percent_printed, either.denominator_basis) == (
        30,
        70,
        "implied",
    )


def test_commissioner_named_eleven_police_forces_with_hikvision() -> None:
    forces = m.PublicBody.objects.filter(
        holdings__investigation__slug="bscc-2022-police-survey", holdings__vendor__slug="hikvision"
    ).distinct()
    assert forces.count() == 11
    assert {"metropolitan-police-service", "british-transport-police"} <= {f.slug for f in forces}
    survey = m.Investigation.objects.get(slug="bscc-2022-police-survey")
    assert survey.targets.count() == 47
    corrected = m.Claim.objects.get(key="bscc-full-body-worn-at-least-two")
    assert corrected.corrected_by.numerator == 0


def test_bbw_disagreeing_council_figures_are_all_kept() -> None:
    printed = set(
        m.Claim.objects.filter(investigation__slug="bbw-2022-whos-watching-you")
        .exclude(percent_printed=None)
        .values_list("percent_printed", flat=True)
    )
    assert {73, 75, 61, 60} <= {float(p) for p in printed}
    assert 73.2 in {float(p) for p in printed}


def test_street_survey_names_22_streets_with_street_level_derived_points() -> None:
    locations = m.SurveyLocation.objects.filter(
        investigation__slug="sonification-cambridge-street-survey-2023"
    )
    assert locations.count() == 22
    # The source gives no coordinates: every point is labelled as derived by hand, and all
    # lie in central Cambridge (within about 1.5 km of Market Hill).
    for place in locations:
        assert "derived by hand from the street name" in place.coordinates_method
        assert abs(float(place.latitude) - 52.2055) < 0.014, place.name
        assert abs(float(place.longitude) - 0.1190) < 0.022, place.name


def test_network_scan_counts() -> None:
    values = {c.key: c.value for c in m.Claim.objects.filter(investigation__kind="network_scan")}
    assert values["top10vpn-networks-uk-hikvision-2021-11"] == 254529
    assert values["top10vpn-networks-uk-dahua-2021-11"] == 23501
    # Close to the sum of the network counts, but not equal: kept as printed.
    assert values["mail-on-sunday-277986-cameras"] == 277986 != 254529 + 23501


def test_police_and_councils_reference_lists() -> None:
    assert m.PublicBody.objects.filter(kind__slug="police-force").count() == 43 + 5
    assert (
        m.PublicBody.objects.get(slug="national-crime-agency").kind.slug == "law-enforcement-agency"
    )
    councils = m.PublicBody.objects.current().filter(kind__group="local-authority")
    assert councils.count() == 382
    assert councils.filter(official_code="").count() == 0


def test_vendor_register_relations_and_restrictions() -> None:
    hikvision = m.Vendor.objects.get(slug="hikvision")
    instruments = set(hikvision.restrictions.values_list("instrument", flat=True))
    assert {
        "us-entity-list",
        "ndaa-889",
        "fcc-covered-list-authorisation",
        "uk-sensitive-sites-2022",
    } <= instruments
    entity_list = hikvision.restrictions.get(instrument="us-entity-list")
    assert entity_list.effective == dt.date(2019, 10, 9)
    brands = set(hikvision.related_brands.values_list("vendor__slug", flat=True))
    assert {"ezviz", "hilook", "hiwatch"} <= brands
    lorex = m.VendorRelation.objects.get(vendor__slug="lorex", target__slug="dahua")
    assert (lorex.start, lorex.end) == (dt.date(2018, 2, 6), dt.date(2022, 11, 24))


def test_policies_decide_concern_from_facts() -> None:
    index = ConcernIndex(policy_named("uk-nil-2022"), ConcernIndex.for_site().facts)
    assert index.verdict("hikvision").of_concern
    assert index.verdict("ezviz").of_concern  # brand_of Hikvision, and in China
    assert index.verdict("lorex", dt.date(2020, 1, 1)).of_concern  # a Dahua subsidiary then
    assert not index.verdict("lorex", dt.date(2024, 1, 1)).of_concern  # sold in 2022
    assert not index.verdict("swann").of_concern  # a low-confidence OEM report only
    ndaa = ConcernIndex(policy_named("ndaa-889"), index.facts)
    assert not ndaa.verdict("hikvision", dt.date(2019, 1, 1)).of_concern
    assert ndaa.verdict("hikvision", dt.date(2020, 1, 1)).of_concern
    broad = ConcernIndex(policy_named("any-restriction-any-confidence"), index.facts)
    assert broad.verdict("swann").of_concern


@pytest.mark.parametrize("policy", ["uk-nil-2022", "ndaa-889", "any-restriction-any-confidence"])
def test_the_sql_concern_filter_agrees_with_every_verdict(policy: str) -> None:
    vendors = {v.slug: v for v in m.Vendor.objects.all()}
    body = m.PublicBody.objects.get(slug="hammersmith-and-fulham")
    # Lorex on either side of its years under Dahua; candidates of mixed standing.
    for n, (as_of, vendor, candidates) in enumerate(
        [
            (dt.date(2020, 1, 1), "lorex", []),
            (dt.date(2024, 1, 1), "lorex", []),
            (dt.date(2018, 1, 1), "hikvision", []),
            (dt.date(2024, 1, 1), None, ["hikvision", "dahua"]),
            (dt.date(2024, 1, 1), None, ["hikvision", "swann"]),
            (dt.date(2020, 1, 1), None, ["lorex", "dahua"]),
            (dt.date(2024, 1, 1), None, ["lorex", "dahua"]),
        ]
    ):
        holding = m.Holding.objects.create(
            key=f"concern-case-{n}",
            body=body,
            vendor=vendors.get(vendor or ""),
            count=3,
            count_qualifier="exact",
            as_of=as_of,
            method="foi_response",
            confidence="high",
        )
        holding.vendor_candidates.set([vendors[slug] for slug in candidates])
    index = ConcernIndex(policy_named(policy), ConcernIndex.for_site().facts)
    everything = m.Holding.objects.prefetch_related("vendor_candidates").select_related("vendor")
    expected = {h.key for h in everything if index.holding_of_concern(h)}
    assert {h.key for h in index.holdings_of_concern(m.Holding.objects.all())} == expected
    assert "concern-case-0" in expected or policy == "ndaa-889"
