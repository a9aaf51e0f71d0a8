"""Fixtures of the cross-area tests: one object of each kind, for the crawls and fuzzers that visit
every page and endpoint (tests/common/test_page_crawl.py, test_query_fuzz.py)."""

from __future__ import annotations

import io
from datetime import time

import pytest

from editor.calls.services.calls import call_create
from editor.calls.services.credentials import credential_create
from editor.campaigns.services.campaigns import campaign_create
from editor.campaigns.services.dnc import dnc_add
from editor.campaigns.services.imports import contacts_import
from editor.flows.services.flows import flow_import, flow_publish


@pytest.fixture
def site(owner, team, samespace_example_fixed):
    """One object of each kind a page shows, in the owner's team; the owner may use the admin."""
    owner.is_staff = owner.is_superuser = True
    owner.save()
    version = flow_publish(flow=flow_import(team=team, user=owner, name="Crawl", payload=samespace_example_fixed),
                           user=owner)
    credential = credential_create(team=team, user=owner, name="Crawl", cloud_id="C", auth_token="t",
                                   base_url="http://127.0.0.1:9/sandbox/api/public/v1")
    call = call_create(version=version, credential=credential, number="+12125551000", variables={"name": "Ada"})
    campaign = campaign_create(team=team, user=owner, name="Crawl", flow_version=version, credential=credential,
                               timezone="UTC", window_start=time.min, window_end=time.min, weekdays=list(range(7)),
                               calls_per_minute=0, retry_delay_seconds=60)
    item = contacts_import(campaign=campaign, upload=io.BytesIO(b"number,name\n+12125551001,Ada\nbad,Bo\n"))
    dnc_add(team=team, number="+12125559876", note="x", user=owner)
    return {"flow_id": version.flow_id, "call_id": call.pk, "credential_id": credential.pk,
            "campaign_id": campaign.pk, "import_id": item.pk, "slug": team.slug,
            "membership_id": owner.memberships.get(team=team).pk, "verb": "pause", "number": version.number}
