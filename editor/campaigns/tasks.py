"""The campaigns' Celery tasks (thin: the work is in editor/campaigns/services/).

``campaigns_tick``: beat sends it every CAMPAIGN_TICK_SECONDS (``CELERY_BEAT_SCHEDULE["campaigns-tick"]``,
installed into django-celery-beat's tables when beat starts) with an expiry of one interval, so ticks
that waited behind busy workers are dropped rather than run in a burst. Ticks are safe to overlap.

``import_contacts`` (and ``import_do_not_call``, services/dnc_imports.py): one slice of a contact CSV
import (services/imports.py); a slice that stops
after CONTACT_IMPORT_SLICE_SECONDS queues the next one. Safe to run twice: each batch checks the
import's stored position, and a second run of the same slice stores nothing. ``reap_imports`` (beat,
"contact-imports-reaper") queues again an import whose run died or whose message was lost.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from editor.campaigns.services.dispatch import campaigns_tick as run_tick
from editor.campaigns.services.dnc_imports import DNC_IMPORT_TASK, dnc_import_run, dnc_imports_reap
from editor.campaigns.services.imports import IMPORT_TASK, REAP_IMPORTS_TASK, contacts_import_run, imports_reap

# The name it had when all tasks lived in one module (stored beat schedules use it).
CAMPAIGNS_TICK_TASK = "editor.tasks.campaigns_tick"


@shared_task(name=CAMPAIGNS_TICK_TASK, ignore_result=True)
def campaigns_tick() -> dict[str, int]:
    return run_tick()


@shared_task(name=IMPORT_TASK, ignore_result=True)
def import_contacts(import_id: int) -> str:
    # Half the soft time limit at most: a slice ends well before the worker would stop it.
    budget = min(settings.CONTACT_IMPORT_SLICE_SECONDS, settings.CELERY_TASK_SOFT_TIME_LIMIT / 2)
    return contacts_import_run(import_id=int(import_id), slice_seconds=budget)


@shared_task(name=DNC_IMPORT_TASK, ignore_result=True)
def import_do_not_call(import_id: int) -> str:
    budget = min(settings.CONTACT_IMPORT_SLICE_SECONDS, settings.CELERY_TASK_SOFT_TIME_LIMIT / 2)
    return dnc_import_run(import_id=int(import_id), slice_seconds=budget)


@shared_task(name=REAP_IMPORTS_TASK, ignore_result=True)
def reap_imports() -> int:
    return imports_reap() + len(dnc_imports_reap())
