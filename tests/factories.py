"""factory_boy factories for registry records that tests build by hand."""

from __future__ import annotations

import datetime as dt

import factory

from camwatch.registry import models as m


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Source
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"test-source-{n}")
    kind = m.SourceKind.REPORT
    title = factory.Sequence(lambda n: f"Test report {n}")
    publisher = "Test publisher"
    url = "https://example.org/report"


class BodyKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.BodyKind
        django_get_or_create = ("slug",)

    slug = "test-kind"
    label = "Test kind"
    group = "test-group"
    group_label = "Test group"


class PublicBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PublicBody

    name = factory.Sequence(lambda n: f"Testshire Council {n}")
    slug = factory.Sequence(lambda n: f"testshire-{n}")
    kind = factory.SubFactory(BodyKindFactory)
    nation = m.Nation.ENGLAND
    foi_regime = m.FoiRegime.FOIA


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    role = m.VendorRole.MANUFACTURER


class HoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Holding
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"test-holding-{n}")
    body = factory.SubFactory(PublicBodyFactory)
    vendor = factory.SubFactory(VendorFactory)
    count = 10
    count_qualifier = m.CountQualifier.EXACT
    as_of = dt.date(2024, 1, 1)
    as_of_precision = "day"
    method = m.Method.FOI_RESPONSE
    confidence = "high"

    @factory.post_generation
    def cite(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            m.HoldingSource.objects.create(holding=self, source=SourceFactory())
