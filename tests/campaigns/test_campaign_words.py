"""Campaign words and numbers: a finished campaign's plan says how long it took, one
phrasing for estimates, and a window closed now says when calling starts, on the page and in the API."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse

from editor.campaigns.models import Campaign, CampaignStatus
from tests.campaigns.conftest import make_campaign, us_numbers

pytestmark = pytest.mark.django_db

# 2026-06-10 is a Wednesday; New York is UTC-4 then.
NY_7AM = datetime(2026, 6, 10, 11, 0, tzinfo=UTC)
NY_10AM = datetime(2026, 6, 10, 14, 0, tzinfo=UTC)


def _page_and_api(client, owner, campaign) -> tuple[str, dict, dict]:
    client.force_login(owner)
    page = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    live = client.get(reverse("campaign_progress", args=[campaign.pk])).json()
    api = client.get(f"/api/campaigns/{campaign.pk}/").json()
    return page, live, api


def test_a_completed_campaign_says_how_long_it_took(client, owner, team, version, credential):
    campaign = make_campaign(team, version, credential, numbers=us_numbers(3), start=True)
    started = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    campaign.contacts.update(status="accepted")
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.COMPLETED, started_at=started,
                                                   finished_at=started + timedelta(hours=2, minutes=5))
    page, _, api = _page_and_api(client, owner, campaign)
    assert "Completed: 3 contacts done in 2 h 5 min." in page
    assert "No contacts yet" not in page
    assert api["summary"] == "Completed: 3 contacts done in 2 h 5 min."

    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CANCELLED,
                                                   finished_at=started + timedelta(seconds=40))
    campaign.contacts.filter(number=us_numbers(1)[0]).update(status="pending")
    page, _, api = _page_and_api(client, owner, campaign)
    assert api["summary"] == "Cancelled after less than a minute, with 2 of 3 contacts done."


@pytest.mark.parametrize(("contacts", "left"), [(150, "about 3 min left"), (20, "less than a minute left")])
def test_estimates_have_one_phrasing(client, owner, team, version, credential, moved_clock, contacts, left):
    moved_clock.set_now(NY_10AM)
    campaign = make_campaign(team, version, credential, numbers=us_numbers(contacts), start=True,
                             calls_per_minute=60, timezone="America/New_York",
                             window_start=time(9), window_end=time(17), weekdays=list(range(7)))
    _, live, api = _page_and_api(client, owner, campaign)
    assert live["time_left"] == api["progress"]["time_left"] == left
    assert live["calling_starts"] == api["progress"]["calling_starts"] == ""
    assert not any(word in left for word in ("about less", "under"))


def test_a_window_closed_now_says_when_calling_starts(client, owner, team, version, credential, moved_clock):
    moved_clock.set_now(NY_7AM)
    campaign = make_campaign(team, version, credential, numbers=us_numbers(2), start=True, calls_per_minute=1,
                             timezone="America/New_York", window_start=time(9), window_end=time(17),
                             weekdays=list(range(7)))
    words = "calling starts at 09:00 in each callee's time, in about 2 h"
    _, live, api = _page_and_api(client, owner, campaign)
    assert live["calling_starts"] == api["progress"]["calling_starts"] == words
    assert api["progress"]["next_window"] == "2026-06-10T13:00:00+00:00"
    assert live["next_window"] == "Wed 10 Jun 09:00"
    # The estimate counts from the opening: 2 contacts at 1 a minute finish at 09:02.
    assert live["estimated_finish"] == "Wed 10 Jun 09:02" and live["time_left"] == "about 2 h 2 min left"


def test_a_window_that_opens_another_day_names_the_day(client, owner, team, version, credential, moved_clock):
    moved_clock.set_now(datetime(2026, 6, 12, 22, 0, tzinfo=UTC))  # Friday 18:00 in New York
    campaign = make_campaign(team, version, credential, numbers=us_numbers(2), start=True,
                             timezone="America/New_York", window_start=time(9), window_end=time(17),
                             weekdays=[0, 1, 2, 3, 4])
    _, live, _ = _page_and_api(client, owner, campaign)
    assert live["calling_starts"] == "calling starts Monday at 09:00 in each callee's time, in about 3 days"


def test_the_review_step_says_when_a_closed_window_opens(client, owner, team, version, credential, moved_clock):
    moved_clock.set_now(NY_7AM)
    campaign = make_campaign(team, version, credential, numbers=us_numbers(2), timezone="America/New_York",
                             window_start=time(9), window_end=time(17), weekdays=list(range(7)))
    client.force_login(owner)
    review = client.get(reverse("campaign_review", args=[campaign.pk])).content.decode()
    assert "Outside calling hours now: calling starts at 09:00 in each callee&#x27;s time, in about 2 h." in review
    moved_clock.set_now(NY_10AM)
    review = client.get(reverse("campaign_review", args=[campaign.pk])).content.decode()
    assert "Outside calling hours now" not in review
