"""The HTML pages: flows list and editor shell (team scoping, roles, refused forms, json_script)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from editor.accounts.models import Membership, Role
from editor.flows.models import Flow
from editor.flows.services.flows import flow_create
from tests.support.pages import refused, rendered_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(team, owner):
    return flow_create(team=team, user=owner, name="Reminder")


@pytest.fixture
def other_flow(other_team, outsider):
    return flow_create(team=other_team, user=outsider, name="Secret")


def signed_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def editor_config(response) -> dict:
    html = response.content.decode()
    start = html.index('id="editor-config"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def test_it_sends_home_to_the_flows_list(client, owner):
    response = signed_in(client, owner).get("/")
    assert response.status_code == 302 and response["Location"] == "/flows/"


def test_it_asks_strangers_to_sign_in(client):
    response = client.get("/flows/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_lists_only_the_users_teams_flows(client, owner, flow, other_flow):
    response = signed_in(client, owner).get("/flows/")
    assert response.status_code == 200
    assert b"Reminder" in response.content and b"Secret" not in response.content
    assert b'data-validity="errors"' in response.content  # an empty flow has a problem


def test_it_searches_by_name(client, owner, team):
    flow_create(team=team, user=owner, name="Payment reminder")
    flow_create(team=team, user=owner, name="Survey")
    response = signed_in(client, owner).get("/flows/", {"q": "remind"})
    assert b"Payment reminder" in response.content and b"Survey" not in response.content


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/flows/{id}/edit"), ("post", "/flows/{id}/duplicate"), ("get", "/flows/{id}/delete"),
     ("post", "/flows/{id}/delete")],
)
def test_it_hides_another_teams_flow(client, owner, other_flow, method, path):
    response = getattr(signed_in(client, owner), method)(path.format(id=other_flow.pk))
    assert response.status_code == 404
    assert Flow.objects.filter(pk=other_flow.pk).exists()


def test_it_gives_viewers_a_read_only_editor(client, viewer, flow):
    response = signed_in(client, viewer).get(f"/flows/{flow.pk}/edit")
    assert response.status_code == 200
    assert editor_config(response)["canEdit"] is False


def test_it_refuses_viewers_changes(client, viewer, flow):
    c = signed_in(client, viewer)
    assert c.post(f"/flows/{flow.pk}/duplicate").status_code == 404
    assert c.post(f"/flows/{flow.pk}/delete").status_code == 404
    assert c.post("/flows/new", {"name": "Mine"}).status_code == 404
    assert c.post("/flows/import", {"file": SimpleUploadedFile("f.json", b"[]")}).status_code == 404
    assert Flow.objects.count() == 1


def test_it_gives_editors_an_editable_editor(client, editor_user, flow):
    config = editor_config(signed_in(client, editor_user).get(f"/flows/{flow.pk}/edit"))
    assert config["canEdit"] is True and config["flowId"] == flow.pk
    assert config["layoutWorkerUrl"].endswith("editor/layout-worker.js")


def test_it_passes_the_flow_through_json_script_safely(client, owner, team):
    flow = flow_create(team=team, user=owner, name="</script><script>alert(1)</script>")
    html = signed_in(client, owner).get(f"/flows/{flow.pk}/edit").content.decode()
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_it_creates_and_opens_a_flow(client, editor_user, team):
    response = signed_in(client, editor_user).post("/flows/new", {"name": "Survey"})
    flow = Flow.objects.get(name="Survey")
    assert response["Location"] == f"/flows/{flow.pk}/edit" and flow.team == team


def test_it_duplicates_and_deletes_after_asking(client, owner, flow):
    c = signed_in(client, owner)
    c.post(f"/flows/{flow.pk}/duplicate")
    copy = Flow.objects.get(name="Copy of Reminder")
    page = c.get(f"/flows/{copy.pk}/delete")
    assert b"Delete \xe2\x80\x9cCopy of Reminder\xe2\x80\x9d?" in page.content
    assert Flow.objects.filter(pk=copy.pk).exists()
    c.post(f"/flows/{copy.pk}/delete")
    assert not Flow.objects.filter(pk=copy.pk).exists()


def test_it_explains_a_file_that_is_not_json_beside_the_file_field(client, owner):
    upload = SimpleUploadedFile("flow.json", b'{"flow": [,]}', content_type="application/json")
    response = signed_in(client, owner).post("/flows/import", {"file": upload, "name": "Mine"})
    assert response.status_code == 400
    html = response.content.decode()
    file = rendered_field(html, "import-file")
    assert file.invalid and file.label == "JSON file"
    assert file.errors.startswith("This file is not valid JSON: expecting value on line 1")
    assert rendered_field(html, "import-name").value == "Mine"
    assert 'id="import-dialog" class="fs-dialog" aria-labelledby="import-title" data-open' in html
    assert Flow.objects.count() == 0


def test_it_explains_json_that_is_not_a_flow_beside_the_file_field(client, owner):
    upload = SimpleUploadedFile("flow.json", b'{"hello": 1}', content_type="application/json")
    response = signed_in(client, owner).post("/flows/import", {"file": upload})
    assert response.status_code == 400
    file = rendered_field(response.content.decode(), "import-file")
    assert file.invalid and file.errors.startswith('This object has neither a "flow" nor a "steps" list.')
    assert Flow.objects.count() == 0


@pytest.fixture
def two_teams(owner, other_team):
    """The owner may edit flows in two teams, so the forms ask which one."""
    Membership.objects.create(team=other_team, user=owner, role=Role.EDITOR)
    return owner


def test_it_shows_every_new_flow_error_at_once_and_keeps_what_was_typed(client, two_teams):
    response = signed_in(client, two_teams).post(
        "/flows/new", {"name": "  ", "description": "Reminds people of their visit", "team": "999"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    name, team = rendered_field(html, "new-name"), rendered_field(html, "new-team")
    assert name.invalid and name.label == "Name" and name.errors == "Give the new flow a name."
    assert team.invalid and team.label == "Team" and team.errors == "Choose a team you can edit flows in."
    assert rendered_field(html, "new-description").value == "Reminds people of their visit"
    assert 'id="new-dialog" class="fs-dialog" aria-labelledby="new-title" data-open' in html
    assert "name:" not in html and "team:" not in html
    assert not rendered_field(html, "import-file").invalid  # the other dialog's form stays fresh
    assert Flow.objects.count() == 0


def test_it_shows_every_import_error_at_once_and_keeps_what_was_typed(client, two_teams, other_team):
    upload = SimpleUploadedFile("flow.json", "é".encode("latin-1"))
    response = signed_in(client, two_teams).post(
        "/flows/import", {"file": upload, "name": "x" * 201, "team": "nope"}
    )
    html, file, name, team = refused(response, "import-", "file", "name", "team")
    assert file.invalid and file.errors == "This file is not a text file. Choose the .json file of a call flow."
    assert name.invalid and name.value == "x" * 201 and "at most 200 characters" in name.errors
    assert team.invalid and team.errors == "Choose a team you can edit flows in."
    assert file.input.attrs.get("value") is None  # a file is never sent back
    upload = SimpleUploadedFile("flow.json", b"[]")
    response = signed_in(client, two_teams).post("/flows/import", {"file": upload, "team": other_team.pk})
    assert Flow.objects.get().team == other_team and response.status_code == 302


def test_it_imports_the_samespace_example_with_its_problems(client, owner, samespace_example):
    upload = SimpleUploadedFile("example.json", json.dumps(samespace_example).encode())
    response = signed_in(client, owner).post("/flows/import", {"file": upload, "name": "Example"})
    flow = Flow.objects.get(name="Example")
    assert response["Location"] == f"/flows/{flow.pk}/edit"
    assert flow.error_count == 3 and flow.warning_count == 1
