"""Call events' Celery tasks: call a service, return."""

from __future__ import annotations

from celery import shared_task

from editor.events.processing import PROCESS_TASK, events_process
from editor.events.services import PURGE_TASK, events_purge


@shared_task(name=PROCESS_TASK)
def process_events() -> list[int]:
    """Every pending call's outcome: [calls, events read] (the events benchmark counts per event)."""
    return list(events_process())


@shared_task(name="editor.tasks.process_call_events")
def process_call_events(call_id: int | None = None) -> list[int]:
    """The task's name before processing went in bulk, for messages queued by an older release."""
    return list(events_process())


@shared_task(name=PURGE_TASK)
def purge_events() -> int:
    return events_purge()
