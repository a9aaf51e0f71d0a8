"""Form bodies of HTML pages: a NUL character in any field is a 400 page (PostgreSQL cannot store
it), and a multipart form with more field data than DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, like any
other body over its limit (editor/common/middleware.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from editor.flows.models import Flow

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("multipart", [False, True])
def test_a_nul_character_in_a_form_field_is_a_400_page(owner_client, team, multipart):
    data = {"name": "Bad\x00name", "description": "x", "team": team.pk}
    if multipart:
        response = owner_client.post("/flows/new", data)
    else:
        from urllib.parse import urlencode

        response = owner_client.generic(
            "POST", "/flows/new", urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 400
    assert b"NUL character" in response.content
    assert not Flow.objects.filter(team=team).exists()


def test_the_same_form_without_nul_still_works(owner_client, team):
    response = owner_client.post("/flows/new", {"name": "Good name", "description": "x", "team": team.pk})
    assert response.status_code == 302
    assert Flow.objects.filter(team=team, name="Good name").exists()


def test_a_multipart_form_over_the_field_data_limit_is_413(owner, settings, team):
    # Within the upload limit as a whole, but its non-file fields exceed DATA_UPLOAD_MAX_MEMORY_SIZE,
    # which Django finds only while parsing: in a browser that is CsrfViewMiddleware, before any view.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    response = browser.post("/flows/new", {"name": "x" * 5000, "team": team.pk})
    assert response.status_code == 413
    assert b"too large" in response.content
    assert b"fields other than files may hold at most 1,000 bytes" in response.content  # the limit exceeded
