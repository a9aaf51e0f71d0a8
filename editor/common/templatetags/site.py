"""Template filters the pages share ({% load site %})."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

from editor.common import words

register = template.Library()


@register.filter
def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """ "just now", "3 min ago", "2 h ago" (editor/common/words.py); empty for no time."""
    if moment is None:
        return ""
    return words.ago(moment, now or timezone.now())


@register.filter
def until(moment: datetime | None, now: datetime | None = None) -> str:
    """ "in about 2 h", "in less than a minute"; empty for no time."""
    if moment is None:
        return ""
    return words.until(moment, now or timezone.now())


@register.filter
def readable_json(value: Any) -> str:
    """JSON (a value, or text holding JSON) indented, with its letters as letters: "Zoë 👋", never
    "Zo\\u00eb \\ud83d\\udc4b". Text that is not JSON is shown as it is."""
    return words.readable_json(value)
