"""The simulator and flow tests API: turns, tests, runs, coverage, generation, settings and scoping."""

from __future__ import annotations

import copy

import pytest
from pytest_httpserver import HTTPServer

from editor.flows.models import FlowScenario
from editor.flows.services.scenarios import scenario_create
from tests.flows.simulator.conftest import MENU
from tests.support.api import is_error_body

pytestmark = pytest.mark.django_db

PASSING = {
    "name": "Balance found",
    "inputs": {"digits": {"2": ["1"]}, "http": {"3": ["success"]}},
    "expectations": {"steps": ["0", "1", "2", "3", "4"], "ends_at": "4", "variables": {"choice": "1"}},
}
FAILING = {
    "name": "Agent",
    "inputs": {"digits": {"2": ["2"]}},
    "expectations": {"steps": ["0", "1", "2", "6"], "ends_at": "6"},
}


def saved(flow, owner, scenario: dict) -> FlowScenario:
    return scenario_create(flow=flow, user=owner, **copy.deepcopy(scenario))


def test_it_simulates_a_call_turn_by_turn(api_as, menu_flow) -> None:
    api = api_as("viewer")
    url = f"/api/flows/{menu_flow.pk}/simulate/"
    first = api.post(url, {}, format="json")
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["status"] == "waiting"
    assert body["waiting"]["kind"] == "digits" and body["waiting"]["step"] == "2"
    assert body["waiting"]["keys"] == ["*", "1", "2"]
    assert [e["kind"] for e in body["transcript"]] == ["call", "play"]
    assert body["transcript"][1]["say"].startswith("Press 1")

    inputs = body["inputs"]
    inputs["digits"]["2"] = ["1"]
    second = api.post(url, {"inputs": inputs}, format="json").json()
    assert second["waiting"]["kind"] == "http"
    assert second["waiting"]["request"] == {"method": "GET", "url": "https://api.example.test/balance/1"}
    assert second["variables"] == {"choice": "1"}

    inputs = second["inputs"]
    inputs["http"]["3"] = ["fail"]
    third = api.post(url, {"inputs": inputs}, format="json").json()
    assert third["status"] == "ended"
    assert third["path"] == ["0", "1", "2", "3", "6"]
    assert third["end"]["step"] == "6" and third["end"]["reason"] == "completed"
    assert {"step": "3", "key": "fail", "to": "6"} in third["edges"]
    assert third["scenario"]["expectations"]["ends_at"] == "6"


def test_it_simulates_an_unsaved_document_and_contact_fields(api_as, menu_flow) -> None:
    document = copy.deepcopy(MENU)
    document["steps"][1]["text"] = "Hello {{contact.name}}."
    body = api_as("editor").post(
        f"/api/flows/{menu_flow.pk}/simulate/",
        {"document": document, "contact": {"name": "Ada", "number": "+15550100"}},
        format="json",
    )
    assert body.status_code == 200
    assert body.json()["transcript"][0]["number"] == "+15550100"
    assert body.json()["transcript"][1]["say"] == "Hello Ada."


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"inputs": {"digits": {"2": ["12"]}}}, "inputs"),
        ({"inputs": {"digits": {"2": ["x"]}}}, "inputs"),
        ({"inputs": {"http": {"3": ["perhaps"]}}}, "inputs"),
        ({"inputs": ["1"]}, "inputs"),
    ],
)
def test_it_answers_bad_inputs_with_field_errors(api_as, menu_flow, payload: dict, field: str) -> None:
    response = api_as("editor").post(f"/api/flows/{menu_flow.pk}/simulate/", payload, format="json")
    assert response.status_code == 400, response.content
    assert is_error_body(response.json()), response.json()
    assert field in response.json()["extra"]["fields"]


def test_it_refuses_to_simulate_what_cannot_run(api_as, menu_flow) -> None:
    response = api_as("editor").post(f"/api/flows/{menu_flow.pk}/simulate/", {"document": {"steps": []}}, format="json")
    assert response.status_code == 400
    assert "no steps" in response.json()["message"]


