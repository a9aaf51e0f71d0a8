"""The campaign state machine: one service, conditional updates, plain-words refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from editor.campaigns import clock
from editor.campaigns.models import Campaign, CampaignContact, CampaignStatus, ContactStatus
from editor.campaigns.services.campaigns import (
    ALLOWED_FROM,
    CampaignNotReady,
    CampaignStateError,
    campaign_cancel,
    campaign_delete,
    campaign_pause,
    campaign_resume,
    campaign_start,
    campaign_transition,
    campaign_update,
    pause_for_credential,
)
from editor.common.errors import InvalidFields
from tests.campaigns.conftest import make_campaign, make_version, us_numbers

pytestmark = pytest.mark.django_db
S = CampaignStatus


@pytest.fixture
def campaign(team, version, credential):
    return make_campaign(team, version, credential, numbers=us_numbers(3))


def test_it_walks_the_documented_path(campaign):
    assert campaign.status == S.DRAFT
    campaign = campaign_start(campaign=campaign)
    assert campaign.status == S.RUNNING and campaign.started_at is not None
    campaign = campaign_pause(campaign=campaign, reason="Lunch")
    assert (campaign.status, campaign.status_reason) == (S.PAUSED, "Lunch")
    campaign = campaign_resume(campaign=campaign)
    assert campaign.status == S.RUNNING and campaign.status_reason == ""
    campaign = campaign_cancel(campaign=campaign)
    assert campaign.status == S.CANCELLED and campaign.finished_at is not None
    assert set(campaign.contacts.values_list("status", flat=True)) == {ContactStatus.CANCELLED}


def test_it_refuses_every_move_the_diagram_does_not_have(campaign):
    every = [s for s in S.values]
    for target in every:
        for origin in every:
            Campaign.objects.filter(pk=campaign.pk).update(status=origin)
            allowed = origin in ALLOWED_FROM.get(target, ())
            if allowed:
                assert campaign_transition(campaign=campaign, to=target).status == target
            else:
                with pytest.raises(CampaignStateError) as refused:
                    campaign_transition(campaign=campaign, to=target)
                assert refused.value.status_code == 409
                assert refused.value.extra["status"] == origin
                assert Campaign.objects.get(pk=campaign.pk).status == origin
    assert ALLOWED_FROM[S.COMPLETED] == (S.SCHEDULED, S.RUNNING, S.PAUSED)
    assert S.COMPLETED not in sum(ALLOWED_FROM.values(), ()) and S.CANCELLED not in sum(ALLOWED_FROM.values(), ())


def test_it_lets_only_one_of_two_concurrent_changes_win(campaign):
    campaign = campaign_start(campaign=campaign)
    stale = Campaign.objects.get(pk=campaign.pk)
    campaign_pause(campaign=campaign)
    campaign_cancel(campaign=campaign)
    with pytest.raises(CampaignStateError, match="cancelled: it cannot be paused"):
        campaign_pause(campaign=stale)  # the stale copy still says running


def test_it_schedules_a_campaign_whose_start_is_ahead(team, version, credential):
    later = clock.now() + timedelta(hours=2)
    campaign = make_campaign(team, version, credential, numbers=us_numbers(1), starts_at=later)
    assert campaign_start(campaign=campaign).status == S.SCHEDULED
    assert campaign_pause(campaign=campaign).status == S.PAUSED
    assert campaign_resume(campaign=campaign).status == S.SCHEDULED


def test_it_says_why_a_campaign_cannot_start(team, credential):
    version = make_version(team, document={
        "steps": [{"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+12125550199",
                   "next_step": "1"},
                  {"id": "1", "type": "play", "text": "Hi {{contact.name}}, your code is {{contact.code}}."}],
        "layout": {}, "settings": {"record": False}})
    empty = make_campaign(team, version, None)
    with pytest.raises(CampaignNotReady) as refused:
        campaign_start(campaign=empty)
    problems = refused.value.extra["problems"]
    assert any("credential" in p for p in problems)
    assert any("Upload contacts" in p for p in problems)
    assert refused.value.extra["missing_variables"] == ["code", "name"]
    assert Campaign.objects.get(pk=empty.pk).status == S.DRAFT

    partial = make_campaign(team, version, credential, numbers=us_numbers(1))  # has name, lacks code
    with pytest.raises(CampaignNotReady, match=r"\{\{contact.code\}\}"):
        campaign_start(campaign=partial)


def test_it_refuses_to_resume_while_samespace_refuses_the_token(campaign, credential):
    from editor.calls.services.credentials import credential_update

    campaign = campaign_start(campaign=campaign)
    credential.rejected_at = clock.now()
    credential.save()
    assert pause_for_credential(credential, "refused") == [campaign.pk]
    campaign.refresh_from_db()
    assert (campaign.status, campaign.status_reason) == (S.PAUSED, "refused")
    with pytest.raises(CampaignNotReady, match="still refuses"):
        campaign_resume(campaign=campaign)
    credential_update(credential=credential, auth_token="a-new-token")
    assert campaign_resume(campaign=campaign).status == S.RUNNING


def test_it_closes_waiting_contacts_when_a_campaign_ends(campaign):
    campaign = campaign_start(campaign=campaign)
    CampaignContact.objects.filter(campaign=campaign).update(status=ContactStatus.PENDING)
    campaign_transition(campaign=campaign, to=S.COMPLETED, reason="The end time was reached.")
    contact = CampaignContact.objects.filter(campaign=campaign).first()
    assert (contact.status, contact.note) == (ContactStatus.NOT_CALLED, "The end time was reached.")


def test_it_checks_fields_and_freezes_the_flow_once_started(campaign, team):
    with pytest.raises(InvalidFields) as bad:
        campaign_update(campaign=campaign, timezone="Mars/Olympus", weekdays=[], calls_per_minute=-1,
                        default_region="ZZ")
    assert set(bad.value.extra["fields"]) == {"timezone", "weekdays", "calls_per_minute", "default_region"}
    with pytest.raises(InvalidFields, match="after the start"):
        campaign_update(campaign=campaign, starts_at=clock.now(), ends_at=clock.now() - timedelta(hours=1))
    campaign = campaign_start(campaign=campaign)
    assert campaign_update(campaign=campaign, calls_per_minute=30).calls_per_minute == 30
    with pytest.raises(CampaignStateError, match="Only a draft"):
        campaign_update(campaign=campaign, flow_version=make_version(team))
    with pytest.raises(CampaignStateError, match="Cancel the campaign"):
        campaign_delete(campaign=campaign)
