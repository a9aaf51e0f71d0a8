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
