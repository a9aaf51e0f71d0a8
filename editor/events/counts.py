"""Per-version, per-step counts: changed by adding differences in one statement, read by summing rows
of all days, of whole months and of single days.

Adding (``INSERT … ON CONFLICT … DO UPDATE SET reached = reached + excluded.reached``) keeps the
counts right when several workers process events of the same version at once: no row is read and
written back.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q, Sum

from editor.events.models import StepCount

# The row of every day together: the canvas's default view reads one row per step and branch, not
# one per step, branch and day (docs/call-events.md, "Counts per step").
ALL_DAYS = date(1, 1, 1)
DAY, MONTH = 0, 1  # StepCount.period
ADD_ROWS = 4000  # rows per INSERT (8 parameters each)


def month_of(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


Delta = dict[tuple[str, str], tuple[int, int]]  # (step, branch) -> (change of reached, change of ended)


def add_many(deltas: dict[tuple[int, date, int], Delta]) -> None:
    """Add each ``(version id, day, campaign) → delta`` to the counts of that version and campaign (0:
    every call) on that day and on ALL_DAYS, all in one statement (the all-days rows summed first)."""
    totals_: dict[tuple[int, date, int, int, str, str], list[int]] = {}
    for (version_id, day, campaign), delta in deltas.items():
        for when, period in ((ALL_DAYS, DAY), (day, DAY), (month_of(day), MONTH)):
            for (step_id, branch), (reached, ended) in delta.items():
                row = totals_.setdefault((version_id, when, period, campaign, step_id, branch), [0, 0])
                row[0] += reached
                row[1] += ended
    # One order for every writer (by version, all-days rows first, then campaign and step): concurrent
    # upserts cannot deadlock.
    rows = sorted((key, value) for key, value in totals_.items() if value[0] or value[1])
    if not rows:
        return
    table = connection.ops.quote_name(StepCount._meta.db_table)
    with connection.cursor() as cursor:
        # PostgreSQL takes at most 65,535 parameters per statement: a batch of calls through a big flow
        # may change more rows than that allows in one, so a statement per ADD_ROWS rows.
        for first in range(0, len(rows), ADD_ROWS):
            chunk = rows[first:first + ADD_ROWS]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for (version_id, when, period, campaign, step_id, branch), (reached, ended) in chunk:
                params += [version_id, when, period, campaign, step_id, branch, reached, ended]
            cursor.execute(
                f"INSERT INTO {table} (flow_version_id, day, period, campaign, step_id, branch, reached, ended) "  # noqa: S608 - only the table name and placeholders are formatted in
                f"VALUES {values} ON CONFLICT (flow_version_id, day, period, campaign, step_id, branch) DO UPDATE "
                f"SET reached = {table}.reached + excluded.reached, ended = {table}.ended + excluded.ended",
                params)


def _range(since: date | None, until: date | None) -> Q:
    """The rows that add up to the days from ``since`` to ``until`` (both included; None: open): the
    month rows of the whole months in the range, the day rows of the days before and after them."""
    first_month = None if since is None else (since if since.day == 1 else _month_end(since) + timedelta(days=1))
    last_month = None if until is None else (month_of(until) if until == _month_end(until) else
                                             month_of(until) - timedelta(days=1))
    if first_month is not None and last_month is not None and first_month > last_month:  # no whole month
        return Q(period=DAY, day__gte=since, day__lte=until, day__gt=ALL_DAYS)
    months = Q(period=MONTH)
    if first_month is not None:
        months &= Q(day__gte=first_month)
    if last_month is not None:
        months &= Q(day__lte=month_of(last_month))
    wanted = months
    if since is not None and first_month != since:
        wanted |= Q(period=DAY, day__gte=since, day__lt=first_month)
    if until is not None and last_month is not None and _month_end(last_month) != until:
        wanted |= Q(period=DAY, day__gt=_month_end(last_month), day__lte=until)
    return wanted & Q(day__gt=ALL_DAYS)


def totals(*, version_id: int, since: date | None = None, until: date | None = None,
           campaign: int = 0) -> dict[str, Any]:
    """``{"steps": {id: {"reached", "ended"}}, "branches": {id: {key: taken}}}`` over the days asked, of
    every call (``campaign`` 0) or of one campaign's. In one statement: the all-days rows, or for a
    range its whole months' rows and the day rows at its ends (a month of a 1,000-step flow reads 2,000
    rows, not 62,000)."""
    qs = StepCount.objects.filter(flow_version_id=version_id, campaign=campaign)
    steps: dict[str, dict[str, int]] = {}
    branches: dict[str, dict[str, int]] = {}
    if since is None and until is None:  # one row per step and branch already
        rows = qs.filter(day=ALL_DAYS, period=DAY).values_list("step_id", "branch", "reached", "ended").order_by()
    else:
        rows = (qs.filter(_range(since, until)).values_list("step_id", "branch")
                .annotate(r=Sum("reached"), e=Sum("ended")).order_by())
    for step_id, branch, reached, ended in rows:
        if branch:
            branches.setdefault(step_id, {})[branch] = reached or 0
        else:
            steps[step_id] = {"reached": reached or 0, "ended": ended or 0}
    return {"steps": steps, "branches": branches}
