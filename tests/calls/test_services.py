"""The call services without a worker: claim, outcomes, retries, reaper (also run on SQLite)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from editor.calls import hooks, samespace
from editor.calls.models import Call, CallStatus, Credential
from editor.calls.samespace import Kind, Outcome
from editor.calls.services import calls as services
from editor.calls.services.credentials import credential_create
from editor.flows.services.flows import flow_create, flow_publish

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]
TOKEN = "svc-token-5e4d3c2b1a09f8e7d6c5"


@pytest.fixture
def version(team, samespace_example_fixed):
    flow = flow_create(team=team, user=None, name="F", document=samespace_example_fixed)
    return flow_publish(flow=flow, user=None)


@pytest.fixture
def credential(team) -> Credential:
    return credential_create(team=team, user=None, name="C", cloud_id="CLOUD", auth_token=TOKEN)


@pytest.fixture
def posts(monkeypatch):
    """Replace the HTTP POST: each call pops the next outcome; records what was sent."""
    sent: list[dict] = []
    outcomes: list[Outcome] = []

    def fake_post(*, base_url, payload, idempotency_key):
        sent.append({"payload": payload, "key": idempotency_key})
        return outcomes.pop(0)

    monkeypatch.setattr(samespace, "post_call", fake_post)
    monkeypatch.setattr(services, "enqueue_call", lambda call_id, eta=None: None)
    return sent, outcomes


def _queued(version, credential) -> Call:
    return services.call_create(version=version, credential=credential, number="+15550100")


def test_it_claims_once_and_sends_the_real_token_with_the_calls_key(version, credential, posts):
    sent, outcomes = posts
    call = _queued(version, credential)
    outcomes.append(Outcome(Kind.ACCEPTED, 200, '{"call_id": "s1"}', samespace_call_id="s1"))

    assert services.call_place(call_id=call.pk) == "accepted"
    assert services.call_place(call_id=call.pk) == "not_claimed"
    assert len(sent) == 1
    assert sent[0]["payload"]["auth_token"] == TOKEN and sent[0]["key"] == str(call.idempotency_key)
    call.refresh_from_db()
    assert (call.status, call.samespace_call_id, call.attempt_count) == ("accepted", "s1", 1)
    assert call.request_payload["auth_token"] == "REDACTED"


def test_it_does_not_claim_a_call_before_its_time(version, credential, posts):
    call = _queued(version, credential)
    Call.objects.filter(pk=call.pk).update(not_before=timezone.now() + timezone.timedelta(minutes=5))
    assert services.call_place(call_id=call.pk) == "not_claimed"
    assert Call.objects.get(pk=call.pk).status == CallStatus.QUEUED


def test_it_requeues_what_was_not_processed_with_the_same_key_until_max_attempts(version, credential, posts,
                                                                                 settings):
    sent, outcomes = posts
    settings.SAMESPACE_MAX_ATTEMPTS = 3
    call = _queued(version, credential)
    for attempt in range(1, 4):
        outcomes.append(Outcome(Kind.RETRY, 503, "busy", error="503", retry_after=None if attempt < 3 else 1.0))
        Call.objects.filter(pk=call.pk).update(not_before=timezone.now())
        services.call_place(call_id=call.pk)
        call.refresh_from_db()
        if attempt < 3:
            assert call.status == CallStatus.QUEUED and call.not_before > timezone.now()
    assert call.status == CallStatus.FAILED and "Gave up after 3 attempts" in call.error
    assert {s["key"] for s in sent} == {str(call.idempotency_key)}
    assert list(call.attempts.values_list("outcome", flat=True)) == ["retry", "retry", "failed"]


@pytest.mark.parametrize("kind, status", [(Kind.UNKNOWN, "unknown"), (Kind.FAILED, "failed")])
def test_it_never_retries_unknown_or_failed(version, credential, posts, kind, status):
    sent, outcomes = posts
    call = _queued(version, credential)
    outcomes.append(Outcome(kind, 500 if kind == Kind.UNKNOWN else 400, "", error="x"))
    services.call_place(call_id=call.pk)
    call.refresh_from_db()
    assert call.status == status and call.attempt_count == 1
    assert services.call_place(call_id=call.pk) == "not_claimed"


def test_it_marks_the_credential_and_signals_on_401(version, credential, posts, django_capture_on_commit_callbacks):
    sent, outcomes = posts
    received = []
    hooks.credential_rejected.connect(lambda sender, credential, **kw: received.append(credential.pk),
                                         weak=False, dispatch_uid="test-401")
    try:
        call = _queued(version, credential)
        outcomes.append(Outcome(Kind.FAILED, 401, "no", error="refused", auth_rejected=True))
        with django_capture_on_commit_callbacks(execute=True):
            services.call_place(call_id=call.pk)
    finally:
        hooks.credential_rejected.disconnect(dispatch_uid="test-401")
    credential.refresh_from_db()
    assert credential.rejected_at is not None and received == [credential.pk]


def test_it_skips_a_call_the_precheck_refuses(version, credential, posts, monkeypatch):
    sent, _ = posts
    monkeypatch.setattr(services, "call_precheck", lambda call: "The campaign was paused.")
    call = _queued(version, credential)
    assert services.call_place(call_id=call.pk) == "skipped"
    call.refresh_from_db()
    assert (call.status, call.error, sent) == ("skipped", "The campaign was paused.", [])


def test_it_fails_a_queued_call_whose_credential_was_deleted(version, credential, posts):
    call = _queued(version, credential)
    credential.delete()
    assert services.call_place(call_id=call.pk) == "failed"
    assert "deleted" in Call.objects.get(pk=call.pk).error


def test_it_reaps_stuck_sending_rows_and_requeues_lost_messages(version, credential, monkeypatch, settings,
                                                                django_capture_on_commit_callbacks):
    enqueued = []
    monkeypatch.setattr(services, "enqueue_call", lambda call_id, eta=None: enqueued.append(call_id))
    now = timezone.now()
    stuck = _queued(version, credential)
    Call.objects.filter(pk=stuck.pk).update(status=CallStatus.SENDING, attempt_count=1,
                                            claimed_at=now - timezone.timedelta(seconds=5))
    lost = _queued(version, credential)
    Call.objects.filter(pk=lost.pk).update(message_due_at=now - timezone.timedelta(hours=1),
                                           not_before=now - timezone.timedelta(hours=1))
    waiting = _queued(version, credential)  # its message is still fresh
    enqueued.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.calls_reap(now=now) == {"unknown": 0, "requeued": 1}  # sending for 5 s: within the limit
    assert enqueued == [lost.pk]
    later = now + timezone.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 10)
    assert services.calls_reap(now=later)["unknown"] == 1
    stuck.refresh_from_db()
    assert stuck.status == CallStatus.UNKNOWN and "worker stopped" in stuck.error
    assert list(stuck.attempts.values_list("outcome", flat=True)) == ["unknown"]
    assert Call.objects.get(pk=waiting.pk).status == CallStatus.QUEUED


def test_it_keeps_the_real_outcome_when_the_answer_arrives_after_the_reaper(version, credential, posts, monkeypatch):
    sent, outcomes = posts
    call = _queued(version, credential)

    def slow_post(**kwargs):
        # The reaper decides the row is stuck while the POST is still out.
        Call.objects.filter(pk=call.pk).update(status=CallStatus.UNKNOWN)
        return Outcome(Kind.ACCEPTED, 200, "{}")

    monkeypatch.setattr(samespace, "post_call", slow_post)
    services.call_place(call_id=call.pk)
    assert Call.objects.get(pk=call.pk).status == CallStatus.ACCEPTED


def test_it_finishes_a_call_from_its_recorded_attempt_when_the_worker_died_in_between(version, credential,
                                                                                      monkeypatch, settings):
    from editor.calls.models import CallAttempt

    enqueued = []
    monkeypatch.setattr(services, "enqueue_call", lambda call_id, eta=None: enqueued.append(call_id))
    now = timezone.now()
    long_ago = now - timezone.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    accepted, retried = _queued(version, credential), _queued(version, credential)
    for call, outcome, code, body in ((accepted, "accepted", 200, '{"call_id": "s-9"}'), (retried, "retry", 503, "")):
        Call.objects.filter(pk=call.pk).update(status=CallStatus.SENDING, attempt_count=1, claimed_at=long_ago)
        CallAttempt.objects.create(call=call, number=1, started_at=long_ago, outcome=outcome, status_code=code,
                                   body_excerpt=body, retry_in=1.0 if outcome == "retry" else None)
    enqueued.clear()

    services.calls_reap(now=now)
    accepted.refresh_from_db()
    retried.refresh_from_db()
    assert (accepted.status, accepted.response_status, accepted.samespace_call_id) == ("accepted", 200, "s-9")
    assert retried.status == CallStatus.QUEUED and retried.attempt_count == 1  # certainly not processed: sent again
    assert CallAttempt.objects.filter(call=accepted).count() == 1


def test_it_uses_a_constant_number_of_queries_per_call(version, credential, posts, django_assert_num_queries):
    sent, outcomes = posts
    for round_size in (1, 5):
        calls = []
        with django_assert_num_queries(round_size):  # one INSERT per launch
            for _ in range(round_size):
                calls.append(_queued(version, credential))
        for call in calls:
            outcomes.append(Outcome(Kind.ACCEPTED, 200, "{}"))
            # claim UPDATE, SELECT call + credential, INSERT attempt, UPDATE call
            with django_assert_num_queries(4):
                services.call_place(call_id=call.pk)
