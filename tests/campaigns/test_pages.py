"""Campaign pages: the wizard end to end, the campaign page and its live JSON, do-not-call, admin."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from editor.campaigns.models import Campaign, CampaignStatus, DoNotCall
from tests.campaigns.conftest import make_campaign, us_numbers

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_it_walks_the_wizard_from_flow_to_a_running_campaign(client, owner, team, version, credential):
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
    assert "2 contacts: under a minute at 60 calls a minute" in review
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


def test_it_manages_the_do_not_call_page(client, owner, team):
    login(client, owner)
    client.post(reverse("dnc_list"), {"action": "add", "number": "212 555 1001", "region": "US"})
    assert DoNotCall.objects.get(team=team).number == "+12125551001"
    upload = SimpleUploadedFile("d.csv", b"phone,note\n+12125551002,asked\nbad,x\n")
    page = client.post(reverse("dnc_list"), {"action": "import", "file": upload, "region": "US"}).content.decode()
    assert "Import report" in page and "Not a phone number." in page
    entry = DoNotCall.objects.get(number="+12125551002")
    assert entry.note == "asked"
    client.post(reverse("dnc_list"), {"action": "remove", "entry": entry.pk})
    assert not DoNotCall.objects.filter(pk=entry.pk).exists()
    assert "+12125551001" in client.get(reverse("dnc_list") + "?search=1001").content.decode()


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
