"""Throttles that hold: a refused token counts against the anonymous limit (429 once it is full,
instead of 401 for ever), and password-reset e-mails are limited per address and per client."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.test import APIClient

from tests.support.api import assert_error_shape, token_client

pytestmark = pytest.mark.django_db


def test_failed_token_authentication_is_throttled_like_anonymous_traffic(settings, owner):
    settings.API_THROTTLE_RATES = {"anon": "3/minute", "user": None}
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    for _ in range(3):
        assert_error_shape(guesser.get("/api/flows/"), 401, "authentication_failed")
    body = assert_error_shape(guesser.get("/api/flows/"), 429, "throttled")
    assert body["extra"]["retry_after"] > 0
    # The same bucket as anonymous traffic without any token.
    assert_error_shape(APIClient().get("/api/flows/"), 429, "throttled")
    # A real token is another bucket (the user's).
    assert token_client(owner).get("/api/flows/").status_code == 200


def test_a_refused_token_is_still_401_within_the_limit(settings):
    settings.API_THROTTLE_RATES = {"anon": "100/minute", "user": None}
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error_shape(guesser.get("/api/flows/"), 401, "authentication_failed")


def test_password_reset_emails_are_limited_per_address(client, settings, owner):
    settings.PASSWORD_RESET_RATE_ADDRESS = "2/hour"
    settings.PASSWORD_RESET_RATE_CLIENT = "100/hour"
    for _ in range(4):
        response = client.post("/accounts/password/reset/", {"email": owner.email})
        # Over the limit the page looks the same: it never tells what happened to the address.
        assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 2
    client.post("/accounts/password/reset/", {"email": "someone-else@example.com"})  # another address: counted apart
    client.post("/accounts/password/reset/", {"email": owner.email.upper()})  # the same address, other case
    assert len(mail.outbox) == 2


def test_password_reset_requests_are_limited_per_client(client, settings, owner):
    settings.PASSWORD_RESET_RATE_ADDRESS = "100/hour"
    settings.PASSWORD_RESET_RATE_CLIENT = "3/hour"
    for n in range(3):
        assert client.post("/accounts/password/reset/", {"email": f"nobody{n}@example.com"}).status_code == 302
    response = client.post("/accounts/password/reset/", {"email": owner.email})
    assert response.status_code == 429
    assert "Too many reset requests" in response.content.decode()
    assert mail.outbox == []
    other = client.post("/accounts/password/reset/", {"email": owner.email}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302 and len(mail.outbox) == 1
