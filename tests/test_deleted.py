"""Deleted records are found in their history and restored from it (web/deleted.py)."""

from __future__ import annotations

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
    citation = holding.citations.create(source=SourceFactory())
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
    # The citation deleted with it is listed on its own, and comes back after it.
    cited = [r.pk for r in deleted_records(admin_user) if r.model == "registry.holdingsource"]
    assert citation.pk in cited
    editor.post(PAGE, {"model": "registry.holdingsource", "pk": str(citation.pk)})
    assert list(restored.citations.values_list("source_id", flat=True)) == [citation.source_id]
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
