"""Per-step counts: whatever the order of delivery and processing, duplicates and late events, they
equal a recount over the stored events; retention deletes raw events but keeps outcomes and counts."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.events import counts
from editor.events.models import CallEvent, CallOutcome
from editor.events.outcome import Item, derive, share
from editor.events.processing import call_process_events, events_process
from editor.events.services import events_purge, events_receive

pytestmark = pytest.mark.django_db

STEPS = ["0", "1", "2", "5", "3", "4", "404"]  # 404: a step the flow does not have
event = st.one_of(
    st.builds(lambda s, t: {"event": "step", "step": s, "timestamp": t}, st.sampled_from(STEPS), st.integers(0, 20)),
    st.builds(lambda d, t: {"event": "digits", "step": "2", "digits": d, "timestamp": t},
              st.sampled_from(["1", "12", ""]), st.integers(0, 20)),
    st.builds(lambda c, t: {"event": "http", "step": "5", "status": c, "timestamp": t},
              st.sampled_from([200, 500, "success", "fail"]), st.integers(0, 20)),
    st.builds(lambda s, t: {"event": "ended", "step": s, "reason": "completed", "timestamp": t},
              st.sampled_from(STEPS + [""]), st.integers(0, 20)),
    st.builds(lambda k, t: {"event": k, "timestamp": t}, st.sampled_from(["ringing", "answered", "no_answer"]),
              st.integers(0, 20)),
    st.fixed_dictionaries({"event": st.sampled_from(["mystery", "step"]), "extra": st.integers(0, 3)}),
)


def _send(call, obj):
    events_receive(token=call.events_key + call.events_secret, body=json.dumps(obj).encode())


def _recount(version, calls) -> dict:
    """Brute force: every call's share derived from all of its stored events, summed."""
    steps: dict[str, Counter] = {}
    branches: dict[str, Counter] = {}
    for call in calls:
        items = [Item(e.pk, e.kind, e.received_at, e.step_id, e.digits, e.variable, e.status, e.occurred_at,
                      e.sequence) for e in CallEvent.objects.filter(call=call)]
        if not items:
            continue
        part = share(derive(items, version.document), version.document)
        for sid in part["reached"]:
            steps.setdefault(sid, Counter())["reached"] += 1
        if part["ended"]:
            steps.setdefault(part["ended"], Counter())["ended"] += 1
        for sid, key in part["branches"]:
            branches.setdefault(sid, Counter())[key] += 1
    return {
        "steps": {sid: {"reached": c["reached"], "ended": c["ended"]} for sid, c in steps.items()},
        "branches": {sid: dict(c) for sid, c in branches.items()},
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_counts_equal_a_recount_over_the_stored_events(make_call, data):
    calls = [make_call(f"+1555010{n:04d}") for n in range(3)]
    version = calls[0].flow_version
    baseline = counts.totals(version_id=version.pk)
    processed_when = st.sampled_from(["later", "this call now", "every pending call now"])
    deliveries = data.draw(st.lists(st.tuples(st.integers(0, 2), event, processed_when), min_size=1, max_size=25))
    for index, obj, when in deliveries:
        _send(calls[index], obj)
        if when == "this call now":
            call_process_events(call_id=calls[index].pk)
        elif when == "every pending call now":
            events_process(batch=2)  # in bulk, as the task does, two calls per batch
    for index, obj, _ in data.draw(st.lists(st.sampled_from(deliveries), max_size=5)):
        _send(calls[index], obj)  # delivered again
    events_process()
    for call in calls:
        call_process_events(call_id=call.pk)  # processing again changes nothing
    after = counts.totals(version_id=version.pk)
    recount = _recount(version, calls)
    for sid in set(after["steps"]) | set(recount["steps"]):
        got = after["steps"].get(sid, {"reached": 0, "ended": 0})
        base = baseline["steps"].get(sid, {"reached": 0, "ended": 0})
        want = recount["steps"].get(sid, {"reached": 0, "ended": 0})
        assert (got["reached"] - base["reached"], got["ended"] - base["ended"]) == (want["reached"], want["ended"])
    for sid in set(after["branches"]) | set(recount["branches"]):
        for key in set(after["branches"].get(sid, {})) | set(recount["branches"].get(sid, {})):
            taken = after["branches"].get(sid, {}).get(key, 0) - baseline["branches"].get(sid, {}).get(key, 0)
            assert taken == recount["branches"].get(sid, {}).get(key, 0), (sid, key)


def test_retention_deletes_old_raw_events_and_keeps_outcomes_and_counts(make_call, settings):
    from .test_hook import EVENTS

    settings.EVENTS_RETENTION_DAYS = 30
    old, recent = make_call(), make_call("+15550100124")
    for call in (old, recent):
        for obj in EVENTS:
            _send(call, obj)
        call_process_events(call_id=call.pk)
    version_id = old.flow_version_id
    before = counts.totals(version_id=version_id)
    CallEvent.objects.filter(call=old).update(received_at=timezone.now() - timedelta(days=31))

    assert events_purge() == len(EVENTS)
    assert not CallEvent.objects.filter(call=old).exists()
    assert CallEvent.objects.filter(call=recent).count() == len(EVENTS)
    assert counts.totals(version_id=version_id) == before
    kept = CallOutcome.objects.get(call=old)
    assert kept.closed and kept.path == ["0", "1", "2", "5", "3"]

    _send(old, {"event": "step", "step": "4", "timestamp": 1_780_000_100})  # later: stored, changes nothing
    call_process_events(call_id=old.pk)
    assert counts.totals(version_id=version_id) == before
    assert CallOutcome.objects.get(call=old).path == ["0", "1", "2", "5", "3"]


def test_the_purge_runs_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["events-purge"]
    assert entry["task"] == "editor.tasks.events_purge"
    from editor.events import tasks

    assert tasks.purge_events.name == "editor.tasks.events_purge"
