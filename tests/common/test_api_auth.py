"""Token auth for programs, session auth with CSRF for the browser."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from editor.flows.models import Flow
from tests.support.api import assert_error_shape

pytestmark = pytest.mark.django_db


def test_it_accepts_a_token_made_with_drf_create_token(owner, flow, capsys):
    call_command("drf_create_token", owner.username)
    key = Token.objects.get(user=owner).key
    assert key in capsys.readouterr().out
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"/api/flows/{flow.pk}/").status_code == 200
    assert client.post("/api/flows/", {"name": "By token"}, format="json").status_code == 201


def test_it_stops_accepting_a_regenerated_token(owner, flow):
    call_command("drf_create_token", owner.username)
    old = Token.objects.get(user=owner).key
    call_command("drf_create_token", owner.username, reset_token=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert_error_shape(client.get("/api/flows/"), 401)


def test_it_refuses_the_token_of_an_inactive_user(owner):
    token = Token.objects.create(user=owner)
    owner.is_active = False
    owner.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert_error_shape(client.get("/api/flows/"), 401)


def test_it_accepts_a_session_with_the_csrf_header(owner):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # sets the csrftoken cookie, as for a browser
    login = {"username": "olivia", "password": "pw", "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    assert client.post("/accounts/login/", login).status_code == 302
    csrf = client.cookies["csrftoken"].value  # rotated at login
    response = client.post(
        "/api/flows/", {"name": "From the canvas"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201, response.content
    assert Flow.objects.get().name == "From the canvas"
    # Reads need no CSRF token.
    assert client.get("/api/flows/").status_code == 200


def test_it_needs_no_csrf_token_with_token_auth(owner):
    token = Token.objects.create(user=owner)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/flows/", {"name": "Program"}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 201
