"""Every endpoint and action for an owner, an editor, a viewer and an outsider.

Outsiders (members of another team only) get 404 for everything on this team's flows and never
see them listed; viewers read but get 403 on writes; editors and owners do everything.
"""

from __future__ import annotations

import pytest

from editor.flows.models import Flow, FlowVersion
from tests.support.api import ROLES, assert_error_shape

pytestmark = pytest.mark.django_db

# (name, method, path, body, kind, success status)
ACTIONS = [
    ("retrieve", "get", "/api/flows/{id}/", None, "read", 200),
    ("update", "put", "/api/flows/{id}/", {"revision": "{rev}", "name": "Renamed"}, "write", 200),
    ("partial_update", "patch", "/api/flows/{id}/", {"revision": "{rev}", "description": "new"}, "write", 200),
    ("destroy", "delete", "/api/flows/{id}/", None, "write", 204),
    ("validate", "post", "/api/flows/{id}/validate/", None, "read", 200),
    ("export", "get", "/api/flows/{id}/export/", None, "read", 200),
    ("publish", "post", "/api/flows/{id}/publish/", {"note": "again"}, "write", 201),
    ("versions", "get", "/api/flows/{id}/versions/", None, "read", 200),
    ("version", "get", "/api/flows/{id}/versions/1/", None, "read", 200),
    ("restore", "post", "/api/flows/{id}/versions/1/restore/", {"revision": "{rev}"}, "write", 200),
    ("duplicate", "post", "/api/flows/{id}/duplicate/", {}, "write", 201),
]


def _call(client, method, path, body, flow):
    url = path.format(id=flow.pk)
    if body is not None:
        body = {k: (flow.revision if v == "{rev}" else v) for k, v in body.items()}
        return getattr(client, method)(url, body, format="json")
    return getattr(client, method)(url)


def _snapshot(flow_id):
    flow = Flow.objects.filter(pk=flow_id).values("name", "description", "revision", "document", "is_archived").first()
    return flow, FlowVersion.objects.filter(flow_id=flow_id).count(), Flow.objects.count()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,path,body,kind,success", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_it_applies_team_roles_to_every_flow_action(api_as, flow, role, name, method, path, body, kind, success):
    before = _snapshot(flow.pk)
    response = _call(api_as(role), method, path, body, flow)
    if role == "outsider":
        assert_error_shape(response, 404)
        assert _snapshot(flow.pk) == before
    elif role == "viewer" and kind == "write":
        body = assert_error_shape(response, 403)
        assert "Viewers" in body["message"]
        assert _snapshot(flow.pk) == before
    else:
        assert response.status_code == success, response.content[:300]
        if kind == "read":
            assert _snapshot(flow.pk) == before


@pytest.mark.parametrize("name,method,path,body,kind,success", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_it_hides_another_teams_flow_from_its_owner(api_as, other_flow, name, method, path, body, kind, success):
    """The same matrix seen from the other side: our owner is an outsider to Bravo's flow."""
    before = _snapshot(other_flow.pk)
    assert_error_shape(_call(api_as("owner"), method, path, body, other_flow), 404)
    assert _snapshot(other_flow.pk) == before


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_only_the_users_teams_flows(api_as, flow, other_flow, role):
    response = api_as(role).get("/api/flows/")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    if role == "outsider":
        assert ids == {other_flow.pk}
    else:
        assert ids == {flow.pk}
    # Not even by searching for its name or filtering on its team.
    foreign = other_flow if role != "outsider" else flow
    for query in (f"?search={foreign.name}", f"?team={foreign.team_id}", "?archived=true"):
        listed = {row["id"] for row in api_as(role).get(f"/api/flows/{query}").json()["results"]}
        assert foreign.pk not in listed


@pytest.mark.parametrize("role,status", [("owner", 201), ("editor", 201), ("viewer", 403), ("outsider", 400)])
def test_it_creates_and_imports_only_where_the_user_may_edit(api_as, team, samespace_example, role, status):
    count = Flow.objects.count()
    client = api_as(role)
    created = client.post("/api/flows/", {"name": "New", "team": team.pk}, format="json")
    imported = client.post(
        "/api/flows/import/", {"name": "Imp", "team": team.pk, "payload": samespace_example}, format="json"
    )
    for response in (created, imported):
        if status == 201:
            assert response.status_code == 201
            assert response.json()["team"] == team.pk
        else:
            body = assert_error_shape(response, status)
            if status == 400:  # another team's id is refused like an unknown one
                assert "team" in body["extra"]["fields"]
    assert Flow.objects.count() == count + (2 if status == 201 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_every_member_check_a_document_without_saving(api_as, samespace_example, role):
    count = Flow.objects.count()
    response = api_as(role).post("/api/flows/validate/", {"document": samespace_example}, format="json")
    assert response.status_code == 200
    assert response.json()["valid"] is False
    assert Flow.objects.count() == count


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_only_the_users_teams(api_as, team, other_team, role):
    teams = api_as(role).get("/api/teams/").json()
    expected = other_team if role == "outsider" else team
    assert [t["id"] for t in teams] == [expected.pk]
    assert teams[0]["role"] == {"owner": "owner", "editor": "editor", "viewer": "viewer", "outsider": "owner"}[role]
