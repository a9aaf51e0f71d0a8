"""Password change and reset, end to end through the console-style outbox."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail

pytestmark = pytest.mark.django_db


def test_it_uses_the_console_email_backend_in_development():
    # tests run with DEBUG=1 in the environment, as `make run` does
    from flowstudio import settings as project_settings

    assert project_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


def _reset_link(client, email: str) -> str:
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email] and message.subject == "Reset your FlowStudio password"
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)


def test_it_resets_a_forgotten_password_end_to_end(client, owner):
    assert "Check your e-mail" in client.get("/accounts/password/reset/sent/").content.decode()
    link = _reset_link(client, "olivia@example.com")
    form = client.get(link, follow=True)
    set_url = form.redirect_chain[-1][0]
    assert "Choose a new password" in form.content.decode()
    response = client.post(set_url, {"new_password1": "a-Long-new-pass-42", "new_password2": "a-Long-new-pass-42"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    assert "Your new password is saved" in client.get("/accounts/password/reset/done/").content.decode()
    assert client.post("/accounts/login/", {"username": "olivia", "password": "pw"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "olivia", "password": "a-Long-new-pass-42"}).status_code == 302
    # The link works once.
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_it_says_nothing_about_unknown_addresses(client, owner):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_it_lifts_a_sign_in_lockout_when_the_password_is_reset(client, owner):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "olivia", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "olivia", "password": "pw"}).status_code == 429
    link = _reset_link(client, "olivia@example.com")
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "a-Long-new-pass-42", "new_password2": "a-Long-new-pass-42"})
    assert client.post("/accounts/login/", {"username": "olivia", "password": "a-Long-new-pass-42"}).status_code == 302


def test_it_changes_the_password_of_a_signed_in_user(client, owner):
    assert client.get("/accounts/password/change/").status_code == 302  # sign in first
    client.force_login(owner)
    assert "Change your password" in client.get("/accounts/password/change/").content.decode()
    bad = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": "a-Long-new-pass-42", "new_password2": "a-Long-new-pass-42"},
    )
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "pw", "new_password1": "a-Long-new-pass-42", "new_password2": "a-Long-new-pass-42"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/settings/"
    assert "Your password was changed." in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password("a-Long-new-pass-42")
