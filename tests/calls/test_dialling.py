"""What is dialled is what is shown: a Call step with a fixed number dials that number, so a launch
(service, API, the calls page) with another number is refused with its own code, nothing is created and
nothing is sent; a Call step of {{contact.number}} dials the number given. Team scoping is unchanged."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from editor.calls.errors import DialsOtherNumber
from editor.calls.models import Call, Credential
from editor.calls.services.calls import call_again, call_create, call_launch
from editor.calls.services.credentials import credential_create
from editor.flows.models import Flow
from editor.flows.services.flows import flow_create, flow_publish
from tests.support.api import assert_error_shape
from tests.support.pages import rendered_field, shows_internal_name

pytestmark = pytest.mark.django_db
FIXED = "917507161643"


def document(number: str) -> dict:
    return {"steps": [{"id": "0", "type": "call", "number": number, "caller_id": "+14155550100", "next_step": "1"},
                      {"id": "1", "type": "play", "text": "Hello {{contact.name}}."}]}


def published(team, number: str, name: str = "Reminder") -> Flow:
    flow = flow_create(team=team, user=None, name=name, document=document(number))
    flow_publish(flow=flow, user=None)
    return flow


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def credential(team) -> Credential:
    return credential_create(team=team, user=None, name="Main", cloud_id="CLOUD", auth_token="tok_dial_1234")


@pytest.fixture
def no_tasks(monkeypatch) -> list:
    sent: list = []
    monkeypatch.setattr("editor.calls.tasks.place_call.apply_async", lambda args, eta=None: sent.append(args))
    return sent


def test_a_fixed_number_is_dialled_and_another_is_refused(team, owner, credential, no_tasks):
    flow = published(team, FIXED)
    with pytest.raises(DialsOtherNumber) as refused:
        call_launch(flow=flow, user=owner, number="+1 555 0100", credential=credential, variables={"name": "Ada"})
    assert refused.value.code == "dials_other_number" and refused.value.status_code == 400
    assert refused.value.extra["dials"] == FIXED and refused.value.extra["number"] == "+15550100"
    assert refused.value.message.startswith(f"This flow's Call step dials {FIXED}, not +15550100.")
    assert refused.value.extra["fields"] == {"number": [refused.value.message]}
    assert not Call.objects.exists()

    call = call_launch(flow=flow, user=owner, number=FIXED, credential=credential, variables={"name": "Ada"})
    assert call.number == FIXED and call.request_payload["flow"][0]["number"] == FIXED


def test_the_contacts_number_dials_the_number_given(team, owner, credential, no_tasks):
    flow = published(team, "{{contact.number}}")
    call = call_launch(flow=flow, user=owner, number="+1 555 0100", credential=credential, variables={"name": "Ada"})
    assert call.request_payload["flow"][0]["number"] == "+15550100"
    assert call.request_payload["flow"][1]["text"] == "Hello Ada."


def test_a_template_dials_what_it_becomes(team, owner, credential, no_tasks):
    flow = published(team, "{{contact.mobile}}")
    version = flow.versions.get()
    with pytest.raises(DialsOtherNumber) as refused:
        call_create(version=version, credential=credential, number="+15550100",
                    variables={"name": "Ada", "mobile": "+15550199"})
    assert refused.value.extra["dials"] == "+15550199"
    assert "dials {{contact.mobile}} (here +15550199), not +15550100" in refused.value.message
    call = call_create(version=version, credential=credential, number="+15550199",
                       variables={"name": "Ada", "mobile": "+15550199"})
    assert call.request_payload["flow"][0]["number"] == "+15550199"


def test_call_again_does_not_dial_a_number_the_version_does_not_show(team, owner, credential, no_tasks):
    # A call stored before launches were checked: its number differs from the version's fixed one.
    flow = published(team, FIXED)
    version = flow.versions.get()
    old = Call.objects.create(team=team, flow_version=version, credential=credential, number="+15550100",
                              status="failed", variables={"name": "Ada"}, request_payload={},
                              not_before=timezone.now())
    with pytest.raises(DialsOtherNumber):
        call_again(call=old, user=owner)
    body = assert_error_shape(api(owner).post(f"/api/calls/{old.pk}/call-again/"), 400, "dials_other_number")
    assert body["extra"]["dials"] == FIXED
    assert Call.objects.count() == 1


def test_the_api_answers_400_with_its_own_code(editor_user, team, credential, no_tasks):
    flow = published(team, FIXED)
    response = api(editor_user).post(f"/api/flows/{flow.pk}/launch/",
                                     {"number": "+15550100", "credential": credential.pk,
                                      "variables": {"name": "Ada"}}, format="json")
    body = assert_error_shape(response, 400, "dials_other_number")
    assert body["extra"]["dials"] == FIXED and body["extra"]["number"] == "+15550100"
    assert FIXED in body["message"] and "{{contact.number}}" in body["message"]
    assert not Call.objects.exists() and no_tasks == []

    accepted = api(editor_user).post(f"/api/flows/{flow.pk}/launch/",
                                     {"number": FIXED, "credential": credential.pk, "variables": {"name": "Ada"}},
                                     format="json")
    assert accepted.status_code == 202, accepted.json()


def test_team_scoping_comes_before_what_is_dialled(editor_user, viewer, outsider, team, other_team, credential):
    flow = published(team, FIXED)
    theirs = published(other_team, FIXED, name="Theirs")
    body = {"number": "+15550100", "credential": credential.pk, "variables": {"name": "Ada"}}
    assert_error_shape(api(outsider).post(f"/api/flows/{flow.pk}/launch/", body, format="json"), 404, "not_found")
    assert_error_shape(api(editor_user).post(f"/api/flows/{theirs.pk}/launch/", body, format="json"), 404, "not_found")
    assert api(viewer).post(f"/api/flows/{flow.pk}/launch/", body, format="json").status_code == 403
    assert not Call.objects.exists()


def test_the_schema_documents_the_code(client):
    schema = client.get("/api/schema/?format=json").content.decode()
    assert "dials_other_number" in json.loads(schema)["paths"]["/api/flows/{flow_id}/launch/"]["post"]["responses"][
        "400"]["description"]


def test_the_calls_page_says_what_a_version_dials_and_refuses_another_number(client, editor_user, team, credential):
    fixed = published(team, FIXED, name="Fixed")
    contact = published(team, "{{contact.number}}", name="Contact")
    client.force_login(editor_user)
    page = client.get("/calls/").content.decode()
    start = page.index('id="launch-flows"')
    flows = json.loads(page[page.index(">", start) + 1:page.index("</script>", start)])
    dials = {f["name"]: f["dials"] for f in flows}
    assert dials == {"Fixed": {"1": FIXED}, "Contact": {}}
    assert 'id="launch-dials"' in page

    response = client.post("/calls/launch", {"flow": fixed.pk, "credential": credential.pk,
                                             "number": "+1 555 0100", "variables": "name=Ada"})
    assert response.status_code == 400
    html = response.content.decode()
    number = rendered_field(html, "launch-number")
    assert number.invalid and number.value == "+1 555 0100"
    assert number.errors.startswith(f"This flow's Call step dials {FIXED}, not +15550100. Launch it with {FIXED}")
    assert not shows_internal_name(html, "number")
    assert not Call.objects.exists()
    assert contact.versions.count() == 1
