"""Opening the counts of a version reads its per-step counters, never its events: the same few SQL
statements for a 10-step flow with one day of counts as for a 1,000-step flow with many days, none of
them on the events table. (How long it takes against opening the flow: bench/events.py --counts.)"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editor.events.counts import ALL_DAYS, DAY, MONTH, month_of
from editor.events.models import CallEvent, StepCount
from editor.flows.services.flows import flow_create, flow_publish
from tests.support.api import big_document, token_client

pytestmark = pytest.mark.django_db

FIRST = date(2026, 1, 1)


def _version_with_counts(team, owner, steps: int, days: int):
    """A published version of ``steps`` steps with counters for ``days`` days (17 calls reached each
    step and one ended there each day), with the all-days and month rows as counts.add_many keeps them."""
    flow = flow_create(team=team, user=owner, name=f"{steps} steps", document=big_document(steps))
    version = flow_publish(flow=flow, user=owner)
    rows = []
    every_day = [FIRST + timedelta(days=d) for d in range(days)]
    months = Counter(month_of(day) for day in every_day)
    spans = [(day, DAY, 1) for day in every_day] + [(ALL_DAYS, DAY, days)] + [(m, MONTH, n) for m, n in months.items()]
    for day, period, times in spans:
        for step in range(steps):
            rows.append(StepCount(flow_version=version, day=day, period=period, step_id=str(step), reached=17 * times,
                                  ended=times))
            rows.append(StepCount(flow_version=version, day=day, period=period, step_id=str(step), branch="next",
                                  reached=16 * times))
    StepCount.objects.bulk_create(rows, batch_size=5000)
    return flow, version


def _read(client, url: str) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json(), [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("query", ["", "?since=2026-01-01&until=2026-01-31"])
def test_counts_read_the_same_statements_whatever_the_size_and_never_the_events(team, owner, query):
    client = token_client(owner)
    statements = {}
    for steps, days in ((10, 1), (1000, 40)):
        flow, version = _version_with_counts(team, owner, steps, days)
        body, sql = _read(client, f"/api/flows/{flow.pk}/versions/{version.number}/counts/{query}")
        statements[steps] = len(sql)
        assert not [s for s in sql if CallEvent._meta.db_table in s]  # the counters only
        in_range = min(days, 31) if query else days  # the range holds January's days
        last = str(steps - 1)
        assert body["steps"][last] == {"reached": 17 * in_range, "ended": in_range}
        assert body["branches"]["0"] == {"next": 16 * in_range}
        assert len(body["steps"]) == steps
    assert statements[10] == statements[1000]


def test_any_date_range_sums_the_same_as_its_days(team, owner):
    """Whole months are read from their month rows, the days at the ends from day rows: every range
    gives what adding its days one by one gives."""
    import random

    from editor.events import counts

    flow = flow_create(team=team, user=owner, name="Ranges", document=big_document(3))
    version = flow_publish(flow=flow, user=owner)
    rng = random.Random(14)
    per_day: dict[date, int] = {}
    start = date(2025, 11, 20)
    deltas = {}
    for offset in range(0, 130, 3):  # late November to the end of March, every third day
        day = start + timedelta(days=offset)
        per_day[day] = rng.randint(1, 9)
        deltas[(version.pk, day, 0)] = {("1", ""): (per_day[day], 1)}
    counts.add_many(deltas)
    days = sorted(per_day)
    edges = [None, days[0], date(2025, 12, 1), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 15),
             date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 31), days[-1]]
    for since in edges:
        for until in edges:
            if since and until and since > until:
                continue
            want = sum(n for d, n in per_day.items() if (since is None or d >= since) and (until is None or d <= until))
            got = counts.totals(version_id=version.pk, since=since, until=until)["steps"].get("1", {"reached": 0})
            assert got["reached"] == want, (since, until)


def test_many_rows_are_added_in_several_statements(team, owner, monkeypatch):
    from editor.events import counts

    monkeypatch.setattr(counts, "ADD_ROWS", 4)  # PostgreSQL's parameter limit, made small
    flow = flow_create(team=team, user=owner, name="Chunks", document=big_document(10))
    version = flow_publish(flow=flow, user=owner)
    delta = {(str(step), ""): (step + 1, 1) for step in range(10)}
    with CaptureQueriesContext(connection) as captured:
        counts.add_many({(version.pk, FIRST, 0): delta})
    assert len(captured.captured_queries) == 8  # 30 rows: all days, the day, its month
    assert counts.totals(version_id=version.pk)["steps"] == {str(s): {"reached": s + 1, "ended": 1} for s in range(10)}
    assert counts.totals(version_id=version.pk, since=FIRST, until=FIRST)["steps"]["9"] == {"reached": 10, "ended": 1}
    assert counts.totals(version_id=version.pk, since=FIRST, until=date(2026, 1, 31))["steps"]["0"]["reached"] == 1
