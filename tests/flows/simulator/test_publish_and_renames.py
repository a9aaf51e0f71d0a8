"""Publishing runs the flow tests; saving a flow that renames step ids renames them in the tests."""

from __future__ import annotations

import copy

import pytest

from editor.flows.models import FlowScenario, FlowVersion
from editor.flows.services.flows import flow_publish, flow_update
from editor.flows.services.scenarios import ScenariosFailed, flow_test_settings_update, scenario_create
from tests.flows.simulator.test_api import FAILING, PASSING

pytestmark = pytest.mark.django_db


def saved(flow, owner, scenario: dict) -> FlowScenario:
    return scenario_create(flow=flow, user=owner, **copy.deepcopy(scenario))


def test_it_refuses_to_publish_while_a_test_fails(api_as, menu_flow, owner) -> None:
    saved(menu_flow, owner, PASSING)
    saved(menu_flow, owner, FAILING)
    response = api_as("editor").post(f"/api/flows/{menu_flow.pk}/publish/", {"note": "try"}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["message"].startswith("1 of 2 flow tests fails, so this flow is not published")
    assert body["extra"]["tests"]["failed"] == 1
    assert body["extra"]["tests"]["results"][0]["difference"]
    assert not FlowVersion.objects.filter(flow=menu_flow).exists()


def test_it_publishes_with_a_warning_when_the_setting_allows_failures(api_as, menu_flow, owner) -> None:
    saved(menu_flow, owner, FAILING)
    flow_test_settings_update(flow=menu_flow, scenario_failures_block_publish=False)
    response = api_as("editor").post(f"/api/flows/{menu_flow.pk}/publish/", {}, format="json")
    assert response.status_code == 201, response.content
    tests = response.json()["tests"]
    assert tests["warning"] is True and tests["failed"] == 1 and tests["blocks_publish"] is False
    assert response.json()["number"] == 1


def test_it_shows_the_results_of_passing_tests_when_publishing(api_as, menu_flow, owner) -> None:
    saved(menu_flow, owner, PASSING)
    response = api_as("owner").post(f"/api/flows/{menu_flow.pk}/publish/", {}, format="json")
    assert response.status_code == 201
    assert response.json()["tests"]["passed"] == 1 and response.json()["tests"]["warning"] is False


def test_it_publishes_a_flow_without_tests_as_before(api_as, menu_flow) -> None:
    response = api_as("owner").post(f"/api/flows/{menu_flow.pk}/publish/", {}, format="json")
    assert response.status_code == 201 and response.json()["tests"] is None


def test_it_raises_from_the_service_too(menu_flow, owner) -> None:
    saved(menu_flow, owner, FAILING)
    with pytest.raises(ScenariosFailed) as caught:
        flow_publish(flow=menu_flow, user=owner)
    assert caught.value.extra["tests"]["total"] == 1


def renamed(document: dict, old: str, new: str) -> dict:
    """What the editor's renameStep does: the id, every reference and the layout entry."""
    document = copy.deepcopy(document)
    for step in document["steps"]:
        if step["id"] == old:
            step["id"] = new
        target = step.get("next_step")
        if isinstance(target, dict):
            step["next_step"] = {key: new if value == old else value for key, value in target.items()}
        elif target == old:
            step["next_step"] = new
    if old in document["layout"]:
        document["layout"][new] = document["layout"].pop(old)
    return document


def test_it_renames_step_ids_in_tests_when_a_save_renames_them(api_as, menu_flow, owner) -> None:
    passing = saved(menu_flow, owner, PASSING)
    failing = saved(menu_flow, owner, FAILING)
    document = renamed(renamed(menu_flow.document, "2", "menu"), "6", "sorry")
    response = api_as("editor").patch(
        f"/api/flows/{menu_flow.pk}/", {"revision": menu_flow.revision, "document": document}, format="json"
    )
    assert response.status_code == 200, response.content
    passing.refresh_from_db()
    failing.refresh_from_db()
    assert passing.inputs == {"digits": {"menu": ["1"]}, "http": {"3": ["success"]}}
    assert passing.expectations["steps"] == ["0", "1", "menu", "3", "4"]
    assert failing.expectations == {"steps": ["0", "1", "menu", "sorry"], "ends_at": "sorry"}
    report = api_as("viewer").post(f"/api/flows/{menu_flow.pk}/tests/run/").json()
    assert [r["passed"] for r in report["results"]] == [False, True]  # "Agent" still expects the wrong step


def test_it_leaves_tests_alone_when_a_save_renames_nothing(menu_flow, owner) -> None:
    test = saved(menu_flow, owner, PASSING)
    document = copy.deepcopy(menu_flow.document)
    document["steps"][4]["text"] = "Changed words."
    flow_update(flow=menu_flow, user=owner, base_revision=menu_flow.revision, document=document)
    test.refresh_from_db()
    assert test.expectations == PASSING["expectations"]


def test_it_follows_renames_saved_one_keystroke_at_a_time(menu_flow, owner) -> None:
    test = saved(menu_flow, owner, PASSING)
    document = menu_flow.document
    for old, new in (("4", "b"), ("b", "ba"), ("ba", "bal")):  # autosave while typing the new id
        document = renamed(document, old, new)
        menu_flow = flow_update(flow=menu_flow, user=owner, base_revision=menu_flow.revision, document=document)
    test.refresh_from_db()
    assert test.expectations["steps"][-1] == "bal" and test.expectations["ends_at"] == "bal"
