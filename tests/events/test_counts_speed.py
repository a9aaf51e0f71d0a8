"""Opening the counts of a 1,000-step flow whose version has a million events behind it costs about
what opening the flow costs: the counts are summed from per-day counters, never from events."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from editor.events.counts import ALL_DAYS
from editor.events.models import StepCount
from editor.flows.services.flows import flow_create, flow_publish
from tests.support.api import big_document, token_client

pytestmark = pytest.mark.django_db

STEPS, DAYS = 1000, 60  # 60,000 step rows + 60,000 branch rows: about 17 calls of 9 events per step and day


def _best(client, urls: list[str], repeat: int = 9) -> list[float]:
    """The best time of each URL over ``repeat`` rounds in which they take turns (the machine is shared)."""
    best = [float("inf")] * len(urls)
    for _ in range(repeat):
        for i, url in enumerate(urls):
            started = time.perf_counter()
            response = client.get(url)
            best[i] = min(best[i], time.perf_counter() - started)
            assert response.status_code == 200
    return best


def test_counts_open_within_one_and_a_half_times_the_flow(team, owner, django_assert_max_num_queries):
    flow = flow_create(team=team, user=owner, name="Big", document=big_document(STEPS))
    version = flow_publish(flow=flow, user=owner)
    first = date(2026, 1, 1)
    rows = []
    for day in range(DAYS):
        for step in range(STEPS):
            rows.append(StepCount(flow_version=version, day=first + timedelta(days=day), step_id=str(step),
                                  reached=17, ended=1))
            rows.append(StepCount(flow_version=version, day=first + timedelta(days=day), step_id=str(step),
                                  branch="next", reached=16))
    for step in range(STEPS):  # the all-days rows, as counts.add keeps them
        rows.append(StepCount(flow_version=version, day=ALL_DAYS, step_id=str(step), reached=17 * DAYS, ended=DAYS))
        rows.append(StepCount(flow_version=version, day=ALL_DAYS, step_id=str(step), branch="next",
                              reached=16 * DAYS))
    StepCount.objects.bulk_create(rows, batch_size=5000)
    client = token_client(owner)
    counts_url = f"/api/flows/{flow.pk}/versions/{version.number}/counts/"
    with django_assert_max_num_queries(8):
        body = client.get(counts_url).json()
    assert body["steps"]["999"] == {"reached": 17 * DAYS, "ended": DAYS}
    assert sum(s["reached"] for s in body["steps"].values()) * 9 // 1_000_000 >= 1  # a million events' worth

    flow_seconds, counts_seconds = _best(client, [f"/api/flows/{flow.pk}/", counts_url])
    assert counts_seconds <= 1.5 * flow_seconds, (counts_seconds, flow_seconds)
    month = client.get(counts_url + "?since=2026-01-01&until=2026-01-31").json()
    assert month["steps"]["999"] == {"reached": 17 * 31, "ended": 31}
