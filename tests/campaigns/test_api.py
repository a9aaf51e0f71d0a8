"""The campaigns and do-not-call API: team scoping (404), roles, the error shape, uploads, results."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from editor.campaigns.models import Campaign, CampaignStatus, DoNotCall
from tests.campaigns.conftest import make_campaign, make_credential, make_version, us_numbers
from tests.support.api import assert_error_shape, token_client
from tests.support.workers import wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(owner, editor_user, viewer, outsider):
    users = {"owner": owner, "editor": editor_user, "viewer": viewer, "outsider": outsider}
    return lambda role: token_client(users[role])


@pytest.fixture
def campaign(team, version, credential, owner):
    return make_campaign(team, version, credential, numbers=us_numbers(3))


def csv_upload(text: str, name: str = "contacts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_it_creates_a_draft_campaign_from_a_flow_and_its_latest_version(as_, team, version, credential):
    response = as_("editor").post("/api/campaigns/", {
        "name": "March reminders", "flow": version.flow_id, "credential": credential.pk, "timezone": "Europe/Paris",
        "window_start": "09:00", "window_end": "18:30", "weekdays": [0, 1, 2], "calls_per_minute": 30,
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["version"], body["window_end"], body["team"]) == ("draft", 1, "18:30", team.pk)
    assert body["credential"] == {"id": credential.pk, "name": "Sandbox"}
    assert body["missing_variables"] == ["name"]
    assert "Upload contacts: there is nobody to call yet." in body["start_problems"]
    assert body["progress"]["total"] == 0


def test_it_answers_bad_fields_in_the_error_shape(as_, version):
    response = as_("owner").post("/api/campaigns/", {"name": "", "flow": version.flow_id, "timezone": "Nowhere",
                                                     "weekdays": [9]}, format="json")
    body = assert_error_shape(response, 400)
    assert {"name", "weekdays"} <= set(body["extra"]["fields"])
    response = as_("owner").post("/api/campaigns/", {"name": "x", "flow": version.flow_id, "timezone": "Nowhere"},
                                 format="json")
    assert "timezone" in assert_error_shape(response, 400)["extra"]["fields"]


def test_it_hides_another_teams_campaigns_for_every_method_and_action(as_, campaign):
    client = as_("outsider")
    base = f"/api/campaigns/{campaign.pk}/"
    assert_error_shape(client.get(base), 404)
    assert_error_shape(client.patch(base, {"name": "x"}, format="json"), 404)
    assert_error_shape(client.delete(base), 404)
    for verb in ("start", "pause", "resume", "cancel"):
        assert_error_shape(client.post(base + f"{verb}/"), 404)
    assert_error_shape(client.get(base + "contacts/"), 404)
    assert_error_shape(client.post(base + "contacts/", {"file": csv_upload("number\n+12125551001\n")},
                                   format="multipart"), 404)
    assert_error_shape(client.get(f"/api/campaigns/{campaign.pk}/results.csv"), 404)
    assert client.get("/api/campaigns/").json()["count"] == 0


def test_it_lets_viewers_read_but_not_change(as_, campaign):
    client = as_("viewer")
    base = f"/api/campaigns/{campaign.pk}/"
    assert client.get(base).status_code == 200
    assert client.get(base + "contacts/").json()["count"] == 3
    assert client.get(f"/api/campaigns/{campaign.pk}/results.csv").status_code == 200
    assert_error_shape(client.patch(base, {"name": "x"}, format="json"), 403)
    assert_error_shape(client.post(base + "start/"), 403)
    assert_error_shape(client.post(base + "contacts/", {"file": csv_upload("number\n+12125551009\n")},
                                   format="multipart"), 403)
    assert_error_shape(client.delete(base), 403)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT


def finished(client, queued: dict, *, timeout: float = 60.0) -> dict:
    """Poll an import's progress_url (as an API client would) until a worker has finished it."""
    def poll():
        body = client.get(queued["progress_url"]).json()
        return body if body["finished"] else None

    return wait_for(poll, timeout=timeout, interval=0.1, what="the import to finish")


@pytest.mark.django_db(transaction=True)
def test_it_uploads_contacts_and_a_worker_imports_them(as_, team, version, credential, worker):
    campaign = make_campaign(team, version, credential)
    upload = csv_upload("Name,Mobile\nAda,+12125551001\nBob,nope\nCid,212-555-1001\n\n")
    response = as_("editor").post(f"/api/campaigns/{campaign.pk}/contacts/",
                                  {"file": upload, "number_column": "Mobile"}, format="multipart")
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["status"] in ("queued", "running") and not queued["finished"]
    assert response["Location"] == queued["progress_url"] == f"/api/campaigns/{campaign.pk}/imports/{queued['id']}/"
    report = finished(as_("viewer"), queued)
    assert (report["status"], report["percent"], report["error"]) == ("done", 100, "")
    assert (report["rows"], report["imported"], report["rejected"], report["duplicates"], report["empty"]) == \
        (4, 1, 1, 1, 1)
    assert report["rejected_rows"] == [{"line": 3, "value": "nope", "reason": "Not a phone number."}]
    assert report["duplicate_rows"] == [{"line": 4, "number": "+12125551001", "first_line": 2}]
    assert queued["missing_variables"] == []  # the columns count from the upload on
    listed = as_("viewer").get(f"/api/campaigns/{campaign.pk}/contacts/").json()
    assert [c["number"] for c in listed["results"]] == ["+12125551001"]
    assert listed["results"][0]["variables"] == {"name": "Ada"}


