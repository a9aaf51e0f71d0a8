"""Launch → worker process → sandbox on a live server, on Redis and PostgreSQL."""

from __future__ import annotations

import pytest
from django.utils import timezone

from editor.calls.models import Call, CallStatus
from tests.support.workers import WORKER_MAX_ATTEMPTS, WORKER_TIME_LIMIT, final_call, wait_for

pytestmark = [pytest.mark.slow]


def launch(version, credential, number: str, **variables):
    from editor.calls.services.calls import call_create

    return call_create(version=version, credential=credential, number=number, variables={"name": "Ada", **variables})


def test_it_records_the_worker_heartbeat_for_healthz(worker, transactional_db, client, settings):
    from editor.calls.models import WorkerHeartbeat

    wait_for(lambda: WorkerHeartbeat.objects.filter(hostname=worker.hostname).exists(), what="a heartbeat")
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["worker"]["ok"] is True
    assert body["broker"]["transport"] == "redis"
    reaper = settings.CELERY_BEAT_SCHEDULE["calls-reaper"]
    assert reaper["task"] == "editor.tasks.reap_calls" and reaper["schedule"] <= 60


def test_it_places_a_launched_call_and_stores_the_answer(worker, version, credential, sandbox_requests):
    call = launch(version, credential, "+15550100")
    call = final_call(call.pk)

    assert call.status == CallStatus.ACCEPTED
    assert call.response_status == 200
    assert call.attempt_count == 1
    [received] = sandbox_requests(idempotency_key=str(call.idempotency_key))
    assert received["status"] == 200
    assert call.samespace_call_id == received["call_id"]
    assert received["payload"]["auth_token"] == "REDACTED"
    assert call.request_payload["auth_token"] == "REDACTED"
    steps = received["payload"]["flow"]
    assert steps[0]["number"] == "+15550100"
    assert steps[1]["text"] == "Hello Ada, welcome to Samespace."
    assert all(isinstance(step["id"], str) for step in steps)
    [attempt] = call.attempts.all()
    assert (attempt.outcome, attempt.status_code) == ("accepted", 200)
    assert attempt.duration_ms is not None and call.samespace_call_id in attempt.body_excerpt


def test_it_retries_a_503_once_with_the_same_idempotency_key(worker, version, credential, sandbox_requests):
    call = final_call(launch(version, credential, "+15550503").pk)

    assert call.status == CallStatus.ACCEPTED
    assert call.attempt_count == 2
    assert [a.outcome for a in call.attempts.all()] == ["retry", "accepted"]
    received = sandbox_requests(number="+15550503")
    assert sorted(r["status"] for r in received) == [200, 503]
    assert {r["idempotency_key"] for r in received} == {str(call.idempotency_key)}


def test_it_fails_a_400_at_once_without_retrying(worker, version, credential, sandbox_requests):
    call = final_call(launch(version, credential, "+15550400").pk)

    assert call.status == CallStatus.FAILED
    assert call.response_status == 400
    assert call.attempt_count == 1
    assert len(sandbox_requests(idempotency_key=str(call.idempotency_key))) == 1


def test_it_fails_a_refused_token_and_marks_the_credential(worker, version, credential, sandbox_requests):
    from editor.calls.services.credentials import credential_update

    credential_update(credential=credential, auth_token="not-the-sandbox-token")
    call = final_call(launch(version, credential, "+15550100").pk)

    assert (call.status, call.response_status, call.attempt_count) == (CallStatus.FAILED, 401, 1)
    credential.refresh_from_db()
    assert credential.rejected_at is not None


@pytest.mark.parametrize("number, code", [("+15550500", 500), ("+15550599", None)], ids=["500", "dropped"])
def test_it_marks_a_500_or_a_dropped_connection_unknown_without_retrying(
    worker, version, credential, sandbox_requests, number, code
):
    call = final_call(launch(version, credential, number).pk)

    assert call.status == CallStatus.UNKNOWN
    assert call.response_status == code
    assert call.attempt_count == 1
    assert len(sandbox_requests(idempotency_key=str(call.idempotency_key))) == 1


