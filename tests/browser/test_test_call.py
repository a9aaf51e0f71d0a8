"""The editor's "Test call" button: it publishes first when needed, launches the call through a
real Celery worker process (Redis broker, test database) to the sandbox on the live server, and shows the
call's status live. Also: the guidance when something is missing, and no button for viewers.
"""

from __future__ import annotations

import copy
import re

from django.conf import settings as django_settings
from playwright.sync_api import expect

from tests.support.browser import node, open_editor, wait_checked

# The sandbox on the live server, from the calls tests; their `worker` fixture (a Celery worker process on a
# private Redis DB and the test database) is shared through tests/conftest.py.

FLOW = {
    "steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Hello {{contact.name}}, this is a test call.", "next_step": "2"},
        {"id": "2", "type": "connect", "number": "+14155550123", "caller_id": "+14155550100"},
    ],
    "layout": {"0": {"x": 0, "y": 0}, "1": {"x": 0, "y": 180, "label": "Greeting"}, "2": {"x": 0, "y": 360}},
    "settings": {"record": False},
}


def sandbox_credential(team, url: str, name: str = "Sandbox"):
    from editor.calls.services.credentials import credential_create

    return credential_create(
        team=team, user=None, name=name, cloud_id="CLOUD-1", auth_token=django_settings.SANDBOX_AUTH_TOKEN, base_url=url
    )


def open_test_call(page):
    page.get_by_role("button", name="Test call").click()
    dialog = page.get_by_test_id("test-call-dialog")
    expect(dialog).to_be_visible()
    return dialog


def test_it_publishes_then_places_a_test_call_and_shows_it_live(
    owner_page, live_server, make_flow, team, worker, sandbox_url, sandbox_requests, shot, settings  # noqa: F811
):
    from editor.calls.models import Call
    from editor.flows.models import FlowVersion

    page = owner_page
    credential = sandbox_credential(team, sandbox_url)
    flow = make_flow("Test call", FLOW)
    assert flow.error_count == 0 and not FlowVersion.objects.filter(flow=flow).exists()
    open_editor(page, live_server, flow)
    expect(page.get_by_text("Not published yet")).to_be_visible()

    dialog = open_test_call(page)
    # The only credential of the team is chosen already; the flow's {{contact.name}} gets a field.
    expect(dialog.locator("#test-call-credential")).to_have_value(str(credential.pk))
    dialog.locator("#test-call-credential").select_option(label="Sandbox")
    dialog.locator("#test-call-number").fill("+1 (415) 555-0142")
    expect(dialog.locator("[data-variable]")).to_have_count(1)
    dialog.locator('[data-variable="name"]').fill("Ada <b>Lovelace</b>")
    shot(page, "40-test-call-form")

    dialog.get_by_role("button", name="Call now").click()
    live = dialog.get_by_test_id("test-call-live")
    expect(live).to_have_attribute("data-status", "accepted", timeout=40_000)
    expect(dialog.get_by_test_id("test-call-status")).to_have_text("Accepted")
    expect(live).to_contain_text("Published version 1 first")
    expect(live).to_contain_text("Samespace accepted the call. The phone at +14155550142 should ring in a moment.")
    shot(page, "41-test-call-accepted")

    # Published first, with a note that says why; the toolbar knows.
    version = FlowVersion.objects.get(flow=flow)
    assert version.number == 1 and version.note == "Published for a test call"
    expect(page.get_by_text("Published: version 1")).to_be_visible()

    # One call, stored with what was typed; the sandbox received exactly one request for that number.
    call = Call.objects.get(flow_version=version)
    assert (call.number, call.status, call.variables) == ("+14155550142", "accepted", {"name": "Ada <b>Lovelace</b>"})
    received = sandbox_requests(number="+14155550142")
    assert len(received) == 1 and received[0]["idempotency_key"] == str(call.idempotency_key)
    expect(dialog.get_by_test_id("test-call-detail-link")).to_have_attribute("href", f"/calls/{call.pk}/")

    # Again, unchanged: the latest version already plays the draft, so nothing new is published.
    dialog.get_by_role("button", name="New test call").click()
    expect(dialog.locator("#test-call-number")).to_have_value("+1 (415) 555-0142")
    dialog.locator("#test-call-number").fill("+1 415 555 0143")
    dialog.get_by_role("button", name="Call now").click()
    expect(dialog.get_by_test_id("test-call-live")).to_have_attribute("data-status", "accepted", timeout=40_000)
    expect(dialog.get_by_test_id("test-call-live")).not_to_contain_text("Published version")
    assert FlowVersion.objects.filter(flow=flow).count() == 1
    assert len(sandbox_requests(number="+14155550143")) == 1
    dialog.get_by_role("button", name="Close").last.click()
    expect(dialog).to_have_count(0)

    # An edit that changes what the call plays is saved and published as version 2 before calling.
    node(page, "1").click()
    page.fill("#field-text", "Hello {{contact.name}}, second try.")
    dialog = open_test_call(page)
    dialog.locator('[data-variable="name"]').fill("Ada")
    dialog.get_by_role("button", name="Call now").click()
    expect(dialog.get_by_test_id("test-call-live")).to_have_attribute("data-status", "accepted", timeout=40_000)
    expect(dialog.get_by_test_id("test-call-live")).to_contain_text("Published version 2 first")
    latest = FlowVersion.objects.get(flow=flow, number=2)
    assert latest.document["steps"][1]["text"] == "Hello {{contact.name}}, second try."

    # The sandbox answers too slowly (a number ending 0555): the status shows while it is sent, then
    # "unknown" in plain words, since Samespace may have placed it.
    settings.SANDBOX_SLOW_SECONDS = 5.5  # the worker reads for 4 s
    dialog.get_by_role("button", name="New test call").click()
    dialog.locator("#test-call-number").fill("+1 415 555 0555")
    dialog.get_by_role("button", name="Call now").click()
    live = dialog.get_by_test_id("test-call-live")
    expect(live).to_have_attribute("data-status", "sending", timeout=20_000)
    expect(live).to_contain_text("Sending the call to Samespace")
    shot(page, "45-test-call-sending")
    expect(live).to_have_attribute("data-status", "unknown", timeout=30_000)
    expect(live).to_contain_text("Samespace may or may not have placed this call; check before calling again.")
    expect(live).to_contain_text("read timeout")
    shot(page, "46-test-call-unknown")
    assert len(sandbox_requests(number="+14155550555")) == 1
    assert page.errors == [] and page.outside == []  # type: ignore[attr-defined]


