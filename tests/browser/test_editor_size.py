"""Too big is said, not retried: the size meter, and saves refused as too large (413)."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.support.browser import node, open_editor, wait_saved

SMALL = {
    "steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Hello"},
    ],
    "layout": {"0": {"x": 0, "y": 0}, "1": {"x": 0, "y": 200}},
    "settings": {"record": False},
}


def saves(page: Page) -> list[int]:
    """The status of every save (PATCH of the flow) the page sends from now on."""
    answered: list[int] = []
    page.on("response", lambda r: r.request.method == "PATCH" and answered.append(r.status))
    return answered


def backup_text(page: Page, flow) -> str:
    raw = page.evaluate(f"() => window.localStorage.getItem('flowstudio.draft.{flow.pk}')")
    assert raw, "the local backup is gone"
    return json.loads(raw)["doc"]["steps"][1]["text"]


def test_it_shows_the_size_near_the_limit_and_refuses_a_flow_over_it(owner_page, live_server, make_flow, settings):
    settings.API_MAX_FLOW_BYTES = settings.API_MAX_JSON_BYTES = 2000
    page = owner_page
    flow = make_flow("Growing", SMALL)
    open_editor(page, live_server, flow)
    meter = page.get_by_test_id("size-meter")
    expect(meter).to_have_count(0)  # far from the limit: nothing to say

    node(page, "1").click()
    page.fill("#field-text", "a" * 1100)  # about 70 % of the limit
    expect(meter).to_contain_text("of 2 KB")
    wait_saved(page)

    sent = saves(page)
    page.fill("#field-text", "b" * 3000)
    status = page.get_by_test_id("save-status")
    expect(status).to_have_attribute("data-status", "too_large")
    expect(status).to_have_text("Not saved: too big")
    notice = page.get_by_test_id("notice")
    expect(notice).to_contain_text("this flow is 3.")
    expect(notice).to_contain_text("up to 2 KB")
    expect(notice).to_contain_text("Remove steps or long texts")
    expect(notice).to_contain_text("kept in this browser")
    expect(page.get_by_test_id("too-big-to-check")).to_be_visible()
    assert backup_text(page, flow) == "b" * 3000

    # Save says it again, and sends nothing that cannot succeed.
    page.get_by_role("button", name="Dismiss").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(notice).to_contain_text("up to 2 KB")
    page.wait_for_timeout(2500)  # longer than the autosave delay
    assert sent == []

    # Small enough again: it saves by itself.
    page.fill("#field-text", "Short again")
    wait_saved(page)
    assert sent == [200]
    flow.refresh_from_db()
    assert flow.document["steps"][1]["text"] == "Short again"


def test_it_stops_when_the_server_refuses_a_save_as_too_large(owner_page, live_server, make_flow, settings):
    page = owner_page
    flow = make_flow("Refused", SMALL)
    open_editor(page, live_server, flow)  # the page was told the usual limit (5 MB)
    settings.API_MAX_FLOW_BYTES = settings.API_MAX_JSON_BYTES = 2000  # the server now takes less

    sent = saves(page)
    node(page, "1").click()
    page.fill("#field-text", "c" * 3000)
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-status", "too_large")
    notice = page.get_by_test_id("notice")
    expect(notice).to_contain_text("this flow is 3.")
    expect(notice).to_contain_text("up to 2 KB")  # the limit the 413 answer gave
    expect(page.get_by_test_id("too-big-to-check")).to_be_visible()
    assert sent == [413]
    assert backup_text(page, flow) == "c" * 3000

    page.wait_for_timeout(11_000)  # longer than the retry delay of other failed saves
    assert sent == [413], "a save that cannot succeed was sent again"
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-status", "too_large")
    flow.refresh_from_db()
    assert flow.document["steps"][1]["text"] == "Hello"
