"""The credentials and calls API: write-only token, roles, team scoping, launching, filters."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from editor.calls.models import Call, CallAttempt, Credential
from editor.calls.services.credentials import credential_create
from editor.flows.models import Flow
from editor.flows.services.flows import flow_create, flow_publish
from tests.support.api import is_error_body

pytestmark = pytest.mark.django_db

TOKEN = "tok_live_7f3a9c2e51d84b06a1c9e2f4"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def flow(team, samespace_example_fixed) -> Flow:
    document = dict(samespace_example_fixed)
    document["flow"] = [dict(step) for step in document["flow"]]
    document["flow"][1]["text"] = "Hello {{contact.name}}."
    flow = flow_create(team=team, user=None, name="Reminder", document=document)
    flow_publish(flow=flow, user=None)
    return flow


@pytest.fixture
def credential(team) -> Credential:
    return credential_create(team=team, user=None, name="Main", cloud_id="CLOUD", auth_token=TOKEN)


# --- credentials ----------------------------------------------------------------------------------


def test_it_creates_a_credential_and_never_returns_the_token(owner, team):
    response = api(owner).post("/api/credentials/", {"name": "Main", "cloud_id": "C1", "auth_token": TOKEN},
                               format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert TOKEN not in response.content.decode()
    assert body["auth_token"] == "••••••••e2f4" and body["token_hint"] == "e2f4"
    assert body["base_url"] == "https://api.samespace.com/api/public/v1"
    stored = Credential.objects.get(pk=body["id"])
    assert TOKEN not in stored.token_ciphertext and stored.reveal_token() == TOKEN
    listing = api(owner).get("/api/credentials/")
    assert listing.json()["count"] == 1 and TOKEN not in listing.content.decode()


def test_it_lets_only_owners_write_credentials(editor_user, viewer, owner, credential):
    for user in (editor_user, viewer):
        client = api(user)
        assert client.get(f"/api/credentials/{credential.pk}/").status_code == 200
        denied = client.patch(f"/api/credentials/{credential.pk}/", {"name": "X"}, format="json")
        assert denied.status_code == 403 and denied.json()["message"]
        assert client.post("/api/credentials/", {"name": "N", "cloud_id": "C", "auth_token": "t"},
                           format="json").status_code == 403
        assert client.delete(f"/api/credentials/{credential.pk}/").status_code == 403
    assert api(owner).delete(f"/api/credentials/{credential.pk}/").status_code == 204


def test_it_hides_another_teams_credential(outsider, credential):
    client = api(outsider)
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(f"/api/credentials/{credential.pk}/", {}, format="json")
        assert response.status_code == 404
        assert is_error_body(response.json()), response.json()
    assert client.get("/api/credentials/").json()["count"] == 0


def test_it_keeps_the_token_when_a_patch_leaves_it_out_and_replaces_it_when_given(owner, credential):
    client = api(owner)
    assert client.patch(f"/api/credentials/{credential.pk}/", {"name": "Renamed", "auth_token": ""},
                        format="json").status_code == 200
    credential.refresh_from_db()
    assert credential.name == "Renamed" and credential.reveal_token() == TOKEN
    Credential.objects.filter(pk=credential.pk).update(rejected_at="2026-01-01T00:00:00Z")
    replaced = client.patch(f"/api/credentials/{credential.pk}/", {"auth_token": "new-token"}, format="json")
    assert replaced.status_code == 200
    credential.refresh_from_db()
    assert credential.reveal_token() == "new-token" and credential.rejected_at is None


@pytest.mark.parametrize("url", [
    "http://api.samespace.com/api/public/v1",
    "https://2130706433/api",
    "https://127.0.0.1/api",
    "https://api.samespace.com.evil.test/api",
    "https://user:pw@api.samespace.com/api",
    "https://169.254.169.254/latest",
    "ftp://api.samespace.com/",
])
def test_it_refuses_a_base_url_outside_the_allowlist(owner, team, url, settings):
    settings.SAMESPACE_INSECURE_HOSTS = []
    response = api(owner).post("/api/credentials/", {"name": "X", "cloud_id": "C", "auth_token": "t", "base_url": url},
                               format="json")
    assert response.status_code == 400
    assert "base_url" in response.json()["extra"]["fields"]


def test_it_refuses_a_duplicate_name_with_a_field_error(owner, credential):
    response = api(owner).post("/api/credentials/", {"name": "Main", "cloud_id": "C", "auth_token": "t"}, format="json")
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["name"]


# --- launching ------------------------------------------------------------------------------------


def test_it_launches_a_call_and_enqueues_only_its_id_after_commit(
    editor_user, flow, credential, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr("editor.calls.tasks.place_call.apply_async", lambda args, eta=None: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        response = api(editor_user).post(
            f"/api/flows/{flow.pk}/launch/",
            {"number": "+1 555 0100", "credential": credential.pk, "variables": {"name": "Ada"}}, format="json",
        )

    assert response.status_code == 202, response.json()
    call = Call.objects.get(pk=response.json()["call"])
    assert sent == [[call.pk]]  # the task gets the id, never the token or the payload
    assert call.status == "queued" and call.number == "+15550100"
    assert call.variables == {"name": "Ada"}
    assert call.request_payload["auth_token"] == "REDACTED"
    assert call.request_payload["cloud_id"] == "CLOUD"
    steps = call.request_payload["flow"]
    assert steps[0]["number"] == "+15550100"  # the Call step dials {{contact.number}}: the launch number
    assert steps[1]["text"] == "Hello Ada."


@pytest.mark.parametrize("body, field", [
    ({"number": "call me", "credential": "CRED"}, "number"),
    ({"number": "+15550100"}, "credential"),
    ({"number": "+15550100", "credential": 10**9}, "credential"),
    ({"number": "+15550100", "credential": "CRED", "variables": []}, "variables"),
    ({"number": "+15550100", "credential": "CRED", "variables": {"name": "A"}, "version": 9}, "version"),
])
def test_it_refuses_a_launch_with_bad_fields(editor_user, flow, credential, body, field):
    body = {key: credential.pk if value == "CRED" else value for key, value in body.items()}
    response = api(editor_user).post(f"/api/flows/{flow.pk}/launch/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
    assert not Call.objects.exists()


def test_it_names_missing_contact_variables(editor_user, flow, credential):
    response = api(editor_user).post(f"/api/flows/{flow.pk}/launch/",
                                     {"number": "+15550100", "credential": credential.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["extra"]["missing_variables"] == ["name"]


def test_it_asks_to_publish_first(editor_user, team, credential, samespace_example_fixed):
    draft = flow_create(team=team, user=None, name="Draft", document=samespace_example_fixed)
    response = api(editor_user).post(f"/api/flows/{draft.pk}/launch/",
                                     {"number": "+15550100", "credential": credential.pk}, format="json")
    assert response.status_code == 400
    assert "Publish" in response.json()["message"]


def test_it_refuses_another_teams_credential_and_flow(editor_user, outsider, other_team, flow, credential):
    theirs = credential_create(team=other_team, user=None, name="Theirs", cloud_id="C", auth_token="t")
    response = api(editor_user).post(f"/api/flows/{flow.pk}/launch/",
                                     {"number": "+15550100", "credential": theirs.pk, "variables": {"name": "A"}},
                                     format="json")
    assert response.status_code == 400 and "credential" in response.json()["extra"]["fields"]
    response = api(outsider).post(f"/api/flows/{flow.pk}/launch/",
                                  {"number": "+15550100", "credential": credential.pk}, format="json")
    assert response.status_code == 404


def test_it_does_not_let_viewers_launch(viewer, flow, credential):
    response = api(viewer).post(f"/api/flows/{flow.pk}/launch/",
                                {"number": "+15550100", "credential": credential.pk, "variables": {"name": "A"}},
                                format="json")
    assert response.status_code == 403


# --- reading calls --------------------------------------------------------------------------------


def _call(flow, credential, **fields) -> Call:
    from django.utils import timezone

    version = flow.versions.get()
    defaults = {"team": flow.team, "flow_version": version, "credential": credential, "number": "+15550100",
                "not_before": timezone.now(),
                "request_payload": {"cloud_id": "CLOUD", "auth_token": "REDACTED", "record": False, "flow": []}}
    return Call.objects.create(**{**defaults, **fields})


def test_it_lists_and_filters_calls(viewer, flow, credential):
    accepted = _call(flow, credential, status="accepted")
    unknown = _call(flow, credential, status="unknown", number="+15550999")
    client = api(viewer)

    assert client.get("/api/calls/").json()["count"] == 2
    assert [c["id"] for c in client.get("/api/calls/?status=unknown").json()["results"]] == [unknown.pk]
    assert client.get("/api/calls/?status=accepted,unknown").json()["count"] == 2
    assert client.get(f"/api/calls/?flow={flow.pk}").json()["count"] == 2
    assert client.get(f"/api/calls/?flow={flow.pk + 100}").json()["count"] == 0
    today = accepted.created_at.date().isoformat()
    assert client.get(f"/api/calls/?date={today}").json()["count"] == 2
    assert client.get("/api/calls/?date=2001-01-01").json()["count"] == 0
    assert client.get(f"/api/calls/?ids={accepted.pk}").json()["results"][0]["status"] == "accepted"
    bad = client.get("/api/calls/?status=lost")
    assert bad.status_code == 400 and "status" in bad.json()["extra"]["fields"]
    assert client.get("/api/calls/?date=yesterday").status_code == 400


def test_it_shows_a_call_with_its_redacted_payload_response_and_attempts(viewer, flow, credential):
    from django.utils import timezone

    call = _call(flow, credential, status="accepted", response_status=200, response_body='{"call_id": "x1"}',
                 samespace_call_id="x1", attempt_count=2)
    CallAttempt.objects.create(call=call, number=1, started_at=timezone.now(), outcome="retry", status_code=503)
    CallAttempt.objects.create(call=call, number=2, started_at=timezone.now(), outcome="accepted", status_code=200)

    body = api(viewer).get(f"/api/calls/{call.pk}/").json()
    assert body["request_payload"]["auth_token"] == "REDACTED"
    assert body["response"] == {"status": 200, "body": '{"call_id": "x1"}'}
    assert [a["status_code"] for a in body["attempt_log"]] == [503, 200]
    assert body["idempotency_key"] == str(call.idempotency_key)
    assert TOKEN not in str(body)


def test_it_hides_another_teams_calls(outsider, flow, credential):
    call = _call(flow, credential)
    client = api(outsider)
    assert client.get(f"/api/calls/{call.pk}/").status_code == 404
    assert client.post(f"/api/calls/{call.pk}/call-again/").status_code == 404
    assert client.get("/api/calls/").json()["count"] == 0


def test_it_calls_again_as_a_new_call_with_a_new_key(editor_user, viewer, flow, credential, monkeypatch):
    monkeypatch.setattr("editor.calls.tasks.place_call.apply_async", lambda args, eta=None: None)
    call = _call(flow, credential, status="unknown", variables={"name": "Ada"})
    assert api(viewer).post(f"/api/calls/{call.pk}/call-again/").status_code == 403

    response = api(editor_user).post(f"/api/calls/{call.pk}/call-again/")
    assert response.status_code == 202
    new = Call.objects.get(pk=response.json()["call"])
    assert new.pk != call.pk and new.idempotency_key != call.idempotency_key
    assert (new.status, new.retry_of_id, new.number, new.variables) == ("queued", call.pk, call.number, {"name": "Ada"})
    call.refresh_from_db()
    assert call.status == "unknown"  # history is not rewritten


def test_it_refuses_to_call_again_while_a_call_is_in_progress(editor_user, flow, credential):
    call = _call(flow, credential, status="sending")
    response = api(editor_user).post(f"/api/calls/{call.pk}/call-again/")
    assert response.status_code == 409 and response.json()["message"]