def test_it_guides_when_a_credential_a_number_or_a_valid_flow_is_missing(
    owner_page, live_server, make_flow, team, sandbox_url, shot  # noqa: F811
):
    from editor.calls.models import Call
    from editor.flows.models import FlowVersion

    page = owner_page
    flow = make_flow("No credential yet", FLOW)
    open_editor(page, live_server, flow)

    # No credential: a friendly message and the way to the credentials page.
    dialog = open_test_call(page)
    expect(dialog.get_by_test_id("test-call-no-credentials")).to_contain_text("your team has none yet")
    expect(dialog.get_by_role("link", name="Credentials page")).to_have_attribute("href", "/credentials/")
    expect(dialog.get_by_role("button", name="Call now")).to_have_count(0)
    shot(page, "42-test-call-no-credential")
    dialog.get_by_role("button", name="Cancel").click()

    # With one: a number that is none is explained, and nothing is published or called.
    sandbox_credential(team, sandbox_url)
    dialog = open_test_call(page)
    dialog.locator("#test-call-number").fill("call me")
    dialog.get_by_role("button", name="Call now").click()
    expect(dialog.locator(".invalid-feedback")).to_contain_text("doesn't look like a phone number")
    shot(page, "43-test-call-bad-number")
    assert not FlowVersion.objects.filter(flow=flow).exists() and not Call.objects.exists()
    dialog.get_by_role("button", name="Cancel").click()

    # A flow with a problem can't be published: the problems are listed, and one leads to its step.
    broken = copy.deepcopy(FLOW)
    broken["steps"][1]["text"] = ""
    flow = make_flow("Broken", broken)
    open_editor(page, live_server, flow)
    wait_checked(page)
    dialog = open_test_call(page)
    dialog.locator("#test-call-number").fill("+14155550142")
    problems = dialog.get_by_test_id("test-call-problems")
    expect(problems).to_contain_text("Greeting")
    expect(problems).to_contain_text("needs either some text to say")
    expect(dialog.get_by_role("button", name="Call now")).to_be_disabled()
    shot(page, "44-test-call-problems")
    problems.locator(".fs-problem").first.click()
    expect(dialog).to_have_count(0)
    expect(node(page, "1")).to_have_class(re.compile(r"\bis-selected\b"))
    assert not FlowVersion.objects.filter(flow=flow).exists() and not Call.objects.exists()
    assert page.errors == []  # type: ignore[attr-defined]


def test_viewers_do_not_get_the_button(page, login, viewer, make_flow, live_server):
    flow = make_flow("Look only", FLOW)
    login(page.context, viewer)
    open_editor(page, live_server, flow)
    expect(page.get_by_text("View only")).to_be_visible()
    expect(page.get_by_role("button", name="Test call")).to_have_count(0)
