"""Call events' Celery tasks: take ids, call a service, return."""

from __future__ import annotations

from celery import shared_task

from editor.events.services import PROCESS_TASK, PURGE_TASK, call_process_events, events_purge


@shared_task(name=PROCESS_TASK)
def process_call_events(call_id: int) -> None:
    call_process_events(call_id=call_id)


@shared_task(name=PURGE_TASK)
def purge_events() -> int:
    return events_purge()
