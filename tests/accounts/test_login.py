"""Sign in and out in the site's own pages; repeated failures are throttled by django-axes."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.support.api import is_error_body

pytestmark = pytest.mark.django_db


def test_it_shows_the_login_page_in_the_site_look(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sign in to FlowStudio" in html and "editor/site.css" in html and "form-control" in html
    assert 'href="/accounts/password/reset/"' in html


def test_it_signs_in_and_goes_to_the_next_page(client, owner):
    response = client.post("/accounts/login/", {"username": "olivia", "password": "pw", "next": "/teams/"})
    assert response.status_code == 302 and response["Location"] == "/teams/"
    assert client.get("/accounts/settings/").status_code == 200


def test_it_says_when_the_password_is_wrong(client, owner):
    response = client.post("/accounts/login/", {"username": "olivia", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get("/accounts/settings/").status_code == 302


def test_it_signs_out_with_a_post_only(client, owner):
    client.force_login(owner)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "You are signed out." in response.content.decode()
    assert client.get("/accounts/settings/").status_code == 302


def test_it_links_settings_team_and_sign_out_in_the_navigation(client, owner):
    client.force_login(owner)
    html = client.get("/accounts/settings/").content.decode()
    for link in ('href="/accounts/settings/"', 'href="/teams/"', 'action="/accounts/logout/"'):
        assert link in html


def test_it_locks_an_account_after_repeated_failures_with_a_friendly_page(client, owner):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert client.post("/accounts/login/", {"username": "olivia", "password": "wrong"}).status_code == 200
    locked = client.post("/accounts/login/", {"username": "olivia", "password": "wrong"})
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Too many sign-in attempts" in html and "olivia" in html and "minutes" in html
    assert "editor/site.css" in html  # the site's own page, not a bare text answer
    # Even the right password is refused while the lock lasts.
    right = client.post("/accounts/login/", {"username": "olivia", "password": "pw"})
    assert right.status_code == 429
    assert client.get("/accounts/settings/").status_code == 302


def test_it_locks_one_account_not_everyone(client, owner, editor_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "olivia", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "eddie", "password": "pw"}).status_code == 302


def test_it_answers_a_locked_out_script_with_json(client, owner):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/accounts/login/", {"username": "olivia", "password": "wrong"}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
        )
    assert response.status_code == 429
    assert is_error_body(response.json()), response.json()
