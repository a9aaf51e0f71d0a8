"""What calls offers the apps built on it, so that calls never imports them.

* ``add_precheck(name, check)``: ``check(call)`` runs right before each POST to Samespace of a call
  whose ``precheck`` field holds ``name`` (set by the app that created the call). It answers
  ``None`` (send it), a reason in words (do not send: the call becomes ``skipped`` with that reason)
  or ``SendLater(not_before)`` (back to ``queued`` until then). Campaigns adds its checks (campaign
  state, calling window, do-not-call, send slots) from its ``AppConfig.ready()``.
* ``add_call_panel(name, render)``: ``render(call)`` returns HTML shown on the call's page below
  its details (events adds the call's outcome and timeline).
* ``credential_rejected``: sent with ``credential=`` after Samespace answered 401 to that
  credential's token (once the failed call is committed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.dispatch import Signal

if TYPE_CHECKING:
    from editor.calls.models import Call


@dataclass(frozen=True)
class SendLater:
    """A precheck's answer for "not yet": back to ``queued`` until ``not_before`` (e.g. campaign pacing)."""

    not_before: datetime


PrecheckResult = str | SendLater | None
Precheck = Callable[["Call"], PrecheckResult]

credential_rejected = Signal()

_prechecks: dict[str, Precheck] = {}


def add_precheck(name: str, check: Precheck) -> None:
    """Register the last check for calls created with ``precheck=name`` (registering again replaces it)."""
    _prechecks[name] = check


def run_precheck(call: Call) -> PrecheckResult:
    """The answer of the call's registered check; ``None`` when it has none. A call whose check is
    not registered (its app was removed) is not sent: better skipped than sent unchecked."""
    if not call.precheck:
        return None
    check = _prechecks.get(call.precheck)
    if check is None:
        return f"No check named {call.precheck!r} is installed, so this call was not sent."
    return check(call)


CallPanel = Callable[["Call"], str]
_call_panels: dict[str, CallPanel] = {}


def add_call_panel(name: str, render: CallPanel) -> None:
    """Show ``render(call)`` (HTML) on every call's page (registering again replaces it)."""
    _call_panels[name] = render


def call_panels(call: Call) -> list[str]:
    return [render(call) for render in _call_panels.values()]
