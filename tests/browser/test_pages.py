"""The flows list (create, search, duplicate, delete, import) and the read-only editor for viewers."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.support.browser import node, open_editor


def test_it_manages_flows_from_the_list(owner_page, live_server, make_flow, demo_payload, shot, tmp_path):
    page = owner_page
    make_flow("Payment reminder")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/flows/")
    expect(page.locator("tr", has_text="Payment reminder").locator("[data-validity]")).to_have_text("1 problem")

    # Import: a broken file gets a clear message beside the file input, in the dialog opened again
    # with the name typed kept; a good one opens in the editor with its problems.
    bad = tmp_path / "broken.json"
    bad.write_text('{"flow": [ {"id": "0",, }')
    page.get_by_role("button", name="Import a file").first.click()
    page.set_input_files("#import-file", str(bad))
    page.fill("#import-name", "From the sample")
    page.locator("#import-dialog").get_by_role("button", name="Import").click()
    expect(page.locator("#import-dialog")).to_be_visible()
    expect(page.locator("#import-file_error")).to_contain_text("This file is not valid JSON")
    expect(page.locator("#import-file_error")).to_contain_text("line 1")
    expect(page.locator("#import-file")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#import-name")).to_have_value("From the sample")
    shot(page, "13b-import-bad-json")
    good = tmp_path / "samespace-example.json"
    good.write_text(json.dumps(demo_payload))
    page.fill("#import-name", "")
    page.set_input_files("#import-file", str(good))
    page.locator("#import-dialog").get_by_role("button", name="Import").click()
    expect(page.locator("#flow-editor[data-ready=true]")).to_be_attached()
    expect(page.locator(".fs-name")).to_have_value("samespace-example")
    expect(node(page, "5")).to_have_attribute("data-diagnostic-codes", "dangling_next_step")

    # Create from the dialog: it opens in the editor.
    page.goto(f"{live_server.url}/flows/")
    page.get_by_role("button", name="+ New flow").first.click()
    page.fill("#new-name", "Survey")
    shot(page, "13a-new-flow-dialog")
    page.locator("#new-dialog").get_by_role("button", name="Create and open").click()
    expect(page.locator(".fs-name")).to_have_value("Survey")

    page.goto(f"{live_server.url}/flows/")
    expect(page.locator("tbody tr")).to_have_count(3)
    shot(page, "13-flows-list")
    page.locator("tr", has_text="Payment reminder").get_by_role("button", name="Duplicate").click()
    expect(page.locator(".alert-success")).to_contain_text("Copy of Payment reminder")
    page.fill("input[name=q]", "reminder")
    page.keyboard.press("Enter")
    expect(page.locator("tbody tr")).to_have_count(2)

    page.locator("tr", has_text="Copy of Payment reminder").get_by_role("link", name="Delete").click()
    expect(page.locator("h1")).to_contain_text("Delete “Copy of Payment reminder”?")
    shot(page, "14-delete-confirmation")
    page.get_by_role("button", name="Delete the flow").click()
    expect(page.locator(".alert-success")).to_contain_text("Deleted")
    expect(page.locator("tbody tr", has_text="Copy of Payment reminder")).to_have_count(0)
    assert page.errors == []


def test_it_gives_viewers_a_read_only_editor(page, login, viewer, make_flow, live_server, shot):
    flow = make_flow(
        "Look only",
        {
            "steps": [{"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100"}],
            "layout": {"0": {"x": 0, "y": 0}},
        },
    )
    login(page.context, viewer)
    page.goto(f"{live_server.url}/flows/")
    expect(page.get_by_role("button", name="+ New flow")).to_have_count(0)
    expect(page.get_by_role("link", name="View")).to_be_visible()
    open_editor(page, live_server, flow)
    expect(page.get_by_text("View only")).to_be_visible()
    expect(page.locator(".fs-palette")).to_have_count(0)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    node(page, "0").click()
    expect(page.locator("#field-caller_id")).to_have_attribute("readonly", "")
    page.keyboard.press("Delete")
    expect(node(page, "0")).to_have_count(1)
    shot(page, "15-viewer-read-only")


def test_it_shows_a_refused_form_with_every_error_beside_its_field(owner_page, live_server, shot):
    """The do-not-call page: two bad fields come back at once, each under its own label, as typed."""
    page = owner_page
    page.goto(f"{live_server.url}/do-not-call/")
    page.fill("#dnc-number", "call me maybe")
    page.fill("#dnc-region", "ZZ")
    page.fill("#dnc-note", "Asked twice")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#dnc-number_error")).to_have_text("Not a phone number.")
    expect(page.locator("#dnc-region_error")).to_have_text("A two-letter country code such as US, GB or FR.")
    expect(page.locator("#dnc-number")).to_have_attribute("aria-describedby", "dnc-number_error")
    expect(page.locator("#dnc-number")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#dnc-number")).to_have_value("call me maybe")
    expect(page.locator("#dnc-note")).to_have_value("Asked twice")
    expect(page.get_by_text("number:")).to_have_count(0)
    shot(page, "16-do-not-call-refused")
    assert page.errors == []
