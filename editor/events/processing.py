"""Processing of stored call events, in bulk: derive the outcome of every pending call again from all
of its events and move the per-step counts by the change (docs/call-events.md, "Processing").

The hook marks a call's outcome ``pending`` in the statement that stores its new events. The request
that turns it pending (it was not) then inserts the one "processing scheduled" row
(``ProcessingScheduled``) and enqueues ``events_process`` only when that row was not there yet; the
requests that find the outcome pending already do neither. The task deletes the row first, then
claims pending outcomes a batch at a time (clearing ``pending`` under the rows' locks, held until the
batch is saved) until none is left.

Why no event is left unprocessed: each request that turns an outcome pending inserts the row after
its own events are committed; if it finds the row there, the task that will delete it has not claimed
yet, so it will claim that outcome. A request that finds the outcome pending already holds its row
from its statement to its commit, and no task has claimed the row since the request that turned it
pending (claiming clears the flag): that request's task claims it later, waiting for the lock if it
must (the claim does not skip locked rows), so it reads these events too. A request that stores
events while a batch holds its call's row waits for the batch, then turns the row pending again.
The beat runs the task every minute too, for a task lost with its worker.

Statements per batch, however many calls and events it holds: claim, read the outcomes, read the
events, read the flow versions not cached yet (published versions never change), read the campaigns
of the calls (editor/events/hooks.py), update the outcomes, add to the counts (of every call and of
each campaign).
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from datetime import date, datetime
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from editor.events import counts, hooks, store
from editor.events.models import CallEvent, CallOutcome
from editor.events.outcome import Item, Prepared, derive, difference, prepare, share
from editor.flows.models import FlowVersion

logger = logging.getLogger(__name__)

PROCESS_TASK = "editor.tasks.events_process"
BATCH = 100
_FLOWS: OrderedDict[int, Prepared] = OrderedDict()  # flow version id -> its steps, most recent last
_FLOWS_KEPT = 64
_ITEM_FIELDS = ("pk", "kind", "received_at", "step_id", "digits", "variable", "status", "occurred_at", "sequence")
_SAVED = ("answered", "started_at", "answered_at", "ended_at", "duration_seconds", "path", "digits", "http",
          "end_reason", "end_step", "timeline", "event_count", "reached_text", "pressed_text", "applied", "pending",
          "updated_at")


def schedule(*, now: Any) -> bool:
    """After a request's events are committed: enqueue ``events_process`` unless one is scheduled.
    True when it enqueued.

    A failure here is logged, not raised: the events are stored and marked pending, and the beat's run
    of the task (every minute) processes them.
    """
    try:
        if not store.mark_scheduled(now):
            return False
    except DatabaseError:
        logger.exception("Could not mark the processing of call events as scheduled.")
        return False
    try:
        current_app.send_task(PROCESS_TASK, countdown=settings.EVENTS_PROCESS_DELAY or None)
    except Exception:  # noqa: BLE001 - any broker failure; the pending outcomes wait for the beat's run
        logger.exception("Could not enqueue the processing of call events.")
        try:
            store.clear_scheduled()  # so that the next request tries again
        except DatabaseError:
            logger.exception("Could not clear the processing mark.")
        return False
    return True


def events_process(*, batch: int = BATCH) -> tuple[int, int]:
    """Process every pending call, ``batch`` calls per transaction: (calls processed, events read)."""
    store.clear_scheduled()
    calls = events = 0
    while True:
        with transaction.atomic():
            claimed = _claim(batch)
            events += _process(claimed)
        calls += len(claimed)
        if len(claimed) < batch:
            return calls, events


def call_process_events(*, call_id: int) -> CallOutcome | None:
    """Process one call now, pending or not (the outcome row is created when missing); None when the
    call does not exist."""
    from editor.calls.models import Call

    version_id = Call.objects.filter(pk=call_id).values_list("flow_version_id", flat=True).first()
    if version_id is None:
        return None
    with transaction.atomic():
        CallOutcome.objects.bulk_create([CallOutcome(call_id=call_id, flow_version_id=version_id)],
                                        ignore_conflicts=True)
        CallOutcome.objects.filter(call_id=call_id).update(pending=False)  # takes the row's lock
        _process([call_id])
    return CallOutcome.objects.get(call_id=call_id)


def _claim(limit: int) -> list[int]:
    """Clear ``pending`` on up to ``limit`` outcomes (in call order) and return their call ids; the
    rows stay locked until the transaction ends.

    It waits for a row another transaction holds rather than skip it: a request that stores events
    for a call already pending holds its row until it commits and counts on the task scheduled for
    the call to claim it (editor/events/services.py); skipped, the row would wait for the beat. A
    request holds a row for one statement; another task holds its rows for one batch."""
    table = connection.ops.quote_name(CallOutcome._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        f"UPDATE {table} SET pending = %s WHERE call_id IN (SELECT call_id FROM {table} WHERE pending = %s "  # noqa: S608 - table name only
        f"ORDER BY call_id LIMIT %s{lock}) RETURNING call_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [False, True, limit])
        return [row[0] for row in cursor.fetchall()]


def _flows(version_ids: set[int]) -> dict[int, Prepared]:
    # SQLite reuses the id of a deleted (or rolled-back) row, so there an id does not name one version
    # for ever: the cache would hand a new version the steps of an old one. PostgreSQL's sequences never
    # go back, so the cache is kept there only.
    if connection.vendor != "postgresql":
        _FLOWS.clear()
    missing = version_ids - _FLOWS.keys()
    if missing:
        for pk, document in FlowVersion.objects.filter(pk__in=missing).values_list("pk", "document"):
            _FLOWS[pk] = prepare(document)
    for pk in version_ids:
        _FLOWS.move_to_end(pk)
    while len(_FLOWS) > _FLOWS_KEPT:
        _FLOWS.popitem(last=False)
    return {pk: _FLOWS[pk] for pk in version_ids}


def marks(values: Any) -> str:
    """``|a|b|``: each distinct value once, for ``contains`` filters (editor/events/selectors.py)."""
    distinct = sorted({str(v) for v in values})
    return "|" + "|".join(distinct) + "|" if distinct else ""


def _process(call_ids: list[int]) -> int:
    """Derive the outcomes of ``call_ids`` (claimed: locked by this transaction), add the change of
    their shares to the counts and save them. Returns the number of events read."""
    if not call_ids:
        return 0
    outcomes = {o.call_id: o for o in CallOutcome.objects.filter(call_id__in=call_ids, closed=False)
                .select_related("call").only("call_id", "flow_version_id", "applied", "call__created_at")}
    if len(outcomes) < len(call_ids):  # closed by retention: events arriving since are kept raw only
        logger.info("Events of %d call(s) arrived after retention closed their outcomes; kept raw only.",
                    len(call_ids) - len(outcomes))
    if not outcomes:
        return 0
    items: dict[int, list[Item]] = {call_id: [] for call_id in outcomes}
    read = 0
    for call_id, *fields in CallEvent.objects.filter(call_id__in=list(outcomes)).values_list("call_id", *_ITEM_FIELDS):
        items[call_id].append(Item(*fields))
        read += 1
    flows = _flows({o.flow_version_id for o in outcomes.values()})
    campaigns = hooks.campaigns_of(list(outcomes))
    deltas: dict[tuple[int, date, int], counts.Delta] = {}
    now = timezone.now()
    for call_id, outcome in outcomes.items():
        flow = flows[outcome.flow_version_id]
        summary = derive(items[call_id], flow)
        day = outcome.call.created_at.date()
        campaign = campaigns.get(call_id, 0)
        old_share = outcome.applied or {}
        new_share = {**share(summary, flow), "day": day.isoformat(), "campaign": campaign}
        _add(deltas, (outcome.flow_version_id, day, 0), difference(old_share, new_share))
        if campaign:  # an outcome saved before campaigns were counted has not added its share there yet
            counted = old_share if old_share.get("campaign") == campaign else {}
            _add(deltas, (outcome.flow_version_id, day, campaign), difference(counted, new_share))
        for name, value in summary.items():
            setattr(outcome, name, value)
        outcome.reached_text = marks(summary["path"])
        outcome.pressed_text = marks(summary["digits"].values())
        outcome.applied, outcome.pending, outcome.updated_at = new_share, False, now
    _save(list(outcomes.values()))
    counts.add_many(deltas)  # last: the all-days rows are shared by every call of a version, so lock them briefly
    return read


def _add(deltas: dict[tuple[int, date, int], counts.Delta], key: tuple[int, date, int], delta: counts.Delta) -> None:
    group = deltas.setdefault(key, {})
    for step, (reached, ended) in delta.items():
        r, e = group.get(step, (0, 0))
        group[step] = (r + reached, e + ended)


def _save(outcomes: list[CallOutcome]) -> None:
    """Save the derived fields of ``outcomes`` in one statement.

    On PostgreSQL one ``UPDATE … FROM jsonb_to_recordset(…)``: Django's ``bulk_update`` writes a CASE
    of every row for every field, which took most of the task's CPU (bench/README.md, "Events").
    """
    if connection.vendor != "postgresql":
        CallOutcome.objects.bulk_update(outcomes, _SAVED)
        return
    fields = [CallOutcome._meta.get_field(name) for name in _SAVED]
    records = []
    for outcome in outcomes:
        record: dict[str, Any] = {"call_id": outcome.call_id}
        for f in fields:
            value = getattr(outcome, f.attname)
            record[f.column] = value.isoformat() if isinstance(value, datetime) else value
        records.append(record)
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    table = quote(CallOutcome._meta.db_table)
    sql = (
        f"UPDATE {table} SET {assignments} FROM jsonb_to_recordset(%s::jsonb) "  # noqa: S608 - names from the model
        f"AS v(call_id integer, {columns}) WHERE {table}.call_id = v.call_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(records)])
