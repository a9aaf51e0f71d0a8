"""The admin lists and opens flow tests and their settings."""

from __future__ import annotations

import copy

import pytest

from editor.flows.services.scenarios import flow_test_settings_update, scenario_create
from tests.flows.simulator.test_api import PASSING

pytestmark = pytest.mark.django_db


def test_it_shows_flow_tests_in_the_admin(admin_client, menu_flow, owner) -> None:
    test = scenario_create(flow=menu_flow, user=owner, **copy.deepcopy(PASSING))
    settings = flow_test_settings_update(flow=menu_flow, scenario_failures_block_publish=False)
    listing = admin_client.get("/admin/flows/flowscenario/")
    assert listing.status_code == 200 and b"Balance found" in listing.content
    assert admin_client.get(f"/admin/flows/flowscenario/{test.pk}/change/").status_code == 200
    assert admin_client.get("/admin/flows/flowtestsettings/").status_code == 200
    assert admin_client.get(f"/admin/flows/flowtestsettings/{settings.pk}/change/").status_code == 200
