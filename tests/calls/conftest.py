"""Fixtures of the calls tests: a team, a published version and a credential for the sandbox
(served by pytest-django's live server). Workers and the sandbox fixtures are in tests/support."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings


@pytest.fixture
def calls_team(transactional_db):
    from editor.accounts.models import Team

    return Team.objects.create(name="Calls team", slug=f"calls-{uuid.uuid4().hex[:6]}")


@pytest.fixture
def version(calls_team, samespace_example_fixed):
    from editor.flows.services.flows import flow_create, flow_publish

    document = dict(samespace_example_fixed)
    document["flow"] = [dict(step) for step in document["flow"]]
    document["flow"][1]["text"] = "Hello {{contact.name}}, welcome to Samespace."
    flow = flow_create(team=calls_team, user=None, name="Reminder", document=document)
    return flow_publish(flow=flow, user=None)


@pytest.fixture
def credential(calls_team, sandbox_url):
    from editor.calls.services.credentials import credential_create

    return credential_create(
        team=calls_team, user=None, name="Sandbox", cloud_id="CLOUD-1",
        auth_token=settings.SANDBOX_AUTH_TOKEN, base_url=sandbox_url,
    )
