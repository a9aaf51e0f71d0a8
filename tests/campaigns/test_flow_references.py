"""Deleting a flow that a campaign uses, in any state, archives it instead of failing."""

from __future__ import annotations

import pytest

from editor.campaigns.models import Campaign, CampaignStatus
from editor.flows.models import Flow
from editor.flows.services.flows import flow_create, flow_publish
from tests.campaigns.conftest import FLOW, make_campaign, make_credential, us_numbers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [s.value for s in CampaignStatus])
def test_it_archives_a_flow_that_a_campaign_uses(api_as, team, status):
    flow = flow_create(team=team, user=None, name="Reminder", document=FLOW)
    version = flow_publish(flow=flow, user=None)
    campaign = make_campaign(team, version, make_credential(team), numbers=us_numbers(2))
    Campaign.objects.filter(pk=campaign.pk).update(status=status)  # every state, whatever led there
    assert api_as("editor").delete(f"/api/flows/{flow.pk}/").status_code == 204
    assert Flow.objects.get(pk=flow.pk).is_archived
    campaign.refresh_from_db()
    assert campaign.flow_version_id == version.pk  # the campaign still has its version


def test_it_names_the_campaign_on_the_delete_page(client, owner, team):
    flow = flow_create(team=team, user=None, name="Reminder", document=FLOW)
    make_campaign(team, flow_publish(flow=flow, user=None), make_credential(team))
    client.force_login(owner)
    page = client.get(f"/flows/{flow.pk}/delete").content.decode()
    assert "This flow is used by 1 campaign," in page
