"""The one clock of campaigns: every calendar decision (calling windows, start and end times,
retry due dates, campaign timestamps) asks ``clock.now()``, never ``timezone.now()``.

In production it is the system clock. Tests move it: with ``CLOCK_FROM_DB`` on (an environment
setting that settings.py ignores unless DEBUG is on) ``now()`` adds the offset stored in the single
``ClockOffset`` row, so the test process and every worker process see the same moved time as soon
as the row is written. An offset (not a frozen instant) keeps time flowing, so pacing and
time-outs still behave.

Pacing slots and ``Call.not_before`` stay on real elapsed time (``real_now()``): a rate does not
depend on the calendar, and ``call_place`` compares ``not_before`` with the real time when it
claims a call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def enabled() -> bool:
    return bool(getattr(settings, "CLOCK_FROM_DB", False))  # settings.py allows it only with DEBUG


def real_now() -> datetime:
    return timezone.now()


def offset() -> timedelta:
    if not enabled():
        return timedelta(0)
    from editor.campaigns.models import ClockOffset

    seconds = ClockOffset.objects.filter(pk=1).values_list("seconds", flat=True).first()
    return timedelta(seconds=seconds or 0.0)


def now() -> datetime:
    return timezone.now() + offset()


def set_now(moment: datetime) -> None:
    """Make ``now()`` return ``moment`` from this instant on (in every process reading the DB)."""
    _store((moment - timezone.now()).total_seconds())


def advance(delta: timedelta) -> None:
    _store((offset() + delta).total_seconds())


def reset() -> None:
    _store(0.0)


def _store(seconds: float) -> None:
    if not enabled():
        raise RuntimeError("The clock can only be moved with CLOCK_FROM_DB on (tests and development).")
    from editor.campaigns.models import ClockOffset

    ClockOffset.objects.update_or_create(pk=1, defaults={"seconds": seconds})
