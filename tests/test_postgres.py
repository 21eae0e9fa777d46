"""Runs only in the PostgreSQL pass (make test-postgres): proves that pass really used
PostgreSQL, and exercises what differs between the backends."""

import json

import pytest
from django.db import connection
from django.test import Client
from tests.conftest import snapshot

from camwatch.registry import models as m
from camwatch.registry.loader.run import load_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_database_is_postgresql() -> None:
    assert connection.vendor == "postgresql"


def test_idempotent_load_on_postgresql() -> None:
    before = snapshot()
    assert load_data().changes == 0
    assert snapshot() == before


def test_search_and_json_fields_on_postgresql(client: Client) -> None:
    data = json.loads(client.get("/bodies.json", {"q": "Hammersmith & Fulham"}).content)
    assert data["results"][0]["slug"] == "hammersmith-and-fulham"
    assert m.PublicBody.objects.filter(aliases__contains=["Hammersmith and Fulham"]).exists()


def test_jit_is_off_unless_asked_for() -> None:
    """CAMWATCH_POSTGRES_JIT is unset in the tests, so the connection runs without JIT."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
