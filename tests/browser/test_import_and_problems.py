"""Import Samespace's documented example: its problems show on the nodes and in the list."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.support.browser import node, open_editor


def test_it_imports_the_samespace_example_with_its_problems(owner_page, live_server, make_flow, demo_payload, shot):
    page = owner_page
    flow = make_flow("Imported example")
    open_editor(page, live_server, flow)

    page.get_by_role("button", name="More").click()  # the toolbar's less used actions
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_label("Flow JSON").fill("{not json")
    page.get_by_role("button", name="Replace the canvas").click()
    expect(page.get_by_test_id("import-dialog")).to_contain_text("This is not valid JSON")
    page.get_by_label("Flow JSON").fill(json.dumps(demo_payload))
    page.get_by_role("button", name="Replace the canvas").click()
    expect(page.get_by_test_id("import-dialog")).to_have_count(0)
    expect(page.locator(".fs-node")).to_have_count(6)

    # Step 5 sends success to a step that does not exist: an error. Nothing reaches step 3: a warning.
    expect(node(page, "5")).to_have_attribute("data-diagnostic-codes", re.compile(r"\bdangling_next_step\b"))
    expect(node(page, "5").locator(".fs-node-badge--error")).to_be_visible()
    expect(node(page, "3")).to_have_attribute("data-diagnostic-codes", re.compile(r"\bunreachable_step\b"))
    expect(node(page, "1")).to_have_attribute("data-diagnostic-codes", "")
    # Laid out automatically: the steps do not sit on top of each other.
    boxes = [node(page, str(i)).bounding_box() for i in (0, 1, 2, 5)]
    assert len({round(b["y"]) for b in boxes}) == 4
    shot(page, "05-imported-example-with-problems")

    # Clicking a problem selects its step and puts the cursor in the field to fix.
    page.locator('.fs-problems .fs-problem[data-code="dangling_next_step"]').click()
    expect(node(page, "5")).to_have_class(re.compile("is-selected"))
    focused = page.locator('[data-field="next_step.success"]')
    expect(focused).to_be_focused()
    expect(page.locator(".fs-step-problem--error").first).to_contain_text("step 10")
    shot(page, "06-problem-clicked-field-focused")

    # Publishing is blocked while there are errors, and says why.
    page.get_by_role("button", name="Publish", exact=True).click()
    dialog = page.get_by_test_id("publish-dialog")
    expect(dialog).to_contain_text("Fix these problems before publishing")
    expect(dialog.locator(".fs-problem")).to_have_count(3)
    expect(dialog.get_by_role("button", name="Publish")).to_have_count(0)
    shot(page, "07-publish-blocked")
    dialog.locator(".fs-problem", has_text="16468107XXX").click()
    expect(node(page, "3")).to_have_class(re.compile("is-selected"))
    expect(page.locator("#field-number")).to_be_focused()

    # Fix step 5 by pointing success at step 3: its error goes, and step 3 is now reached.
    page.locator('.fs-problems .fs-problem[data-code="dangling_next_step"]').click()
    page.locator('[data-field="next_step.success"]').select_option("3")
    expect(node(page, "5")).to_have_attribute("data-diagnostic-codes", "")
    expect(page.locator('.fs-problems [data-code="unreachable_step"]')).to_have_count(0)
    expect(page.locator('.fs-problems [data-code="dangling_next_step"]')).to_have_count(0)
    assert page.errors == []
