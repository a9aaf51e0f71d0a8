"""Storing and processing in bulk: the hook's statements on PostgreSQL and elsewhere, the per-call limit
counted in the outcome row, the "processing scheduled" mark, and one task deriving many calls."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editor.events import processing, store
from editor.events.models import CallEvent, CallOutcome, ProcessingScheduled
from editor.events.services import events_receive

from .test_hook import EVENTS

pytestmark = pytest.mark.django_db


def _send(call, obj) -> None:
    events_receive(token=call.events_key + call.events_secret, body=json.dumps(obj).encode())


@pytest.mark.parametrize("vendor", ["postgresql", "other"])
def test_new_events_are_stored_once_and_mark_the_outcome_on_either_path(make_call, monkeypatch, vendor):
    call = make_call()
    if vendor == "other":  # the two-statement path (SQLite, `make run`), in a transaction, on this database
        monkeypatch.setattr(type(connections["default"]), "vendor", "other")
    assert connection.vendor == vendor
    now = timezone.now()
    row = (call.pk, "k1", "{}", "step", "1", "", "", "", None, None, now)

    def store_(rows):  # each request has a time of its own
        return store.insert_and_mark(call_id=call.pk, version_id=call.flow_version_id, rows=rows, now=timezone.now())

    assert store_([row]) == store.Stored(stored=1, schedule=True)  # created pending: schedule
    assert store_([row]) == store.Stored(stored=None, schedule=False)  # known: nothing changes
    second = (call.pk, "k2", "{}", "step", "2", "", "", "", now, 7, now)
    assert store_([row, second]) == store.Stored(stored=2, schedule=False)  # pending already
    outcome = CallOutcome.objects.get(call=call)
    assert outcome.pending and outcome.stored == 2 and outcome.path == [] and outcome.applied == {}
    CallOutcome.objects.filter(call=call).update(pending=False)  # as a task's claim does
    third = (call.pk, "k3", "{}", "step", "3", "", "", "", now, 8, now)
    later = timezone.now()
    assert store.insert_and_mark(call_id=call.pk, version_id=call.flow_version_id, rows=[third],
                                 now=later) == store.Stored(stored=3, schedule=True)  # pending again
    assert CallOutcome.objects.get(call=call).updated_at == later
    assert sorted(CallEvent.objects.filter(call=call).values_list("dedupe_key", "sequence")) == [
        ("k1", None), ("k2", 7), ("k3", 8)]


def test_the_hook_runs_the_same_statements_for_the_second_and_the_hundredth_event(make_call):
    call = make_call()
    counted = []
    for n in range(100):
        with CaptureQueriesContext(connection) as captured:
            _send(call, {"event": "step", "step": "1", "n": n})
        counted.append(len(captured.captured_queries))
    # The first finds the call (once per process) and stores; every later one only stores. The
    # schedule runs once committed, for the first only: the outcome is pending from then on.
    assert counted[0] == 2 and set(counted[1:]) == {1}


@pytest.mark.django_db(transaction=True)  # the events' foreign key is checked when they are committed
def test_a_call_deleted_after_its_first_event_is_404_not_stored(make_call, hook):
    call = make_call()
    assert hook(call, EVENTS[0]).status_code == 202  # this process now knows the call
    token = call.events_key + call.events_secret
    call.delete()
    response = hook(call, EVENTS[1], token=token)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not CallEvent.objects.exists()


def test_the_per_call_limit_counts_stored_events_not_deliveries(make_call, hook, settings):
    settings.EVENTS_MAX_PER_CALL = 3
    call = make_call()
    for _ in range(5):  # the same event again and again: one stored
        assert hook(call, EVENTS[0]).status_code == 202
    assert CallOutcome.objects.get(call=call).stored == 1
    assert hook(call, EVENTS[1:3]).status_code == 202
    assert hook(call, EVENTS[3]).status_code == 429


def test_a_mark_left_by_a_lost_task_is_replaced(monkeypatch):
    old = timezone.now() - timedelta(seconds=store.STALE_SECONDS + 1)
    ProcessingScheduled.objects.create(id=1, at=old)
    now = timezone.now()
    monkeypatch.setattr(store, "_last_stale_check", [now.timestamp()])  # checked a moment ago: not yet
    assert not store.mark_scheduled(now)
    monkeypatch.setattr(store, "_last_stale_check", [0.0])
    assert store.mark_scheduled(now)
    assert ProcessingScheduled.objects.get().at == now
    assert not store.mark_scheduled(now)  # a recent mark stays


def test_one_task_derives_every_pending_call_in_a_few_statements(make_call, monkeypatch):
    calls = [make_call(f"+1555010{n:04d}") for n in range(12)]
    for call in calls:
        for event in EVENTS:
            _send(call, event)
    monkeypatch.setattr(processing, "_FLOWS", type(processing._FLOWS)())  # the version not cached yet
    with CaptureQueriesContext(connection) as captured:
        assert processing.events_process(batch=5) == (12, 12 * len(EVENTS))
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert statements[0].startswith("DELETE") and ProcessingScheduled._meta.db_table in statements[0]
    claims = [i for i, sql in enumerate(statements) if sql.startswith("UPDATE") and "SET pending" in sql]
    sizes = [b - a for a, b in zip(claims, [*claims[1:], len(statements)], strict=True)]
    # Each batch, of 5 calls or of 2: claim, outcomes, events, their campaigns, save, counts; the version
    # read once.
    assert sizes == [7, 6, 6], statements
    for call in calls:
        outcome = CallOutcome.objects.get(call=call)
        assert not outcome.pending and outcome.event_count == len(EVENTS)
        assert outcome.path == ["0", "1", "2", "5", "3"] and outcome.applied["reached"]
    assert processing.events_process() == (0, 0)