def test_it_marks_a_read_timeout_unknown_without_retrying(worker, version, credential, sandbox_requests, settings):
    settings.SANDBOX_SLOW_SECONDS = 5.5  # the worker reads for 4 s
    call = final_call(launch(version, credential, "+15550555").pk)

    assert call.status == CallStatus.UNKNOWN
    assert "read timeout" in call.error
    assert call.attempt_count == 1
    assert len(sandbox_requests(idempotency_key=str(call.idempotency_key))) == 1


def test_it_honours_retry_after_on_429(worker, version, credential, sandbox_requests, settings):
    settings.SANDBOX_RETRY_AFTER = 2
    call = final_call(launch(version, credential, "+15550429").pk)

    assert call.status == CallStatus.ACCEPTED
    first, second = call.attempts.all()
    assert (first.status_code, second.status_code) == (429, 200)
    assert first.retry_in >= 2
    assert (second.started_at - first.started_at).total_seconds() >= 2
    assert len(sandbox_requests(idempotency_key=str(call.idempotency_key))) == 2


def test_it_gives_up_after_the_configured_attempts_when_nothing_listens(worker, version, credential):
    from editor.calls.services.credentials import credential_update

    credential_update(credential=credential, base_url="http://127.0.0.1:9/sandbox/api/public/v1",
                      auth_token=credential.reveal_token())  # discard port: refused
    call = final_call(launch(version, credential, "+15550100").pk)

    assert call.status == CallStatus.FAILED
    assert call.attempt_count == WORKER_MAX_ATTEMPTS
    assert set(call.attempts.values_list("outcome", flat=True)) == {"retry", "failed"}
    assert "Gave up after 3 attempts" in call.error


def test_it_posts_once_when_the_same_task_is_delivered_twice(worker, version, credential, sandbox_requests):
    from editor.calls.tasks import place_call

    call = launch(version, credential, "+15550100")
    place_call.apply_async(args=[call.pk])  # a second message for the same call
    call = final_call(call.pk)
    wait_for(lambda: f"Call {call.pk} not claimed" in worker.text(), what="the second delivery to lose its claim")

    assert call.status == CallStatus.ACCEPTED
    assert len(sandbox_requests(idempotency_key=str(call.idempotency_key))) == 1


def test_it_sends_nothing_for_a_rolled_back_transaction(worker, broker_url, version, credential, sandbox_requests):
    from django.db import transaction

    from tests.support.workers import queue_length

    with pytest.raises(RuntimeError), transaction.atomic():
        launch(version, credential, "+15550111")
        raise RuntimeError("the view failed after launching")
    assert not Call.objects.exists()
    assert queue_length(broker_url) == 0
    # A call launched afterwards goes through; the worker takes messages in order, so had the
    # rolled-back one been published it would have been posted before this one.
    sentinel = final_call(launch(version, credential, "+15550222").pk)
    assert sentinel.status == CallStatus.ACCEPTED
    assert [r["number"] for r in sandbox_requests()] == ["+15550222"]


def test_it_never_posts_twice_when_the_worker_is_killed_during_the_post(
    worker, version, credential, sandbox_requests, settings
):
    from editor.calls.services.calls import calls_reap

    settings.SANDBOX_SLOW_SECONDS = 3  # below the worker's read timeout: the kill comes first
    call = launch(version, credential, "+15550555")
    key = str(call.idempotency_key)
    wait_for(lambda: sandbox_requests(idempotency_key=key), what="the sandbox to receive the POST")
    assert Call.objects.get(pk=call.pk).status == CallStatus.SENDING
    killed = worker.kill_children()  # SIGKILL while the sandbox is still answering
    assert killed

    # acks_late + reject_on_worker_lost: the message comes back, and its new delivery loses the claim.
    wait_for(lambda: f"Call {call.pk} not claimed" in worker.text(), what="the redelivered task")
    wait_for(lambda: sandbox_requests(idempotency_key=key)[0]["status"] == 200, timeout=10, what="the slow answer")
    assert len(sandbox_requests(idempotency_key=key)) == 1
    assert Call.objects.get(pk=call.pk).status == CallStatus.SENDING  # not lost: still visible

    # The reaper turns it unknown once it is older than the task time limit; never re-sent.
    assert calls_reap() == {"unknown": 0, "requeued": 0}  # too early: the attempt may still run
    later = timezone.now() + timezone.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 10)
    assert calls_reap(now=later)["unknown"] == 1
    call.refresh_from_db()
    assert call.status == CallStatus.UNKNOWN
    assert [a.outcome for a in call.attempts.all()] == ["unknown"]
    wait_for(lambda: len(worker.children()) == 2, what="the pool to replace its children")
    assert len(sandbox_requests(idempotency_key=key)) == 1


