"""The draft's distance from the latest version (Flow.unpublished_steps), in the API and the flows
list, and "Discard changes"."""

from __future__ import annotations

import copy

import pytest

from editor.flows.models import Flow
from editor.flows.services.flows import flow_create, flow_discard_changes, flow_publish, flow_update
from tests.support.api import assert_error_shape

pytestmark = pytest.mark.django_db


def edited(flow, owner):
    document = copy.deepcopy(flow.document)
    document["steps"][1]["text"] = "Hello again."
    document["steps"].append({"id": "6", "type": "play", "text": "Bye."})
    document["layout"] = {"0": {"x": 5, "y": 5}}
    return flow_update(flow=flow, user=owner, base_revision=flow.revision, document=document)


def test_it_counts_the_steps_changed_since_the_latest_version(flow, owner):
    assert flow.unpublished_steps is None
    edited(flow, owner)
    assert Flow.objects.get(pk=flow.pk).unpublished_steps == 2
    moved = copy.deepcopy(flow.document)
    moved["layout"]["0"] = {"x": 500, "y": 5}  # moving a step on the canvas changes nothing
    flow_update(flow=flow, user=owner, base_revision=flow.revision, document=moved)
    assert Flow.objects.get(pk=flow.pk).unpublished_steps == 2
    flow_publish(flow=flow, user=owner)
    assert flow.unpublished_steps is None and Flow.objects.get(pk=flow.pk).unpublished_steps is None


def test_a_draft_never_published_has_no_unpublished_count(team, owner):
    flow = flow_create(team=team, user=owner, name="New")
    flow = flow_update(flow=flow, user=owner, base_revision=flow.revision, name="Renamed")
    assert Flow.objects.get(pk=flow.pk).unpublished_steps is None
    with pytest.raises(Exception, match="no published version"):
        flow_discard_changes(flow=flow, user=owner, base_revision=flow.revision)


def test_discard_puts_the_latest_version_back(api_as, flow, owner):
    published = copy.deepcopy(flow.document)
    flow = edited(flow, owner)
    client = api_as("editor")
    assert client.get(f"/api/flows/{flow.pk}/").json()["unpublished_steps"] == 2
    listed = client.get("/api/flows/").json()["results"]
    assert [f["unpublished_steps"] for f in listed] == [2]
    assert_error_shape(client.post(f"/api/flows/{flow.pk}/discard/", {"revision": 1}, format="json"), 409)
    response = client.post(f"/api/flows/{flow.pk}/discard/", {"revision": flow.revision}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["document"] == published and body["unpublished_steps"] is None
    assert body["revision"] == flow.revision + 1


def test_viewers_cannot_discard(api_as, flow, owner):
    flow = edited(flow, owner)
    response = api_as("viewer").post(f"/api/flows/{flow.pk}/discard/", {"revision": flow.revision}, format="json")
    assert_error_shape(response, 403)


def test_the_flows_list_says_when_changes_are_not_published(client, flow, owner):
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    assert b"Changes not published" not in client.get("/flows/").content
    edited(flow, owner)
    html = client.get("/flows/").content.decode()
    assert 'data-draft-state="2"' in html and "Changes not published: 2 steps" in " ".join(html.split())
    assert f'href="/flows/{flow.pk}/edit?compare=1"' in html
