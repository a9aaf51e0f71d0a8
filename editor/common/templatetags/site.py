"""Template filters the pages share ({% load site %})."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """ "just now", "3 minutes ago", "2 days, 4 hours ago"; empty for no time."""
    if moment is None:
        return ""
    now = now or timezone.now()
    if abs((now - moment).total_seconds()) < 60:
        return "just now"
    return f"{timesince(moment, now)} ago"
