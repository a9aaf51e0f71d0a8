"""Build a flow from an empty canvas, watch the checker, save, reload, download, publish."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.support.browser import connect, drag_block, edit_step, node, open_editor, wait_saved

EXPECTED_PAYLOAD = {
    "cloud_id": "",
    "auth_token": "",
    "record": False,
    "flow": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Hi! Please type your 4-digit account number.", "next_step": "2"},
        {"id": "2", "type": "digits", "count": 4, "variable": "account_id", "next_step": {"*": "3"}},
        {
            "id": "3",
            "type": "http",
            "method": "GET",
            "url": "https://example.com/accounts/{{account_id}}",
            "next_step": {"success": "4", "fail": "5"},
        },
        {"id": "4", "type": "connect", "number": "+14155550123", "caller_id": "+14155550100"},
        {"id": "5", "type": "play", "text": "Sorry, we could not find that account. Goodbye."},
    ],
}


def codes(page, step_id: str):
    return expect(node(page, step_id))


def test_it_builds_a_flow_from_an_empty_canvas(owner_page, live_server, make_flow, shot, tmp_path):
    page = owner_page
    flow = make_flow("Account lookup")
    open_editor(page, live_server, flow)
    expect(page.locator(".fs-empty-title")).to_have_text("Start with a Call block")
    shot(page, "01-empty-flow")

    # Drop the blocks in two columns (positions are relative to the canvas).
    drag_block(page, "call", 185, 60)
    codes(page, "0").to_have_attribute("data-diagnostic-codes", re.compile("missing_field"))
    expect(node(page, "0").locator(".fs-node-start")).to_be_visible()
    drag_block(page, "play", 185, 220)
    codes(page, "1").to_have_attribute("data-diagnostic-codes", re.compile("unreachable_step"))
    drag_block(page, "digits", 185, 380)
    drag_block(page, "http", 525, 60)
    drag_block(page, "connect", 525, 220)
    drag_block(page, "play", 525, 380)
    expect(page.locator(".fs-node")).to_have_count(6)
    shot(page, "02-blocks-dropped-with-problems")

    connect(page, "0", "next", "1")
    codes(page, "1").not_to_have_attribute("data-diagnostic-codes", re.compile("unreachable_step"))
    connect(page, "1", "next", "2")
    connect(page, "2", "*", "3")
    connect(page, "3", "success", "4")
    connect(page, "3", "fail", "5")
    expect(page.locator(".react-flow__edge")).to_have_count(5)
    expect(page.locator(".react-flow__edge-text", has_text="if it works")).to_be_visible()

    # Fill the fields through the inspector.
    edit_step(page, "0", caller_id="+14155550100")
    edit_step(page, "1", text="Hi! Please type your 4-digit account number.")
    edit_step(page, "2", count="4", variable="account_id")
    # Keys can be added to branch on (a handle per key) and removed again.
    page.get_by_label("Add a key").select_option("1")
    expect(node(page, "2").locator('.fs-port[data-port="1"] .react-flow__handle')).to_be_visible()
    shot(page, "03a-digits-keys")
    page.get_by_title("Remove key 1").click()
    expect(node(page, "2").locator('.fs-port[data-port="1"]')).to_have_count(0)
    node(page, "3").click()
    page.fill("#field-url", "https://example.com/accounts/")
    page.get_by_role("button", name="Insert variable").click()
    shot(page, "03b-variable-picker")
    page.get_by_role("menuitem", name="{{account_id}}").click()
    expect(page.locator("#field-url")).to_have_value("https://example.com/accounts/{{account_id}}")
    node(page, "4").click()
    page.fill("#field-number", "+14155550123")
    page.fill("#field-caller_id", "+14155550100")
    codes(page, "4").to_have_attribute("data-diagnostic-codes", "")
    node(page, "5").click()
    page.fill("#field-text", "Sorry, we could not find that account. Goodbye.")

    summary = page.get_by_test_id("problems-summary")
    expect(summary).to_have_attribute("data-errors", "0")
    expect(summary).to_have_attribute("data-warnings", "0")
    expect(summary).to_contain_text("ready to publish")
    page.locator(".react-flow__pane").click(position={"x": 700, "y": 480})
    page.keyboard.press("Control+s")
    wait_saved(page)
    shot(page, "03-flow-built-and-saved")

    # What was saved survives a reload, and the download is the Samespace payload.
    page.reload()
    expect(page.locator("#flow-editor[data-ready=true]")).to_be_attached()
    expect(page.locator(".fs-node")).to_have_count(6)
    expect(page.get_by_test_id("notice")).to_have_count(0)
    page.get_by_role("button", name="More").click()  # the toolbar's less used actions
    with page.expect_download() as download:
        page.get_by_role("button", name="Download JSON").click()
    path = tmp_path / "flow.json"
    download.value.save_as(path)
    assert download.value.suggested_filename == "account-lookup.json"
    assert json.loads(path.read_text()) == EXPECTED_PAYLOAD

    # Publish with a note, then see it in the versions list.
    page.get_by_role("button", name="Publish", exact=True).click()
    page.fill("#publish-note", "First version")
    page.get_by_test_id("publish-dialog").get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Published version 1")
    expect(page.get_by_text("Published: version 1")).to_be_visible()
    page.get_by_role("button", name="Versions").click()
    version = page.locator("[data-version='1']")
    expect(version).to_contain_text("First version")
    expect(version).to_contain_text("olivia")
    shot(page, "04-published-versions")
    page.keyboard.press("Escape")

    # Change the draft, then bring version 1 back into it.
    node(page, "1").click()
    page.fill("#field-text", "A draft nobody approved")
    page.get_by_role("button", name="Versions").click()
    version.get_by_role("button", name="Restore to draft").click()
    version.get_by_role("button", name="Yes, restore").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Version 1 is now the draft")
    node(page, "1").click()
    expect(page.locator("#field-text")).to_have_value("Hi! Please type your 4-digit account number.")
    flow.refresh_from_db()
    assert flow.document["steps"][1]["text"] == "Hi! Please type your 4-digit account number."
    assert page.errors == []
    assert page.outside == []
