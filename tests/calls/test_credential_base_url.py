"""A stored token is only ever sent where it was entered for: changing a credential's base URL
takes the token again (API and page), so an owner cannot point a stored token at another host."""

from __future__ import annotations

import pytest
from django.test import Client

from editor.calls.models import Credential
from editor.calls.services.credentials import credential_create
from tests.support.api import assert_error_shape, token_client

pytestmark = pytest.mark.django_db

SANDBOX = "http://127.0.0.1:8000/sandbox/api/public/v1"
ELSEWHERE = "http://localhost:8000/sandbox/api/public/v1"


@pytest.fixture
def stored(team, owner) -> Credential:
    return credential_create(team=team, user=owner, name="Main", cloud_id="C1", auth_token="the-stored-token",
                             base_url=SANDBOX)


def test_the_api_refuses_a_new_base_url_without_the_token(owner, stored):
    client = token_client(owner)
    response = client.patch(f"/api/credentials/{stored.pk}/", {"base_url": ELSEWHERE}, format="json")
    body = assert_error_shape(response, 400, "validation_failed")
    assert "auth_token" in body["extra"]["fields"]
    stored.refresh_from_db()
    assert stored.base_url == SANDBOX
    blank = client.patch(f"/api/credentials/{stored.pk}/", {"base_url": ELSEWHERE, "auth_token": ""}, format="json")
    assert_error_shape(blank, 400, "validation_failed")


def test_the_api_moves_a_credential_with_the_token_entered_again(owner, stored):
    client = token_client(owner)
    response = client.patch(f"/api/credentials/{stored.pk}/", {"base_url": ELSEWHERE, "auth_token": "again"},
                            format="json")
    assert response.status_code == 200, response.content
    stored.refresh_from_db()
    assert stored.base_url == ELSEWHERE and stored.reveal_token() == "again"


def test_the_same_base_url_or_a_rename_needs_no_token(owner, stored):
    client = token_client(owner)
    same = client.patch(f"/api/credentials/{stored.pk}/", {"base_url": SANDBOX + "/", "name": "Renamed"},
                        format="json")
    assert same.status_code == 200, same.content
    stored.refresh_from_db()
    assert stored.reveal_token() == "the-stored-token"


def test_the_page_shows_the_token_field_error(owner, stored):
    client = Client()
    client.force_login(owner)
    response = client.post(f"/credentials/{stored.pk}/edit",
                           {"name": "Main", "cloud_id": "C1", "auth_token": "", "base_url": ELSEWHERE})
    assert response.status_code == 400  # the refused form, shown again with the error beside the token
    assert "Enter the token again" in response.content.decode()
    stored.refresh_from_db()
    assert stored.base_url == SANDBOX
