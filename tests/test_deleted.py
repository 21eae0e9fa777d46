"""Deleted records are found in their history and restored from it (web/deleted.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from tests.factories import HoldingFactory, SourceFactory, VendorFactory

from camwatch.registry import models as m
from camwatch.web import roles
from camwatch.web.deleted import deleted_records, restore

pytestmark = pytest.mark.django_db
PAGE = "/admin/deleted/"


def _user(role: str) -> Any:
    get_user_model().objects.create_user(f"deleted-{role}")
    return roles.grant(f"deleted-{role}", role)


def _signed_in(role: str) -> tuple[Client, Any]:
    client, user = Client(), _user(role)
    client.force_login(user)
    return client, user


def test_an_admins_deletion_is_listed_with_who_and_restored_as_it_was() -> None:
    admin, admin_user = _signed_in("admin")
    holding = HoldingFactory(count=41, notes="seen in the 2021 reply")
    holding.citations.create(source=SourceFactory())
    citations = list(holding.citations.values_list("pk", "source_id").order_by("pk"))
    key, pk = holding.key, holding.pk
    response = admin.post(f"/admin/registry/holding/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not m.Holding.objects.filter(pk=pk).exists()
    listed = admin.get(PAGE)
    assert listed.status_code == 200
    assert key.encode() in listed.content or str(holding).encode() in listed.content
    [found] = [r for r in deleted_records(admin_user) if r.model == "registry.holding"]
    assert (found.pk, found.who) == (pk, admin_user.get_username())
    # An editor may not delete, but may restore (they may add records).
    editor, _ = _signed_in("editor")
    back = editor.post(PAGE, {"model": "registry.holding", "pk": str(pk)})
    assert back.status_code == 302
    restored = m.Holding.objects.get(pk=pk)
    assert (restored.key, restored.count, restored.notes) == (key, 41, "seen in the 2021 reply")
    assert restored.vendor_id == holding.vendor_id
    assert [row.history_type for row in restored.history.order_by("history_date")][-2:] == [
        "-",
        "+",
    ]
    assert not [r for r in deleted_records(admin_user) if r.pk == pk]
    # The citation deleted with it was listed too, and came back with it.
    assert list(restored.citations.values_list("pk", "source_id").order_by("pk")) == citations
    assert not [r for r in deleted_records(admin_user) if r.model == "registry.holdingsource"]
    said = editor.get(PAGE).content.decode()
    assert f"Restored holding {restored}, with 2 records deleted with it" in said
    # Restoring twice is refused, and nothing changes.
    again = editor.post(PAGE, {"model": "registry.holding", "pk": str(pk)})
    assert again.status_code == 400
    assert m.Holding.objects.filter(key=key).count() == 1


def test_only_models_the_user_may_add_to_are_listed_or_restored() -> None:
    vendor = VendorFactory()
    pk = vendor.pk
    vendor.delete()
    reviewer = _user("reviewer")
    assert not [r for r in deleted_records(reviewer) if r.model == "registry.vendor"]
    editor, editor_user = _signed_in("editor")
    assert [r.pk for r in deleted_records(editor_user) if r.model == "registry.vendor"] == [pk]
    assert editor.post(PAGE, {"model": "auth.user", "pk": "1"}).status_code == 400
    assert editor.post(PAGE, {"model": "registry.vendor", "pk": "not-a-key"}).status_code == 400
    assert editor.post(PAGE, {"model": "registry.vendor", "pk": str(pk)}).status_code == 302
    assert m.Vendor.objects.get(pk=pk).slug == vendor.slug


def test_a_record_never_deleted_is_not_restored() -> None:
    vendor = VendorFactory()
    assert restore(m.Vendor, vendor.pk) is None
    assert restore(m.Vendor, 10**9) is None


def _admin_deletes(obj: Any) -> Client:
    admin, _ = _signed_in("admin")
    meta = obj._meta
    url = f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/delete/"
    assert admin.post(url, {"post": "yes"}).status_code == 302
    return admin


def test_a_restore_brings_back_the_cascade_and_the_links() -> None:
    """An investigation deleted in the admin takes its targets and claims with it, and its
    sources and team links; one restore brings all of it back as it was."""
    investigation = m.Investigation.all_objects.get(slug="top10vpn-2020-councils")
    targets = set(investigation.targets.values_list("pk", "body_id", "outcome"))
    claims = set(investigation.claims.values_list("pk", "key", "text"))
    sources = set(investigation.sources.values_list("pk", flat=True))
    member = get_user_model().objects.create_user("deleted-member")
    investigation.team.add(member)
    # Its holdings are not deleted with it (the link is set to null): they stay.
    holdings = set(investigation.holdings.values_list("pk", flat=True))
    assert targets
    assert claims
    assert sources
    assert holdings
    admin = _admin_deletes(investigation)
    assert not m.InvestigationTarget.all_objects.filter(pk__in=[t[0] for t in targets])
    done = restore(m.Investigation, investigation.pk)
    assert done is not None
    back = m.Investigation.all_objects.get(pk=investigation.pk)
    assert set(back.targets.values_list("pk", "body_id", "outcome")) == targets
    assert set(back.claims.values_list("pk", "key", "text")) == claims
    assert set(back.sources.values_list("pk", flat=True)) == sources
    assert list(back.team.all()) == [member]
    # Its holdings, set to point nowhere by the deletion, point to it again.
    assert set(back.holdings.values_list("pk", flat=True)) == holdings
    assert done.links == len(sources) + 1 + len(holdings)
    assert len(done.records) == 1 + len(targets) + len(claims) + back.locations.count()
    assert admin.get(PAGE).status_code == 200


def test_a_holdings_candidates_and_capabilities_come_back_with_it() -> None:
    holding = HoldingFactory(vendor=None)
    hikvision, dahua = m.Vendor.objects.get(slug="hikvision"), m.Vendor.objects.get(slug="dahua")
    holding.vendor_candidates.add(hikvision, dahua)
    capability = m.Capability.objects.first()
    holding.capabilities.create(capability=capability, status="enabled")
    _admin_deletes(holding)
    done = restore(m.Holding, holding.pk)
    assert done is not None
    back = m.Holding.objects.get(pk=holding.pk)
    assert set(back.vendor_candidates.all()) == {hikvision, dahua}
    assert list(back.capabilities.values_list("capability", "status")) == [
        (capability.pk, "enabled")
    ]
    assert back.citations.count() == 1


def test_a_record_deleted_on_its_own_before_stays_deleted() -> None:
    """Only the cascade of the same deletion comes back: a citation an editor removed
    earlier, by itself, is not restored with its holding."""
    holding = HoldingFactory()
    dropped = holding.citations.create(source=SourceFactory(), locator="p. 2")
    dropped.delete()  # by nobody in particular, long before in history's terms
    m.HoldingSource.history.filter(id=dropped.pk).update(
        history_date=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    _admin_deletes(holding)
    done = restore(m.Holding, holding.pk)
    assert done is not None
    assert list(m.Holding.objects.get(pk=holding.pk).citations.values_list("locator", flat=True))
    assert not m.HoldingSource.objects.filter(pk=dropped.pk).exists()


def test_every_many_to_many_link_is_in_the_history() -> None:
    """Else a restore could not bring it back."""
    from django.apps import apps

    from camwatch.web.deleted import APPS

    untracked = []
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if not hasattr(model._meta, "simple_history_manager_attribute"):
                continue
            history = model.history.model  # type: ignore[attr-defined]
            tracked = {f.name for f in history._history_m2m_fields}
            untracked += [
                f"{model._meta.label}.{f.name}"
                for f in model._meta.many_to_many
                if f.remote_field.through._meta.auto_created and f.name not in tracked
            ]
    assert untracked == []


def test_a_record_whose_key_is_taken_since_is_refused_and_nothing_changes() -> None:
    vendor = VendorFactory(slug="restorable-vendor")
    pk = vendor.pk
    _admin_deletes(vendor)
    VendorFactory(slug="restorable-vendor")  # a new record with the old one's slug
    editor, _ = _signed_in("editor")
    refused = editor.post(PAGE, {"model": "registry.vendor", "pk": str(pk)})
    assert refused.status_code == 400
    assert b"cannot be restored" in refused.content
    assert not m.Vendor.objects.filter(pk=pk).exists()
    assert m.Vendor.objects.filter(slug="restorable-vendor").count() == 1
