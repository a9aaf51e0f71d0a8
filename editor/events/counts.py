"""Per-version, per-step counts: changed by adding differences in one statement, read for any date
range from at most four rows per step and branch.

Rows kept (``StepCount.period``; ``day`` says which), each holding the calls of some days:

* ``DAY``: of one day; on ALL_DAYS, of every day.
* ``MONTH_UNTIL`` at day d: from the 1st of d's month through d. ``MONTH_FROM`` at d: from d through
  the last day of d's month.
* ``YEAR_UNTIL`` at the 1st of month m: from January through m. ``YEAR_FROM``: from m through December.
* ``YEAR`` at January 1st: of the whole year.

A range then reads: the days before its first whole month (one ``MONTH_FROM`` row), its whole months
(one or two year rows, and one ``YEAR`` row per whole year between), the days after its last whole
month (one ``MONTH_UNTIL`` row); a range inside one month, one row or the difference of two
(``spans_of``). 31 days across two months read two rows per step, not 31; any range at most four and
its whole years.

The price is paid when adding: a change on day d goes to d's own rows and to every ``MONTH_UNTIL`` row
after it and ``MONTH_FROM`` row before it in its month, and likewise for the year rows of its month
(``rows_of``: about 48 rows). Pure additions still: a row that did not exist yet starts from the change
alone and is right, because every earlier change of its month (or year) was added to it too. So the
statement stays ``INSERT … ON CONFLICT … DO UPDATE SET reached = reached + excluded.reached``, which
keeps the counts right when several workers process events of the same version at once: no row is
read and written back.
"""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Case, F, Q, Sum, When

from editor.events.models import StepCount

# The row of every day together: the canvas's default view reads one row per step and branch, not
# one per step, branch and day (docs/call-events.md, "Counts per step").
ALL_DAYS = date(1, 1, 1)
DAY, MONTH_UNTIL, MONTH_FROM, YEAR_UNTIL, YEAR_FROM, YEAR = 0, 2, 3, 4, 5, 6  # StepCount.period (1: retired)
ADD_ROWS = 4000  # rows per INSERT (8 parameters each)
FIRST, LAST = date(1, 1, 2), date.max  # an open range's ends (ALL_DAYS is not a day of its own)

Delta = dict[tuple[str, str], tuple[int, int]]  # (step, branch) -> (change of reached, change of ended)
Span = tuple[int, date]  # (period, day): one row of each step and branch


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@lru_cache(maxsize=4096)
def rows_of(day: date) -> tuple[Span, ...]:
    """The rows a change of the calls of ``day`` is added to (``ALL_DAYS`` included)."""
    last = calendar.monthrange(day.year, day.month)[1]
    spans: list[Span] = [(DAY, ALL_DAYS), (DAY, day), (YEAR, date(day.year, 1, 1))]
    spans += [(MONTH_UNTIL, day.replace(day=d)) for d in range(day.day, last + 1)]
    spans += [(MONTH_FROM, day.replace(day=d)) for d in range(1, day.day + 1)]
    spans += [(YEAR_UNTIL, date(day.year, m, 1)) for m in range(day.month, 13)]
    spans += [(YEAR_FROM, date(day.year, m, 1)) for m in range(1, day.month + 1)]
    return tuple(spans)


def rows_of_days(days: list[date]) -> Counter[Span]:
    """How many of ``days`` each row holds: the rows ``add_many`` keeps when each of these days had the
    same calls (for building big counters at once, in tests and bench/events.py)."""
    return Counter(span for day in days for span in rows_of(day))


def add_many(deltas: dict[tuple[int, date, int], Delta]) -> None:
    """Add each ``(version id, day, campaign) → delta`` to the counts of that version and campaign (0:
    every call) in every row that holds that day (``rows_of``), in one statement per ADD_ROWS rows (the
    changes of one row summed first)."""
    totals_: dict[tuple[int, int, date, int, str, str], list[int]] = {}
    for (version_id, day, campaign), delta in deltas.items():
        for period, when in rows_of(day):
            for (step_id, branch), (reached, ended) in delta.items():
                row = totals_.setdefault((version_id, period, when, campaign, step_id, branch), [0, 0])
                row[0] += reached
                row[1] += ended
    # One order for every writer (by version, all-days rows first, then period, day, campaign and step):
    # concurrent upserts cannot deadlock.
    rows = sorted((key, value) for key, value in totals_.items() if value[0] or value[1])
    if not rows:
        return
    table = connection.ops.quote_name(StepCount._meta.db_table)
    columns = "flow_version_id, day, period, campaign, step_id, branch, reached, ended"
    update = (f"ON CONFLICT (flow_version_id, day, period, campaign, step_id, branch) DO UPDATE "
              f"SET reached = {table}.reached + excluded.reached, ended = {table}.ended + excluded.ended")
    values = [(version_id, when, period, campaign, step_id, branch, reached, ended)
              for (version_id, period, when, campaign, step_id, branch), (reached, ended) in rows]  # as `columns`
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column, whatever the number of rows: a placeholder per value cost psycopg
            # more CPU to read the statement's text than PostgreSQL took to run it (about a third of
            # a processing task's CPU, bench/README.md "Events").
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest(%s::bigint[], %s::date[], %s::smallint[], "  # noqa: S608 - only the table name is formatted in
                f"%s::bigint[], %s::text[], %s::text[], %s::integer[], %s::integer[]) {update}",
                [list(column) for column in zip(*values, strict=True)])
            return
        # Elsewhere a VALUES list, a statement per ADD_ROWS rows (SQLite's limit on parameters).
        for first in range(0, len(values), ADD_ROWS):
            chunk = values[first:first + ADD_ROWS]
            placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {placeholders} {update}",  # noqa: S608 - only the table name and placeholders are formatted in
                           [value for row in chunk for value in row])


