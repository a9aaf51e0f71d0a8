"""Settings for the test suite: the real settings with development defaults and short timeouts."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside live_server
os.environ.setdefault("CELERY_TASK_TIME_LIMIT", "20")
os.environ.setdefault("CELERY_TASK_SOFT_TIME_LIMIT", "15")
os.environ.setdefault("SAMESPACE_READ_TIMEOUT", "3")
os.environ.setdefault("SAMESPACE_CONNECT_TIMEOUT", "2")
# Tests clear the cache between them (tests/support/fixtures.py): never the broker's Redis database.
# The test of one limit across processes (tests/common/test_shared_throttles.py) names a Redis cache.
os.environ.setdefault("CACHE_URL", "locmem://")

from flowstudio.settings import *  # noqa: E402,F403

# Test clients pretend to be served on port 80: the demo credential stays where a test puts it
# (tests/project/test_production_traps.py adds the middleware back to test it).
MIDDLEWARE = [m for m in MIDDLEWARE if m != "editor.calls.middleware.DemoSandboxPortMiddleware"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = os.environ.get("AXES_ENABLED", "1") == "1"
