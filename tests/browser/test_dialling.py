"""What is dialled is what is shown (editor/flowcore/dialling.py), in the browser: a new Call step
reads "Calls the contact's number"; the test-call dialog shows a fixed number, refuses another one and
switches the step to {{contact.number}} in one click (then calls the number typed, through a real worker
and the sandbox); a template the server refuses gets the same choice; the launch page and the campaign
wizard say what a version dials and how to fix it."""

from __future__ import annotations

import copy
import re

from django.conf import settings as django_settings
from playwright.sync_api import expect

from tests.support.axe import assert_accessible
from tests.support.browser import drag_block, node, open_editor

FIXED = "917507161643"
FLOW = {
    "steps": [
        {"id": "0", "type": "call", "number": FIXED, "caller_id": "+14155550100", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Hello, this is a test call."},
    ],
    "layout": {"0": {"x": 0, "y": 0}, "1": {"x": 0, "y": 180}},
    "settings": {"record": False},
}


def sandbox_credential(team, url: str):
    from editor.calls.services.credentials import credential_create

    return credential_create(team=team, user=None, name="Sandbox", cloud_id="CLOUD-1",
                             auth_token=django_settings.SANDBOX_AUTH_TOKEN, base_url=url)


def open_test_call(page):
    page.get_by_role("button", name="Test call").click()
    dialog = page.get_by_test_id("test-call-dialog")
    expect(dialog).to_be_visible()
    return dialog


def test_a_new_call_step_calls_the_contacts_number(owner_page, live_server, make_flow, shot):
    page = owner_page
    open_editor(page, live_server, make_flow("New flow"))
    drag_block(page, "call", 185, 60)
    expect(node(page, "0")).to_contain_text("Calls the contact's number")
    node(page, "0").click()
    expect(page.locator("#field-number")).to_have_value("{{contact.number}}")
    shot(page, "50-new-call-step-calls-the-contact")


def test_the_test_call_shows_the_fixed_number_refuses_another_and_switches_in_one_click(
    owner_page, live_server, make_flow, team, worker, sandbox_url, sandbox_requests, shot  # noqa: F811
):
    from editor.calls.models import Call
    from editor.flows.models import FlowVersion

    page = owner_page
    sandbox_credential(team, sandbox_url)
    flow = make_flow("Fixed number", FLOW)
    open_editor(page, live_server, flow)
    expect(node(page, "0")).to_contain_text(f"Calls {FIXED}")
    # The simulator says it too.
    page.get_by_test_id("simulator-open").click()
    page.get_by_test_id("sim-start").click()
    expect(page.get_by_test_id("transcript")).to_contain_text(
        f"Calls {FIXED} from +14155550100. This number is fixed in the Call step: every call of this flow dials it.")
    shot(page, "50b-simulator-says-the-fixed-number")

    # The dialog says what the flow dials, and starts with that number.
    dialog = open_test_call(page)
    expect(dialog.get_by_test_id("test-call-dials")).to_contain_text(f"This flow calls {FIXED}")
    expect(dialog.locator("#test-call-number")).to_have_value(FIXED)

    # Another number is refused before anything is saved, published or called.
    dialog.locator("#test-call-number").fill("+1 415 555 0142")
    dialog.get_by_role("button", name="Call now").click()
    refusal = dialog.get_by_test_id("test-call-other-number")
    expect(refusal).to_contain_text(f"This flow's Call step dials {FIXED}, so it can't call +14155550142.")
    expect(refusal).to_contain_text("puts {{contact.number}} in the Call step")
    shot(page, "51-test-call-refuses-another-number")
    assert_accessible(page)
    assert not FlowVersion.objects.filter(flow=flow).exists() and not Call.objects.exists()

    # One click: the step dials {{contact.number}} (the canvas says so), it is published, the typed number is called.
    refusal.get_by_role("button", name="Call +14155550142 instead").click()
    live = dialog.get_by_test_id("test-call-live")
    expect(live).to_have_attribute("data-status", "accepted", timeout=40_000)
    expect(live).to_contain_text("The phone at +14155550142 should ring in a moment.")
    expect(node(page, "0")).to_contain_text("Calls the contact's number")
    shot(page, "52-test-call-after-switching-to-the-contact")
    version = FlowVersion.objects.get(flow=flow)
    assert version.document["steps"][0]["number"] == "{{contact.number}}"
    call = Call.objects.get()
    assert call.number == "+14155550142" and call.request_payload["flow"][0]["number"] == "+14155550142"
    assert len(sandbox_requests(number="+14155550142")) == 1 and sandbox_requests(number=FIXED) == []
    assert page.errors == [] and page.outside == []  # type: ignore[attr-defined]


def test_the_servers_refusal_offers_the_same_choice(owner_page, live_server, make_flow, team, sandbox_url, shot):
    from editor.calls.models import Call

    page = owner_page
    sandbox_credential(team, sandbox_url)
    document = copy.deepcopy(FLOW)
    document["steps"][0]["number"] = "{{contact.mobile}}"
    flow = make_flow("Mobile", document)
    open_editor(page, live_server, flow)
    dialog = open_test_call(page)
    expect(dialog.get_by_test_id("test-call-number-hint")).to_contain_text("The Call step dials {{contact.mobile}}")
    dialog.locator("#test-call-number").fill("+14155550142")
    dialog.locator('[data-variable="mobile"]').fill("+14155550199")
    dialog.get_by_role("button", name="Call now").click()
    refusal = dialog.get_by_test_id("test-call-other-number")
    expect(refusal).to_contain_text("dials +14155550199, so it can't call +14155550142.")
    expect(refusal.get_by_role("button", name="Call +14155550142 instead")).to_be_visible()
    expect(refusal.get_by_role("button", name="Call +14155550199")).to_be_visible()
    shot(page, "53-test-call-template-refused")
    assert not Call.objects.exists()


def test_the_launch_page_says_what_a_version_dials(owner_page, live_server, make_flow, team, sandbox_url, shot):
    from editor.calls.models import Call
    from editor.flows.services.flows import flow_publish

    page = owner_page
    sandbox_credential(team, sandbox_url)
    flow = make_flow("Fixed number", FLOW)
    flow_publish(flow=flow, user=None)
    page.goto(f"{live_server.url}/calls/?flow={flow.pk}")
    note = page.locator("#launch-dials")
    expect(note).to_contain_text(f"Version 1 of “Fixed number” calls {FIXED}: that number is fixed in its Call step")
    expect(note).to_contain_text("put {{contact.number}} in the flow's Call step and publish")
    expect(page.locator("#launch-number")).to_have_value(FIXED)

    page.locator("#launch-number").fill("+1 415 555 0142")
    page.get_by_role("button", name="Place the call").click()
    expect(page.locator("#launch-number_error")).to_contain_text(
        f"This flow's Call step dials {FIXED}, not +14155550142. Launch it with {FIXED}")
    expect(page.locator("#launch-number")).to_have_value("+1 415 555 0142")
    expect(note).to_be_visible()
    shot(page, "54-launch-page-refuses-another-number")
    assert_accessible(page)
    assert not Call.objects.exists()


def test_the_campaign_wizard_says_how_to_fix_a_version_that_dials_one_number(
    owner_page, live_server, make_flow, team, sandbox_url, shot
):
    from editor.campaigns.models import Campaign
    from editor.flows.services.flows import flow_publish

    page = owner_page
    sandbox_credential(team, sandbox_url)
    flow_publish(flow=make_flow("Fixed number", FLOW), user=None)
    page.goto(f"{live_server.url}/campaigns/new")
    choice = page.get_by_label("Flow and version")
    expect(choice.locator("option")).to_have_text([f"Fixed number — version 1 (calls {FIXED}, not each contact)"])
    page.get_by_role("button", name="Next: contacts").click()
    expect(page.locator("#id_version_error")).to_have_text(
        f"This version's Call step dials {FIXED}, not each contact's number. Open the flow, put {{{{contact.number}}}} "
        "in its Call step, publish, then choose the new version.")
    fix = page.locator("#id_version_helptext")
    expect(fix).to_contain_text("A version marked “not each contact” rings one phone: open Fixed number and put "
                                "{{contact.number}} in the Call step, then publish.")
    expect(fix.get_by_role("link", name="Fixed number")).to_have_attribute("href", re.compile(r"/flows/\d+/edit$"))
    shot(page, "55-campaign-wizard-refuses-a-fixed-number")
    assert_accessible(page)
    assert not Campaign.objects.exists()
