"""Per-step counts on the canvas: the toolbar's "Counts" toggle shows how many calls of the published
version reached each step, ended there and took each branch, of every call or one campaign's, over
all time, the last days or chosen dates, and hides them again."""

from __future__ import annotations

import json

from django.conf import settings
from playwright.sync_api import expect

from tests.support.axe import run_axe
from tests.support.browser import node, open_editor

T0 = 1_780_000_000


def _call_with_events(flow, owner, credential, number: str, http_status: int, end_step: str, campaign=None) -> None:
    from editor.calls.services.calls import call_launch
    from editor.events.processing import call_process_events
    from editor.events.services import events_receive

    call = call_launch(flow=flow, user=owner, number=number, credential=credential)
    if campaign is not None:  # placed for the campaign, as its dialler would
        from editor.campaigns.models import CampaignCall

        CampaignCall.objects.create(call=call, contact=campaign.contacts.get())
    events = [
        {"event": "ringing", "timestamp": T0}, {"event": "answered", "timestamp": T0 + 1},
        {"event": "step", "step": "1", "timestamp": T0 + 2}, {"event": "step", "step": "2", "timestamp": T0 + 3},
        {"event": "digits", "step": "2", "digits": "1234", "timestamp": T0 + 4},
        {"event": "step", "step": "5", "timestamp": T0 + 5},
        {"event": "http", "step": "5", "status": http_status, "timestamp": T0 + 6},
        {"event": "step", "step": end_step, "timestamp": T0 + 7},
        {"event": "ended", "step": end_step, "reason": "completed", "timestamp": T0 + 9},
    ]
    events_receive(token=call.events_key + call.events_secret, body=json.dumps(events).encode())
    call_process_events(call_id=call.pk)


def test_the_counts_toggle_shows_calls_per_step_and_branch(owner_page, live_server, flow, owner, team, shot):
    from editor.calls.services.credentials import credential_create

    credential = credential_create(team=team, user=owner, name="Events", cloud_id="C",
                                   auth_token=settings.SANDBOX_AUTH_TOKEN, base_url="http://127.0.0.1:9/sandbox/api/public/v1",
                                   send_events=True)
    from editor.flows.models import FlowVersion
    from tests.campaigns.conftest import make_campaign

    version = FlowVersion.objects.filter(flow=flow).order_by("-number").first()
    campaign = make_campaign(team, version, credential, numbers=["+12125551000"], name="Spring reminders")
    _call_with_events(flow, owner, credential, "+15550100001", 200, "3")
    _call_with_events(flow, owner, credential, "+15550100002", 200, "3")
    _call_with_events(flow, owner, credential, "+15550100003", 500, "4", campaign=campaign)

    page = owner_page
    open_editor(page, live_server, flow)
    toggle = page.get_by_role("button", name="Counts")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("step-counts")).to_have_count(0)

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(node(page, "5").get_by_test_id("step-counts")).to_have_text("3 reached · 0 ended here")
    expect(node(page, "3").get_by_test_id("step-counts")).to_have_text("2 reached · 2 ended here")
    expect(node(page, "4").get_by_test_id("step-counts")).to_have_text("1 reached · 1 ended here")
    expect(node(page, "5").locator('[data-port="success"]').get_by_test_id("branch-count")).to_have_text("2")
    expect(node(page, "5").locator('[data-port="fail"]').get_by_test_id("branch-count")).to_have_text("1")
    shot(page, "14-canvas-counts")

    # Which calls: one campaign's, then days (all calls were made today, UTC), then dates before them.
    bar = page.get_by_test_id("counts-filter")
    expect(bar).to_be_visible()
    calls, days = bar.get_by_label("Calls"), bar.get_by_label("Days")
    expect(calls).to_have_value("")
    calls.select_option(label="Spring reminders")
    expect(node(page, "5").get_by_test_id("step-counts")).to_have_text("1 reached · 0 ended here")
    expect(node(page, "3").get_by_test_id("step-counts")).to_have_text("0 reached · 0 ended here")
    expect(node(page, "5").locator('[data-port="fail"]').get_by_test_id("branch-count")).to_have_text("1")
    calls.select_option(label="All calls")
    days.select_option(label="Last 7 days")
    expect(node(page, "5").get_by_test_id("step-counts")).to_have_text("3 reached · 0 ended here")
    days.select_option(label="Pick dates…")
    start, end = bar.get_by_label("From"), bar.get_by_label("to", exact=True)
    expect(start).to_be_visible()
    expect(node(page, "5").get_by_test_id("step-counts")).to_have_text("3 reached · 0 ended here")  # the last 30 days
    end.fill("2020-01-31")
    expect(bar.get_by_role("alert")).to_have_text("The end comes before the start.")
    start.fill("2020-01-01")
    expect(bar.get_by_role("alert")).to_have_count(0)
    expect(node(page, "5").get_by_test_id("step-counts")).to_have_text("0 reached · 0 ended here")
    shot(page, "14-canvas-counts-dates")
    assert [v["id"] for v in run_axe(page)] == []
    days.select_option(label="All time")
    expect(node(page, "3").get_by_test_id("step-counts")).to_have_text("2 reached · 2 ended here")

    toggle.click()
    expect(page.get_by_test_id("step-counts")).to_have_count(0)
    expect(page.get_by_test_id("branch-count")).to_have_count(0)
    expect(page.get_by_test_id("counts-filter")).to_have_count(0)
    assert not page.errors  # type: ignore[attr-defined]
