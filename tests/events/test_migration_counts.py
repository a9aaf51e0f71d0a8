"""events 0005 adds the rows that make any date range cheap, summed from the day rows kept before
(editor/events/migrations/0005_counts_any_range.py), and retires the month rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from editor.events import counts
from tests.support.migrations import latest, migrate

BEFORE = [("events", "0004_counts_per_month")]
DAYS = {date(2025, 12, 31): 1, date(2026, 1, 1): 2, date(2026, 1, 30): 4, date(2026, 2, 1): 8,
        date(2026, 2, 28): 16, date(2026, 12, 31): 32, date(2027, 1, 2): 64}


@pytest.mark.django_db(transaction=True)
def test_the_range_rows_are_summed_from_the_day_rows():
    try:
        apps = migrate(BEFORE)
        team = apps.get_model("accounts", "Team").objects.create(name="Team", slug="team")
        flow = apps.get_model("flows", "Flow").objects.create(team=team, name="F", document={"steps": []})
        version = apps.get_model("flows", "FlowVersion").objects.create(flow=flow, number=1, document={"steps": []})
        StepCount = apps.get_model("events", "StepCount")
        rows = [StepCount(flow_version=version, day=counts.ALL_DAYS, period=0, campaign=campaign, step_id="0",
                          reached=sum(DAYS.values()), ended=len(DAYS)) for campaign in (0, 7)]
        rows += [StepCount(flow_version=version, day=counts.ALL_DAYS, period=0, campaign=campaign, step_id="0",
                           branch="next", reached=sum(DAYS.values())) for campaign in (0, 7)]
        for day, calls in DAYS.items():
            for campaign in (0, 7):
                rows.append(StepCount(flow_version=version, day=day, period=0, campaign=campaign, step_id="0",
                                      reached=calls, ended=1))
                rows.append(StepCount(flow_version=version, day=day, period=0, campaign=campaign, step_id="0",
                                      branch="next", reached=calls))
        months: dict[date, int] = {}
        for day, calls in DAYS.items():
            months[day.replace(day=1)] = months.get(day.replace(day=1), 0) + calls
        rows += [StepCount(flow_version=version, day=month, period=1, step_id="0", reached=calls)
                 for month, calls in months.items()]
        StepCount.objects.bulk_create(rows)

        migrate(latest())
        from editor.events.models import StepCount as Now

        assert not Now.objects.filter(period=1).exists()
        ends = [None, *sorted({d + timedelta(days=shift) for d in DAYS for shift in (-1, 0, 1)})]
        for since in ends:
            for until in ends:
                if since and until and since > until:
                    continue
                inside = {d: n for d, n in DAYS.items() if (not since or d >= since) and (not until or d <= until)}
                want = {"0": {"reached": sum(inside.values()), "ended": len(inside)}} if inside else {}
                for campaign in (0, 7):
                    got = counts.totals(version_id=version.pk, since=since, until=until, campaign=campaign)
                    assert {s: c for s, c in got["steps"].items() if c["reached"]} == want, (since, until)
                    assert got["branches"].get("0", {}).get("next", 0) == sum(inside.values()), (since, until)
    finally:
        migrate(latest())
