"""Launch → worker → sandbox (live server) plays the call and posts its events → hook → worker
derives the outcome. With and without the sandbox's faults (duplicates, reordering, a late event)."""

from __future__ import annotations

import pytest
from django.conf import settings

from editor.events.models import CallEvent, CallOutcome
from tests.support.workers import final_call, wait_for

pytestmark = [pytest.mark.slow]


@pytest.fixture
def live_events(worker, live_server, sandbox_url, team, owner, flow, settings):
    from editor.calls.services.credentials import credential_create

    settings.PUBLIC_BASE_URL = live_server.url.replace("localhost", "127.0.0.1")
    settings.SANDBOX_EVENT_DELAY = 0.0
    return credential_create(team=team, user=owner, name="Sandbox with events", cloud_id="CLOUD-1",
                             auth_token=settings.SANDBOX_AUTH_TOKEN, base_url=sandbox_url, send_events=True)


def _settled(call_id: int, events: int) -> CallOutcome:
    """Wait until all ``events`` of the call are stored and processed, and no processing waits: the
    worker is then idle for this call when the test's database is flushed."""
    return wait_for(lambda: CallOutcome.objects.filter(call_id=call_id, pending=False, event_count=events).first()
                    if CallEvent.objects.filter(call_id=call_id).count() == events else None,
                    timeout=30, what="every event processed")


def _launch_and_wait(flow, owner, credential, number):
    from editor.calls.services.calls import call_launch

    call = call_launch(flow=flow, user=owner, number=number, credential=credential)
    assert final_call(call.pk).status == "accepted"
    return _settled(call.pk, 9)


def test_the_sandbox_sends_events_and_a_worker_derives_the_outcome(live_events, flow, owner, sandbox_requests):
    outcome = _launch_and_wait(flow, owner, live_events, "+15550101244")
    assert outcome.answered is True
    assert outcome.path == ["0", "1", "2", "5", "3"]  # second-to-last digit even: the web request succeeds
    assert outcome.digits == {"account_id": "1244"}
    assert (outcome.end_reason, outcome.end_step) == ("completed", "3")
    [received] = sandbox_requests(number="+15550101244")
    assert received["payload"]["publish"]["url"].endswith("/hooks/samespace/REDACTED/")
    call = outcome.call
    assert call.events_secret not in str(received)


def test_faults_change_nothing_in_the_outcome(live_events, flow, owner, settings):
    settings.SANDBOX_EVENT_FAULTS = ["duplicates", "reorder", "late"]
    outcome = _launch_and_wait(flow, owner, live_events, "+15550101234")
    assert outcome.path == ["0", "1", "2", "5", "4"]  # odd: the web request fails
    assert outcome.digits == {"account_id": "1234"}
    assert outcome.http == [{"step": "5", "status": "500", "outcome": "fail"}]
    assert (outcome.end_reason, outcome.end_step) == ("completed", "4")


def test_a_caller_who_does_not_answer(live_events, flow, owner):
    from editor.calls.services.calls import call_launch

    call = call_launch(flow=flow, user=owner, number="+15550101239", credential=live_events)
    assert final_call(call.pk).status == "accepted"
    outcome = _settled(call.pk, 3)
    assert outcome.answered is False and outcome.end_reason == "no_answer" and outcome.path == ["0"]
    assert settings.SANDBOX_AUTH_TOKEN  # the sandbox accepted the call
