"""Call events: receive (store the raw event, then process in a task), derive outcomes, purge.

Receiving does as little as it can so that it answers fast and never loses an event: find the call
by its token's key, compare the secret in constant time, store each event once (a unique key per
call; a second delivery changes nothing), and enqueue ``process_call_events`` when that commits.
Processing derives the whole outcome again from every stored event of the call, so any order and
any late arrival give the same result; the per-step counts change by the difference only.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from editor.calls.models import Call
from editor.calls.samespace import EVENTS_KEY_CHARS, EVENTS_SECRET_CHARS
from editor.events import counts
from editor.events.models import CallEvent, CallOutcome
from editor.events.outcome import Item, derive, difference, share
from editor.events.shape import read_event

logger = logging.getLogger(__name__)

PROCESS_TASK = "editor.tasks.process_call_events"
PURGE_TASK = "editor.tasks.events_purge"
TOKEN_RE = re.compile(rf"[0-9a-f]{{{EVENTS_KEY_CHARS + EVENTS_SECRET_CHARS}}}")
PURGE_BATCH = 5000
MAX_DEPTH = 32


class HookRefused(Exception):
    """Why the hook refuses a request: an HTTP status, a stable code and words."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Received:
    call_id: int
    events: int


NOT_FOUND = HookRefused(404, "not_found", "No call has this events address.")


def find_call(token: str) -> tuple[int, int]:
    """(call id, flow version id) of the call whose events token this is; HookRefused(404) otherwise.

    The key (the first characters) finds the row; the secret is compared with ``hmac.compare_digest``
    so the time taken says nothing about how much of it was right.
    """
    if not TOKEN_RE.fullmatch(token):
        raise NOT_FOUND
    key, secret = token[:EVENTS_KEY_CHARS], token[EVENTS_KEY_CHARS:]
    row = Call.objects.filter(events_key=key).values_list("pk", "events_secret", "flow_version_id").first()
    expected = row[1] if row else "0" * EVENTS_SECRET_CHARS
    if not hmac.compare_digest(expected.encode(), secret.encode()) or row is None:
        raise NOT_FOUND
    return row[0], row[2]


