"""Campaign pages: the wizard end to end, the campaign page and its live JSON, do-not-call, admin."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from editor.campaigns.models import Campaign, CampaignStatus, DoNotCall
from editor.campaigns.services.dnc import dnc_add
from tests.campaigns.conftest import finished_import, make_campaign, us_numbers
from tests.support.pages import form_errors, refused, rendered_field, shows_internal_name
from tests.support.workers import wait_for

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_it_walks_the_wizard_from_flow_to_a_running_campaign(client, owner, team, version, credential, worker):
    login(client, owner)
    assert client.get(reverse("campaign_list")).status_code == 200
    page = client.get(reverse("campaign_new"))
    assert "Reminder" in page.content.decode() and "1 · Flow" in page.content.decode()

    response = client.post(reverse("campaign_new"), {"name": "Check-ups", "version": version.pk,
                                                     "credential": credential.pk})
    campaign = Campaign.objects.get(name="Check-ups")
    assert response.url == reverse("campaign_contacts", args=[campaign.pk])

    upload = SimpleUploadedFile("c.csv", b"number,name\n+12125551001,Ada\n+12125551002,Bob\nnope,Cid\n")
    response = client.post(reverse("campaign_contacts", args=[campaign.pk]), {"file": upload})
    assert response.status_code == 302
    assert finished_import(campaign).status == "done"  # a worker imported it
    page = client.get(reverse("campaign_contacts", args=[campaign.pk])).content.decode()
    assert "Rejected rows (1)" in page and "Not a phone number." in page

    response = client.post(reverse("campaign_schedule", args=[campaign.pk]), {
        "timezone": "America/New_York", "starts_at": "", "ends_at": "2030-01-01T18:00", "window_start": "09:00",
        "window_end": "17:00", "weekdays": ["0", "1", "2", "3", "4"], "calls_per_minute": "60", "max_attempts": "2",
        "retry_delay_minutes": "30"})
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign.refresh_from_db()
    assert (campaign.timezone, campaign.calls_per_minute, campaign.retry_delay_seconds) == ("America/New_York", 60,
                                                                                           1800)
    assert campaign.ends_at.isoformat() == "2030-01-01T23:00:00+00:00"  # 18:00 in New York

    review = client.get(reverse("campaign_review", args=[campaign.pk])).content.decode()
    assert "2 contacts: less than a minute at 60 calls a minute" in review
    response = client.post(reverse("campaign_review", args=[campaign.pk]))
    assert response.url == reverse("campaign_detail", args=[campaign.pk])
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.RUNNING


def test_it_shows_progress_and_serves_live_figures(client, owner, team, version, credential):
    campaign = make_campaign(team, version, credential, numbers=us_numbers(4), start=True)
    login(client, owner)
    page = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert "Export results (CSV)" in page and "Pause" in page and "+12125551000" in page
    data = client.get(reverse("campaign_progress", args=[campaign.pk])).json()
    assert (data["status"], data["total"], data["done"], data["counts"]["pending"]) == ("running", 4, 0, 4)
    filtered = client.get(reverse("campaign_detail", args=[campaign.pk]) + "?number=1003").content.decode()
    assert "+12125551003" in filtered and "+12125551001" not in filtered

    client.post(reverse("campaign_action", args=[campaign.pk, "pause"]))
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.PAUSED
    client.post(reverse("campaign_action", args=[campaign.pk, "resume"]))
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.RUNNING
    csv_text = b"".join(client.get(reverse("campaign_results", args=[campaign.pk])).streaming_content).decode()
    assert csv_text.count("\n") == 5


def test_it_keeps_viewers_and_outsiders_out_of_writes(client, viewer, outsider, team, version, credential):
    campaign = make_campaign(team, version, credential, numbers=us_numbers(1))
    login(client, viewer)
    assert client.get(reverse("campaign_detail", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("campaign_new")).status_code == 404
    assert client.get(reverse("campaign_schedule", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("campaign_action", args=[campaign.pk, "cancel"])).status_code == 404
    login(client, outsider)
    assert client.get(reverse("campaign_detail", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("campaign_progress", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("campaign_results", args=[campaign.pk])).status_code == 404
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT


@pytest.mark.django_db(transaction=True)
def test_it_manages_the_do_not_call_page(client, owner, team, worker):
    from editor.campaigns.models import DncImport

    login(client, owner)
    client.post(reverse("dnc_list"), {"action": "add", "number": "212 555 1001", "region": "US"})
    assert DoNotCall.objects.get(team=team).number == "+12125551001"
    upload = SimpleUploadedFile("d.csv", b"phone,note\n+12125551002,asked\nbad,x\n")
    response = client.post(reverse("dnc_list"), {"action": "import", "file": upload, "region": "US"})
    assert response.status_code == 302
    wait_for(lambda: DncImport.objects.filter(team=team, status="done").exists(), timeout=60,
             what="the worker to import the do-not-call CSV")
    page = client.get(reverse("dnc_list")).content.decode()
    assert "Import report: d.csv" in page and "Not a phone number." in page
    entry = DoNotCall.objects.get(number="+12125551002")
    assert entry.note == "asked"
    client.post(reverse("dnc_list"), {"action": "remove", "entry": entry.pk})
    assert not DoNotCall.objects.filter(pk=entry.pk).exists()
    assert "+12125551001" in client.get(reverse("dnc_list") + "?search=1001").content.decode()


def test_it_shows_every_setup_error_beside_its_field(client, owner, version, credential):
    response = login(client, owner).post(reverse("campaign_new"), {"name": "", "version": "999",
                                                                    "credential": credential.pk})
    assert response.status_code == 400
    html = response.content.decode()
    name, chosen = rendered_field(html, "id_name"), rendered_field(html, "id_version")
    assert name.invalid and name.label == "Campaign name" and name.errors == "Give the campaign a name."
    assert chosen.invalid and chosen.label == "Flow and version"
    assert chosen.errors == "Choose one of the published flows."
    assert rendered_field(html, "id_credential").value == [str(credential.pk)]
    assert not Campaign.objects.exists()


def test_it_shows_every_schedule_error_beside_its_field_and_keeps_what_was_typed(client, owner, team, version,
                                                                                 credential):
    campaign = make_campaign(team, version, credential, numbers=us_numbers(1))
    response = login(client, owner).post(reverse("campaign_schedule", args=[campaign.pk]), {
        "timezone": "Europe/Paris", "window_start": "25:00", "window_end": "17:00", "calls_per_minute": "-1",
        "max_attempts": "2", "retry_delay_minutes": "30"})
    assert response.status_code == 400
    html = response.content.decode()
    start, rate = rendered_field(html, "id_window_start"), rendered_field(html, "id_calls_per_minute")
    assert start.invalid and start.label == "Calls from" and start.value == "25:00"
    assert start.errors == "Enter a time of day, such as 09:00."
    assert rate.invalid and rate.label == "Calls per minute" and rate.value == "-1"
    assert rate.errors == "Enter a whole number from 0 to 6,000 (0: no limit)."
    assert 'id="id_weekdays_error"' in html and "Choose at least one day." in html  # no weekday ticked
    assert rendered_field(html, "id_timezone").value == ["Europe/Paris"]
    assert rendered_field(html, "id_max_attempts").value == "2"
    assert Campaign.objects.get(pk=campaign.pk).timezone == "UTC"


def test_it_shows_the_upload_errors_beside_their_fields(client, owner, team, version, credential):
    campaign = make_campaign(team, version, credential)
    url = reverse("campaign_contacts", args=[campaign.pk])
    response = login(client, owner).post(url, {"number_column": "x" * 201})
    assert response.status_code == 400
    html = response.content.decode()
    file, column = rendered_field(html, "upload-file"), rendered_field(html, "upload-number_column")
    assert file.invalid and file.label == "CSV file" and file.errors == "Choose a CSV file to upload."
    assert column.invalid and column.label == "Number column" and "at most 200 characters" in column.errors
    assert column.value == ["x" * 201]

    upload = SimpleUploadedFile("c.csv", b"who,where\nAda,Paris\n")
    response = client.post(url, {"file": upload, "number_column": "Phone"})
    assert response.status_code == 400
    html = response.content.decode()
    column = rendered_field(html, "upload-number_column")
    assert column.invalid and column.errors == "There is no column “Phone”. Columns: who, where."
    assert column.value == ["Phone"]  # the choice is kept; the file is chosen again
    assert not shows_internal_name(html, "number_column") and "alert-danger" not in html

    response = client.post(url, {"file": SimpleUploadedFile("c.csv", b"")})
    assert rendered_field(response.content.decode(), "upload-file").errors == "The file is empty."
    response = client.post(url, {"file": SimpleUploadedFile("c.csv", b",\n1,2\n")})  # refused by the service
    file = rendered_field(response.content.decode(), "upload-file")
    assert file.invalid and file.errors == "The first line must hold the column names (for example: number,name)."
    assert campaign.contacts.count() == 0


def test_it_shows_every_do_not_call_add_error_beside_its_field(client, owner, team):
    response = login(client, owner).post(reverse("dnc_list"), {"action": "add", "number": "call me maybe",
                                                                "region": "ZZ", "note": "Asked twice"})
    html, number, region, note = refused(response, "dnc-", "number", "region", "note")
    assert number.invalid and number.label == "Number" and number.value == "call me maybe"
    assert number.errors == "Not a phone number."
    assert region.invalid and region.label == "Country if no +code" and region.value == "ZZ"
    assert region.errors == "A two-letter country code such as US, GB or FR."
    assert note.value == "Asked twice" and not note.invalid
    assert not rendered_field(html, "dnc-import-region").invalid  # the import form stays fresh
    assert not shows_internal_name(html, "number", "region") and not DoNotCall.objects.exists()


def test_it_shows_every_do_not_call_import_error_beside_its_field(client, owner, team):
    login(client, owner)
    response = client.post(reverse("dnc_list"), {"action": "import", "number_column": "Mobile", "region": "Q"})
    assert response.status_code == 400
    html = response.content.decode()
    file, region = rendered_field(html, "dnc-import-file"), rendered_field(html, "dnc-import-region")
    assert file.invalid and file.label == "CSV file" and file.errors == "Choose a CSV file."
    assert region.invalid and region.value == "Q" and region.errors == "A two-letter country code such as US, GB or FR."
    assert rendered_field(html, "dnc-import-number_column").value == "Mobile"

    upload = SimpleUploadedFile("d.csv", b"who,where\nAda,Paris\n")
    response = client.post(reverse("dnc_list"), {"action": "import", "file": upload, "region": "US"})
    assert response.status_code == 400
    html = response.content.decode()
    column = rendered_field(html, "dnc-import-number_column")
    assert column.invalid and column.errors == "Choose the column with the phone numbers (who, where)."
    assert not shows_internal_name(html, "number_column") and not DoNotCall.objects.exists()


def test_it_refuses_a_malformed_or_foreign_do_not_call_entry_cleanly(client, owner, team, other_team):
    mine = dnc_add(team=team, number="+12125551001")
    theirs = dnc_add(team=other_team, number="+12125551002")
    login(client, owner)
    for entry in ("abc", "", "-3", "99999999999999999999"):
        response = client.post(reverse("dnc_list"), {"action": "remove", "entry": entry})
        assert response.status_code == 400, entry
        assert form_errors(response.content.decode()) == ["Choose an entry of the list to remove."]
    assert client.post(reverse("dnc_list"), {"action": "remove", "entry": theirs.pk}).status_code == 404
    assert client.post(reverse("dnc_list"), {"action": "remove", "entry": mine.pk + theirs.pk + 100}).status_code == 404
    assert DoNotCall.objects.count() == 2
    assert client.post(reverse("dnc_list"), {"action": "remove", "entry": mine.pk}).status_code == 302
    assert list(DoNotCall.objects.values_list("number", flat=True)) == ["+12125551002"]


def test_it_pauses_resumes_and_cancels_from_the_admin_with_a_progress_column(client, admin_user, team, version,
                                                                            credential):
    campaign = make_campaign(team, version, credential, numbers=us_numbers(2), start=True)
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:campaigns_campaign_changelist")).content.decode()
    assert "0 / 2 (0%)" in changelist
    url = reverse("admin:campaigns_campaign_changelist")
    client.post(url, {"action": "pause", "_selected_action": [campaign.pk]})
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.PAUSED
    client.post(url, {"action": "resume", "_selected_action": [campaign.pk]})
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.RUNNING
    client.post(url, {"action": "cancel", "_selected_action": [campaign.pk]})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED and "in the admin" in campaign.status_reason
    assert client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).status_code == 200
