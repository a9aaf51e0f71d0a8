"""Model fields the apps share."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def person_field() -> models.ForeignKey:
    """Who did it (created, updated): kept as history, so a deleted user leaves it empty."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
