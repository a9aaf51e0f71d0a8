"""Fixtures of the call-events tests: a credential that asks for events and calls made with it
(created in the test's transaction, so nothing is posted)."""

from __future__ import annotations

import pytest
from django.conf import settings


@pytest.fixture
def events_credential(team, owner):
    from editor.calls.services.credentials import credential_create

    return credential_create(
        team=team, user=owner, name="With events", cloud_id="CLOUD-1", auth_token=settings.SANDBOX_AUTH_TOKEN,
        base_url="http://127.0.0.1:9/sandbox/api/public/v1", send_events=True,
    )


@pytest.fixture
def make_call(flow, owner, events_credential):
    from editor.calls.services.calls import call_launch

    def make(number: str = "+15550100123", credential=None):
        return call_launch(flow=flow, user=owner, number=number, credential=credential or events_credential)

    return make


@pytest.fixture
def hook(client):
    """hook(call, body) posts ``body`` (dict, list, str or bytes) to the call's events address."""
    import json

    def post(call, body, *, token: str | None = None, content_type: str = "application/json"):
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        token = token if token is not None else call.events_key + call.events_secret
        return client.post(f"/hooks/samespace/{token}/", data=data, content_type=content_type)

    return post
