"""The editor for everyone: axe-core, the keyboard alone, both screen sizes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import assert_accessible
from tests.support.browser import node, open_editor, show_problems, wait_saved

FLOW = {
    "steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"},
        {"id": "1", "type": "digits", "count": 1, "variable": "choice", "next_step": {"*": "2", "1": "3"}},
        {"id": "2", "type": "http", "url": "https://example.com/x", "next_step": {"success": "3", "fail": "4"}},
        {"id": "3", "type": "play", "text": "Thanks for calling"},
        {"id": "4", "type": "connect", "number": "+14155550123", "caller_id": "+14155550100"},
    ],
    "layout": {
        "0": {"x": 0, "y": 0},
        "1": {"x": 0, "y": 200},
        "2": {"x": -160, "y": 420},
        "3": {"x": 160, "y": 640},
        "4": {"x": -160, "y": 640, "label": "Front desk"},
    },
    "settings": {"record": False},
}


def tab_to(page: Page, selector: str, *, back: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the focus is on `selector`: the keyboard alone, no clicks."""
    for _ in range(limit):
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{selector} was not reached with the keyboard")


def test_it_passes_axe_with_and_without_a_flow(owner_page, live_server, make_flow):
    page = owner_page
    empty = make_flow("Nothing yet", {"steps": [], "layout": {}, "settings": {}})
    open_editor(page, live_server, empty)
    expect(page.get_by_role("heading", level=1)).to_have_text("Flow editor: Nothing yet")
    assert_accessible(page)

    flow = make_flow("Menu", FLOW)
    open_editor(page, live_server, flow)
    expect(page.get_by_role("heading", level=1)).to_have_text("Flow editor: Menu")
    assert_accessible(page)
    # The panels and the menu too: a selected step, the problems list, the simulator, "More".
    node(page, "2").click()
    show_problems(page)
    page.get_by_test_id("simulator-open").click()
    page.get_by_test_id("sim-start").click()
    expect(page.get_by_test_id("sim-keypad")).to_be_visible()
    page.get_by_role("button", name="More").click()
    assert_accessible(page)
    assert page.errors == []


def test_it_is_driven_from_the_keyboard_alone(owner_page, live_server, make_flow):
    page = owner_page
    flow = make_flow("Keyboard", {"steps": FLOW["steps"][:1], "layout": {"0": {"x": 0, "y": 0}}, "settings": {}})
    open_editor(page, live_server, flow)

    # Add a step from the palette.
    tab_to(page, '.fs-palette-item[data-block="play"]')
    page.keyboard.press("Enter")
    expect(page.locator(".fs-node")).to_have_count(2)
    expect(node(page, "1")).to_have_class(re.compile("is-selected"))
    tab_to(page, "#field-text")
    page.keyboard.type("Thanks for calling")
    expect(node(page, "1")).to_contain_text("Thanks for calling")

    # Select the Call step on the canvas, and connect it through the inspector's "Next step".
    tab_to(page, '.react-flow__node[data-id="0"]', back=True)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Next step")).to_be_visible()
    tab_to(page, "#branch-next")
    page.keyboard.press("1")  # the option "1 · Play message …"
    expect(page.get_by_label("Next step")).to_have_value("1")
    expect(page.get_by_test_id("rf__edge-0\u2192next")).to_have_count(1)

    # Publish.
    tab_to(page, ".fs-toolbar .btn-primary", back=True)
    page.keyboard.press("Enter")
    tab_to(page, '[data-testid="publish-dialog"] .btn-primary')
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("notice")).to_contain_text("Published version 1")
    wait_saved(page)
    flow.refresh_from_db()
    assert flow.document["steps"][0]["next_step"] == "1"
    assert flow.versions.count() == 1
    assert page.errors == []


@pytest.mark.parametrize("width,height", [(1440, 900), (1280, 720)])
def test_it_keeps_the_toolbar_on_one_line(owner_page, live_server, make_flow, owner, shot, width, height):
    from editor.flows.services.flows import flow_publish

    page = owner_page
    page.set_viewport_size({"width": width, "height": height})
    flow = make_flow("Samespace example (as computed by the importer)", FLOW)
    flow_publish(flow=flow, user=owner, note="first")
    open_editor(page, live_server, flow)
    # The longest toolbar: changes not published (with its two links), and the Counts button.
    node(page, "0").click()  # the start is in view at both sizes
    page.fill("#field-caller_id", "+14155550199")
    expect(page.get_by_test_id("draft-state")).to_contain_text("Changes not published: 1 step")
    expect(page.get_by_role("button", name="Counts")).to_be_visible()

    toolbar = page.get_by_role("toolbar", name="Flow actions")
    boxes = toolbar.evaluate(
        """(bar) => [...bar.querySelectorAll(':scope > *:not(h1), .fs-toolbar-actions > *')]
            .map((el) => el.getBoundingClientRect()).map((r) => ({middle: r.top + r.height / 2, right: r.right}))"""
    )
    middles = [b["middle"] for b in boxes]
    assert max(middles) - min(middles) <= 4, f"the toolbar wraps at {width}x{height}: {boxes}"
    assert max(b["right"] for b in boxes) <= width, f"the toolbar runs off the screen at {width}x{height}: {boxes}"
    box = toolbar.bounding_box()
    assert box and box["height"] <= 60 and box["width"] <= width
    name = page.get_by_label("Flow name")
    assert name.evaluate("el => el.clientWidth") >= 90  # the name keeps room to be read
    shot(page, f"editor-{width}x{height}")

    page.get_by_test_id("simulator-open").click()
    page.get_by_test_id("sim-start").click()
    expect(page.get_by_test_id("sim-keypad")).to_be_visible()
    page.wait_for_timeout(500)  # the view glides to the step the run waits at
    waiting = node(page, "1").bounding_box()
    canvas = page.get_by_test_id("canvas").bounding_box()
    assert waiting and canvas
    assert canvas["x"] <= waiting["x"] and waiting["x"] + waiting["width"] <= canvas["x"] + canvas["width"] + 0.5
    shot(page, f"editor-simulator-{width}x{height}")
