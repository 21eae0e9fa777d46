"""Logins are throttled (django-axes) and requests for data are rate-limited per address."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(client: Client, username: str, password: str, address: str = "203.0.113.7") -> int:
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.status_code


def test_a_user_name_is_locked_out_from_an_address_after_five_failures(settings) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    User.objects.create_user("editor", password="right-horse-battery")
    User.objects.create_user("other", password="other-horse-battery")
    client = Client()
    assert [attempt(client, "editor", "wrong") for _ in range(4)] == [200] * 4  # the form again
    assert attempt(client, "editor", "wrong") == 429  # the fifth failure locks
    assert attempt(client, "editor", "right-horse-battery") == 429  # even the right password
    # Locked per user name and address: another user, or the same user elsewhere, may log in.
    assert attempt(Client(), "other", "other-horse-battery") == 302
    assert attempt(Client(), "editor", "right-horse-battery", address="198.51.100.9") == 302


def test_a_success_resets_the_count(settings) -> None:
    User.objects.create_user("editor", password="right-horse-battery")
    client = Client()
    for _ in range(4):
        attempt(client, "editor", "wrong")
    assert attempt(client, "editor", "right-horse-battery") == 302
    client = Client()
    assert [attempt(client, "editor", "wrong") for _ in range(4)] == [200] * 4


def test_the_admin_login_is_throttled_too() -> None:
    User.objects.create_superuser("admin", password="right-horse-battery")
    client = Client()
    for _ in range(5):
        client.post(
            "/admin/login/", {"username": "admin", "password": "x"}, REMOTE_ADDR="192.0.2.1"
        )
    response = client.post(
        "/admin/login/",
        {"username": "admin", "password": "right-horse-battery"},
        REMOTE_ADDR="192.0.2.1",
    )
    assert response.status_code == 429


@pytest.fixture
def three_a_minute(settings):
    settings.CAMWATCH_DATA_REQUESTS_PER_MINUTE = 3
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("three_a_minute")
def test_data_requests_are_limited_per_address() -> None:
    client = Client()
    codes = [
        client.get(url).status_code for url in ("/bodies.json", "/api/v1/vendors", "/money.csv")
    ]
    assert codes == [200, 200, 200]
    refused = client.get("/vendors.json")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "at most 3 a minute" in json.loads(refused.content)["detail"]
    # Pages for people are not counted, and another address has its own count.
    assert client.get("/vendors/").status_code == 200
    assert client.get("/vendors.json", REMOTE_ADDR="198.51.100.9").status_code == 200


def test_zero_turns_the_limit_off(settings) -> None:
    settings.CAMWATCH_DATA_REQUESTS_PER_MINUTE = 0
    client = Client()
    assert all(client.get("/vendors.json").status_code == 200 for _ in range(20))
