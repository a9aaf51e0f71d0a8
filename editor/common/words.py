"""Times and durations in the words every page uses (pure Python, no clock of its own).

One phrasing everywhere: "just now", "3 min ago", "2 h ago", "in about 2 h", "about 3 min left",
"less than a minute left". Never "0 minutes ago" or "about under a minute". The pages' scripts that
update these words live (editor/campaigns/templates/campaigns/) say them the same way.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def duration(seconds: float) -> str:
    """How long, rounded the way people estimate: "less than a minute", "3 min", "2 h 15 min", "3 days 4 h"."""
    if seconds < MINUTE:
        return "less than a minute"
    minutes = math.ceil(seconds / MINUTE)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, rest = divmod(minutes, 24 * 60)
    hours = round(rest / 60)
    return f"{days} days {hours} h" if hours else f"{days} days"


def about(seconds: float) -> str:
    """An estimate: "less than a minute" stays as it is, anything longer is "about 3 min"."""
    words = duration(seconds)
    return words if seconds < MINUTE else f"about {words}"


def time_left(seconds: float) -> str:
    """ "about 3 min left", "less than a minute left"."""
    return f"{about(seconds)} left"


def _elapsed(seconds: float) -> str:
    """A past or coming distance in its largest unit: "3 min", "2 h", "1 day", "5 days"."""
    if seconds < HOUR:
        return f"{max(1, int(seconds // MINUTE))} min"
    if seconds < DAY:
        return f"{int(seconds // HOUR)} h"
    days = int(seconds // DAY)
    return f"{days} day" + ("" if days == 1 else "s")


def ago(moment: datetime, now: datetime) -> str:
    """ "just now", "3 min ago", "2 h ago", "4 days ago"; after 30 days the date ("4 Nov 2026")."""
    seconds = (now - moment).total_seconds()
    if abs(seconds) < MINUTE:
        return "just now"
    if seconds < 0:
        return until(moment, now)
    if seconds >= 30 * DAY:
        return f"{moment.day} {moment:%b %Y}"
    return f"{_elapsed(seconds)} ago"


def _nearest(units: float) -> int:
    """Half up, as people round (Python's round() sends 2.5 to 2)."""
    return math.floor(units + 0.5)


def until(moment: datetime, now: datetime) -> str:
    """ "in about 2 h", "in about 3 min", "in less than a minute"; "now" for a moment already here.

    Rounded to the nearest unit, as an estimate is (1 h 59 min is "about 2 h"), where ``ago`` counts
    whole units gone by. Hours up to two days, as ``duration`` says them: a page that shows "about
    34 h 46 min left" says "in about 35 h" beside it, not "in about 1 day"."""
    seconds = (moment - now).total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < MINUTE:
        return "in less than a minute"
    minutes = _nearest(seconds / MINUTE)
    if minutes < 60:
        return f"in about {minutes} min"
    hours = _nearest(seconds / HOUR)
    if hours < 48:
        return f"in about {hours} h"
    days = _nearest(seconds / DAY)
    return f"in about {days} day" + ("" if days == 1 else "s")


def readable_json(value: Any) -> str:
    """JSON for a person to read: indented, letters and emoji as themselves (no ``\\u`` escapes).

    ``value`` is a decoded value or text holding JSON (a stored response body); text that is not
    JSON comes back unchanged, and nothing here raises.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value)
        except ValueError:
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)
