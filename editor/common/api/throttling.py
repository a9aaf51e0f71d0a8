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


class FailedAuthThrottle(AnonThrottle):
    """The anonymous bucket of the client, counted for a request answered 401 (a refused token or
    none: editor/common/api/errors.py). The user is not looked at: none was authenticated."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
