"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from editor.calls import heartbeat


def worker_status(request: HttpRequest) -> dict:
    """``worker_offline``: evaluated only when a page renders the banner, for signed-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"worker_offline": False}
    return {"worker_offline": heartbeat.worker_offline}
