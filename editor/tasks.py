"""Celery tasks: thin wrappers that take ids and call a service (the token is never an argument).

Task settings come from flowstudio/settings.py: acks_late, reject on worker lost, prefetch 1,
JSON only, time limits. ``place_call`` must never use ``autoretry_for``: a retry is a decision
of ``call_place`` (only for what Samespace certainly did not process), stored in the database.
"""

from __future__ import annotations

from celery import shared_task

from editor import heartbeat
from editor.services.calls import call_place, calls_reap

heartbeat.connect_worker_signals()


@shared_task(name="editor.tasks.place_call", ignore_result=True)
def place_call(call_id: int) -> str:
    return call_place(call_id=int(call_id))


@shared_task(name="editor.tasks.reap_calls", ignore_result=True)
def reap_calls() -> dict[str, int]:
    return calls_reap()


from editor import campaign_tasks  # noqa: E402,F401 - the campaign dispatcher's tick
