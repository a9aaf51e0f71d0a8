"""Celery tasks of calls: thin wrappers that take ids and call a service (the token is never an argument).

Task settings come from flowstudio/settings.py: acks_late, reject on worker lost, prefetch 1,
JSON only, time limits. ``place_call`` must never use ``autoretry_for``: a retry is a decision
of ``call_place`` (only for what Samespace certainly did not process), stored in the database.
"""

from __future__ import annotations

from celery import shared_task

from editor.calls.services.calls import PLACE_CALL_TASK, REAP_CALLS_TASK, call_place, calls_reap


@shared_task(name=PLACE_CALL_TASK, ignore_result=True)
def place_call(call_id: int) -> str:
    return call_place(call_id=int(call_id))


@shared_task(name=REAP_CALLS_TASK, ignore_result=True)
def reap_calls() -> dict[str, int]:
    return calls_reap()