def test_it_really_sends_once_and_replays_the_recorded_answer(api_as, menu_flow, settings, httpserver: HTTPServer):
    settings.SIMULATOR_HTTP_ALLOWLIST = ["127.0.0.1"]
    httpserver.expect_request("/balance/1").respond_with_data('{"balance": 12}', status=200)
    document = copy.deepcopy(MENU)
    document["steps"][3]["url"] = httpserver.url_for("/balance/{{choice}}")
    api = api_as("editor")
    url = f"/api/flows/{menu_flow.pk}/simulate/"
    inputs = {"digits": {"2": ["1"]}, "http": {"3": ["send"]}}
    body = api.post(url, {"document": document, "inputs": inputs}, format="json").json()
    assert body["status"] == "ended" and body["path"][-1] == "4"
    recorded = body["inputs"]["http"]["3"][0]
    assert recorded["outcome"] == "success" and recorded["status"] == 200 and recorded["sent"] is True
    assert recorded["body"] == '{"balance": 12}'
    assert len(httpserver.log) == 1
    again = api.post(url, {"document": document, "inputs": body["inputs"]}, format="json").json()
    assert again["path"] == body["path"]
    assert len(httpserver.log) == 1  # not sent a second time
    assert again["scenario"]["inputs"]["http"] == {"3": ["success"]}


def test_it_turns_a_refused_send_into_a_failure(api_as, menu_flow, settings) -> None:
    settings.SIMULATOR_HTTP_ALLOWLIST = []
    document = copy.deepcopy(MENU)
    document["steps"][3]["url"] = "http://169.254.169.254/latest/meta-data/{{choice}}"
    inputs = {"digits": {"2": ["1"]}, "http": {"3": ["send"]}}
    body = (
        api_as("owner")
        .post(f"/api/flows/{menu_flow.pk}/simulate/", {"document": document, "inputs": inputs}, format="json")
        .json()
    )
    assert body["path"][-1] == "6"
    assert "metadata" in body["inputs"]["http"]["3"][0]["error"]


def test_it_lets_only_editors_really_send_and_one_request_per_turn(api_as, menu_flow) -> None:
    url = f"/api/flows/{menu_flow.pk}/simulate/"
    send = {"inputs": {"digits": {"2": ["1"]}, "http": {"3": ["send"]}}}
    assert api_as("viewer").post(url, send, format="json").status_code == 403
    two = {"inputs": {"digits": {"2": ["9", "1"]}, "http": {"3": ["send", "send"]}}}
    response = api_as("editor").post(url, two, format="json")
    assert response.status_code == 400 and "one request at a time" in response.json()["message"]


