"""Per-step counts: whatever the order of delivery and processing, duplicates and late events, they
equal a recount over the stored events; retention deletes raw events but keeps outcomes and counts."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.calls.models import Call
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


def _recount(version, calls, since=None, until=None) -> dict:
    """Brute force: the share of every call created from ``since`` to ``until`` (None: open), derived
    from all of its stored events, summed."""
    steps: dict[str, Counter] = {}
    branches: dict[str, Counter] = {}
    for call in calls:
        day = call.created_at.date()
        if (since and day < since) or (until and day > until):
            continue
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


def _nonzero(totals: dict) -> dict:
    """The counts without zeros (a row whose changes cancelled out is kept at 0)."""
    return {
        "steps": {sid: c for sid, c in totals["steps"].items() if c["reached"] or c["ended"]},
        "branches": {sid: kept for sid, keys in totals["branches"].items()
                     if (kept := {key: n for key, n in keys.items() if n})},
    }


# Days around the edges the counters are kept by (month, year, leap day) and days in between.
EDGES = [date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 28),
         date(2026, 3, 1), date(2026, 12, 1), date(2026, 12, 31), date(2027, 1, 1), date(2028, 2, 29)]
a_day = st.sampled_from(EDGES) | st.dates(min_value=date(2025, 11, 1), max_value=date(2028, 3, 31))


def a_range(days: list[date]) -> st.SearchStrategy:
    """(since, until), each None or a day: often one of ``days`` or the day before or after it."""
    near = st.builds(lambda d, shift: d + timedelta(days=shift), st.sampled_from(days), st.integers(-1, 1))
    end = st.none() | a_day | near | near
    return st.tuples(end, end).map(lambda r: r if None in r else tuple(sorted(r)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_counts_equal_a_recount_over_the_stored_events(make_call, data):
    # Everything is drawn before anything is written: a draw can end the example early (hypothesis's
    # StopTest), and an example ended halfway used to leave its events pending, to be counted by the
    # next example's processing as if they were that example's (a failure that passed on replay).
    processed_when = st.sampled_from(["later", "this call now", "every pending call now"])
    days = data.draw(st.lists(a_day, min_size=3, max_size=3))  # one per call
    deliveries = data.draw(st.lists(st.tuples(st.integers(0, 2), event, processed_when), min_size=1, max_size=25))
    again = data.draw(st.lists(st.sampled_from(deliveries), max_size=5))
    ranges = data.draw(st.lists(a_range(days), min_size=1, max_size=8))
    # Each example in a savepoint rolled back at its end: no example sees another's calls or counts.
    with transaction.atomic():
        calls = [make_call(f"+1555010{n:04d}") for n in range(3)]
        for call, day in zip(calls, days, strict=True):  # the day a call is counted on: its creation date
            call.created_at = datetime.combine(day, time(12), tzinfo=UTC)
            Call.objects.filter(pk=call.pk).update(created_at=call.created_at)
        version = calls[0].flow_version
        for index, obj, when in deliveries:
            _send(calls[index], obj)
            if when == "this call now":
                call_process_events(call_id=calls[index].pk)
            elif when == "every pending call now":
                events_process(batch=2)  # in bulk, as the task does, two calls per batch
        for index, obj, _ in again:
            _send(calls[index], obj)  # delivered again
        events_process()
        for call in calls:
            call_process_events(call_id=call.pk)  # processing again changes nothing
        for since, until in [(None, None), *ranges]:
            got = _nonzero(counts.totals(version_id=version.pk, since=since, until=until))
            assert got == _recount(version, calls, since, until), (since, until)
        transaction.set_rollback(True)


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


def test_the_counts_of_one_campaign_are_its_calls_only(make_call, team, owner, events_credential):
    from editor.campaigns.models import CampaignCall
    from tests.campaigns.conftest import make_campaign
    from tests.support.api import token_client

    from .test_hook import EVENTS

    by_hand, for_campaign, for_other = make_call(), make_call("+15550100124"), make_call("+15550100125")
    version = by_hand.flow_version
    campaigns = [make_campaign(team, version, events_credential, numbers=[n], name=f"C{n[-1]}")
                 for n in ("+12125551000", "+12125551001")]
    for campaign, call in zip(campaigns, (for_campaign, for_other), strict=True):
        CampaignCall.objects.create(call=call, contact=campaign.contacts.get())
    for call in (by_hand, for_campaign):
        for obj in EVENTS:
            _send(call, obj)
    _send(for_other, EVENTS[0])
    assert events_process() == (3, 2 * len(EVENTS) + 1)

    client = token_client(owner)
    url = f"/api/flows/{version.flow_id}/versions/{version.number}/counts/"
    every, one = client.get(url).json(), client.get(f"{url}?campaign={campaigns[0].pk}").json()
    assert every["campaign"] is None and one["campaign"] == campaigns[0].pk
    assert every["steps"]["0"]["reached"] == 3 and every["steps"]["3"] == {"reached": 2, "ended": 2}
    assert one["steps"] == {sid: {"reached": 1, "ended": 1 if sid == "3" else 0} for sid in ("0", "1", "2", "5", "3")}
    assert one["branches"] == {"0": {"next": 1}, "1": {"next": 1}, "2": {"*": 1}, "5": {"success": 1}}
    assert every["branches"]["5"] == {"success": 2}
    today = timezone.now().date().isoformat()
    assert client.get(f"{url}?campaign={campaigns[0].pk}&since={today}").json()["steps"] == one["steps"]
    assert client.get(f"{url}?campaign={campaigns[1].pk}").json()["steps"] == {"0": {"reached": 1, "ended": 0}}
    assert client.get(f"{url}?campaign=999999").json()["steps"] == {}
    assert client.get(f"{url}?campaign=0").status_code == 400

    _send(for_campaign, {"event": "step", "step": "4", "timestamp": 1_780_000_100})  # late: counts move once
    events_process()
    one = client.get(f"{url}?campaign={campaigns[0].pk}").json()
    assert one["steps"]["4"]["reached"] == 1 and client.get(url).json()["steps"]["4"]["reached"] == 1