def test_it_reenqueues_a_due_call_whose_message_was_lost(worker, version, credential, sandbox_requests, settings):
    from editor.calls.services.calls import calls_reap

    long_ago = timezone.now() - timezone.timedelta(minutes=10)
    call = launch(version, credential, "+15550100")
    # Simulate a message lost between commit and publish: the row is due and its message is gone.
    lost = Call.objects.create(
        team=call.team, flow_version=version, credential=credential, number="+15550333",
        request_payload={**call.request_payload, "flow": [{**call.request_payload["flow"][0], "number": "+15550333"},
                                                          *call.request_payload["flow"][1:]]},
        not_before=long_ago, message_due_at=long_ago,
    )
    final_call(call.pk)
    assert Call.objects.get(pk=lost.pk).status == CallStatus.QUEUED

    assert calls_reap()["requeued"] == 1
    assert final_call(lost.pk).status == CallStatus.ACCEPTED
    assert len(sandbox_requests(number="+15550333")) == 1


def test_it_never_posts_twice_when_the_whole_worker_is_killed_during_the_post(
    broker_url, version, credential, sandbox_requests, settings, tmp_path
):
    """SIGKILL of the main process and its children: the message stays unacknowledged in Redis and
    is handed out again after the visibility timeout; its new delivery loses the claim."""
    from editor.calls.services.calls import calls_reap
    from flowstudio.celery import app
    from tests.support.workers import Worker, private_broker_url, purge, use_broker, worker_database_url, worker_env

    url = private_broker_url(offset=1)  # a Redis DB of its own, so no other worker takes the message
    purge(url, everything=True)
    env = worker_env(DATABASE_URL=worker_database_url(), CELERY_BROKER_URL=url, CELERY_VISIBILITY_TIMEOUT="12")
    first = Worker(env, tmp_path / "first.log", concurrency=1)
    second = None
    use_broker(url, {"visibility_timeout": 12})
    try:
        first.wait_ready()
        settings.SANDBOX_SLOW_SECONDS = 3
        call = launch(version, credential, "+15550555")
        key = str(call.idempotency_key)
        wait_for(lambda: sandbox_requests(idempotency_key=key), what="the sandbox to receive the POST")
        first.kill_all()
        wait_for(lambda: sandbox_requests(idempotency_key=key)[0]["status"] == 200, timeout=10, what="the answer")

        second = Worker(env, tmp_path / "second.log", concurrency=1)
        second.wait_ready()

        def redelivered() -> bool:
            # Kombu's periodic sweep of unacknowledged messages, run now rather than in a minute or two.
            with app.connection_for_write() as conn:
                conn.default_channel.qos.restore_visible(num=100)
            return f"Call {call.pk} not claimed" in second.text()

        wait_for(redelivered, timeout=40, interval=0.5, what="the message to be delivered again")
        assert len(sandbox_requests(idempotency_key=key)) == 1
        later = timezone.now() + timezone.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 10)
        assert calls_reap(now=later)["unknown"] == 1
        assert Call.objects.get(pk=call.pk).status == CallStatus.UNKNOWN
    finally:
        use_broker(broker_url, {"visibility_timeout": WORKER_TIME_LIMIT * 3})
        first.stop()
        if second is not None:
            second.stop()
        purge(url, everything=True)
