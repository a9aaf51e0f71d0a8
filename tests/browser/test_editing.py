"""Editing comforts: undo/redo, delete, copy/paste with new ids, renaming, the start, the local backup."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.browser import node, open_editor, wait_saved

THREE_STEPS = {
    "steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Hello", "next_step": "2"},
        {"id": "2", "type": "connect", "number": "+14155550123", "caller_id": "+14155550100"},
    ],
    "layout": {"0": {"x": 0, "y": 0}, "1": {"x": 0, "y": 180}, "2": {"x": 0, "y": 360, "label": "Front desk"}},
    "settings": {"record": False},
}


def edge(page, source: str, key: str = "next"):
    return page.get_by_test_id(f"rf__edge-{source}\u2192{key}")


def test_it_undoes_redoes_copies_and_renames(owner_page, live_server, make_flow, shot):
    page = owner_page
    flow = make_flow("Editing", THREE_STEPS)
    open_editor(page, live_server, flow)
    expect(node(page, "2")).to_contain_text("Front desk")

    # Typing is one undo step; undo and redo work from inside the field too.
    node(page, "1").click()
    page.fill("#field-text", "Hello there, this is FlowStudio")
    expect(node(page, "1")).to_contain_text("Hello there")
    page.keyboard.press("Control+z")
    expect(page.locator("#field-text")).to_have_value("Hello")
    page.keyboard.press("Control+Shift+z")
    expect(page.locator("#field-text")).to_have_value("Hello there, this is FlowStudio")

    # Delete removes the step and the links to it; undo brings both back.
    node(page, "2").click()
    page.keyboard.press("Delete")
    expect(node(page, "2")).to_have_count(0)
    expect(edge(page, "1")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(node(page, "2")).to_have_count(1)
    expect(edge(page, "1")).to_have_count(1)

    # Select two linked steps, copy, paste: new ids, and the copy of 1 leads to the copy of 2.
    node(page, "1").click()
    node(page, "2").click(modifiers=["Shift"])
    expect(page.locator(".fs-node.is-selected")).to_have_count(2)
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    expect(page.locator(".fs-node")).to_have_count(5)
    expect(node(page, "3")).to_contain_text("Hello there")
    expect(page.locator(".react-flow__edge")).to_have_count(3)
    expect(edge(page, "3")).to_have_count(1)
    expect(page.locator(".fs-node.is-selected")).to_have_count(2)
    shot(page, "08-pasted-copies")

    # Rename a step: the links to it follow.
    node(page, "1").click()
    page.fill("#field-id", "greeting")
    page.keyboard.press("Enter")
    expect(node(page, "greeting")).to_have_count(1)
    expect(edge(page, "0")).to_have_count(1)
    page.fill("#field-id", "0")
    page.keyboard.press("Enter")
    expect(page.locator(".invalid-feedback")).to_contain_text("Another step already has the id 0")
    page.keyboard.press("Escape")

    # Any call step can become the start.
    page.locator(".react-flow__pane").click(position={"x": 600, "y": 60})
    page.locator('.fs-palette-item[data-block="call"]').click()
    new_call = page.locator(".fs-node--call.is-selected")
    new_id = new_call.get_attribute("data-step-id")
    page.get_by_role("button", name="Make this the start").click()
    expect(node(page, new_id).locator(".fs-node-start")).to_be_visible()
    expect(page.get_by_text("The call starts here")).to_be_visible()
    page.keyboard.press("Control+z")
    expect(node(page, new_id).locator(".fs-node-start")).to_have_count(0)
    expect(page.get_by_role("button", name="Make this the start")).to_be_visible()
    page.get_by_role("button", name="Fit the whole flow").click()
    expect(node(page, "0").locator(".fs-node-start")).to_be_visible()

    # The overview map moves the view; "?" lists the shortcuts.
    viewport = page.locator(".react-flow__viewport")
    before = viewport.get_attribute("style")
    overview = page.locator(".fs-overview svg").bounding_box()
    page.mouse.click(overview["x"] + 8, overview["y"] + 8)
    expect(viewport).not_to_have_attribute("style", before)
    page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    page.keyboard.press("?")
    expect(page.get_by_test_id("shortcuts-dialog")).to_contain_text("Undo")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("shortcuts-dialog")).to_have_count(0)
    page.get_by_role("button", name="Fit the whole flow").click()

    # Tidy up lays every step out top to bottom, without overlaps.
    page.get_by_role("button", name="More").click()  # the toolbar's less used actions
    page.get_by_role("button", name="Tidy up").click()
    page.get_by_role("button", name="Fit the whole flow").click()
    expect(page.locator(".fs-node")).to_have_count(6)
    boxes = [page.locator(".fs-node").nth(i).bounding_box() for i in range(6)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            assert apart or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
    shot(page, "08a-tidied-up")

    # Save, then lose the connection and the tab: the local copy comes back on return.
    page.keyboard.press("Control+s")
    wait_saved(page)
    flow_url = re.compile(r".*/api/flows/\d+/$")

    def offline_saves(route):
        return route.abort() if route.request.method == "PATCH" else route.continue_()

    page.route(flow_url, offline_saves)
    node(page, "0").click()
    page.fill("#field-caller_id", "+14155550199")
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-status", "error")
    shot(page, "09-offline-not-saved")
    page.unroute(flow_url)
    page.reload()
    expect(page.get_by_test_id("notice")).to_contain_text("We brought back changes you hadn't saved")
    shot(page, "10-backup-restored")
    node(page, "0").click()
    expect(page.locator("#field-caller_id")).to_have_value("+14155550199")
    wait_saved(page)
    flow.refresh_from_db()
    assert flow.document["steps"][0]["caller_id"] == "+14155550199"
    assert [s["id"] for s in flow.document["steps"]][:3] == ["0", "greeting", "2"]
    assert page.errors == []
