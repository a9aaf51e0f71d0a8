"""Two tabs saving the same flow, and user text that looks like code staying text."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import node, open_editor, show_problems, wait_saved

SMALL_FLOW = {
    "steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Hello"},
    ],
    "layout": {"0": {"x": 0, "y": 0}, "1": {"x": 0, "y": 180}},
    "settings": {"record": False},
}


def test_it_explains_a_stale_save_and_keeps_a_copy(owner_page, live_server, make_flow, shot):
    from editor.flows.models import Flow

    first = owner_page
    flow = make_flow("Shared flow", SMALL_FLOW)
    open_editor(first, live_server, flow)
    second = first.context.new_page()
    second.on("dialog", lambda d: d.accept())
    open_editor(second, live_server, flow)

    node(first, "1").click()
    first.fill("#field-text", "Hello from the first tab")
    first.keyboard.press("Control+s")
    wait_saved(first)

    node(second, "1").click()
    second.fill("#field-text", "Hello from the second tab")
    second.keyboard.press("Control+s")
    dialog = second.get_by_test_id("conflict-dialog")
    expect(dialog).to_contain_text("your changes were not saved")
    expect(second.get_by_test_id("save-status")).to_have_attribute("data-status", "conflict")
    shot(second, "11-stale-save-conflict")

    # "Decide later" keeps editing without autosaving over the other tab; saving asks again.
    dialog.get_by_role("button", name="Decide later").click()
    second.keyboard.press("Control+s")
    expect(dialog).to_be_visible()

    dialog.get_by_role("button", name="Keep mine as a copy").click()
    second.wait_for_url(f"{live_server.url}/flows/*/edit")
    expect(second.locator(".fs-name")).to_have_value("Shared flow (my copy)")
    copy = Flow.objects.get(name="Shared flow (my copy)")
    flow.refresh_from_db()
    assert flow.document["steps"][1]["text"] == "Hello from the first tab"
    assert copy.document["steps"][1]["text"] == "Hello from the second tab"

    # The other way out: reload what the first tab saved.
    first.fill("#field-text", "Changed again")
    first.keyboard.press("Control+s")
    wait_saved(first)
    open_editor(second, live_server, flow)
    node(first, "1").click()
    first.fill("#field-text", "And once more")
    wait_saved(first)  # autosave
    node(second, "1").click()
    second.fill("#field-text", "Stale edit")
    second.keyboard.press("Control+s")
    second.get_by_role("button", name="Reload their version").click()
    expect(second.get_by_test_id("conflict-dialog")).to_have_count(0)
    node(second, "1").click()
    expect(second.locator("#field-text")).to_have_value("And once more")
    expect(second.get_by_test_id("save-status")).to_have_attribute("data-status", "saved")
    assert first.errors == []


XSS_TEXT = '<img src=x onerror="window.__xss=1">'
XSS_FLOW = {
    "steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"},
        {"id": "1", "type": "play", "text": XSS_TEXT, "next_step": "2"},
        {"id": "2", "type": "http", "url": "javascript:alert(1)", "next_step": {"success": "3"}},
        {"id": "3", "type": "play", "url": "javascript:window.__xss=2"},
    ],
    "layout": {
        "0": {"x": 0, "y": 0},
        "1": {"x": 0, "y": 180, "label": '<script>window.__xss=3</script>'},
        "2": {"x": 0, "y": 360},
        "3": {"x": 0, "y": 540},
    },
    "settings": {"record": False},
}


def test_it_shows_what_people_type_as_text(owner_page, live_server, make_flow, shot):
    page = owner_page
    flow = make_flow('<img src=x onerror="window.__xss=4">', XSS_FLOW)
    page.goto(f"{live_server.url}/flows/")
    expect(page.locator("td a", has_text="<img src=x")).to_be_visible()
    open_editor(page, live_server, flow)
    expect(node(page, "1")).to_contain_text(XSS_TEXT)
    expect(node(page, "1")).to_contain_text("<script>window.__xss=3</script>")
    node(page, "1").click()
    expect(page.locator("#field-text")).to_have_value(XSS_TEXT)
    node(page, "2").click()
    expect(page.locator("#field-url")).to_have_value("javascript:alert(1)")
    show_problems(page)
    expect(page.locator(".fs-problems")).to_contain_text("javascript:alert(1)")
    node(page, "3").click()
    shot(page, "12-user-text-stays-text")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator(".react-flow img, .fs-inspector img, .fs-problems img").count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0
    assert page.errors == []
