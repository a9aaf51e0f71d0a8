"""The events hook: stores each event once, in any order, refuses what it must, never answers 500."""

from __future__ import annotations

import logging

import pytest
from django.db import DatabaseError

from editor.events.models import CallEvent, CallOutcome, ProcessingScheduled
from editor.events.processing import call_process_events, events_process
from tests.support.api import is_error_body

pytestmark = pytest.mark.django_db

T0 = 1_780_000_000  # seconds since 1970

EVENTS = [
    {"event": "ringing", "timestamp": T0},
    {"event": "answered", "timestamp": T0 + 5},
    {"event": "step", "step": "1", "timestamp": T0 + 6},
    {"event": "step", "step": "2", "timestamp": T0 + 10},
    {"event": "digits", "step": "2", "digits": "1234", "timestamp": T0 + 15},
    {"event": "step", "step": "5", "timestamp": T0 + 16},
    {"event": "http", "step": "5", "status": 200, "timestamp": T0 + 17},
    {"event": "step", "step": "3", "timestamp": T0 + 18},
    {"event": "ended", "reason": "completed", "step": "3", "timestamp": T0 + 60},
]


def _post_all(hook, call, events):
    for event in events:
        response = hook(call, event)
        assert response.status_code == 202, response.content


def _outcome(call):
    return call_process_events(call_id=call.pk)


def test_events_are_stored_raw_and_processed_after_commit(make_call, hook, django_capture_on_commit_callbacks):
    call = make_call()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = hook(call, {**EVENTS[0], "vendor_field": {"kept": True}})
    assert response.status_code == 202
    assert response.json() == {"received": 1}
    assert len(callbacks) == 1  # processing is enqueued once the events are committed
    event = CallEvent.objects.get(call=call)
    assert '"vendor_field":{"kept":true}' in event.raw.replace(" ", "")
    assert event.kind == "ringing"
    waiting = CallOutcome.objects.get(call=call)  # marked pending; nothing derived inside the request
    assert waiting.pending and waiting.event_count == 0 and waiting.path == []


def test_the_outcome_of_a_whole_call(make_call, hook):
    call = make_call()
    _post_all(hook, call, EVENTS)
    outcome = _outcome(call)
    assert outcome.answered is True
    assert outcome.path == ["0", "1", "2", "5", "3"]
    assert outcome.digits == {"account_id": "1234"}
    assert outcome.http == [{"step": "5", "status": "200", "outcome": "success"}]
    assert (outcome.end_reason, outcome.end_step) == ("completed", "3")
    assert outcome.duration_seconds == 55.0
    assert [item["kind"] for item in outcome.timeline][:2] == ["ringing", "answered"]


def test_a_duplicate_is_stored_once_and_counted_once(make_call, hook):
    call = make_call()
    _post_all(hook, call, EVENTS)
    first = _outcome(call)
    _post_all(hook, call, EVENTS[3:6])  # delivered again
    assert CallEvent.objects.filter(call=call).count() == len(EVENTS)
    again = _outcome(call)
    assert again.path == first.path and again.applied == first.applied


def test_an_event_id_makes_two_different_bodies_one_event(make_call, hook):
    call = make_call()
    hook(call, {"id": "ev-1", "event": "ringing", "timestamp": T0})
    hook(call, {"id": "ev-1", "event": "ringing", "timestamp": T0, "retry": 2})
    assert CallEvent.objects.filter(call=call).count() == 1


def test_any_order_and_a_late_event_give_the_same_outcome(make_call, hook):
    in_order, shuffled = make_call(), make_call("+15550100124")
    _post_all(hook, in_order, EVENTS)
    expected = _outcome(in_order)
    late = EVENTS[4]
    reordered = list(reversed([e for e in EVENTS if e is not late]))
    _post_all(hook, shuffled, reordered)
    before_late = _outcome(shuffled)
    assert "account_id" not in before_late.digits
    hook(shuffled, late)  # arrives after the call ended
    after = _outcome(shuffled)
    for name in ("answered", "path", "digits", "http", "end_reason", "end_step", "duration_seconds", "applied"):
        if name == "applied":
            assert {k: v for k, v in after.applied.items() if k != "day"} == {
                k: v for k, v in expected.applied.items() if k != "day"}
        else:
            assert getattr(after, name) == getattr(expected, name), name


def test_a_batch_of_events_in_one_request(make_call, hook):
    call = make_call()
    response = hook(call, EVENTS)
    assert response.status_code == 202 and response.json() == {"received": len(EVENTS)}
    assert _outcome(call).path == ["0", "1", "2", "5", "3"]


@pytest.mark.parametrize("change", ["secret", "key", "short", "not_hex"])
def test_a_wrong_token_is_404(make_call, hook, change):
    call = make_call()
    token = call.events_key + call.events_secret
    bad = {
        "secret": token[:-1] + ("0" if token[-1] != "0" else "1"),
        "key": ("0" if token[0] != "0" else "1") + token[1:],
        "short": token[:-2],
        "not_hex": token[:-1] + "z",
    }[change]
    response = hook(call, EVENTS[0], token=bad)
    assert response.status_code == 404 and is_error_body(response.json())
    assert response.json()["code"] == "not_found"
    assert not CallEvent.objects.exists()


