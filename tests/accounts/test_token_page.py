"""The settings page shows the user's API token and regenerates it."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/flows/").status_code


def test_it_needs_a_signed_in_user(client):
    response = client.get("/accounts/settings/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post("/accounts/settings/token/").status_code == 302
    assert not Token.objects.exists()


def test_it_creates_shows_and_regenerates_the_token(client, owner):
    client.force_login(owner)
    html = client.get("/accounts/settings/").content.decode()
    assert "You have no API token yet." in html and "olivia@example.com" in html and "Alpha" in html
    response = client.post("/accounts/settings/token/", follow=True)
    first = Token.objects.get(user=owner).key
    assert first in response.content.decode() and "Your API token was created." in response.content.decode()
    assert _api_status(first) == 200
    response = client.post("/accounts/settings/token/", follow=True)
    second = Token.objects.get(user=owner).key
    assert second != first and second in response.content.decode()
    assert first not in response.content.decode()
    assert _api_status(first) == 401 and _api_status(second) == 200


def test_it_regenerates_only_with_a_post(client, owner):
    client.force_login(owner)
    assert client.get("/accounts/settings/token/").status_code == 405
    assert not Token.objects.exists()


def test_it_shows_only_the_users_own_token(client, owner, editor_user):
    theirs = Token.objects.create(user=editor_user)
    client.force_login(owner)
    assert theirs.key not in client.get("/accounts/settings/").content.decode()
