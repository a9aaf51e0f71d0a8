"""The campaign dispatcher's Celery task (thin: the work is in editor/campaigns/services/dispatch.py).

Beat sends it every CAMPAIGN_TICK_SECONDS (``CELERY_BEAT_SCHEDULE["campaigns-tick"]``, installed
into django-celery-beat's tables when beat starts) with an expiry of one interval, so ticks that
waited behind busy workers are dropped rather than run in a burst. Ticks are safe to overlap.
"""

from __future__ import annotations

from celery import shared_task

from editor.campaigns.services.dispatch import campaigns_tick as run_tick

# The name it had when all tasks lived in one module (stored beat schedules use it).
CAMPAIGNS_TICK_TASK = "editor.tasks.campaigns_tick"


@shared_task(name=CAMPAIGNS_TICK_TASK, ignore_result=True)
def campaigns_tick() -> dict[str, int]:
    return run_tick()
