"""The counts kept for any date range (editor/events/counts.py): the rows of parts of months and years
and of whole years, summed from the day rows kept so far; the month rows (period 1) are retired (a
month's total is now its MONTH_FROM row at its 1st)."""

import calendar
from datetime import date

from django.db import migrations

DAY, MONTH, MONTH_UNTIL, MONTH_FROM, YEAR_UNTIL, YEAR_FROM, YEAR = 0, 1, 2, 3, 4, 5, 6
ALL_DAYS = date(1, 1, 1)


def _rows_of(day):
    """The rows other than DAY's that hold ``day`` (as editor/events/counts.py's rows_of when this was
    written: a copy, so that this migration does not change with that module)."""
    last = calendar.monthrange(day.year, day.month)[1]
    spans = [(YEAR, date(day.year, 1, 1))]
    spans += [(MONTH_UNTIL, day.replace(day=d)) for d in range(day.day, last + 1)]
    spans += [(MONTH_FROM, day.replace(day=d)) for d in range(1, day.day + 1)]
    spans += [(YEAR_UNTIL, date(day.year, m, 1)) for m in range(day.month, 13)]
    spans += [(YEAR_FROM, date(day.year, m, 1)) for m in range(1, day.month + 1)]
    return spans


def add_range_rows(apps, schema_editor):
    StepCount = apps.get_model("events", "StepCount")
    StepCount.objects.filter(period__gt=MONTH).delete()  # none unless run again
    days = (StepCount.objects.filter(period=DAY, day__gt=ALL_DAYS)
            .values_list("flow_version_id", "campaign", "step_id", "branch", "day", "reached", "ended")
            .order_by("flow_version_id", "campaign", "step_id", "branch", "day"))
    group, sums, pending = None, {}, []

    def flush_group():
        pending.extend(StepCount(flow_version_id=group[0], campaign=group[1], step_id=group[2], branch=group[3],
                                 period=period, day=when, reached=r, ended=e)
                       for (period, when), (r, e) in sums.items() if r or e)
        if len(pending) >= 5000:
            StepCount.objects.bulk_create(pending, batch_size=5000)
            pending.clear()

    for version_id, campaign, step_id, branch, day, reached, ended in days.iterator(chunk_size=5000):
        key = (version_id, campaign, step_id, branch)
        if key != group:
            if group is not None:
                flush_group()
            group, sums = key, {}
        for span in _rows_of(day):
            r, e = sums.get(span, (0, 0))
            sums[span] = (r + reached, e + ended)
    if group is not None:
        flush_group()
    StepCount.objects.bulk_create(pending, batch_size=5000)
    StepCount.objects.filter(period=MONTH).delete()


def add_month_rows(apps, schema_editor):
    """Back: the month rows again, summed from the day rows; the range rows go."""
    from django.db.models import Sum
    from django.db.models.functions import TruncMonth

    StepCount = apps.get_model("events", "StepCount")
    StepCount.objects.filter(period__gt=DAY).delete()
    days = (StepCount.objects.filter(period=DAY, day__gt=ALL_DAYS)
            .annotate(month=TruncMonth("day")).values("flow_version_id", "campaign", "step_id", "branch", "month")
            .annotate(r=Sum("reached"), e=Sum("ended")).order_by())
    StepCount.objects.bulk_create(
        (StepCount(flow_version_id=row["flow_version_id"], campaign=row["campaign"], step_id=row["step_id"],
                   branch=row["branch"], day=row["month"], period=MONTH, reached=row["r"], ended=row["e"])
         for row in days.iterator()), batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0004_counts_per_month'),
    ]

    operations = [
        migrations.RunPython(add_range_rows, add_month_rows),
    ]
