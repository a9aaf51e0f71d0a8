"""Calling windows: the callee's zone, windows across midnight, daylight-saving change days."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from editor.campaigns.window import next_open, pacing_summary, window_minutes, window_open
from editor.common import words

WEEK = list(range(7))
WEEKDAYS = [0, 1, 2, 3, 4]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_it_evaluates_the_window_in_the_callees_zone_not_the_servers():
    moment = utc(2026, 6, 10, 14, 0)  # Wednesday 14:00 UTC
    nine_to_five = (time(9), time(17), WEEK)
    assert window_open(moment, "America/New_York", *nine_to_five)  # 10:00 there
    assert not window_open(moment, "Asia/Tokyo", *nine_to_five)  # 23:00 there
    assert not window_open(moment, "America/Los_Angeles", *nine_to_five)  # 07:00 there
    assert window_open(moment, "Europe/Paris", *nine_to_five)  # 16:00 there


def test_it_closes_the_window_at_its_end_minute_and_opens_at_its_start():
    window = (time(9), time(17), WEEK)
    assert not window_open(utc(2026, 6, 10, 8, 59, 59), "UTC", *window)
    assert window_open(utc(2026, 6, 10, 9, 0), "UTC", *window)
    assert window_open(utc(2026, 6, 10, 16, 59, 59), "UTC", *window)
    assert not window_open(utc(2026, 6, 10, 17, 0), "UTC", *window)


def test_it_checks_the_weekday_in_the_callees_zone():
    # Friday 23:30 UTC is already Saturday 08:30 in Tokyo: a Mon–Fri window is closed there.
    moment = utc(2026, 6, 12, 23, 30)
    assert not window_open(moment, "Asia/Tokyo", time(8), time(20), WEEKDAYS)
    assert window_open(moment, "Asia/Tokyo", time(8), time(20), WEEKDAYS + [5])


def test_it_gives_a_window_across_midnight_to_the_day_it_starts():
    window = (time(21), time(2))
    friday_only = [4]
    assert window_open(utc(2026, 6, 12, 22, 0), "UTC", *window, friday_only)  # Friday 22:00
    assert window_open(utc(2026, 6, 13, 1, 30), "UTC", *window, friday_only)  # Saturday 01:30: Friday's window
    assert not window_open(utc(2026, 6, 13, 2, 0), "UTC", *window, friday_only)
    assert not window_open(utc(2026, 6, 13, 22, 0), "UTC", *window, friday_only)  # Saturday evening
    assert not window_open(utc(2026, 6, 12, 1, 0), "UTC", *window, friday_only)  # Friday 01:00: Thursday's window
    assert not window_open(utc(2026, 6, 12, 12, 0), "UTC", *window, friday_only)


def test_it_treats_equal_start_and_end_as_all_day():
    assert window_open(utc(2026, 6, 10, 3, 0), "UTC", time(0), time(0), [2])
    assert not window_open(utc(2026, 6, 11, 3, 0), "UTC", time(0), time(0), [2])


def test_it_follows_wall_clock_time_on_the_spring_forward_day():
    # New York, Sunday 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    window = (time(9), time(17), WEEK)
    assert window_open(utc(2026, 3, 8, 13, 0), "America/New_York", *window)  # 09:00 EDT
    assert not window_open(utc(2026, 3, 8, 12, 59), "America/New_York", *window)  # 08:59 EDT
    # The day before, 09:00 was 14:00 UTC (EST): a fixed UTC offset would be an hour off on one side.
    assert not window_open(utc(2026, 3, 7, 13, 30), "America/New_York", *window)
    assert window_open(utc(2026, 3, 7, 14, 0), "America/New_York", *window)
    # A window starting inside the skipped hour opens when the clocks jump.
    gap = (time(2, 30), time(5), WEEK)
    assert not window_open(utc(2026, 3, 8, 6, 59), "America/New_York", *gap)  # 01:59 EST
    assert window_open(utc(2026, 3, 8, 7, 0), "America/New_York", *gap)  # 03:00 EDT
    assert next_open(utc(2026, 3, 8, 5, 0), "America/New_York", *gap) == utc(2026, 3, 8, 7, 0)


def test_it_follows_wall_clock_time_on_the_fall_back_day():
    # New York, Sunday 2026-11-01: 02:00 EDT goes back to 01:00 EST; 01:00–02:00 happens twice.
    window = (time(1), time(1, 30), WEEK)
    assert window_open(utc(2026, 11, 1, 5, 15), "America/New_York", *window)  # 01:15 EDT
    assert not window_open(utc(2026, 11, 1, 5, 45), "America/New_York", *window)  # 01:45 EDT
    assert window_open(utc(2026, 11, 1, 6, 15), "America/New_York", *window)  # 01:15 EST, the second time
    nine = (time(9), time(17), WEEK)
    assert window_open(utc(2026, 11, 1, 14, 0), "America/New_York", *nine)  # 09:00 EST
    assert not window_open(utc(2026, 11, 1, 13, 30), "America/New_York", *nine)  # 08:30 EST


def test_it_opens_a_night_window_that_spans_the_dst_change_for_the_right_length():
    # Europe/Paris 2026-03-29: 02:00 CET → 03:00 CEST. 22:00 Saturday → 06:00 Sunday is 7 real hours.
    window = (time(22), time(6), [5])
    start, end = utc(2026, 3, 28, 21, 0), utc(2026, 3, 29, 4, 0)
    minutes_open = sum(window_open(start + timedelta(minutes=m), "Europe/Paris", *window)
                       for m in range(-60, 9 * 60))
    assert minutes_open == 7 * 60
    assert window_open(start, "Europe/Paris", *window)
    assert not window_open(end, "Europe/Paris", *window)


def test_it_finds_the_next_opening():
    window = (time(9), time(17), WEEKDAYS)
    friday_evening = utc(2026, 6, 12, 18, 0)
    assert next_open(friday_evening, "UTC", *window) == utc(2026, 6, 15, 9, 0)
    assert next_open(utc(2026, 6, 10, 10, 0), "UTC", *window) == utc(2026, 6, 10, 10, 0)
    assert next_open(friday_evening, "UTC", time(9), time(17), []) is None


@pytest.mark.parametrize("minutes, text", [(0.2, "less than a minute"), (1.2, "2 min"), (45, "45 min"),
                                           (135, "2 h 15 min"), (120, "2 h"), (3 * 24 * 60 + 61, "3 days 1 h")])
def test_it_says_durations_in_plain_words(minutes, text):
    assert words.duration(minutes * 60) == text


def test_it_summarises_the_pace_in_plain_words():
    summary = pacing_summary(contacts=8100, calls_per_minute=60, start=time(9), end=time(17), weekdays=WEEKDAYS)
    assert summary.startswith("8,100 contacts: about 2 h 15 min at 60 calls a minute")
    assert "1 calling day" in summary
    assert window_minutes(time(21), time(2)) == 5 * 60
    slow = pacing_summary(contacts=1000, calls_per_minute=1, start=time(9), end=time(17), weekdays=WEEKDAYS)
    assert "about 16 h 40 min at 1 call a minute" in slow and "3 calling days" in slow
