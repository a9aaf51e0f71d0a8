"""Import, validate, export, publish, versions, restore and duplicate."""

from __future__ import annotations

import pytest

from editor.flows.models import Flow, FlowVersion
from tests.support.api import assert_error_shape

pytestmark = pytest.mark.django_db


def test_it_imports_a_samespace_payload_with_its_problems(api_as, team, samespace_example):
    response = api_as("editor").post(
        "/api/flows/import/", {"name": "Example", "payload": samespace_example}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["team"] == team.pk and body["step_count"] == 6
    assert sorted((d["code"], d["step"]) for d in body["diagnostics"]) == [
        ("dangling_next_step", "5"),
        ("invalid_value", "3"),
        ("invalid_value", "4"),
        ("unreachable_step", "3"),
    ]
    assert "auth_token" not in str(body["document"]) and body["document"]["settings"]["record"] is False


def test_it_imports_a_bare_step_list_and_a_document(api_as, samespace_example_fixed):
    client = api_as("owner")
    steps = samespace_example_fixed["flow"]
    from_list = client.post("/api/flows/import/", {"name": "List", "payload": steps}, format="json").json()
    assert from_list["valid"] is True and from_list["step_count"] == 6
    document = from_list["document"]
    document["layout"] = {"0": {"x": 10, "y": 20, "label": "Dial"}}
    from_doc = client.post("/api/flows/import/", {"name": "Doc", "payload": document}, format="json").json()
    assert from_doc["document"]["layout"] == {"0": {"x": 10, "y": 20, "label": "Dial"}}


@pytest.mark.parametrize("payload", ["just text", 42, None, {"flow": "not a list"}, {"nothing": []}])
def test_it_refuses_an_unreadable_import(api_as, payload):
    count = Flow.objects.count()
    response = api_as("owner").post("/api/flows/import/", {"name": "Junk", "payload": payload}, format="json")
    body = assert_error_shape(response, 400)
    assert "payload" in body["extra"]["fields"]
    assert Flow.objects.count() == count


def test_it_validates_a_document_without_saving(api_as, samespace_example, samespace_example_fixed):
    client = api_as("viewer")
    count = Flow.objects.count()
    bad = client.post("/api/flows/validate/", {"document": samespace_example}, format="json").json()
    assert bad["valid"] is False and len(bad["diagnostics"]) == 4
    good = client.post("/api/flows/validate/", {"document": samespace_example_fixed}, format="json").json()
    assert good == {"valid": True, "diagnostics": []}
    junk = client.post("/api/flows/validate/", {"document": "junk"}, format="json").json()
    assert junk["valid"] is False and junk["diagnostics"][0]["code"] == "invalid_payload"
    assert Flow.objects.count() == count
    assert_error_shape(client.post("/api/flows/validate/", {}, format="json"), 400)


def test_it_validates_a_saved_flow(api_as, broken_flow, flow):
    client = api_as("viewer")
    bad = client.post(f"/api/flows/{broken_flow.pk}/validate/").json()
    assert bad["valid"] is False and {d["code"] for d in bad["diagnostics"]} >= {"dangling_next_step"}
    assert client.post(f"/api/flows/{flow.pk}/validate/").json() == {"valid": True, "diagnostics": []}


def test_it_exports_the_samespace_payload_with_blank_secrets(api_as, flow, samespace_example_fixed):
    body = api_as("viewer").get(f"/api/flows/{flow.pk}/export/").json()
    assert body["cloud_id"] == "" and body["auth_token"] == "" and body["record"] is False
    assert body["flow"] == samespace_example_fixed["flow"]


def test_it_publishes_numbered_versions(api_as, flow):
    client = api_as("editor")
    response = client.post(f"/api/flows/{flow.pk}/publish/", {"note": "second"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["note"], body["created_by"]) == (2, "second", "eddie")
    assert body["document"] == flow.document
    assert client.get(f"/api/flows/{flow.pk}/").json()["latest_version"] == 2
    versions = client.get(f"/api/flows/{flow.pk}/versions/").json()
    assert [(v["number"], v["note"]) for v in versions] == [(2, "second"), (1, "first")]
    assert set(versions[0]) == {"number", "note", "created_by", "created_at", "change_summary"}
    one = client.get(f"/api/flows/{flow.pk}/versions/1/").json()
    assert one["number"] == 1 and one["created_by"] == "olivia" and one["document"] == flow.document


def test_it_refuses_to_publish_a_flow_with_errors(api_as, broken_flow):
    body = assert_error_shape(api_as("editor").post(f"/api/flows/{broken_flow.pk}/publish/", {}, format="json"), 400)
    assert len(body["extra"]["diagnostics"]) == 4
    assert "3 problems" in body["message"]
    assert not FlowVersion.objects.filter(flow=broken_flow).exists()


def test_it_publishes_only_the_revision_seen_when_one_is_given(api_as, flow):
    client = api_as("editor")
    body = assert_error_shape(client.post(f"/api/flows/{flow.pk}/publish/", {"revision": 5}, format="json"), 409)
    assert body["extra"]["current_revision"] == 1
    assert client.post(f"/api/flows/{flow.pk}/publish/", {"revision": 1}, format="json").status_code == 201


def test_it_answers_404_for_a_missing_version(api_as, flow):
    client = api_as("owner")
    assert_error_shape(client.get(f"/api/flows/{flow.pk}/versions/9/"), 404)
    assert_error_shape(client.get(f"/api/flows/{flow.pk}/versions/99999999999999999999/"), 404)
    assert_error_shape(client.post(f"/api/flows/{flow.pk}/versions/9/restore/", {"revision": 1}, format="json"), 404)
    assert_error_shape(client.get(f"/api/flows/{flow.pk}/versions/abc/"), 404)


def test_it_restores_a_version_into_the_draft(api_as, flow, samespace_example):
    client = api_as("editor")
    published = flow.document
    client.put(f"/api/flows/{flow.pk}/", {"revision": 1, "document": samespace_example}, format="json")
    response = client.post(f"/api/flows/{flow.pk}/versions/1/restore/", {"revision": 2}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 3 and body["document"] == published and body["valid"] is True
    stale = client.post(f"/api/flows/{flow.pk}/versions/1/restore/", {"revision": 2}, format="json")
    assert assert_error_shape(stale, 409)["extra"]["current_revision"] == 3
    assert_error_shape(client.post(f"/api/flows/{flow.pk}/versions/1/restore/", {}, format="json"), 400)


def test_it_duplicates_a_flow(api_as, flow):
    client = api_as("editor")
    copy = client.post(f"/api/flows/{flow.pk}/duplicate/", {}, format="json").json()
    assert copy["name"] == "Copy of Reminder" and copy["id"] != flow.pk
    assert copy["document"] == flow.document and copy["revision"] == 1 and copy["latest_version"] is None
    named = client.post(f"/api/flows/{flow.pk}/duplicate/", {"name": "Mine"}, format="json").json()
    assert named["name"] == "Mine" and named["team"] == flow.team_id


def test_it_keeps_a_duplicate_name_within_the_limit(api_as, flow):
    Flow.objects.filter(pk=flow.pk).update(name="n" * 200)
    copy = api_as("editor").post(f"/api/flows/{flow.pk}/duplicate/", {}, format="json").json()
    assert len(copy["name"]) == 200 and copy["name"].startswith("Copy of n")
