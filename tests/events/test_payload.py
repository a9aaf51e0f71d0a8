"""The opt-in: a credential's "Samespace sends call events" adds a publish URL with a per-call token;
off, the payload is exactly as before."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from editor.calls import samespace
from editor.calls.models import Call
from editor.calls.samespace import Kind, Outcome
from editor.calls.services import calls as services
from editor.calls.services.credentials import credential_create, credential_update
from editor.common.errors import InvalidFields

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    posted: list[dict] = []

    def fake_post(*, base_url, payload, idempotency_key):
        posted.append(payload)
        return Outcome(Kind.ACCEPTED, 200, '{"call_id": "x"}')

    monkeypatch.setattr(samespace, "post_call", fake_post)
    return posted


def _plain(team, owner):
    return credential_create(team=team, user=owner, name="Plain", cloud_id="CLOUD-1",
                             auth_token=settings.SANDBOX_AUTH_TOKEN, base_url="http://127.0.0.1:9/sandbox/api/public/v1")


def test_off_by_default_and_the_payload_is_unchanged(flow, owner, team, sent):
    credential = _plain(team, owner)
    assert credential.send_events is False
    call = services.call_launch(flow=flow, user=owner, number="+15550100123", credential=credential)
    expected_keys = {"cloud_id", "auth_token", "record", "flow"}
    assert set(call.request_payload) == expected_keys
    services.call_place(call_id=call.pk)
    assert set(sent[0]) == expected_keys


def test_on_each_call_gets_its_own_token_sent_only_to_samespace(make_call, sent, settings):
    first, second = make_call(), make_call("+15550100124")
    for call in (first, second):
        assert call.request_payload["publish"] == {
            "url": f"{settings.PUBLIC_BASE_URL}/hooks/samespace/REDACTED/", "method": "POST"}
        assert re.fullmatch(r"[0-9a-f]{16}", call.events_key)
        assert re.fullmatch(r"[0-9a-f]{32}", call.events_secret)  # 128 random bits
    assert first.events_secret != second.events_secret
    services.call_place(call_id=first.pk)
    token = first.events_key + first.events_secret
    assert sent[0]["publish"] == {"url": f"{settings.PUBLIC_BASE_URL}/hooks/samespace/{token}/", "method": "POST"}
    stored = Call.objects.get(pk=first.pk)
    assert first.events_secret not in str(stored.request_payload)


def test_public_base_url_is_required_to_turn_it_on(team, owner, settings, flow, events_credential):
    settings.PUBLIC_BASE_URL = ""
    with pytest.raises(InvalidFields) as refused:
        credential_update(credential=_plain(team, owner), send_events=True)
    assert "send_events" in refused.value.extra["fields"]
    from editor.calls.errors import LaunchRefused

    with pytest.raises(LaunchRefused):
        services.call_launch(flow=flow, user=owner, number="+15550100123", credential=events_credential)


def test_the_api_shows_and_changes_the_setting(api_as, team, owner):
    credential = _plain(team, owner)
    client = api_as("owner")
    response = client.patch(f"/api/credentials/{credential.pk}/", {"send_events": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["send_events"] is True
    response = client.patch(f"/api/credentials/{credential.pk}/", {"send_events": "maybe"}, format="json")
    assert response.status_code == 400
