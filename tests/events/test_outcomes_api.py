"""The outcome on the call page and in the API; counts per version; every endpoint team-scoped."""

from __future__ import annotations

import pytest

from editor.events.processing import call_process_events
from tests.support.api import assert_error_shape

from .test_hook import EVENTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def processed_call(make_call, hook):
    call = make_call()
    assert hook(call, EVENTS).status_code == 202
    call_process_events(call_id=call.pk)
    return call


def test_the_call_page_shows_the_outcome_and_timeline(processed_call, client, owner):
    client.force_login(owner)
    page = client.get(f"/calls/{processed_call.pk}/").content.decode()
    assert "What happened" in page and "data-outcome-timeline" in page
    assert "0 → 1 → 2 → 5 → 3" in page
    assert "Pressed 1234" in page and "completed at step 3" in page


def test_a_call_without_events_shows_no_outcome_panel(flow, owner, team, client):
    from django.conf import settings

    from editor.calls.services.calls import call_launch
    from editor.calls.services.credentials import credential_create

    plain = credential_create(team=team, user=owner, name="Plain", cloud_id="C",
                              auth_token=settings.SANDBOX_AUTH_TOKEN, base_url="http://127.0.0.1:9/sandbox/api/public/v1")
    call = call_launch(flow=flow, user=owner, number="+15550100999", credential=plain)
    client.force_login(owner)
    assert "What happened" not in client.get(f"/calls/{call.pk}/").content.decode()


def test_the_api_gives_the_outcome(processed_call, api_as):
    body = api_as("viewer").get(f"/api/calls/{processed_call.pk}/outcome/").json()
    assert body["call"] == processed_call.pk and body["events_requested"] is True
    assert body["answered"] is True and body["path"] == ["0", "1", "2", "5", "3"]
    assert body["digits"] == {"account_id": "1234"}
    assert body["http"] == [{"step": "5", "status": "200", "outcome": "success"}]
    assert (body["end_reason"], body["end_step"], body["duration_seconds"]) == ("completed", "3", 55.0)


def test_an_outcome_before_any_event(make_call, api_as):
    call = make_call()
    body = api_as("owner").get(f"/api/calls/{call.pk}/outcome/").json()
    assert body["answered"] is None and body["path"] == [] and body["event_count"] == 0


def test_counts_of_a_version(processed_call, api_as, flow):
    body = api_as("viewer").get(f"/api/flows/{flow.pk}/versions/1/counts/").json()
    assert body["steps"]["5"] == {"reached": 1, "ended": 0}
    assert body["steps"]["3"] == {"reached": 1, "ended": 1}
    assert "4" not in body["steps"]
    assert body["branches"]["5"] == {"success": 1}
    assert body["branches"]["2"] == {"*": 1}
    day = processed_call.created_at.date().isoformat()
    same_day = api_as("viewer").get(f"/api/flows/{flow.pk}/versions/1/counts/?since={day}&until={day}").json()
    assert same_day["steps"] == body["steps"]
    later = api_as("viewer").get(f"/api/flows/{flow.pk}/versions/1/counts/?since=2999-01-01").json()
    assert later["steps"] == {} and later["branches"] == {}


@pytest.mark.parametrize("query", ["since=yesterday", "since=2026-02-30", "since=2026-05-02&until=2026-05-01",
                                   "since=%C2%B2026-01-01"])
def test_bad_dates_are_400(processed_call, api_as, flow, query):
    response = api_as("viewer").get(f"/api/flows/{flow.pk}/versions/1/counts/?{query}")
    assert_error_shape(response, 400, "validation_failed")


def test_another_teams_call_and_version_are_404(processed_call, api_as, flow):
    outsider = api_as("outsider")
    assert_error_shape(outsider.get(f"/api/calls/{processed_call.pk}/outcome/"), 404, "not_found")
    assert_error_shape(outsider.get(f"/api/flows/{flow.pk}/versions/1/counts/"), 404, "not_found")
    assert_error_shape(api_as("owner").get(f"/api/flows/{flow.pk}/versions/9/counts/"), 404, "not_found")


def test_signed_out_is_401(processed_call, client, flow):
    assert client.get(f"/api/calls/{processed_call.pk}/outcome/").status_code == 401
    assert client.get(f"/api/flows/{flow.pk}/versions/1/counts/").status_code == 401


def test_another_teams_call_page_is_404(processed_call, client, outsider):
    client.force_login(outsider)
    assert client.get(f"/calls/{processed_call.pk}/").status_code == 404


def test_the_events_token_is_in_no_api_answer_or_admin_page(processed_call, api_as, admin_client):
    secret = processed_call.events_secret
    detail = api_as("owner").get(f"/api/calls/{processed_call.pk}/")
    assert detail.status_code == 200 and secret not in detail.content.decode()
    assert "/hooks/samespace/REDACTED/" in detail.content.decode()
    for url in (f"/admin/calls/call/{processed_call.pk}/change/", "/admin/events/callevent/",
                "/admin/events/calloutcome/", "/admin/events/stepcount/"):
        page = admin_client.get(url)
        assert page.status_code == 200, url
        assert secret not in page.content.decode()
