"""Per-version, per-step counts: changed by adding differences in one statement, read by summing days.

Adding (``INSERT … ON CONFLICT … DO UPDATE SET reached = reached + excluded.reached``) keeps the
counts right when several workers process events of the same version at once: no row is read and
written back.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Sum

from editor.events.models import StepCount

# The row of every day together: the canvas's default view reads one row per step and branch, not
# one per step, branch and day (docs/call-events.md, "Counts per step").
ALL_DAYS = date(1, 1, 1)


Delta = dict[tuple[str, str], tuple[int, int]]  # (step, branch) -> (change of reached, change of ended)


def add_many(deltas: dict[tuple[int, date, int], Delta]) -> None:
    """Add each ``(version id, day, campaign) → delta`` to the counts of that version and campaign (0:
    every call) on that day and on ALL_DAYS, all in one statement (the all-days rows summed first)."""
    totals_: dict[tuple[int, date, int, str, str], list[int]] = {}
    for (version_id, day, campaign), delta in deltas.items():
        for when in (ALL_DAYS, day):
            for (step_id, branch), (reached, ended) in delta.items():
                row = totals_.setdefault((version_id, when, campaign, step_id, branch), [0, 0])
                row[0] += reached
                row[1] += ended
    # One order for every writer (by version, all-days rows first, then campaign and step): concurrent
    # upserts cannot deadlock.
    rows = sorted((key, value) for key, value in totals_.items() if value[0] or value[1])
    if not rows:
        return
    table = connection.ops.quote_name(StepCount._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for (version_id, when, campaign, step_id, branch), (reached, ended) in rows:
        params += [version_id, when, campaign, step_id, branch, reached, ended]
    sql = (
        f"INSERT INTO {table} (flow_version_id, day, campaign, step_id, branch, reached, ended) VALUES {values} "  # noqa: S608 - only the table name and placeholders are formatted in
        "ON CONFLICT (flow_version_id, day, campaign, step_id, branch) DO UPDATE SET "
        f"reached = {table}.reached + excluded.reached, ended = {table}.ended + excluded.ended"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def totals(*, version_id: int, since: date | None = None, until: date | None = None,
           campaign: int = 0) -> dict[str, Any]:
    """``{"steps": {id: {"reached", "ended"}}, "branches": {id: {key: taken}}}`` over the days asked, of
    every call (``campaign`` 0) or of one campaign's."""
    qs = StepCount.objects.filter(flow_version_id=version_id, campaign=campaign)
    if since is None and until is None:
        qs = qs.filter(day=ALL_DAYS)
    else:
        qs = qs.filter(day__gt=ALL_DAYS)
        if since is not None:
            qs = qs.filter(day__gte=since)
        if until is not None:
            qs = qs.filter(day__lte=until)
    steps: dict[str, dict[str, int]] = {}
    branches: dict[str, dict[str, int]] = {}
    if since is None and until is None:  # one row per step and branch already
        rows = qs.values_list("step_id", "branch", "reached", "ended").order_by()
    else:
        rows = qs.values_list("step_id", "branch").annotate(r=Sum("reached"), e=Sum("ended")).order_by()
    for step_id, branch, reached, ended in rows:
        if branch:
            branches.setdefault(step_id, {})[branch] = reached or 0
        else:
            steps[step_id] = {"reached": reached or 0, "ended": ended or 0}
    return {"steps": steps, "branches": branches}
