"""Credentials and calls pages, the worker banner and /healthz."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from editor.calls.models import Call, CallAttempt, Credential, WorkerHeartbeat
from editor.calls.services.credentials import credential_create
from editor.flows.services.flows import flow_create, flow_publish
from tests.support.pages import form_errors, refused, rendered_field, shows_internal_name

pytestmark = pytest.mark.django_db
TOKEN = "tok_page_0f9e8d7c6b5a4f3e2d1c"


@pytest.fixture
def credential(team) -> Credential:
    return credential_create(team=team, user=None, name="Main", cloud_id="CLOUD", auth_token=TOKEN)


@pytest.fixture
def version(team, samespace_example_fixed):
    flow = flow_create(team=team, user=None, name="Reminder", document=samespace_example_fixed)
    return flow_publish(flow=flow, user=None)


def _call(version, credential, **fields) -> Call:
    defaults = {"team": version.flow.team, "flow_version": version, "credential": credential, "number": "+15550100",
                "not_before": timezone.now(),
                "request_payload": {"cloud_id": "CLOUD", "auth_token": "REDACTED", "record": False, "flow": []}}
    return Call.objects.create(**{**defaults, **fields})


def test_it_lists_credentials_masked_and_lets_owners_add_one(client, owner, credential):
    client.force_login(owner)
    page = client.get("/credentials/").content.decode()
    assert "Main" in page and "••••••••2d1c" in page and TOKEN not in page
    assert "Add a credential" in page

    response = client.post("/credentials/", {"name": "Second", "cloud_id": "C2", "auth_token": "another-token-xyz",
                                              "base_url": "https://api.samespace.com/api/public/v1"})
    assert response.status_code == 302
    created = Credential.objects.get(name="Second")
    assert created.reveal_token() == "another-token-xyz"
    refused = client.post("/credentials/", {"name": "Bad", "cloud_id": "C", "auth_token": "t",
                                             "base_url": "https://169.254.169.254/"}).content.decode()
    assert "not an allowed Samespace host" in refused


def test_it_never_renders_the_token_in_the_edit_form_and_keeps_it_when_left_empty(client, owner, credential):
    client.force_login(owner)
    page = client.get(f"/credentials/{credential.pk}/edit").content.decode()
    assert TOKEN not in page and 'type="password"' in page
    assert client.post(f"/credentials/{credential.pk}/edit", {"name": "Renamed", "cloud_id": "CLOUD",
                                                                "auth_token": "", "base_url": credential.base_url}
                       ).status_code == 302
    credential.refresh_from_db()
    assert credential.name == "Renamed" and credential.reveal_token() == TOKEN


def test_it_keeps_credentials_from_editors_viewers_and_outsiders(client, editor_user, outsider, credential):
    client.force_login(editor_user)
    page = client.get("/credentials/").content.decode()
    assert "Main" in page and "Add a credential" not in page
    assert client.get(f"/credentials/{credential.pk}/edit").status_code == 404
    assert client.post(f"/credentials/{credential.pk}/delete").status_code == 404
    client.force_login(outsider)
    assert "Main" not in client.get("/credentials/").content.decode()
    assert Credential.objects.filter(pk=credential.pk).exists()


def test_it_shows_calls_with_status_badges_and_filters(client, viewer, version, credential):
    _call(version, credential, status="accepted", number="+15550111")
    _call(version, credential, status="unknown", number="+15550222")
    client.force_login(viewer)

    page = client.get("/calls/").content.decode()
    assert "+15550111" in page and "+15550222" in page
    assert "text-bg-success" in page and "text-bg-warning" in page
    assert "call-final-statuses" in page  # the live badge poller's configuration
    filtered = client.get("/calls/?status=unknown").content.decode()
    assert "+15550222" in filtered and "+15550111" not in filtered


def test_it_launches_a_call_from_the_calls_page(client, editor_user, version, credential, monkeypatch,
                                                django_capture_on_commit_callbacks):
    monkeypatch.setattr("editor.calls.tasks.place_call.apply_async", lambda args, eta=None: None)
    client.force_login(editor_user)
    assert "Place the call" in client.get("/calls/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/calls/launch", {"flow": version.flow_id, "credential": credential.pk,
                                                 "number": "+1 555 0100", "variables": "name=Ada"})
    call = Call.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/calls/{call.pk}/"
    assert call.number == "+15550100" and call.variables == {"name": "Ada"}


def test_it_shows_every_launch_error_beside_its_field_and_keeps_what_was_typed(client, editor_user, version,
                                                                              credential):
    client.force_login(editor_user)
    response = client.post("/calls/launch", {"flow": version.flow_id, "version": "9", "credential": credential.pk,
                                             "number": "call me", "variables": "name=Ada\noops"})
    html, number, variables, chosen = refused(response, "launch-", "number", "variables", "version")
    assert number.invalid and number.label == "Number to call" and number.value == "call me"
    assert number.errors == "Enter a phone number: 2 to 15 digits, optionally starting with +."
    assert variables.invalid and variables.label == "Contact variables" and variables.value == "name=Ada\noops"
    assert variables.errors == "Write one name=value per line (“oops” has no =)."
    assert chosen.invalid and chosen.errors == "This flow has no version 9."
    assert rendered_field(html, "launch-flow").value == [str(version.flow_id)]
    assert rendered_field(html, "launch-credential").value == [str(credential.pk)]
    assert 'id="launch-card"' in html and 'id="launch-card" aria-labelledby="launch-title" hidden' not in html
    assert not shows_internal_name(html, "number", "variables", "version")
    assert not Call.objects.exists()


def test_it_puts_the_services_refusal_beside_the_field_it_is_about(client, editor_user, version, credential):
    client.force_login(editor_user)
    response = client.post("/calls/launch", {"flow": version.flow_id, "credential": credential.pk,
                                             "number": "+1 555 0100", "variables": "first name=Ada"})
    assert response.status_code == 400
    html = response.content.decode()
    variables = rendered_field(html, "launch-variables")
    assert variables.invalid and variables.errors == "'first name' is not a variable name (letters, digits and _)."
    assert not shows_internal_name(html, "variables")
    assert rendered_field(html, "launch-number").value == "+1 555 0100"
    assert not Call.objects.exists()


def test_it_keeps_viewers_and_other_teams_flows_out_of_launches(client, viewer, editor_user, version, credential,
                                                               other_flow):
    client.force_login(viewer)
    assert client.post("/calls/launch", {"flow": version.flow_id, "credential": credential.pk,
                                         "number": "+15550100"}).status_code == 404
    client.force_login(editor_user)
    response = client.post("/calls/launch", {"flow": other_flow.pk, "credential": credential.pk,
                                             "number": "+15550100"})
    assert response.status_code == 400
    assert rendered_field(response.content.decode(), "launch-flow").errors == "Choose a published flow."
    assert not Call.objects.exists()


def test_it_shows_every_bad_filter_beside_its_field(client, viewer, version, credential):
    _call(version, credential, status="accepted", number="+15550111")
    client.force_login(viewer)
    response = client.get("/calls/", {"status": "lost", "flow": "abc", "date": "2026-13-45", "number": "555"})
    html = response.content.decode()
    status, flow, day = (rendered_field(html, f"f-{n}") for n in ("status", "flow", "date"))
    assert status.invalid and status.errors.startswith("Unknown value 'lost'")
    assert flow.invalid and flow.label == "Flow" and flow.errors == "Use an id (a whole number)."
    assert day.invalid and day.label == "Day" and day.value == "2026-13-45"
    assert day.errors == "Use a date like 2026-01-31."
    assert rendered_field(html, "f-number").value == "555"
    assert "+15550111" not in html and not shows_internal_name(html, "status", "flow", "date")


def test_it_shows_every_credential_error_beside_its_field(client, owner, credential):
    client.force_login(owner)
    response = client.post("/credentials/", {"name": "", "cloud_id": "", "auth_token": "secret-token-123",
                                             "base_url": "https://example.com/"})
    html, name, cloud_id, base_url = refused(response, "id_", "name", "cloud_id", "base_url")
    assert name.invalid and name.errors == "This field is required."
    assert cloud_id.invalid and cloud_id.label == "Cloud id" and cloud_id.errors == "This field is required."
    # The token just typed stays in the refused form (nobody types it twice), kept by no cache.
    assert base_url.value == "https://example.com/"
    assert rendered_field(html, "id_auth_token").value == "secret-token-123"
    assert "no-store" in response["Cache-Control"]
    response = client.post("/credentials/", {"name": "Main", "cloud_id": "C2", "auth_token": "secret-token-123",
                                             "base_url": "https://169.254.169.254/"})
    html = response.content.decode()
    base_url = rendered_field(html, "id_base_url")
    assert response.status_code == 400 and base_url.invalid and "not an allowed Samespace host" in base_url.errors
    assert rendered_field(html, "id_cloud_id").value == "C2" and form_errors(html) == []
    assert not shows_internal_name(html, "base_url")
    # The stored token is never sent back: the edit page has it masked, its input empty.
    edit = client.get(f"/credentials/{credential.pk}/edit").content.decode()
    assert settings.SANDBOX_AUTH_TOKEN not in edit and rendered_field(edit, "id_auth_token").value == ""


def test_it_shows_a_call_with_payload_attempts_and_call_again(client, editor_user, version, credential, monkeypatch):
    monkeypatch.setattr("editor.calls.tasks.place_call.apply_async", lambda args, eta=None: None)
    call = _call(version, credential, status="unknown", response_status=500, response_body='{"error": "boom"}',
                 error="Samespace answered 500", attempt_count=1)
    CallAttempt.objects.create(call=call, number=1, started_at=timezone.now(), outcome="unknown", status_code=500,
                               duration_ms=12)
    client.force_login(editor_user)
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert "Outcome unknown" in page and "REDACTED" in page and "boom" in page and "12 ms" in page
    assert "Call again" in page and TOKEN not in page

    response = client.post(f"/calls/{call.pk}/call-again")
    new = Call.objects.exclude(pk=call.pk).get()
    assert response["Location"] == f"/calls/{new.pk}/"
    assert new.retry_of_id == call.pk and new.idempotency_key != call.idempotency_key


def test_it_hides_another_teams_call_page(client, outsider, version, credential):
    call = _call(version, credential)
    client.force_login(outsider)
    assert client.get(f"/calls/{call.pk}/").status_code == 404
    assert client.post(f"/calls/{call.pk}/call-again").status_code == 404


def test_it_shows_the_banner_when_no_worker_was_seen_for_a_minute(client, viewer):
    client.force_login(viewer)
    assert "No worker is running" in client.get("/calls/").content.decode()
    WorkerHeartbeat.objects.create(hostname="w1", last_seen=timezone.now() - timezone.timedelta(seconds=90))
    assert "No worker is running" in client.get("/calls/").content.decode()
    WorkerHeartbeat.objects.create(hostname="w2", last_seen=timezone.now() - timezone.timedelta(seconds=5))
    assert "No worker is running" not in client.get("/calls/").content.decode()


def test_it_reports_database_broker_and_worker_in_healthz(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["database"]["ok"] is True and body["broker"]["ok"] is True
    assert body["worker"] == {"ok": False, "last_heartbeat": None, "seconds_ago": None}
    assert body["status"] == "degraded"

    WorkerHeartbeat.objects.create(hostname="w", last_seen=timezone.now())
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["worker"]["ok"] is True and body["worker"]["seconds_ago"] < 5


def test_it_answers_503_when_the_broker_is_down(client):
    from tests.support.workers import publishing_to

    with publishing_to("redis://127.0.0.1:9/0", {}):  # nothing listens there
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False and response.json()["status"] == "error"


def test_it_keeps_the_token_write_only_in_the_admin(client, django_user_model, team, credential):
    admin = django_user_model.objects.create_superuser(username="root", email="r@example.com", password="pw")
    client.force_login(admin)
    page = client.get(f"/admin/calls/credential/{credential.pk}/change/").content.decode()
    assert TOKEN not in page and credential.token_ciphertext not in page
    assert 'name="auth_token"' in page and "••••••••2d1c" in page

    response = client.post("/admin/calls/credential/add/", {
        "team": team.pk, "name": "From admin", "cloud_id": "C9", "auth_token": "admin-token-abcdef123456",
        "base_url": "https://api.samespace.com/api/public/v1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Credential.objects.get(name="From admin")
    assert created.reveal_token() == "admin-token-abcdef123456"
    refused = client.post("/admin/calls/credential/add/", {
        "team": team.pk, "name": "Bad", "cloud_id": "C", "auth_token": "t", "base_url": "https://10.0.0.1/"})
    assert refused.status_code == 200 and not Credential.objects.filter(name="Bad").exists()
    kept = client.post(f"/admin/calls/credential/{created.pk}/change/", {
        "team": team.pk, "name": "Renamed", "cloud_id": "C9", "auth_token": "",
        "base_url": "https://api.samespace.com/api/public/v1"})
    assert kept.status_code == 302
    created.refresh_from_db()
    assert created.name == "Renamed" and created.reveal_token() == "admin-token-abcdef123456"


def test_it_shows_calls_read_only_in_the_admin(client, django_user_model, version, credential):
    admin = django_user_model.objects.create_superuser(username="root", email="r@example.com", password="pw")
    call = _call(version, credential, status="accepted")
    CallAttempt.objects.create(call=call, number=1, started_at=timezone.now(), outcome="accepted", status_code=200)
    client.force_login(admin)
    assert client.get("/admin/calls/call/").status_code == 200
    page = client.get(f"/admin/calls/call/{call.pk}/change/").content.decode()
    assert "REDACTED" in page and 'name="status"' not in page and "Save" not in page
    assert client.get("/admin/calls/call/add/").status_code == 403
    assert client.post(f"/admin/calls/call/{call.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_it_shows_text_as_text_on_the_call_page(client, owner, team):
    """Contact values and payloads read as people wrote them, never as \\u escapes."""
    from editor.calls.models import Call
    from editor.flows.services.flows import flow_create, flow_publish

    flow = flow_create(team=team, user=owner, name="Greeting", document={
        "steps": [{"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+15550100"}]})
    version = flow_publish(flow=flow, user=owner)
    call = Call.objects.create(team=team, flow_version=version, number="+15550101", not_before=timezone.now(),
                               variables={"name": "Zoë 👋"}, request_payload={"flow": [{"text": "Hi Zoë 👋"}]})
    client.force_login(owner)
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert "Zoë 👋" in page and "\\u00eb" not in page and "\\ud83d" not in page


@pytest.mark.django_db
def test_it_names_the_admin_and_links_do_not_call_in_the_navigation(client, owner, admin_client):
    assert "FlowStudio administration" in admin_client.get("/admin/").content.decode()
    client.force_login(owner)
    assert 'href="/do-not-call/">Do-not-call</a>' in client.get("/calls/").content.decode()
