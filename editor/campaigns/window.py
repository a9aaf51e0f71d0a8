"""Calling windows and the plan in plain words (pure Python: no database, no clock of its own).

A window is a daily local time range plus the weekdays it applies to, evaluated in the callee's
zone with ``zoneinfo`` from an aware instant, so daylight-saving changes are handled by converting
that instant to local wall-clock time (never by adding hours to UTC):

* ``start < end``: open when ``start <= local time < end`` on a listed weekday;
* ``start > end`` crosses midnight and belongs to the day it starts: Friday 21:00–02:00 is open
  from Friday 21:00 to Saturday 02:00 when Friday is listed (whether or not Saturday is);
* ``start == end``: open all day on a listed weekday.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from editor.common import words

UTC = ZoneInfo("UTC")
WEEKDAYS_LONG = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_zone(name: str) -> bool:
    return name in zone_names()


def window_open(moment: datetime, zone_name: str, start: time, end: time, weekdays: list[int]) -> bool:
    """Is ``moment`` (aware) inside the daily window in the zone ``zone_name``?"""
    local = moment.astimezone(zone(zone_name))
    now = local.time().replace(tzinfo=None)
    today = local.date()
    days = set(weekdays)
    if start == end:
        return today.weekday() in days
    if start < end:
        return start <= now < end and today.weekday() in days
    if now >= start:  # the evening part: today's window
        return today.weekday() in days
    if now < end:  # the small hours: the window that started yesterday
        return (today - timedelta(days=1)).weekday() in days
    return False


def _local(day: date, at: time, tz: ZoneInfo) -> tuple[datetime, bool]:
    """(the instant ``day at`` in ``tz``, whether that wall time was skipped by a DST jump)."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz)  # fold=0: a skipped wall time lands just after the jump
    skipped = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive
    return aware.astimezone(UTC), skipped


def next_open(moment: datetime, zone_name: str, start: time, end: time, weekdays: list[int]) -> datetime | None:
    """The first instant at or after ``moment`` when the window is open (None when it never is)."""
    if not weekdays:
        return None
    if window_open(moment, zone_name, start, end, weekdays):
        return moment
    tz = zone(zone_name)
    today = moment.astimezone(tz).date()
    minute = timedelta(minutes=1)
    for offset in range(0, 9):
        day = today + timedelta(days=offset)
        if day.weekday() not in weekdays:
            continue
        opens, skipped = _local(day, start, tz)
        if skipped:  # the opening time does not exist that day: the window opens when the clocks jump
            for _ in range(24 * 60):
                if opens - minute < moment or not window_open(opens - minute, zone_name, start, end, weekdays):
                    break
                opens -= minute
        if opens >= moment and window_open(opens, zone_name, start, end, weekdays):
            return opens
    return None


def window_minutes(start: time, end: time) -> int:
    """Length of the daily window in minutes (wall clock; 1440 for all day)."""
    s = start.hour * 60 + start.minute
    e = end.hour * 60 + end.minute
    if s == e:
        return 24 * 60
    return (e - s) % (24 * 60)


NO_PACE = "Enter how many calls a minute (0 for no limit) to see how long the campaign takes."


def pacing_summary(*, contacts: int, calls_per_minute: int | None, start: time, end: time,
                   weekdays: list[int]) -> str:
    """"About 2 h 15 min at 60 calls a minute" plus how many calling days that spans.

    ``calls_per_minute`` is None while the form holds no valid pace (the schedule step's page says so
    rather than a figure it was not given, such as "-5 calls a minute")."""
    if contacts <= 0:
        return "No contacts yet: upload a CSV to see how long the campaign takes."
    if calls_per_minute is None or calls_per_minute < 0:
        return NO_PACE
    people = f"{contacts:,} contact" + ("" if contacts == 1 else "s")
    if not calls_per_minute:
        return f"{people}, called as fast as the workers can (no pace limit)."
    minutes = contacts / calls_per_minute
    text = f"{people}: {words.about(minutes * 60)} at {calls_per_minute:,} call" + (
        "" if calls_per_minute == 1 else "s") + " a minute"
    per_day = window_minutes(start, end)
    if not weekdays:
        return text + ", but no weekday is selected, so nothing would be called."
    if per_day < 24 * 60:
        days = math.ceil(minutes / per_day)
        window = f"{start:%H:%M}–{end:%H:%M}"
        text += f"; with calls only {window} local time that is {days} calling day" + ("" if days == 1 else "s")
    return text + "."


def finished_summary(*, cancelled: bool, total: int, done: int, seconds: float | None) -> str:
    """A finished campaign's plan: how long it took, never "No contacts yet"."""
    people = f"{total:,} contact" + ("" if total == 1 else "s")
    took = f" in {words.duration(seconds)}" if seconds is not None else ""
    if cancelled:
        after = f" after {words.duration(seconds)}" if seconds is not None else ""
        return f"Cancelled{after}, with {done:,} of {people} done."
    if not total:
        return "Completed with no contact to call."
    return f"Completed: {people} done{took}."


def calling_starts(*, start: time, opens: datetime, zone_name: str, now: datetime) -> str:
    """When a closed window opens: "calling starts at 09:00 in each callee's time, in about 2 h"; a day
    or more away, with the day of the first callee it opens for: "calling starts Monday at 09:00 …"."""
    day = f"{opens.astimezone(zone(zone_name)):%A} " if opens - now >= timedelta(hours=20) else ""
    return f"calling starts {day}at {start:%H:%M} in each callee's time, {words.until(opens, now)}"
