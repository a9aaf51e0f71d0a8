"""Create, read, list, save and delete flows through the API."""

from __future__ import annotations

import pytest

from editor.accounts.models import Membership
from editor.flows.models import Flow
from tests.support.api import assert_error_shape, big_document

pytestmark = pytest.mark.django_db

SUMMARY_KEYS = {
    "id",
    "team",
    "name",
    "description",
    "revision",
    "valid",
    "error_count",
    "warning_count",
    "step_count",
    "latest_version",
    "is_archived",
    "unpublished_steps",
    "created_at",
    "updated_at",
}


def test_it_creates_a_flow_in_the_users_only_team(api_as, team):
    response = api_as("editor").post(
        "/api/flows/", {"name": "Reminder", "description": "Calls on Monday"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == SUMMARY_KEYS | {"document", "diagnostics"}
    assert body["team"] == team.pk and body["revision"] == 1 and body["latest_version"] is None
    assert body["document"] == {"steps": [], "layout": {}, "settings": {"record": False}}
    assert [d["code"] for d in body["diagnostics"]] == ["empty_flow"] and body["valid"] is False
    assert response["Location"] == f"/api/flows/{body['id']}/"
    assert Flow.objects.get(pk=body["id"]).created_by.username == "eddie"


def test_it_creates_a_flow_with_a_document(api_as, samespace_example_fixed):
    response = api_as("owner").post("/api/flows/", {"name": "Full", "document": samespace_example_fixed}, format="json")
    body = response.json()
    assert response.status_code == 201
    assert body["valid"] is True and body["step_count"] == 6 and body["diagnostics"] == []
    assert "auth_token" not in body["document"]


def test_it_asks_which_team_when_the_user_has_several(api_as, editor_user, other_team):
    Membership.objects.create(team=other_team, user=editor_user, role="editor")
    body = assert_error_shape(api_as("editor").post("/api/flows/", {"name": "X"}, format="json"), 400)
    assert body["extra"]["fields"]["team"] == ["You belong to several teams: choose one."]
    response = api_as("editor").post("/api/flows/", {"name": "X", "team": other_team.pk}, format="json")
    assert response.status_code == 201 and response.json()["team"] == other_team.pk


def test_it_refuses_a_flow_without_a_name(api_as):
    body = assert_error_shape(api_as("owner").post("/api/flows/", {"description": "x"}, format="json"), 400)
    assert body["extra"]["fields"] == {"name": ["This field is required."]}
    assert body["message"] == "name: This field is required."


def test_it_refuses_an_unreadable_document_naming_the_field(api_as):
    body = assert_error_shape(
        api_as("owner").post("/api/flows/", {"name": "X", "document": "text"}, format="json"), 400
    )
    assert "document" in body["extra"]["fields"]
    assert body["extra"]["diagnostics"][0]["code"] == "invalid_payload"
    assert not Flow.objects.filter(name="X").exists()


def test_it_reads_a_flow_with_its_document_and_diagnostics(api_as, broken_flow):
    body = api_as("viewer").get(f"/api/flows/{broken_flow.pk}/").json()
    assert body["name"] == "Example with problems"
    assert body["error_count"] == 3 and body["warning_count"] == 1 and body["valid"] is False
    assert len(body["document"]["steps"]) == body["step_count"] == 6
    assert {d["code"] for d in body["diagnostics"]} == {"dangling_next_step", "invalid_value", "unreachable_step"}
    assert set(body["diagnostics"][0]) == {"severity", "code", "step", "field", "message"}


def test_it_saves_with_the_revision_and_bumps_it(api_as, flow, samespace_example):
    response = api_as("editor").put(
        f"/api/flows/{flow.pk}/", {"revision": 1, "name": "Renamed", "document": samespace_example}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 2 and body["name"] == "Renamed" and body["error_count"] == 3
    assert body["latest_version"] == 1
    flow.refresh_from_db()
    assert flow.revision == 2 and flow.name == "Renamed" and flow.updated_by.username == "eddie"


def test_it_patches_only_the_fields_given(api_as, flow):
    document = flow.document
    response = api_as("owner").patch(f"/api/flows/{flow.pk}/", {"revision": 1, "description": "New"}, format="json")
    assert response.status_code == 200
    flow.refresh_from_db()
    assert (flow.name, flow.description, flow.revision, flow.document) == ("Reminder", "New", 2, document)


def test_it_refuses_a_save_without_a_revision(api_as, flow):
    body = assert_error_shape(api_as("owner").patch(f"/api/flows/{flow.pk}/", {"name": "X"}, format="json"), 400)
    assert "revision" in body["extra"]["fields"]
    flow.refresh_from_db()
    assert flow.name == "Reminder" and flow.revision == 1


def test_it_refuses_a_stale_save_and_overwrites_nothing(api_as, flow, samespace_example):
    alice, bob = api_as("owner"), api_as("editor")
    first = alice.put(f"/api/flows/{flow.pk}/", {"revision": 1, "name": "Alice's"}, format="json")
    assert first.status_code == 200
    saved = Flow.objects.get(pk=flow.pk)
    stale = bob.put(
        f"/api/flows/{flow.pk}/",
        {"revision": 1, "name": "Bob's", "description": "lost", "document": samespace_example},
        format="json",
    )
    body = assert_error_shape(stale, 409)
    assert body["extra"]["current_revision"] == 2
    after = Flow.objects.get(pk=flow.pk)
    assert (after.name, after.description, after.document, after.revision, after.diagnostics) == (
        "Alice's",
        "",
        saved.document,
        2,
        saved.diagnostics,
    )
    # With the current revision Bob's save goes through.
    assert bob.patch(f"/api/flows/{flow.pk}/", {"revision": 2, "name": "Bob's"}, format="json").status_code == 200


def test_it_refuses_a_revision_from_the_future(api_as, flow):
    body = assert_error_shape(api_as("owner").patch(f"/api/flows/{flow.pk}/", {"revision": 7}, format="json"), 409,
                              "revision_conflict")
    assert body["extra"]["current_revision"] == 1


def test_it_deletes_a_flow_without_calls(api_as, flow):
    assert api_as("editor").delete(f"/api/flows/{flow.pk}/").status_code == 204
    assert not Flow.objects.filter(pk=flow.pk).exists()
    assert_error_shape(api_as("editor").get(f"/api/flows/{flow.pk}/"), 404)


def test_it_pages_searches_and_orders_the_list(api_as, team, owner):
    from editor.flows.services.flows import flow_create

    for name in ["Alpha reminder", "Bravo survey", "Charlie reminder", "Delta payment", "Echo reminder"]:
        flow_create(team=team, user=owner, name=name)
    client = api_as("viewer")
    page = client.get("/api/flows/?page_size=2&ordering=name").json()
    assert page["count"] == 5 and [r["name"] for r in page["results"]] == ["Alpha reminder", "Bravo survey"]
    assert "page=2" in page["next"] and page["previous"] is None
    assert set(page["results"][0]) == SUMMARY_KEYS
    last = client.get("/api/flows/?page_size=2&ordering=name&page=3").json()
    assert [r["name"] for r in last["results"]] == ["Echo reminder"] and last["next"] is None
    found = client.get("/api/flows/?search=REMINDER&ordering=-name").json()
    assert [r["name"] for r in found["results"]] == ["Echo reminder", "Charlie reminder", "Alpha reminder"]
    newest_first = client.get("/api/flows/").json()["results"]
    assert newest_first[0]["name"] == "Echo reminder"
    assert_error_shape(client.get("/api/flows/?page=9"), 404)
    # An unknown ordering is ignored rather than an error; a team that is not an id is a field error.
    assert client.get("/api/flows/?ordering=document").status_code == 200
    for team in ("x", "²", "9" * 40):
        response = client.get(f"/api/flows/?team={team}")
        assert_error_shape(response, 400)
        assert "team" in response.json()["extra"]["fields"]


def test_it_counts_steps_in_the_list_without_loading_documents(api_as, team, owner):
    from editor.flows.services.flows import flow_create

    flow_create(team=team, user=owner, name="Big", document=big_document(25))
    row = api_as("owner").get("/api/flows/").json()["results"][0]
    assert row["step_count"] == 25 and row["valid"] is True