def test_it_previews_an_upload_without_saving(as_, team, version, credential):
    campaign = make_campaign(team, version, credential)
    response = as_("editor").post(f"/api/campaigns/{campaign.pk}/contacts/",
                                  {"file": csv_upload("phone,city\n+12125551001,Paris\n"), "preview": "true"},
                                  format="multipart")
    assert response.status_code == 200
    assert response.json()["rows"][0]["number"] == "+12125551001"
    assert response.json()["missing_variables"] == ["name"]
    assert campaign.contacts.count() == 0


def test_it_says_which_column_to_choose(as_, team, version, credential):
    campaign = make_campaign(team, version, credential)
    response = as_("editor").post(f"/api/campaigns/{campaign.pk}/contacts/",
                                  {"file": csv_upload("who,where\nAda,Paris\n")}, format="multipart")
    body = assert_error_shape(response, 400)
    assert "number_column" in body["extra"]["fields"]
    # The message is in plain words: the problem itself, not "number_column: ...".
    assert body["message"] == "Choose the column that holds the phone numbers (columns: who, where)."


def test_it_starts_pauses_resumes_and_cancels_with_409_for_impossible_moves(as_, campaign):
    client = as_("editor")
    base = f"/api/campaigns/{campaign.pk}/"
    assert_error_shape(client.post(base + "resume/"), 409)
    assert client.post(base + "start/").json()["status"] == "running"
    assert client.post(base + "pause/").json()["status"] == "paused"
    assert client.post(base + "resume/").json()["status"] == "running"
    body = assert_error_shape(client.post(base + "start/"), 409)
    assert "already started" in body["message"]
    assert client.post(base + "cancel/").json()["status"] == "cancelled"
    assert_error_shape(client.post(base + "pause/"), 409)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_start_with_missing_variables_and_says_which(as_, team, version, credential, worker):
    campaign = make_campaign(team, version, credential)
    queued = as_("editor").post(f"/api/campaigns/{campaign.pk}/contacts/",
                                {"file": csv_upload("number\n+12125551001\n")}, format="multipart").json()
    assert finished(as_("editor"), queued)["imported"] == 1
    body = assert_error_shape(as_("editor").post(f"/api/campaigns/{campaign.pk}/start/"), 400)
    assert body["extra"]["missing_variables"] == ["name"]
    assert "{{contact.name}}" in body["message"]


def test_it_exports_per_contact_results_as_csv(as_, campaign):
    response = as_("viewer").get(f"/api/campaigns/{campaign.pk}/results.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="reminders-results.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["number"] for r in rows] == us_numbers(3)
    assert rows[0]["status"] == "pending" and rows[0]["name"] == "Ada" and rows[0]["line"] == "2"


def test_it_filters_campaigns_by_status(as_, campaign, team, version, credential):
    make_campaign(team, version, credential, numbers=us_numbers(1), start=True)
    assert as_("viewer").get("/api/campaigns/?status=running").json()["count"] == 1
    assert as_("viewer").get("/api/campaigns/?status=draft,running").json()["count"] == 2


def test_it_refuses_another_teams_flow_or_credential(as_, other_team, team):
    theirs = make_version(other_team)
    response = as_("owner").post("/api/campaigns/", {"name": "x", "flow": theirs.flow_id}, format="json")
    assert "flow" in assert_error_shape(response, 400)["extra"]["fields"]
    mine = make_version(team)
    their_credential = make_credential(other_team)
    response = as_("owner").post("/api/campaigns/", {"name": "x", "flow": mine.flow_id,
                                                     "credential": their_credential.pk}, format="json")
    assert "credential" in assert_error_shape(response, 400)["extra"]["fields"]


@pytest.mark.django_db(transaction=True)
def test_it_manages_the_do_not_call_list(as_, team, other_team, campaign, worker):
    client = as_("editor")
    response = client.post("/api/do-not-call/", {"number": "(212) 555-1001", "note": "asked"}, format="json")
    assert response.status_code == 201
    assert response.json()["number"] == "+12125551001"
    assert campaign.contacts.get(number="+12125551001").status == "do_not_call"
    assert client.get("/api/do-not-call/?search=5551001").json()["count"] == 1
    assert_error_shape(client.post("/api/do-not-call/", {"number": "hello"}, format="json"), 400)

    response = client.post("/api/do-not-call/import/", {"file": csv_upload("phone\n+12125551002\nbad\n")},
                           format="multipart")
    assert response.status_code == 202 and response["Location"] == response.json()["progress_url"]
    report = finished(client, response.json())  # a worker imports it
    assert (report["status"], report["added"], report["rejected"]) == ("done", 1, 1)
    assert_error_shape(as_("outsider").get(response.json()["progress_url"]), 404)

    theirs = DoNotCall.objects.create(team=other_team, number="+12125559999")
    assert_error_shape(client.delete(f"/api/do-not-call/{theirs.pk}/"), 404)
    assert_error_shape(as_("viewer").post("/api/do-not-call/", {"number": "+12125551003"}, format="json"), 403)
    entry = DoNotCall.objects.get(team=team, number="+12125551002")
    assert client.delete(f"/api/do-not-call/{entry.pk}/").status_code == 204
