"""The simulator in the editor: start a call, press keys, pick outcomes, see the path on the canvas, save tests."""

from __future__ import annotations

import copy

from playwright.sync_api import Page, expect
from pytest_httpserver import HTTPServer

from tests.support.browser import node, open_editor
from tests.support.flows import menu

MENU = menu(layout={
    "0": {"x": 40, "y": 0},
    "1": {"x": 40, "y": 150},
    "2": {"x": 40, "y": 300, "label": "Menu"},
    "3": {"x": -140, "y": 470},
    "4": {"x": -300, "y": 650},
    "5": {"x": 260, "y": 470},
    "6": {"x": 20, "y": 650},
})
GREEN = "rgb(22, 163, 74)"  # --fs-success (static/tokens.css)
BLUE = "rgb(79, 70, 229)"  # --fs-brand


def edge_path(page: Page, step: str, key: str):
    return page.locator(f'[data-testid="rf__edge-{step}\u2192{key}"] .react-flow__edge-path')


def press(page: Page, key: str) -> None:
    page.get_by_test_id("sim-keypad").locator(f'.fs-sim-key[data-key="{key}"]').click()


def test_it_walks_a_flow_in_the_simulator(owner_page, live_server, make_flow, shot, settings, httpserver: HTTPServer):
    settings.SIMULATOR_HTTP_ALLOWLIST = ["127.0.0.1"]
    httpserver.expect_request("/balance/1").respond_with_data('{"balance": "12.50"}')
    document = copy.deepcopy(MENU)
    document["steps"][3]["url"] = httpserver.url_for("/balance/{{choice}}")
    flow = make_flow("Balance line", document)
    page = owner_page
    open_editor(page, live_server, flow)

    page.get_by_test_id("simulator-open").click()
    panel = page.get_by_test_id("simulator")
    page.get_by_test_id("sim-start").click()
    expect(page.get_by_test_id("transcript")).to_contain_text("Press 1 for your balance")
    expect(page.get_by_test_id("sim-keypad")).to_be_visible()
    expect(panel).to_have_attribute("data-path", "0 1 2")
    # The current step pulses in blue, the steps run so far are outlined in green.
    expect(node(page, "2")).to_have_css("outline-style", "solid")
    expect(node(page, "0")).to_have_css("outline-color", GREEN)
    expect(edge_path(page, "1", "next")).to_have_css("stroke", "rgb(22, 163, 74)")
    shot(page, "sim-01-waiting-for-keys")

    # A key that matches no branch goes round the * loop and asks again.
    press(page, "7")
    expect(panel).to_have_attribute("data-path", "0 1 2 1 2")
    expect(page.get_by_test_id("sim-variables")).to_contain_text("7")
    press(page, "1")
    expect(page.get_by_test_id("sim-http")).to_contain_text(httpserver.url_for("/balance/1"))
    expect(page.get_by_test_id("sim-variables")).to_contain_text("{{choice}}")
    expect(page.get_by_test_id("sim-variables")).to_contain_text("1")
    shot(page, "sim-02-waiting-for-the-request")

    page.get_by_role("button", name="Pretend fail").click()
    expect(page.get_by_test_id("sim-end")).to_contain_text("The call ends after step 6")
    expect(panel).to_have_attribute("data-path", "0 1 2 1 2 3 6")
    expect(edge_path(page, "3", "fail")).to_have_css("stroke", "rgb(22, 163, 74)")
    expect(node(page, "6")).to_have_css("outline-color", BLUE)
    expect(node(page, "5")).to_have_css("outline-style", "none")
    shot(page, "sim-03-ended-on-fail")

    # Back to the request, and this time really send it (to the local test server).
    page.get_by_role("button", name="↶ Back").click()
    expect(page.get_by_test_id("sim-http")).to_be_visible()
    page.get_by_role("button", name="Really send it").click()
    expect(page.get_by_test_id("sim-end")).to_contain_text("The call ends after step 4")
    expect(page.get_by_test_id("transcript")).to_contain_text("HTTP 200")
    expect(page.get_by_test_id("transcript")).to_contain_text("12.50")
    assert len(httpserver.log) == 1
    page.get_by_label("Test name").fill("Balance read out")
    page.get_by_test_id("sim-save").click()
    expect(page.get_by_test_id("sim-save")).to_have_text("Saved ✓")
    shot(page, "sim-04-sent-and-saved")
    assert flow.scenarios.get().inputs == {"digits": {"2": ["7", "1"]}, "http": {"3": ["success"]}}

    # Tests tab: run, coverage on the canvas, generate the other paths.
    page.get_by_test_id("tests-tab").click()
    expect(page.get_by_test_id("test-row")).to_have_count(1)
    page.get_by_test_id("tests-run").click()
    expect(page.get_by_test_id("tests-report")).to_have_text("The test passes.")
    page.get_by_test_id("coverage-toggle").check()
    expect(page.get_by_test_id("coverage")).to_contain_text("5 of 7 branches are taken by a test.")
    expect(edge_path(page, "2", "2")).to_have_css("stroke-dasharray", "6px, 5px")
    expect(edge_path(page, "3", "success")).not_to_have_css("stroke-dasharray", "6px, 5px")
    shot(page, "sim-05-coverage")
    page.get_by_test_id("tests-generate").click()
    expect(page.get_by_test_id("coverage")).to_contain_text("Every branch is tested.")
    expect(page.get_by_test_id("test-row")).to_have_count(6)
    page.get_by_test_id("tests-run").click()
    expect(page.get_by_test_id("tests-report")).to_have_text("All 6 tests pass.")
    expect(edge_path(page, "2", "2")).not_to_have_css("stroke-dasharray", "6px, 5px")
    shot(page, "sim-06-generated")
    assert page.errors == []  # type: ignore[attr-defined]


def test_it_shows_what_a_failing_test_differs_in_and_stops_publishing(owner_page, live_server, make_flow, owner, shot):
    from editor.flows.services.scenarios import scenario_create

    flow = make_flow("Balance line", copy.deepcopy(MENU))
    scenario_create(
        flow=flow,
        user=owner,
        name="Agent",
        inputs={"digits": {"2": ["2"]}},
        expectations={"steps": ["0", "1", "2", "6"]},
    )
    page = owner_page
    open_editor(page, live_server, flow)
    page.get_by_test_id("simulator-open").click()
    page.get_by_test_id("tests-tab").click()
    page.get_by_test_id("tests-run").click()
    row = page.get_by_test_id("test-row")
    expect(row).to_have_attribute("data-passed", "false")
    expect(row).to_contain_text('Expected step 6 after step "Menu", but the run went to step 5.')
    row.get_by_role("button", name="Replay").click()
    expect(page.get_by_test_id("simulator")).to_have_attribute("data-path", "0 1 2 5")
    expect(node(page, "5")).to_have_css("outline-color", BLUE)
    shot(page, "sim-07-failing-test-replayed")

    page.get_by_role("button", name="Publish", exact=True).click()
    dialog = page.get_by_test_id("publish-dialog")
    dialog.get_by_role("button", name="Publish", exact=True).click()
    expect(dialog).to_contain_text("1 of 1 flow tests fails")
    expect(dialog).to_contain_text("Agent")
    shot(page, "sim-08-publish-refused")
    assert not flow.versions.exists()