def _whole_months(first: tuple[int, int], last: tuple[int, int]) -> tuple[list[tuple[Span, int]], range]:
    """The rows (with their signs) and the whole years that add up to the months ``first`` to ``last``
    ((year, month), both included; none when ``first`` comes after)."""
    if first > last:
        return [], range(0)
    (y1, m1), (y2, m2) = first, last
    if y1 == y2:
        if m1 == 1:
            return [((YEAR_UNTIL, date(y2, m2, 1)), 1)], range(0)
        if m2 == 12:
            return [((YEAR_FROM, date(y1, m1, 1)), 1)], range(0)
        if m1 == m2:
            return [((MONTH_FROM, date(y1, m1, 1)), 1)], range(0)
        return [((YEAR_UNTIL, date(y2, m2, 1)), 1), ((YEAR_UNTIL, date(y1, m1 - 1, 1)), -1)], range(0)
    spans: list[tuple[Span, int]] = []
    if m1 != 1:
        spans.append(((YEAR_FROM, date(y1, m1, 1)), 1))
        y1 += 1
    if m2 != 12:
        spans.append(((YEAR_UNTIL, date(y2, m2, 1)), 1))
        y2 -= 1
    return spans, range(y1, y2 + 1)


def spans_of(since: date, until: date) -> tuple[list[tuple[Span, int]], range]:
    """The rows (each with its sign: +1 added, -1 taken away) and the whole years (their ``YEAR`` rows)
    that add up to the days from ``since`` to ``until``, both included."""
    if since > until:
        return [], range(0)
    if (since.year, since.month) == (until.year, until.month):
        if since.day == 1:
            return [((MONTH_UNTIL, until), 1)], range(0)
        if until == _month_end(until):
            return [((MONTH_FROM, since), 1)], range(0)
        if since == until:
            return [((DAY, since), 1)], range(0)
        return [((MONTH_UNTIL, until), 1), ((MONTH_UNTIL, since - timedelta(days=1)), -1)], range(0)
    spans: list[tuple[Span, int]] = []
    first = (since.year, since.month)
    if since.day != 1:
        spans.append(((MONTH_FROM, since), 1))
        first = (since.year + 1, 1) if since.month == 12 else (since.year, since.month + 1)
    last = (until.year, until.month)
    if until != _month_end(until):
        spans.append(((MONTH_UNTIL, until), 1))
        last = (until.year - 1, 12) if until.month == 1 else (until.year, until.month - 1)
    months, years = _whole_months(first, last)
    return spans + months, years


def range_filter(since: date | None, until: date | None) -> tuple[Q | None, Q | None]:
    """(the rows to sum, those of them taken away; None: no row) for the days from ``since`` to
    ``until`` (None: open)."""
    spans, years = spans_of(since or FIRST, until or LAST)
    wanted = negative = None
    for (period, day), sign in spans:
        row = Q(period=period, day=day)
        wanted = row if wanted is None else wanted | row
        if sign < 0:
            negative = row if negative is None else negative | row
    if years:
        row = Q(period=YEAR, day__gte=date(years[0], 1, 1), day__lte=date(years[-1], 1, 1))
        wanted = row if wanted is None else wanted | row
    return wanted, negative


def totals(*, version_id: int, since: date | None = None, until: date | None = None,
           campaign: int = 0) -> dict[str, Any]:
    """``{"steps": {id: {"reached", "ended"}}, "branches": {id: {key: taken}}}`` over the days asked, of
    every call (``campaign`` 0) or of one campaign's. In one statement: the all-days rows, or for a
    range the few rows per step and branch of ``spans_of`` (a month of a 1,000-step flow reads 2,000
    rows, and so do 31 days across two months)."""
    qs = StepCount.objects.filter(flow_version_id=version_id, campaign=campaign)
    steps: dict[str, dict[str, int]] = {}
    branches: dict[str, dict[str, int]] = {}
    if since is None and until is None:  # one row per step and branch already
        rows = qs.filter(day=ALL_DAYS, period=DAY).values_list("step_id", "branch", "reached", "ended").order_by()
    else:
        wanted, negative = range_filter(since, until)
        if wanted is None:  # until before since
            return {"steps": steps, "branches": branches}

        def signed(field: str) -> Any:
            return Sum(field) if negative is None else Sum(Case(When(negative, then=-F(field)), default=F(field)))

        rows = (qs.filter(wanted).values_list("step_id", "branch")
                .annotate(r=signed("reached"), e=signed("ended")).order_by())
    for step_id, branch, reached, ended in rows:
        if branch:
            branches.setdefault(step_id, {})[branch] = reached or 0
        else:
            steps[step_id] = {"reached": reached or 0, "ended": ended or 0}
    return {"steps": steps, "branches": branches}
