"""GET /api/flows/{id}/diff/ and the one-line summaries of the versions list."""

from __future__ import annotations

import copy

import pytest

from editor.flows.services.flows import flow_publish, flow_update
from tests.support.api import assert_error_shape

pytestmark = pytest.mark.django_db


def edit(flow, owner):
    """Step 1 says something else, step 5 goes to step 4 when the request works, a step is added."""
    document = copy.deepcopy(flow.document)
    document["steps"][1]["text"] = "Hello again."
    document["steps"][3]["next_step"]["success"] = "4"
    document["steps"].append({"id": "6", "type": "play", "text": "Bye."})
    return flow_update(flow=flow, user=owner, base_revision=flow.revision, document=document)


def test_it_compares_the_latest_version_with_the_draft_by_default(api_as, flow, owner):
    edit(flow, owner)
    response = api_as("viewer").get(f"/api/flows/{flow.pk}/diff/")
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["summary_line"]) == ("1", "draft", "+1 step, 2 changed")
    assert body["summary"] == {"added": 1, "removed": 0, "changed": 2, "renamed": 0, "steps": 3}
    changed = {entry["id"]: entry for entry in body["steps"] if entry["change"] == "changed"}
    assert changed["5"]["fields"] == [{"field": "next_step", "branch": "success", "old": "3", "new": "4"}]
    assert changed["1"]["fields"][0]["new"] == "Hello again."
    assert [e["id"] for e in body["steps"] if e["change"] == "added"] == ["6"]


def test_it_compares_any_two_sides_and_both_ways(api_as, flow, owner):
    edit(flow, owner)
    flow_publish(flow=flow, user=owner, note="second")
    client = api_as("editor")
    forth = client.get(f"/api/flows/{flow.pk}/diff/?from=1&to=2").json()
    back = client.get(f"/api/flows/{flow.pk}/diff/?from=2&to=1").json()
    assert forth["summary_line"] == "+1 step, 2 changed" and back["summary_line"] == "-1 step, 2 changed"
    same = client.get(f"/api/flows/{flow.pk}/diff/?from=draft&to=2").json()
    assert same["summary_line"] == "No changes" and same["steps"] == []


def test_versions_carry_a_summary_against_the_version_before(api_as, flow, owner):
    edit(flow, owner)
    flow_publish(flow=flow, user=owner, note="second")
    versions = api_as("viewer").get(f"/api/flows/{flow.pk}/versions/").json()
    assert [(v["number"], v["change_summary"]) for v in versions] == [(2, "+1 step, 2 changed"), (1, "+6 steps")]


def test_it_answers_400_for_a_bad_side_and_404_for_a_missing_version(api_as, flow):
    client = api_as("owner")
    body = assert_error_shape(client.get(f"/api/flows/{flow.pk}/diff/?from=latest"), 400)
    assert body["code"] == "validation_failed" and "from" in body["extra"]["fields"]
    assert_error_shape(client.get(f"/api/flows/{flow.pk}/diff/?to=0"), 400)
    body = assert_error_shape(client.get(f"/api/flows/{flow.pk}/diff/?from=9"), 404)
    assert body["code"] == "not_found" and body["message"] == "This flow has no version 9."


def test_a_flow_never_published_has_nothing_to_compare_with(api_as, team, owner):
    from editor.flows.services.flows import flow_create

    fresh = flow_create(team=team, user=owner, name="New")
    body = assert_error_shape(api_as("owner").get(f"/api/flows/{fresh.pk}/diff/"), 404)
    assert body["code"] == "not_found" and "no published version" in body["message"]


def test_another_teams_flow_is_a_404(api_as, flow, outsider):
    from tests.support.api import token_client

    assert_error_shape(token_client(outsider).get(f"/api/flows/{flow.pk}/diff/"), 404)
