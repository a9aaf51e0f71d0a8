"""Settings for the test suite: the real settings with development defaults and short timeouts."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside live_server
os.environ.setdefault("CELERY_TASK_TIME_LIMIT", "20")
os.environ.setdefault("CELERY_TASK_SOFT_TIME_LIMIT", "15")
os.environ.setdefault("SAMESPACE_READ_TIMEOUT", "3")
os.environ.setdefault("SAMESPACE_CONNECT_TIMEOUT", "2")

from flowstudio.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = os.environ.get("AXES_ENABLED", "1") == "1"