def _depth(value: Any, limit: int) -> bool:
    """True when ``value`` nests deeper than ``limit`` (iteratively: no recursion on hostile input)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_body(body: bytes) -> list[tuple[str, dict[str, Any]]]:
    """``[(raw text, object)]``: one event object, or a list of them; HookRefused(400) otherwise."""
    try:
        text = body.decode("utf-8")
        data = json.loads(text, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise HookRefused(400, "parse_error", "The body is not readable JSON.") from exc
    if _depth(data, MAX_DEPTH):
        raise HookRefused(400, "parse_error", f"The JSON is nested deeper than {MAX_DEPTH} levels.")
    if isinstance(data, dict):
        return [(text.strip(), data)]
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        if len(data) > settings.EVENTS_MAX_BATCH:
            raise HookRefused(413, "too_large", f"At most {settings.EVENTS_MAX_BATCH} events per request.")
        return [(json.dumps(item, separators=(",", ":")), item) for item in data]
    raise HookRefused(400, "bad_request", "Send one event object, or a list of event objects.")


def events_receive(*, token: str, body: bytes) -> Received:
    """Store the events of one request for the call ``token`` names (each once) and enqueue processing.

    Statements: SELECT the call, SELECT the number of its events, one INSERT of all the events, one
    upsert marking its outcome pending (processing is enqueued only when none was waiting).
    """
    call_id, version_id = find_call(token)
    items = parse_body(body)
    stored = CallEvent.objects.filter(call_id=call_id).count()
    if stored + len(items) > settings.EVENTS_MAX_PER_CALL:
        raise HookRefused(429, "throttled", f"This call already has {stored} events; no more are kept.")
    rows = []
    for raw, obj in items:
        read = read_event(obj)
        rows.append(CallEvent(
            call_id=call_id, dedupe_key=read.dedupe_key, raw=raw, kind=read.kind, step_id=read.step_id,
            digits=read.digits, variable=read.variable, status=read.status, occurred_at=read.occurred_at,
            sequence=read.sequence,
        ))
    with transaction.atomic():
        CallEvent.objects.bulk_create(rows, ignore_conflicts=True)  # a known event: nothing changes
        if _mark_pending(call_id, version_id):
            transaction.on_commit(lambda: enqueue_processing(call_id))
    return Received(call_id=call_id, events=len(rows))


def _mark_pending(call_id: int, version_id: int) -> bool:
    """Mark the call's outcome pending (creating it); True when it was not already: enqueue then.

    One ``INSERT … ON CONFLICT DO UPDATE … WHERE NOT pending RETURNING``. While a task holds the
    row's lock this waits for it, then finds ``pending`` cleared and enqueues again, so an event
    stored during processing is never left unprocessed.
    """
    table = connection.ops.quote_name(CallOutcome._meta.db_table)
    sql = (
        f"INSERT INTO {table} (call_id, flow_version_id, path, digits, http, end_reason, end_step, timeline, "  # noqa: S608 - the table name only
        "event_count, closed, applied, reached_text, pressed_text, pending, updated_at) "
        "VALUES (%s, %s, '[]', '{}', '[]', '', '', '[]', 0, %s, '{}', '', '', %s, %s) "
        f"ON CONFLICT (call_id) DO UPDATE SET pending = %s WHERE {table}.pending = %s RETURNING call_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [call_id, version_id, False, True, timezone.now(), True, False])
        return cursor.fetchone() is not None


def enqueue_processing(call_id: int) -> None:
    """Publish ``process_call_events(call_id)``; a broker failure is logged (the events are stored and
    the next event of the call, or ``events_reprocess``, processes them)."""
    try:
        current_app.send_task(PROCESS_TASK, args=[call_id])
    except Exception:  # noqa: BLE001 - any broker failure; the stored events wait
        logger.exception("Could not enqueue the processing of call %s's events.", call_id)


def _items(call_id: int) -> list[Item]:
    fields = ("pk", "kind", "received_at", "step_id", "digits", "variable", "status", "occurred_at", "sequence")
    return [Item(*row) for row in CallEvent.objects.filter(call_id=call_id).values_list(*fields)]


def call_process_events(*, call_id: int) -> CallOutcome | None:
    """Derive the call's outcome again from all its stored events and move the counts by the change.

    The outcome row is locked for the whole derivation, so two workers processing the same call run
    one after the other and the counts never take the same share twice.
    """
    call = Call.objects.filter(pk=call_id).select_related("flow_version").first()
    if call is None:
        return None
    CallOutcome.objects.bulk_create(
        [CallOutcome(call_id=call_id, flow_version_id=call.flow_version_id)], ignore_conflicts=True
    )
    document = call.flow_version.document
    with transaction.atomic():
        outcome = CallOutcome.objects.select_for_update().get(call_id=call_id)
        if outcome.closed:
            logger.info("Call %s: events arrived after its outcome was closed by retention; kept raw only.", call_id)
            CallOutcome.objects.filter(call_id=call_id).update(pending=False)
            return outcome
        summary = derive(_items(call_id), document)
        new_share = {**share(summary, document), "day": call.created_at.date().isoformat()}
        old_share = outcome.applied or {}
        if old_share.get("day") and old_share["day"] != new_share["day"]:  # never: a call's day is fixed
            logger.warning("Call %s changed day; counting it on %s.", call_id, new_share["day"])
        counts.add(version_id=call.flow_version_id, day=call.created_at.date(),
                   delta=difference(old_share, new_share))
        for name, value in summary.items():
            setattr(outcome, name, value)
        outcome.reached_text = marks(summary["path"])
        outcome.pressed_text = marks(summary["digits"].values())
        outcome.applied = new_share
        outcome.pending = False
        outcome.save()
    return outcome


def marks(values: Any) -> str:
    """``|a|b|``: each distinct value once, for ``contains`` filters (editor/events/selectors.py)."""
    distinct = sorted({str(v) for v in values})
    return "|" + "|".join(distinct) + "|" if distinct else ""


def events_purge(*, now: datetime | None = None) -> int:
    """Delete raw events older than EVENTS_RETENTION_DAYS (outcomes and counts stay). Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EVENTS_RETENTION_DAYS)
    deleted = 0
    while True:
        with transaction.atomic():
            rows = list(CallEvent.objects.filter(received_at__lt=cutoff).values_list("pk", "call_id")[:PURGE_BATCH])
            if not rows:
                return deleted
            CallOutcome.objects.filter(call_id__in={call_id for _, call_id in rows}).update(closed=True)
            deleted += CallEvent.objects.filter(pk__in=[pk for pk, _ in rows]).delete()[0]
