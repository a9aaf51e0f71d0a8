"""Opening the counts of a version reads its per-step counters, never its events: the same few SQL
statements for a 10-step flow with one day of counts as for a 1,000-step flow with many days, none of
them on the events table. (How long it takes against opening the flow: bench/events.py --counts.)"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editor.events.counts import ALL_DAYS
from editor.events.models import CallEvent, StepCount
from editor.flows.services.flows import flow_create, flow_publish
from tests.support.api import big_document, token_client

pytestmark = pytest.mark.django_db

FIRST = date(2026, 1, 1)


def _version_with_counts(team, owner, steps: int, days: int):
    """A published version of ``steps`` steps with counters for ``days`` days (17 calls reached each
    step and one ended there each day), and the all-days rows as counts.add keeps them."""
    flow = flow_create(team=team, user=owner, name=f"{steps} steps", document=big_document(steps))
    version = flow_publish(flow=flow, user=owner)
    rows = []
    for day in [FIRST + timedelta(days=d) for d in range(days)] + [ALL_DAYS]:
        times = days if day == ALL_DAYS else 1
        for step in range(steps):
            rows.append(StepCount(flow_version=version, day=day, step_id=str(step), reached=17 * times, ended=times))
            rows.append(StepCount(flow_version=version, day=day, step_id=str(step), branch="next",
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