def test_a_call_without_events_has_no_address(flow, owner, team, hook):
    from django.conf import settings

    from editor.calls.services.calls import call_launch
    from editor.calls.services.credentials import credential_create

    plain = credential_create(team=team, user=owner, name="Plain", cloud_id="C", auth_token=settings.SANDBOX_AUTH_TOKEN,
                              base_url="http://127.0.0.1:9/sandbox/api/public/v1")
    call = call_launch(flow=flow, user=owner, number="+15550100999", credential=plain)
    assert call.events_key is None and call.events_secret == ""
    assert "publish" not in call.request_payload
    assert hook(call, EVENTS[0], token="0" * 48).status_code == 404


def test_an_oversized_body_is_413(make_call, hook, settings):
    settings.EVENTS_MAX_BODY_BYTES = 200
    call = make_call()
    response = hook(call, {"event": "ringing", "padding": "x" * 300})
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert not CallEvent.objects.exists()


@pytest.mark.parametrize("body", [
    b"{not json", b"\xff\xfe{}", b'{"event": NaN}', b"[1, 2]", b"[]", b'"text"', b"", b"[" * 100 + b"]" * 100,
])
def test_malformed_bodies_are_400(make_call, hook, body):
    call = make_call()
    response = hook(call, body)
    assert response.status_code == 400, (body, response.content)
    assert is_error_body(response.json())
    assert not CallEvent.objects.exists()


def test_nul_and_lone_surrogates_are_stored_without_failing(make_call, hook):
    call = make_call()
    response = hook(call, '{"event": "digits", "step": "2\\u0000", "digits": "1\\ud800", "timestamp": 1780000000}')
    assert response.status_code == 202
    event = CallEvent.objects.get(call=call)
    assert (event.step_id, event.digits) == ("2", "1")


def test_more_events_than_allowed_per_call_are_429(make_call, hook, settings):
    settings.EVENTS_MAX_PER_CALL = 3
    call = make_call()
    for n in range(3):
        assert hook(call, {"event": "step", "step": "1", "n": n}).status_code == 202
    response = hook(call, {"event": "step", "step": "1", "n": 4})
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    assert response["Retry-After"]


def test_other_methods_are_405(make_call, client):
    call = make_call()
    response = client.get(f"/hooks/samespace/{call.events_key}{call.events_secret}/")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_a_storage_failure_is_503_not_500(make_call, hook, monkeypatch):
    call = make_call()

    def broken(*args, **kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr("editor.events.store.insert_and_mark", broken)
    response = hook(call, EVENTS[0])
    assert response.status_code == 503 and response.json()["code"] == "unavailable"


def test_the_token_is_never_logged(make_call, hook, caplog):
    call = make_call()
    token = call.events_key + call.events_secret
    with caplog.at_level(logging.DEBUG):
        hook(call, EVENTS[0])
        hook(call, b"{bad")
        # Another last character, always: "0" in place of a last "0" would be the right token (1 in 16).
        wrong = token[:-1] + ("1" if token[-1] == "0" else "0")
        assert hook(call, EVENTS[0], token=wrong).status_code == 404
    assert call.events_secret not in caplog.text


def test_log_lines_hide_the_token_of_an_events_address():
    from editor.events.logfilter import RedactHookTokens

    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               ("POST /hooks/samespace/abcdef0123456789abcdef HTTP/1.1", 202, 15), None)
    assert RedactHookTokens().filter(record)
    assert record.getMessage() == '"POST /hooks/samespace/REDACTED HTTP/1.1" 202 15'


def test_a_burst_of_events_enqueues_processing_once_until_it_ran(make_call, hook, django_capture_on_commit_callbacks):
    calls = [make_call(), make_call("+15550100124")]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for event in EVENTS[:4]:
            for call in calls:
                assert hook(call, event).status_code == 202
    # The first request of each call turns its outcome pending and schedules once committed (the
    # others find it pending); only the first schedule enqueues.
    assert [run() for run in callbacks] == [True, False]
    assert ProcessingScheduled.objects.count() == 1
    assert all(CallOutcome.objects.get(call=call).pending for call in calls)

    assert events_process() == (2, 8)  # one task: every pending call, in bulk
    assert not ProcessingScheduled.objects.exists()
    for call in calls:
        outcome = CallOutcome.objects.get(call=call)
        assert not outcome.pending and outcome.event_count == 4 and outcome.path == ["0", "1", "2"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hook(calls[0], EVENTS[4])
        hook(calls[0], EVENTS[4])  # a duplicate: nothing new, nothing to schedule
    assert [run() for run in callbacks] == [True]  # processed since: the next event enqueues again
    assert events_process() == (1, 5)


def test_the_development_servers_request_log_hides_events_tokens(settings):
    logging_config = settings.LOGGING
    assert "hook_tokens" in logging_config["handlers"]["django.server"]["filters"]
    assert logging_config["loggers"]["django.server"]["handlers"] == ["django.server"]
    assert "hook_tokens" in logging_config["handlers"]["console"]["filters"]


def test_without_the_trailing_slash_it_is_the_same_hook(make_call, client):
    call = make_call()
    response = client.post(f"/hooks/samespace/{call.events_key}{call.events_secret}", data=EVENTS[0],
                           content_type="application/json")
    assert response.status_code == 202
    assert CallEvent.objects.filter(call=call).count() == 1


def test_a_body_over_the_sites_limit_is_413_in_the_error_shape(make_call, client, settings):
    settings.API_MAX_JSON_BYTES = 100
    call = make_call()
    response = client.post(f"/hooks/samespace/{call.events_key}{call.events_secret}/",
                           data={"event": "ringing", "padding": "x" * 200}, content_type="application/json")
    assert response.status_code == 413 and is_error_body(response.json())
