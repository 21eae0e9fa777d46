from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from tests.factories import HoldingFactory, PublicBodyFactory, SourceFactory, VendorFactory

from camwatch.registry import models as m

pytestmark = pytest.mark.django_db


def test_search_text_follows_name_aliases_and_codes() -> None:
    body = PublicBodyFactory(name="Kingston upon Hull", aliases=["Hull"], official_code="E06000099")
    assert body.search_text == " kingston upon hull e06000099 hull "
    body.name = "Hull City Council"
    body.save()
    assert m.PublicBody.objects.search("hull city", 8).filter(pk=body.pk).exists()


def test_summary_says_exactly_what_is_known() -> None:
    exact = HoldingFactory(count=1790, device_type=m.DeviceType.objects.get(slug="camera"))
    assert exact.summary() == f"1,790 {exact.vendor.name} cameras"
    one = HoldingFactory(count=1, device_type=m.DeviceType.objects.get(slug="dvr"))
    assert one.summary() == f"1 {one.vendor.name} digital video recorder (DVR)"
    lower = HoldingFactory(count=12, count_qualifier="at_least")
    assert lower.summary().startswith("at least 12 ")
    unknown = HoldingFactory(count=None, count_qualifier="not_stated", vendor=None)
    assert unknown.summary() == "vendor not stated equipment"
    either = HoldingFactory(count=None, count_qualifier="not_stated", vendor=None)
    either.vendor_candidates.set(m.Vendor.objects.filter(slug__in=["hikvision", "dahua"]))
    assert either.summary() == "Dahua or Hikvision equipment"


def test_a_count_needs_a_qualifier_and_no_count_needs_none() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        HoldingFactory(count=None, count_qualifier="exact")


def test_coordinates_need_their_method() -> None:
    location = m.SurveyLocation.objects.first()
    location.latitude, location.longitude = 52.2, 0.12
    location.coordinates_method = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        location.save()


def test_edits_are_kept_in_history_and_a_new_disclosure_is_a_new_holding() -> None:
    holding = HoldingFactory(count=6)
    holding.count = 7
    holding.save()
    assert [h.count for h in holding.history.order_by("history_date")] == [6, 7]
    later = HoldingFactory(
        body=holding.body, vendor=holding.vendor, count=27, as_of=dt.date(2025, 1, 1)
    )
    assert m.Holding.objects.filter(body=holding.body).count() == 2
    assert later.pk != holding.pk


def test_candidate_holdings_belong_to_the_whole_set_only() -> None:
    hikvision, dahua = m.Vendor.objects.get(slug="hikvision"), m.Vendor.objects.get(slug="dahua")
    either = HoldingFactory(vendor=None, count=None, count_qualifier="not_stated")
    either.vendor_candidates.set([hikvision, dahua])
    assert m.Holding.objects.attributed_to(["hikvision", "dahua"]).filter(pk=either.pk).exists()
    assert not m.Holding.objects.attributed_to(["hikvision"]).filter(pk=either.pk).exists()


def test_unique_official_code_but_blank_allowed() -> None:
    PublicBodyFactory(official_code="")
    PublicBodyFactory(official_code="")
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicBodyFactory(official_code="E09000013")


def test_partial_dates_on_models() -> None:
    source = SourceFactory(published=dt.date(2021, 2, 1), published_precision="month")
    assert source.published_partial.display() == "February 2021"
    assert VendorFactory().get_absolute_url().startswith("/vendors/")


def test_a_stored_source_file_gets_its_sha256(settings: object, tmp_path: object) -> None:
    import hashlib

    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    content = b"%PDF-1.4 reply to FOI request 12345"
    source = SourceFactory()
    source.file.save("reply.pdf", ContentFile(content))
    source.refresh_from_db()
    assert source.sha256 == hashlib.sha256(content).hexdigest()
    source.file.save("reply-v2.pdf", ContentFile(content + b" corrected"))
    assert source.sha256 == hashlib.sha256(content + b" corrected").hexdigest()
