"""A campaign calls each contact's number: it takes only versions whose Call step dials
{{contact.number}}. The service, the API (400 dials_other_number) and the wizard refuse any other, and
say how to fix it; a draft made with one before cannot start, and one started before is paused by the
dispatcher without a call (tests/campaigns/test_worker.py shows it with real workers)."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from editor.calls.errors import DialsOtherNumber
from editor.calls.models import Call
from editor.campaigns.models import Campaign, CampaignContact, CampaignStatus, ContactStatus
from editor.campaigns.services.campaigns import (
    CampaignNotReady,
    campaign_create,
    campaign_resume,
    campaign_start,
    campaign_update,
    start_problems,
)
from editor.campaigns.services.dispatch import campaign_precheck, campaigns_tick
from tests.campaigns.conftest import FLOW, make_campaign, make_version, us_numbers
from tests.support.api import assert_error_shape
from tests.support.pages import rendered_field, shows_internal_name

pytestmark = pytest.mark.django_db
FIXED = "917507161643"
FIX = ("This version's Call step dials 917507161643, not each contact's number. Open the flow, put "
       "{{contact.number}} in its Call step, publish, then choose the new version.")


@pytest.fixture
def fixed_version(team):
    document = copy.deepcopy(FLOW)
    document["steps"][0]["number"] = FIXED
    return make_version(team, document=document)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_service_refuses_a_version_that_dials_a_fixed_number(team, owner, version, fixed_version, credential):
    with pytest.raises(DialsOtherNumber) as refused:
        campaign_create(team=team, user=owner, name="One phone", flow_version=fixed_version, credential=credential)
    assert refused.value.message == FIX and refused.value.code == "dials_other_number"
    assert refused.value.extra == {"dials": FIXED, "fields": {"flow_version": [FIX]}}
    assert not Campaign.objects.exists()

    campaign = campaign_create(team=team, user=owner, name="Each contact", flow_version=version, credential=credential)
    with pytest.raises(DialsOtherNumber):
        campaign_update(campaign=campaign, flow_version=fixed_version)
    campaign.refresh_from_db()
    assert campaign.flow_version == version


def test_a_draft_made_before_cannot_start(team, fixed_version, credential):
    # A draft saved before campaigns refused such versions (written straight to the table).
    campaign = make_campaign(team, make_version(team), credential, numbers=us_numbers(2))
    Campaign.objects.filter(pk=campaign.pk).update(flow_version=fixed_version)
    campaign.refresh_from_db()
    assert FIX in start_problems(campaign)
    with pytest.raises(Exception, match="917507161643"):
        campaign_start(campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_the_api_answers_400_with_its_own_code(editor_user, outsider, team, version, fixed_version, credential):
    body = {"name": "One phone", "flow": fixed_version.flow_id, "credential": credential.pk}
    refused = assert_error_shape(api(editor_user).post("/api/campaigns/", body, format="json"), 400,
                                 "dials_other_number")
    assert refused["message"] == FIX and refused["extra"]["dials"] == FIXED
    assert not Campaign.objects.exists()

    created = api(editor_user).post("/api/campaigns/", {**body, "flow": version.flow_id}, format="json")
    assert created.status_code == 201, created.json()
    campaign_id = created.json()["id"]
    patched = api(editor_user).patch(f"/api/campaigns/{campaign_id}/", {"flow": fixed_version.flow_id}, format="json")
    assert_error_shape(patched, 400, "dials_other_number")
    # Another team's campaign stays a 404, whatever its version dials.
    assert_error_shape(api(outsider).patch(f"/api/campaigns/{campaign_id}/", {"flow": fixed_version.flow_id},
                                           format="json"), 404, "not_found")


def test_the_wizard_marks_such_versions_and_says_how_to_fix_one(client, owner, version, fixed_version, credential):
    client.force_login(owner)
    page = client.get(reverse("campaign_new")).content.decode()
    assert f"{fixed_version.flow.name} — version 1 (calls {FIXED}, not each contact)" in page
    assert f"{version.flow.name} — version 1</option>" in page

    response = client.post(reverse("campaign_new"), {"name": "One phone", "version": fixed_version.pk,
                                                     "credential": credential.pk})
    assert response.status_code == 400
    html = response.content.decode()
    chosen = rendered_field(html, "id_version")
    assert chosen.invalid and chosen.errors == FIX and chosen.value == [str(fixed_version.pk)]
    assert rendered_field(html, "id_name").value == "One phone"
    assert not shows_internal_name(html, "flow_version", "version")
    assert not Campaign.objects.exists()


# A campaign started before campaigns refused such versions: its row holds a fixed-number version (written
# straight to the table). The dispatcher pauses it rather than dial, and says why (services/dispatch.py).
STOPPED = ("Paused so that no call goes out. The Call step of this campaign's flow version dials 917507161643, not "
           "each contact's number. Put {{contact.number}} in the flow's Call step and publish it, then make a new "
           "campaign with that version (a started campaign keeps its version).")


def started_before(team, version, credential, fixed_version, count: int = 3, **fields):
    campaign = make_campaign(team, version, credential, numbers=us_numbers(count), start=True, **fields)
    assert campaign.status == CampaignStatus.RUNNING
    Campaign.objects.filter(pk=campaign.pk).update(flow_version=fixed_version)
    campaign.refresh_from_db()
    return campaign


def test_the_tick_pauses_a_running_campaign_that_would_dial_a_fixed_number(
        owner, team, version, fixed_version, credential, django_capture_on_commit_callbacks):
    campaign = started_before(team, version, credential, fixed_version)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert campaigns_tick()["dispatched"] == 0
    assert enqueued == [] and not Call.objects.exists()
    campaign.refresh_from_db()
    assert (campaign.status, campaign.status_reason) == (CampaignStatus.PAUSED, STOPPED)
    assert set(CampaignContact.objects.values_list("status", "attempts")) == {(ContactStatus.PENDING, 0)}

    # Said on the campaign's page and in the API; resuming is refused with the same why and fix.
    page = Client()
    page.force_login(owner)
    assert escape(STOPPED) in page.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    shown = api(owner).get(f"/api/campaigns/{campaign.pk}/").json()
    assert (shown["status"], shown["status_reason"]) == ("paused", STOPPED)
    with pytest.raises(CampaignNotReady) as refused:
        campaign_resume(campaign=campaign)
    assert refused.value.message == STOPPED[len("Paused so that no call goes out. "):]
    resumed = assert_error_shape(api(owner).post(f"/api/campaigns/{campaign.pk}/resume/"), 400, "campaign_not_ready")
    assert "917507161643" in resumed["message"]
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.PAUSED


def test_a_call_queued_before_is_not_posted_and_pauses_its_campaign(
        team, version, fixed_version, credential, django_capture_on_commit_callbacks):
    # Queued while the campaign's version still dialled each contact; the version is then swapped under it.
    campaign = make_campaign(team, version, credential, numbers=us_numbers(1), start=True)
    with django_capture_on_commit_callbacks(execute=False):
        campaigns_tick()
    call = Call.objects.get()
    Campaign.objects.filter(pk=campaign.pk).update(flow_version=fixed_version)

    verdict = campaign_precheck(call)
    assert verdict == ("The flow version's Call step does not dial this contact's number, so the campaign was "
                       "paused: not sent.")
    campaign.refresh_from_db()
    assert (campaign.status, campaign.status_reason) == (CampaignStatus.PAUSED, STOPPED)
    contact = CampaignContact.objects.get()
    assert (contact.status, contact.attempts) == (ContactStatus.PENDING, 0)  # not an attempt: nothing was dialled
