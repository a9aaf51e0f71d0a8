"""The hook's SQL: a few plain statements, because each request runs them (docs/call-events.md).

The ORM costs more to build a query than PostgreSQL takes to run it here: on a 2-CPU machine the
hook's four ORM statements took about 2 ms of CPU per event against 0.4 ms for the plain INSERT the
benchmark compares with (bench/README.md, "Events"). So these are written once, with the table and
column names taken from the models, and run through Django's connection (its transactions, its
time-zone handling and its execute wrappers apply).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction

from editor.calls.models import Call
from editor.events.models import CallEvent, CallOutcome, ProcessingScheduled

EVENT_COLUMNS = ("call_id", "dedupe_key", "raw", "kind", "step_id", "digits", "variable", "status", "occurred_at",
                 "sequence", "received_at")
_DATETIMES = (EVENT_COLUMNS.index("occurred_at"), EVENT_COLUMNS.index("received_at"))


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def find_call(key: str) -> tuple[int, str, int, int] | None:
    """(id, events secret, flow version id, events stored) of the call with this events key."""
    sql = (
        f"SELECT c.id, c.events_secret, c.flow_version_id, COALESCE(o.stored, 0) FROM {_table(Call)} c "  # noqa: S608 - table names only
        f"LEFT JOIN {_table(CallOutcome)} o ON o.call_id = c.id WHERE c.events_key = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        return cursor.fetchone()


@dataclass(frozen=True)
class Stored:
    """What ``insert_and_mark`` did: ``stored`` is the call's count of stored events after the
    request's (None when none of them was new: nothing was written, nothing read); ``schedule`` says
    that this request turned the outcome pending, so it has the processing scheduled."""

    stored: int | None
    schedule: bool


def _event_values(rows: list[tuple]) -> tuple[str, list[Any]]:
    """The ``VALUES`` list and its parameters for ``rows`` (tuples in EVENT_COLUMNS order)."""
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any] = []
    for row in rows:
        values = list(row)
        for index in _DATETIMES:
            values[index] = adapt(values[index])
        params += values
    one = "(" + ", ".join(["%s"] * len(EVENT_COLUMNS)) + ")"
    return ", ".join([one] * len(rows)), params


_OUTCOME_COLUMNS = ("call_id, flow_version_id, path, digits, http, end_reason, end_step, timeline, event_count, "
                    "closed, applied, reached_text, pressed_text, pending, stored, updated_at")


def _mark_sql(source: str) -> str:
    """Create the call's outcome, or mark it pending and add to its count of stored events; ``source``
    gives the row's values (with the number of new events as ``n``). It returns the count, and whether
    this request turned the row pending: ``updated_at`` changes only when the row was not pending yet,
    so ``updated_at = <this request's time>`` (the row is locked from here to the commit: no other
    request can have changed it meanwhile)."""
    table = _table(CallOutcome)
    return (
        f"INSERT INTO {table} ({_OUTCOME_COLUMNS}) {source} "  # noqa: S608 - names and placeholders only
        f"ON CONFLICT (call_id) DO UPDATE SET pending = excluded.pending, stored = {table}.stored + excluded.stored, "
        f"updated_at = CASE WHEN {table}.pending THEN {table}.updated_at ELSE excluded.updated_at END "
        "RETURNING stored, updated_at = %s"
    )


_NEW_OUTCOME = "%s, %s, '[]', '{}', '[]', '', '', '[]', 0, %s, '{}', '', '', %s"
# In a SELECT (not VALUES), PostgreSQL types a bare literal as text: the JSON ones are cast.
_NEW_OUTCOME_TYPED = ("%s, %s, '[]'::jsonb, '{}'::jsonb, '[]'::jsonb, '', '', '[]'::jsonb, 0, %s, '{}'::jsonb, '', '', "
                      "%s")


def insert_and_mark(*, call_id: int, version_id: int, rows: list[tuple], now: datetime) -> Stored:
    """Insert the events ``rows`` (a known one changes nothing) and, when any was new, mark the call's
    outcome pending. On PostgreSQL one statement (so one commit); else two in a transaction.

    A call deleted since it was found makes the commit fail on the events' foreign key
    (IntegrityError): nothing is stored."""
    values, params = _event_values(rows)
    insert = (
        f"INSERT INTO {_table(CallEvent)} ({', '.join(EVENT_COLUMNS)}) VALUES {values} "  # noqa: S608 - names and placeholders only
        "ON CONFLICT (call_id, dedupe_key) DO NOTHING"
    )
    outcome = [call_id, version_id, False, True]
    updated = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            source = f"SELECT {_NEW_OUTCOME_TYPED}, n, %s FROM (SELECT count(*) AS n FROM new) AS c WHERE n > 0"  # noqa: S608
            cursor.execute(f"WITH new AS ({insert} RETURNING 1) {_mark_sql(source)}",
                           [*params, *outcome, updated, updated])
            marked = cursor.fetchone()
        else:
            with transaction.atomic():
                cursor.execute(insert, params)
                new = cursor.rowcount
                marked = None
                if new > 0:
                    cursor.execute(_mark_sql(f"VALUES ({_NEW_OUTCOME}, %s, %s)"), [*outcome, new, updated, updated])
                    marked = cursor.fetchone()
    if marked is None:
        return Stored(stored=None, schedule=False)
    return Stored(stored=marked[0], schedule=bool(marked[1]))


# A "scheduled" row older than this is taken for a task that was lost (its message purged, its worker
# gone before it started): the next request deletes it and schedules again. Checked once per
# STALE_CHECK_SECONDS in each process, not on every request; the beat's run every minute covers it too.
STALE_SECONDS = 120
STALE_CHECK_SECONDS = 10
_last_stale_check = [0.0]


def mark_scheduled(now: datetime) -> bool:
    """Insert the "processing scheduled" row; True when it was not there (the caller then enqueues).

    ``ON CONFLICT DO NOTHING`` neither writes nor locks when the row is there, so the requests that
    arrive while a task is scheduled do not wait on each other.
    """
    table = _table(ProcessingScheduled)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        if now.timestamp() - _last_stale_check[0] > STALE_CHECK_SECONDS:
            _last_stale_check[0] = now.timestamp()
            cursor.execute(f"DELETE FROM {table} WHERE id = 1 AND at < %s",  # noqa: S608 - table name only
                           [adapt(now - timedelta(seconds=STALE_SECONDS))])
        cursor.execute(f"INSERT INTO {table} (id, at) VALUES (1, %s) ON CONFLICT (id) DO NOTHING", [adapt(now)])  # noqa: S608 - table name only
        return cursor.rowcount == 1


def clear_scheduled() -> None:
    """Delete the "processing scheduled" row: the next request that stores an event schedules again."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(ProcessingScheduled)} WHERE id = 1")  # noqa: S608 - table name only
