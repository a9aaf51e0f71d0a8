"""The campaign dispatcher's Celery task (thin: the work is in ``editor.services.dispatch``).

Beat sends it every CAMPAIGN_TICK_SECONDS (``CELERY_BEAT_SCHEDULE["campaigns-tick"]``, installed
into django-celery-beat's tables when beat starts) with an expiry of one interval, so ticks that
waited behind busy workers are dropped rather than run in a burst. Ticks are safe to overlap.
"""

from __future__ import annotations

from celery import shared_task

from editor import worker_fixes  # noqa: F401 - keeps workers alive across a Redis restart (Celery 5.7 bug)
from editor.services import campaigns as _campaigns  # noqa: F401 - connects the 401 → pause receiver
from editor.services.dispatch import campaigns_tick as run_tick


@shared_task(name="editor.tasks.campaigns_tick", ignore_result=True)
def campaigns_tick() -> dict[str, int]:
    return run_tick()
