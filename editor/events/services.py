"""Call events: receive (store the raw event, then process in a task) and purge.

Receiving does as little as it can so that it answers fast and never loses an event: find the call
by its token's key, compare the secret in constant time, store each event once (a unique key per
call; a second delivery changes nothing) and mark the call's outcome pending in the same statement,
then have a processing task scheduled (editor/events/processing.py, which derives the outcomes of
every pending call in bulk).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from editor.calls.samespace import EVENTS_KEY_CHARS, EVENTS_SECRET_CHARS
from editor.events import processing, store
from editor.events.models import CallEvent, CallOutcome
from editor.events.shape import read_event

logger = logging.getLogger(__name__)

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


class _Unknown(Exception):
    """No call has this events key (raised, not returned, so that ``_known_call`` does not keep it)."""


@lru_cache(maxsize=4096)
def _known_call(key: str) -> list[Any]:
    """``[call id, secret, flow version id, events stored]`` of the call with this events key, kept by
    this process (at most 4,096, the least recently used dropped first).

    A call's id, secret and flow version never change, and each of its events is one request: so the
    SELECT that finds the call runs once per call and process, not once per event. The count of
    stored events is the one the last store in this process returned (``events_receive`` updates the
    list). A call deleted since is noticed when storing (the events' foreign key): the cache is then
    emptied, a rare event."""
    found = store.find_call(key)
    if found is None:
        raise _Unknown
    return list(found)


def find_call(token: str) -> list[Any]:
    """``[call id, secret, flow version id, events stored]`` of the call whose events token this is
    (``_known_call``); HookRefused(404) otherwise.

    The key (the first characters) finds the row; the secret is compared with ``hmac.compare_digest``
    so the time taken says nothing about how much of it was right. An unknown key is not remembered.
    """
    if not TOKEN_RE.fullmatch(token):
        raise NOT_FOUND
    key, secret = token[:EVENTS_KEY_CHARS], token[EVENTS_KEY_CHARS:]
    try:
        row: list[Any] | None = _known_call(key)
    except _Unknown:
        row = None
    expected = row[1] if row else "0" * EVENTS_SECRET_CHARS
    if not hmac.compare_digest(expected.encode(), secret.encode()) or row is None:
        raise NOT_FOUND
    return row


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
    """Store the events of one request for the call ``token`` names (each once) and have them processed.

    Statements: the SELECT that finds the call and its count of stored events, on its first event in
    this process only (``_known_call``); one statement that inserts the events (``ON CONFLICT DO
    NOTHING``) and, when any was new, marks the call's outcome pending and returns its new count (on
    PostgreSQL; two in a transaction elsewhere); then, only when this request turned the outcome
    pending, one INSERT of the "processing scheduled" mark once committed, whose success enqueues the
    task (editor/events/processing.py).

    The per-call limit (EVENTS_MAX_PER_CALL) is checked against the count this process last saw: exact
    when one process serves a call's events; with several, each may let one more request through
    before it sees what the others stored.
    """
    call = find_call(token)
    call_id, _, version_id, stored = call
    items = parse_body(body)
    if stored + len(items) > settings.EVENTS_MAX_PER_CALL:
        raise HookRefused(429, "throttled", f"This call already has {stored} events; no more are kept.")
    now = timezone.now()
    rows = []
    for raw, obj in items:
        read = read_event(obj)
        rows.append((call_id, read.dedupe_key, raw, read.kind, read.step_id, read.digits, read.variable,
                     read.status, read.occurred_at, read.sequence, now))
    try:
        result = store.insert_and_mark(call_id=call_id, version_id=version_id, rows=rows, now=now)
    except IntegrityError:  # the call was deleted since this process found it
        _known_call.cache_clear()
        raise NOT_FOUND from None
    if result.stored is not None:
        call[3] = result.stored
    if result.schedule:
        transaction.on_commit(lambda: processing.schedule(now=now))
    return Received(call_id=call_id, events=len(rows))


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
