"""Draft state and Compare: edit a published flow, see the header and the list say so, compare the
draft with the version (added, removed, changed and renamed steps marked), discard, undo."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.browser import edit_step, node, open_editor, wait_saved

PUBLISHED = {
    "steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Hello", "next_step": "2"},
        {"id": "2", "type": "http", "url": "https://example.com/check", "next_step": {"success": "3", "fail": "4"}},
        {"id": "3", "type": "play", "text": "Thanks"},
        {"id": "4", "type": "play", "text": "Sorry"},
    ],
    "layout": {
        "0": {"x": 200, "y": 0},
        "1": {"x": 200, "y": 180},
        "2": {"x": 200, "y": 360},
        "3": {"x": 0, "y": 560},
        "4": {"x": 400, "y": 560},
    },
    "settings": {"record": False},
}


def compare_node(page, step_id: str):
    return page.locator(f'[data-testid="compare-node"][data-step-id="{step_id}"]')


def test_it_shows_what_changed_since_the_version_and_discards_it(owner_page, live_server, make_flow, owner, shot):
    from editor.flows.models import Flow
    from editor.flows.services.flows import flow_publish

    page = owner_page
    flow = make_flow("Compare me", PUBLISHED)
    version = flow_publish(flow=flow, user=owner, note="first")
    open_editor(page, live_server, flow)
    expect(page.get_by_test_id("draft-state")).to_have_text("Published: version 1")

    # Add a step (nothing selected, so it is not connected), reword step 1, rename 3, delete 4.
    page.get_by_test_id("canvas").click(position={"x": 40, "y": 40})
    page.locator('.fs-palette-item[data-block="play"]').click()
    expect(node(page, "5")).to_have_count(1)
    page.fill("#field-text", "Goodbye")
    edit_step(page, "1", text="Hello there")
    edit_step(page, "3", id="thanks")
    page.press("#field-id", "Enter")
    expect(node(page, "thanks")).to_have_count(1)
    node(page, "4").click()
    page.keyboard.press("Delete")
    expect(node(page, "4")).to_have_count(0)
    wait_saved(page)
    state = page.get_by_test_id("draft-state")
    expect(state).to_contain_text("Changes not published: 5 steps")  # 1 added, 1 removed, 2 changed, 1 renamed

    # The flows list says so too, with a link to the comparison.
    page.goto(f"{live_server.url}/flows/")
    row = page.locator("tr", has_text="Compare me")
    expect(row).to_contain_text("Changes not published: 5 steps")
    row.get_by_role("link", name="see them").click()

    compare = page.get_by_test_id("compare")
    expect(compare).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("compare-summary")).to_have_text("+1 step, -1 step, 2 changed, 1 renamed")
    for step_id, change, words in [
        ("5", "added", "+ Added"),
        ("removed:4", "removed", "− Removed"),
        ("1", "changed", "✎ Changed"),
        ("2", "changed", "✎ Changed"),
        ("thanks", "renamed", "↻ Renamed"),
        ("0", "same", None),
    ]:
        marked = compare_node(page, step_id)
        expect(marked).to_have_attribute("data-change", change)
        if words:
            expect(marked).to_contain_text(words)  # words and icons, not colour alone
    expect(compare_node(page, "thanks")).to_contain_text("Was step 3")
    # 2 → 4 (if it fails) is gone; 2 → thanks (if it works) only followed the rename: not a change.
    expect(page.locator(".fs-cmp-edge--removed")).to_have_count(1)
    expect(page.locator(".fs-cmp-edge--added")).to_have_count(0)
    shot(page, "compare-overview")

    # A step's field changes side by side; the list zooms to its step.
    compare_node(page, "1").click()
    details = page.get_by_test_id("compare-details")
    expect(details.locator("tr", has_text="text")).to_contain_text("Hello")
    expect(details.locator("tr", has_text="text").locator(".fs-cmp-new")).to_have_text("Hello there")
    page.get_by_test_id("compare-item").filter(has_text="Step 2").click()
    expect(details.locator("tr", has_text="if it fails").locator(".fs-cmp-old")).to_have_text("step 4")
    expect(details.locator("tr", has_text="if it works")).to_have_count(0)
    shot(page, "compare-details")

    # Discard puts version 1 back into the draft; undo brings the changes back.
    page.get_by_role("button", name="Back to editing").click()
    state.get_by_role("button", name="Discard changes").click()
    expect(state).to_have_text("Published: version 1")
    expect(node(page, "4")).to_have_count(1)
    expect(node(page, "thanks")).to_have_count(0)
    saved = Flow.objects.get(pk=flow.pk)
    assert saved.document == version.document and saved.unpublished_steps is None
    page.keyboard.press("Control+z")
    expect(node(page, "thanks")).to_have_count(1)
    wait_saved(page)
    expect(state).to_contain_text(re.compile(r"Changes not published: 5 steps"))
    assert page.errors == [] and page.outside == []  # type: ignore[attr-defined]


def test_publish_proposes_a_note_and_restore_says_what_it_changes(owner_page, live_server, make_flow, owner):
    from editor.flows.services.flows import flow_publish

    page = owner_page
    flow = make_flow("Notes", PUBLISHED)
    flow_publish(flow=flow, user=owner, note="first")
    open_editor(page, live_server, flow)
    node(page, "1").click()
    page.fill("#field-text", "Hello there")

    # The publish dialog lists what is being published and proposes a note made from it.
    page.get_by_role("button", name="Publish", exact=True).click()
    dialog = page.get_by_test_id("publish-dialog")
    expect(dialog.get_by_test_id("publish-changes")).to_contain_text("1 changed")
    expect(page.locator("#publish-note")).to_have_value("1 changed")
    dialog.get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("draft-state")).to_have_text("Published: version 2")

    # The versions list tells what each version changed; restore says what it will change first.
    page.get_by_role("button", name="Versions").click()
    expect(page.locator("[data-version='2']").get_by_test_id("version-changes")).to_have_text("1 changed")
    expect(page.locator("[data-version='1']").get_by_test_id("version-changes")).to_have_text("+5 steps")
    page.locator("[data-version='1']").get_by_role("button", name="Restore to draft").click()
    expect(page.get_by_test_id("restore-confirm")).to_contain_text("This changes the draft: 1 changed.")
    page.get_by_role("button", name="Yes, restore").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Version 1 is now the draft")
    expect(page.get_by_test_id("draft-state")).to_contain_text("Changes not published: 1 step")
    assert page.errors == [] and page.outside == []  # type: ignore[attr-defined]


def test_discarding_a_flow_saved_without_positions_lays_it_out(owner_page, live_server, make_flow, owner):
    """A flow made through the API has no positions; it is laid out when it opens, and again when a
    discard puts its version back, instead of every step landing on the same spot. The positions are
    not an unsaved change, and the draft is the version again."""
    from editor.flows.models import Flow
    from editor.flows.services.flows import flow_publish

    page = owner_page
    flow = make_flow("No positions", {**PUBLISHED, "layout": {}})
    version = flow_publish(flow=flow, user=owner, note="first")
    open_editor(page, live_server, flow)
    edit_step(page, "1", text="Hello there")
    wait_saved(page)
    state = page.get_by_test_id("draft-state")
    expect(state).to_contain_text("Changes not published: 1 step")

    state.get_by_role("button", name="Discard changes").click()
    expect(state).to_have_text("Published: version 1")
    expect(node(page, "1")).to_contain_text("Hello")
    boxes = [node(page, sid).bounding_box() for sid in ("0", "1", "2", "3", "4")]
    places = {(round(b["x"]), round(b["y"])) for b in boxes if b}
    assert len(places) == 5, places  # five steps, five places
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-status", "saved")
    page.wait_for_timeout(1500)  # longer than the autosave delay: nothing is saved
    assert Flow.objects.get(pk=flow.pk).document == version.document
    assert page.errors == [] and page.outside == []  # type: ignore[attr-defined]


def test_opening_a_flow_without_positions_twice_brings_nothing_back(owner_page, live_server, make_flow):
    """The layout a flow gets when it opens is not an unsaved change: no copy is kept in the browser,
    so the next visit offers to bring back nothing and saves nothing."""
    from editor.flows.models import Flow

    page = owner_page
    flow = make_flow("Opened twice", {**PUBLISHED, "layout": {}})
    for _ in range(2):
        open_editor(page, live_server, flow)
        expect(page.get_by_test_id("save-status")).to_have_attribute("data-status", "saved")
        page.wait_for_timeout(1000)  # longer than the backup's delay (250 ms)
        assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('flowstudio.draft'))") == []
        expect(page.get_by_test_id("notice")).to_have_count(0)
    assert Flow.objects.get(pk=flow.pk).document["layout"] == {}
    assert page.errors == [] and page.outside == []  # type: ignore[attr-defined]
