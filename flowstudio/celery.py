"""The Celery app of FlowStudio. Tasks are found in each app's tasks.py (editor/calls, editor/campaigns)."""

import os

from celery import Celery

from flowstudio import celery_fixes

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flowstudio.settings")

app = Celery("flowstudio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
celery_fixes.install(app)
