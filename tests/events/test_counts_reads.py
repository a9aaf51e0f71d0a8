"""Opening the counts of a version reads its per-step counters, never its events: the same few SQL
statements for a 10-step flow with 20 days of counts as for a 1,000-step flow with many days, none of
them on the events table. (How long it takes against opening the flow: bench/events.py --counts.)"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editor.events.counts import rows_of_days, spans_of
from editor.events.models import CallEvent, StepCount
from editor.flows.services.flows import flow_create, flow_publish
from tests.support.api import big_document, token_client

pytestmark = pytest.mark.django_db

FIRST = date(2026, 1, 1)


def _version_with_counts(team, owner, steps: int, days: int):
    """A published version of ``steps`` steps with counters for ``days`` days (17 calls reached each
    step and one ended there each day), with every row counts.add_many keeps."""
    flow = flow_create(team=team, user=owner, name=f"{steps} steps", document=big_document(steps))
    version = flow_publish(flow=flow, user=owner)
    rows = []
    every_day = [FIRST + timedelta(days=d) for d in range(days)]
    for (period, day), times in rows_of_days(every_day).items():
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


@pytest.mark.parametrize("query", ["", "?since=2026-01-16&until=2026-02-15"])  # 31 days across two months
def test_counts_read_the_same_statements_whatever_the_size_and_never_the_events(team, owner, query):
    client = token_client(owner)
    statements = {}
    for steps, days in ((10, 20), (1000, 40)):
        flow, version = _version_with_counts(team, owner, steps, days)
        body, sql = _read(client, f"/api/flows/{flow.pk}/versions/{version.number}/counts/{query}")
        statements[steps] = len(sql)
        assert not [s for s in sql if CallEvent._meta.db_table in s]  # the counters only
        in_range = len([d for d in range(days) if not query or 15 <= d <= 45])  # days of counters in the range
        last = str(steps - 1)
        assert body["steps"][last] == {"reached": 17 * in_range, "ended": in_range}
        assert body["branches"]["0"] == {"next": 16 * in_range}
        assert len(body["steps"]) == steps
    assert statements[10] == statements[1000]


def test_any_date_range_sums_the_same_as_its_days(team, owner):
    """Whatever rows a range is read from (parts of months and years, whole years), every range gives
    what adding its days one by one gives (tests/events/test_counts.py tries random ones)."""
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


@pytest.mark.parametrize("vendor", ["postgresql", "other"])
def test_many_rows_are_added_in_one_statement_or_in_chunks(team, owner, monkeypatch, vendor):
    """PostgreSQL: one statement of arrays, whatever the number of rows. Elsewhere (SQLite, `make
    run`, tried here on this database) a VALUES list per ADD_ROWS rows, under the parameter limit."""
    from django.db import connections

    from editor.events import counts

    if vendor == "other":
        monkeypatch.setattr(type(connections["default"]), "vendor", "other")
    monkeypatch.setattr(counts, "ADD_ROWS", 4)  # the limit on parameters, made small
    flow = flow_create(team=team, user=owner, name="Chunks", document=big_document(10))
    version = flow_publish(flow=flow, user=owner)
    delta = {(str(step), ""): (step + 1, 1) for step in range(10)}
    with CaptureQueriesContext(connection) as captured:
        counts.add_many({(version.pk, FIRST, 0): delta})
    rows = 10 * len(counts.rows_of(FIRST))  # all days, the day, the parts of its month and year, its year
    assert len(captured.captured_queries) == (1 if vendor == "postgresql" else -(-rows // 4))
    assert counts.totals(version_id=version.pk)["steps"] == {str(s): {"reached": s + 1, "ended": 1} for s in range(10)}
    assert counts.totals(version_id=version.pk, since=FIRST, until=FIRST)["steps"]["9"] == {"reached": 10, "ended": 1}
    assert counts.totals(version_id=version.pk, since=FIRST, until=date(2026, 1, 31))["steps"]["0"]["reached"] == 1


def test_a_range_reads_at_most_four_rows_per_step_and_its_whole_years():
    day, edges = date(2024, 11, 1), []
    while day < date(2027, 3, 1):
        edges += [day, day + timedelta(days=13)]
        day = (day + timedelta(days=32)).replace(day=1)
        edges.append(day - timedelta(days=1))
    for since in edges:
        for until in edges:
            spans, years = spans_of(since, until)
            assert len(spans) <= 4 and len(years) <= max(0, until.year - since.year + 1), (since, until)
            if (until.year * 12 + until.month) - (since.year * 12 + since.month) <= 1:  # in two months: two rows
                assert len(spans) <= 2, (since, until)
