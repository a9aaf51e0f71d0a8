"""Reads of call outcomes and step counts, scoped to the user's teams (another team's call or flow
is then a 404)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from editor.calls.selectors import calls_for_user
from editor.events import counts
from editor.events.models import CallOutcome
from editor.flows.models import FlowVersion
from editor.flows.selectors import flows_for_user

OUTCOME_FIELDS = ("answered", "started_at", "answered_at", "ended_at", "duration_seconds", "path", "digits",
                  "http", "end_reason", "end_step", "timeline", "event_count")


def outcomes_for_calls(call_ids: list[int]) -> dict[int, CallOutcome]:
    """The outcomes of these calls (only those with one), by call id: one query."""
    return {o.call_id: o for o in CallOutcome.objects.filter(call_id__in=call_ids)}


NO_OUTCOME: dict[str, Any] = {
    "answered": None, "started_at": None, "answered_at": None, "ended_at": None, "duration_seconds": None,
    "path": [], "digits": {}, "http": [], "end_reason": "", "end_step": "", "timeline": [], "event_count": 0,
}


def outcome_as_json(outcome: CallOutcome | None) -> dict[str, Any]:
    """The outcome's fields as JSON data; a call without events yet has NO_OUTCOME."""
    if outcome is None:
        return {name: (value.copy() if isinstance(value, list | dict) else value) for name, value in NO_OUTCOME.items()}
    data = {name: getattr(outcome, name) for name in OUTCOME_FIELDS}
    for name in ("started_at", "answered_at", "ended_at"):
        data[name] = data[name].isoformat() if data[name] else None
    return data


def call_outcome_for_user(*, user: AbstractBaseUser, call_id: int) -> dict[str, Any] | None:
    """``{"call", "events_requested", ...outcome}`` for a call in the user's teams, else None."""
    row = calls_for_user(user=user).filter(pk=call_id).values_list("pk", "events_key").first()
    if row is None:
        return None
    outcome = CallOutcome.objects.filter(call_id=call_id).first()
    return {"call": row[0], "events_requested": bool(row[1]), **outcome_as_json(outcome)}


def version_for_user(*, user: AbstractBaseUser, flow_id: int, number: int) -> FlowVersion | None:
    flows: QuerySet = flows_for_user(user=user, include_archived=True)
    return FlowVersion.objects.filter(flow__in=flows, flow_id=flow_id, number=number).first()


def step_counts(*, version: FlowVersion, since: date | None = None, until: date | None = None,
                campaign: int | None = None) -> dict[str, Any]:
    """The counts of a version over a date range (both ends included; each open when None), of every
    call or of the calls placed for one campaign (none when it is another team's: it has no calls of
    this version)."""
    return {"version": version.number, "since": since, "until": until, "campaign": campaign,
            **counts.totals(version_id=version.pk, since=since, until=until, campaign=campaign or 0)}


def outcome_filter(prefix: str, *, answered: bool | None = None, reached: str = "", pressed: str = "") -> Q:
    """A filter on the outcome reached through ``prefix`` (e.g. ``"last_call__outcome__"``): answered
    or not, reached step ``reached``, pressed exactly ``pressed`` at some digits step."""
    q = Q()
    if answered is not None:
        q &= Q(**{f"{prefix}answered": answered})
    if reached:
        q &= Q(**{f"{prefix}reached_text__contains": f"|{reached}|"})
    if pressed:
        q &= Q(**{f"{prefix}pressed_text__contains": f"|{pressed}|"})
    return q


def outcome_text(outcome: CallOutcome | None) -> str:
    """One line in words for a results table: answered, keys, web requests, where it ended, how long."""
    if outcome is None:
        return ""
    parts = ["Answered" if outcome.answered else "Not answered" if outcome.answered is False else "Answer not known"]
    parts += [f"pressed {value or 'nothing'} ({name})" for name, value in outcome.digits.items()]
    parts += [f"web request {h['status'] or 'no answer'} ({h['outcome']})" for h in outcome.http]
    if outcome.end_reason:
        where = f" at step {outcome.end_step}" if outcome.end_step else ""
        parts.append(f"ended{where} ({outcome.end_reason})")
    if outcome.duration_seconds is not None:
        parts.append(f"{round(outcome.duration_seconds)} s")
    return " · ".join(parts)


OUTCOME_CSV_HEADERS = ["answered", "duration_seconds", "steps", "digits", "web_requests", "end_step", "end_reason"]


def outcome_csv_cells(outcome: CallOutcome | None) -> list[str]:
    """The outcome's cells of a results CSV (OUTCOME_CSV_HEADERS), neutralised for spreadsheets."""
    if outcome is None:
        return [""] * len(OUTCOME_CSV_HEADERS)
    answered = "" if outcome.answered is None else "yes" if outcome.answered else "no"
    duration = "" if outcome.duration_seconds is None else f"{outcome.duration_seconds:g}"
    cells = [
        answered, duration, " > ".join(outcome.path),
        "; ".join(f"{name}={value}" for name, value in outcome.digits.items()),
        "; ".join(f"{h['step']}:{h['status']}:{h['outcome']}" for h in outcome.http),
        outcome.end_step, outcome.end_reason,
    ]
    return [csv_safe(cell) for cell in cells]


def csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula: one starting with = + - @ tab or CR gets a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