def test_it_saves_lists_changes_and_deletes_tests(api_as, menu_flow) -> None:
    api = api_as("editor")
    base = f"/api/flows/{menu_flow.pk}/tests/"
    created = api.post(base, PASSING, format="json")
    assert created.status_code == 201, created.content
    test_id = created.json()["id"]
    assert created.json()["inputs"] == {"digits": {"2": ["1"]}, "http": {"3": ["success"]}}
    assert [t["name"] for t in api.get(base).json()] == ["Balance found"]
    renamed = api.patch(f"{base}{test_id}/", {"name": "Balance"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Balance"
    assert renamed.json()["expectations"]["ends_at"] == "4"
    changed = api.put(f"{base}{test_id}/", {"expectations": {"ends_at": "6"}}, format="json")
    assert changed.json()["expectations"] == {"ends_at": "6"}
    assert api.get(f"{base}{test_id}/").json()["name"] == "Balance"
    assert api.delete(f"{base}{test_id}/").status_code == 204
    assert api.get(f"{base}{test_id}/").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x", "inputs": {"http": {"3": ["send"]}}}, "inputs"),
        ({"name": "x", "expectations": {"steps": "0,1"}}, "expectations"),
        ({"name": "x", "expectations": {"colour": "red"}}, "expectations"),
        ({"name": "x", "expectations": {"variables": {"a": 1}}}, "expectations"),
        ({"inputs": {}}, "name"),
    ],
)
def test_it_refuses_malformed_tests(api_as, menu_flow, payload: dict, field: str) -> None:
    response = api_as("editor").post(f"/api/flows/{menu_flow.pk}/tests/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["extra"]["fields"]


def test_it_runs_every_test_and_reports_the_first_difference(api_as, menu_flow, owner) -> None:
    saved(menu_flow, owner, PASSING)
    saved(menu_flow, owner, FAILING)
    response = api_as("viewer").post(f"/api/flows/{menu_flow.pk}/tests/run/")
    assert response.status_code == 200
    report = response.json()
    assert (report["total"], report["passed"], report["failed"], report["blocks_publish"]) == (2, 1, 1, True)
    by_name = {r["name"]: r for r in report["results"]}
    assert by_name["Balance found"]["passed"] and by_name["Balance found"]["difference"] is None
    assert by_name["Agent"]["difference"] == 'Expected step 6 after step "Menu", but the run went to step 5.'
    assert by_name["Agent"]["run"]["path"] == ["0", "1", "2", "5"]


def test_it_reports_coverage_of_every_branch(api_as, menu_flow, owner) -> None:
    saved(menu_flow, owner, PASSING)
    body = api_as("viewer").get(f"/api/flows/{menu_flow.pk}/tests/coverage/").json()
    assert body["scenarios"] == 1
    untaken = {(b["step"], b["key"]) for b in body["untaken"]}
    assert untaken == {("2", "2"), ("2", "*"), ("3", "fail")}
    assert body["total"] == 7 and body["taken"] == 4
    assert body["untested_steps"] == ["5", "6"]
    taken = next(b for b in body["branches"] if (b["step"], b["key"]) == ("3", "success"))
    assert taken == {"step": "3", "key": "success", "to": "4", "taken": True, "scenarios": ["Balance found"]}


def test_it_generates_tests_for_review_and_skips_known_paths(api_as, menu_flow, owner) -> None:
    saved(menu_flow, owner, PASSING)
    api = api_as("editor")
    url = f"/api/flows/{menu_flow.pk}/tests/generate/"
    response = api.post(url, {}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["skipped"] == 1 and not body["truncated"]
    assert all(t["generated"] for t in body["created"])
    assert [t["name"].split(":")[0] for t in body["created"]] == [
        f"Path {n}" for n in range(1, len(body["created"]) + 1)
    ]
    assert len(body["created"]) >= 4
    report = api.post(f"/api/flows/{menu_flow.pk}/tests/run/").json()
    assert report["failed"] == 0
    coverage = api.get(f"/api/flows/{menu_flow.pk}/tests/coverage/").json()
    assert coverage["untaken"] == [] and coverage["untested_steps"] == []
    again = api.post(url, {}, format="json").json()
    assert again["created"] == [] and again["skipped"] == len(body["created"]) + 1
    limited = api.post(url, {"max_paths": 0}, format="json")
    assert limited.status_code == 400


def test_it_reads_and_changes_the_test_settings(api_as, menu_flow) -> None:
    url = f"/api/flows/{menu_flow.pk}/tests/settings/"
    assert api_as("viewer").get(url).json() == {"scenario_failures_block_publish": True}
    assert api_as("viewer").put(url, {"scenario_failures_block_publish": False}, format="json").status_code == 403
    response = api_as("owner").put(url, {"scenario_failures_block_publish": False}, format="json")
    assert response.status_code == 200
    assert api_as("viewer").get(url).json() == {"scenario_failures_block_publish": False}


def test_it_lets_viewers_read_but_not_write_tests(api_as, menu_flow, owner) -> None:
    test = saved(menu_flow, owner, PASSING)
    viewer = api_as("viewer")
    base = f"/api/flows/{menu_flow.pk}/tests/"
    assert viewer.get(base).status_code == 200
    assert viewer.post(base, PASSING, format="json").status_code == 403
    assert viewer.patch(f"{base}{test.pk}/", {"name": "x"}, format="json").status_code == 403
    assert viewer.delete(f"{base}{test.pk}/").status_code == 403
    assert viewer.post(f"{base}generate/", {}, format="json").status_code == 403


def test_it_hides_other_teams_flows_and_tests_with_404(api_as, menu_flow, other_flow, owner, outsider) -> None:
    mine = saved(menu_flow, owner, PASSING)
    theirs = saved(other_flow, outsider, PASSING)
    outsider_api = api_as("outsider")
    for method, path, payload in (
        ("post", "simulate/", {}),
        ("get", "tests/", None),
        ("post", "tests/", PASSING),
        ("get", f"tests/{mine.pk}/", None),
        ("patch", f"tests/{mine.pk}/", {"name": "x"}),
        ("put", f"tests/{mine.pk}/", {"name": "x"}),
        ("delete", f"tests/{mine.pk}/", None),
        ("post", "tests/run/", None),
        ("get", "tests/coverage/", None),
        ("post", "tests/generate/", {}),
        ("get", "tests/settings/", None),
        ("put", "tests/settings/", {"scenario_failures_block_publish": False}),
    ):
        response = getattr(outsider_api, method)(f"/api/flows/{menu_flow.pk}/{path}", payload, format="json")
        assert response.status_code == 404, (method, path, response.status_code)
        assert is_error_body(response.json()), response.json()
    # A test of another flow is not reachable through one's own flow either.
    assert api_as("owner").get(f"/api/flows/{menu_flow.pk}/tests/{theirs.pk}/").status_code == 404
    assert FlowScenario.objects.filter(pk=mine.pk, name="Balance found").exists()


def test_it_needs_a_signed_in_user(client, menu_flow) -> None:
    assert client.post(f"/api/flows/{menu_flow.pk}/simulate/", {}, content_type="application/json").status_code == 401


def test_it_documents_the_endpoints_in_the_schema(api_as) -> None:
    schema = api_as("viewer").get("/api/schema/?format=json").json()
    for path in (
        "/api/flows/{flow_id}/simulate/",
        "/api/flows/{flow_id}/tests/",
        "/api/flows/{flow_id}/tests/{test_id}/",
        "/api/flows/{flow_id}/tests/run/",
        "/api/flows/{flow_id}/tests/coverage/",
        "/api/flows/{flow_id}/tests/generate/",
        "/api/flows/{flow_id}/tests/settings/",
    ):
        assert path in schema["paths"], path
    publish = schema["paths"]["/api/flows/{id}/publish/"]["post"]["responses"]["201"]
    assert "PublishedVersion" in str(publish)


def test_it_limits_how_many_requests_a_user_really_sends(api_as, menu_flow, settings) -> None:
    settings.SIMULATOR_HTTP_SENDS_PER_MINUTE = 2
    settings.SIMULATOR_HTTP_ALLOWLIST = []
    api = api_as("editor")
    url = f"/api/flows/{menu_flow.pk}/simulate/"
    send = {"inputs": {"digits": {"2": ["1"]}, "http": {"3": ["send"]}}}
    pretend = {"inputs": {"digits": {"2": ["1"]}, "http": {"3": ["fail"]}}}
    document = copy.deepcopy(MENU)
    document["steps"][3]["url"] = "http://10.0.0.1/balance/{{choice}}"  # refused before any connection
    for _ in range(2):
        assert api.post(url, {**send, "document": document}, format="json").status_code == 200
    refused = api.post(url, {**send, "document": document}, format="json")
    assert refused.status_code == 429 and "retry_after" in refused.json()["extra"]
    assert api.post(url, pretend, format="json").status_code == 200  # pretending is not limited
