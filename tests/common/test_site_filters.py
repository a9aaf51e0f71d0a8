"""The shared template filters (editor/common/templatetags/site.py)."""

from __future__ import annotations

from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone

from editor.common.templatetags.site import ago


def test_it_says_just_now_rather_than_zero_minutes():
    now = timezone.now()
    assert ago(now - timedelta(seconds=5), now) == "just now"
    assert ago(now - timedelta(minutes=3, seconds=5), now) == "3\xa0minutes ago"
    assert ago(None) == ""


def test_it_is_available_to_every_template_without_load():
    rendered = Template("{{ moment|ago }}").render(Context({"moment": timezone.now()}))
    assert rendered == "just now"
