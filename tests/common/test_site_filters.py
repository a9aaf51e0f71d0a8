"""The shared template filters (editor/common/templatetags/site.py) and their words (editor/common/words.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from editor.common import words
from editor.common.templatetags.site import ago, until


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=60), "1 min ago"),
        (timedelta(minutes=3, seconds=5), "3 min ago"),
        (timedelta(minutes=59, seconds=59), "59 min ago"),
        (timedelta(hours=2, minutes=40), "2 h ago"),
        (timedelta(days=1, hours=3), "1 day ago"),
        (timedelta(days=4), "4 days ago"),
    ],
)
def test_past_moments_read_as_people_say_them(delta, text):
    now = timezone.now()
    assert ago(now - delta, now) == text


def test_it_never_says_zero_minutes_and_old_moments_get_their_date():
    now = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.get_fixed_timezone(0))
    for seconds in range(0, 3 * 3600, 7):
        assert not ago(now - timedelta(seconds=seconds), now).startswith("0")
    assert ago(now - timedelta(days=40), now) == "26 Oct 2026"
    assert ago(None) == ""


def test_coming_moments_and_estimates():
    now = timezone.now()
    assert until(now + timedelta(hours=2, minutes=5), now) == "in about 2 h"
    assert until(now + timedelta(hours=1, minutes=59, seconds=58), now) == "in about 2 h"
    assert until(now + timedelta(hours=34, minutes=46), now) == "in about 35 h"  # as duration() says it
    assert until(now + timedelta(days=2, hours=20), now) == "in about 3 days"
    assert until(now + timedelta(minutes=3), now) == "in about 3 min"
    assert until(now + timedelta(seconds=20), now) == "in less than a minute"
    assert ago(now + timedelta(minutes=10), now) == "in about 10 min"
    assert words.time_left(20) == "less than a minute left"
    assert words.time_left(150) == "about 3 min left"
    assert words.time_left(135 * 60) == "about 2 h 15 min left"
    assert words.duration(3 * 86400 + 4 * 3600) == "3 days 4 h"


def test_it_is_available_to_every_template_without_load():
    rendered = Template("{{ moment|ago }}").render(Context({"moment": timezone.now()}))
    assert rendered == "just now"
