"""API rate limits, read from settings on every request so they can change without a restart of DRF.

DRF's own throttles copy their rates when the class is defined; these look them up in
``settings.API_THROTTLE_RATES`` (``None`` switches a scope off).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _SettingsRate:
    def get_rate(self):
        return (getattr(settings, "API_THROTTLE_RATES", None) or {}).get(self.scope)


class AnonThrottle(_SettingsRate, AnonRateThrottle):
    scope = "anon"


class UserThrottle(_SettingsRate, UserRateThrottle):
    scope = "user"
