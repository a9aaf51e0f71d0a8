"""Deleting a flow whose versions calls were placed from archives it (its history stays)."""

from __future__ import annotations

import pytest

from editor.calls.services.calls import call_create
from editor.calls.services.credentials import credential_create
from editor.flows.models import Flow
from editor.flows.services.flows import flow_publish
from tests.support.api import assert_error_shape

pytestmark = pytest.mark.django_db


@pytest.fixture
def called_flow(flow, team):
    """``flow`` published, with one call placed from its version (queued: nothing is sent in a
    test that rolls back, since the task is enqueued on commit)."""
    version = flow.versions.order_by("-number").first() or flow_publish(flow=flow, user=None)
    credential = credential_create(team=team, user=None, name="Samespace", cloud_id="C", auth_token="t" * 20)
    call_create(version=version, credential=credential, number="+15550100", variables={"name": "Ada"})
    return flow


def test_it_archives_instead_of_deleting_a_flow_with_calls(api_as, called_flow):
    flow = called_flow
    client = api_as("owner")
    assert client.delete(f"/api/flows/{flow.pk}/").status_code == 204
    flow.refresh_from_db()
    assert flow.is_archived and flow.versions.count() == 1
    assert flow.pk not in {row["id"] for row in client.get("/api/flows/").json()["results"]}
    archived = client.get("/api/flows/?archived=true").json()["results"]
    assert [(row["id"], row["is_archived"]) for row in archived] == [(flow.pk, True)]
    assert client.get(f"/api/flows/{flow.pk}/").json()["is_archived"] is True
    # Read-only from now on, but it can be copied.
    assert_error_shape(client.patch(f"/api/flows/{flow.pk}/", {"revision": flow.revision, "name": "X"},
                                    format="json"), 409, "flow_archived")
    assert_error_shape(client.post(f"/api/flows/{flow.pk}/publish/", {}, format="json"), 409, "flow_archived")
    assert client.post(f"/api/flows/{flow.pk}/duplicate/", {}, format="json").status_code == 201


def test_it_says_on_the_delete_page_that_calls_keep_the_flow(client, owner, called_flow):
    client.force_login(owner)
    page = client.get(f"/flows/{called_flow.pk}/delete").content.decode()
    assert "This flow is used by 1 call," in page and "Archive the flow" in page
    response = client.post(f"/flows/{called_flow.pk}/delete")
    assert response.status_code == 302
    assert Flow.objects.get(pk=called_flow.pk).is_archived
