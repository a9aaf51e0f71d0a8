"""The outcome and timeline shown on a call's page (connected in apps.py through editor/calls/hooks.py)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from editor.events.models import CallOutcome


def outcome_panel(call: Any) -> str:
    """HTML for the call's page: nothing for a call that does not ask for events."""
    if not call.events_key:
        return ""
    outcome = CallOutcome.objects.filter(call_id=call.pk).first()
    return render_to_string("events/_outcome.html", {"outcome": outcome})
