from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7#production-secret-key-that-is-long-and-random-enough-Zq91!kd0",
    "ALLOWED_HOSTS": "flows.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "FIELD_ENCRYPTION_KEYS": "p3Gq5LhS5S4n1b1zZ0o8x1mHq0x3Yy9ZPpA5bK6n2sQ=",
}


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # Only what production would have: none of the test suite's development switches.
    dev_only = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL",
                "CELERY_BROKER_URL", "CACHE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in dev_only}
    clean["DJANGO_SETTINGS_MODULE"] = "flowstudio.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_it_passes_the_deploy_checks_with_production_values():
    result = manage(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL", "CELERY_BROKER_URL"]
)
def test_it_fails_loudly_when_production_values_are_missing(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage(env, "check")
    assert result.returncode != 0
    assert f"The environment variable {missing} must be set." in result.stderr


def test_it_refuses_the_test_clock_in_production():
    result = manage({**PRODUCTION_ENV, "CLOCK_FROM_DB": "1"}, "check")
    assert result.returncode != 0
    assert "CLOCK_FROM_DB" in result.stderr and "DEBUG=0" in result.stderr


def test_it_names_a_malformed_variable():
    result = manage({**PRODUCTION_ENV, "DEBUG": "maybe"}, "check")
    assert result.returncode != 0
    assert "DEBUG='maybe' is invalid" in result.stderr


def test_it_defaults_to_sqlite_under_var_with_concurrent_writer_options():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['OPTIONS']['transaction_mode'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="flowstudio.settings")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    engine, name, mode = out.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name.endswith("var/flowstudio.sqlite3")
    assert mode == "IMMEDIATE"


def test_in_development_call_events_come_back_to_the_port_make_run_serves():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.PUBLIC_BASE_URL)"
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_BASE_URL", "DATABASE_URL")}
    env.update(DEBUG="1", SITE_PORT="8123", DJANGO_SETTINGS_MODULE="flowstudio.settings")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "http://127.0.0.1:8123", out.stderr[-500:]
