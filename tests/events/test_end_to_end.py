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


def _launch_and_wait(flow, owner, credential, number):
    from editor.calls.services.calls import call_launch

    call = call_launch(flow=flow, user=owner, number=number, credential=credential)
    assert final_call(call.pk).status == "accepted"
    return wait_for(
        lambda: CallOutcome.objects.filter(call_id=call.pk, end_reason__gt="", event_count__gte=9).first(),
        timeout=30, what="the call's outcome",
    )


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
    wait_for(lambda: CallOutcome.objects.get(pk=outcome.pk).event_count == 9 and CallEvent.objects.filter(
        call_id=outcome.pk).count() == 9, timeout=30, what="every event")
    outcome = wait_for(lambda: (lambda o: o if o.digits else None)(CallOutcome.objects.get(pk=outcome.pk)),
                       timeout=30, what="the late digits")
    assert outcome.path == ["0", "1", "2", "5", "4"]  # odd: the web request fails
    assert outcome.digits == {"account_id": "1234"}
    assert outcome.http == [{"step": "5", "status": "500", "outcome": "fail"}]
    assert (outcome.end_reason, outcome.end_step) == ("completed", "4")


def test_a_caller_who_does_not_answer(live_events, flow, owner):
    from editor.calls.services.calls import call_launch

    call = call_launch(flow=flow, user=owner, number="+15550101239", credential=live_events)
    outcome = wait_for(lambda: CallOutcome.objects.filter(call_id=call.pk, end_reason__gt="").first(),
                       timeout=30, what="the outcome")
    assert outcome.answered is False and outcome.end_reason == "no_answer" and outcome.path == ["0"]
    assert settings.SANDBOX_AUTH_TOKEN  # the sandbox accepted the call
