"""Safe in production: with DEBUG=0 the sandbox and plain-http Samespace hosts stop start-up, and
``check --deploy`` flags a sandbox, an insecure host or a cache that is not shared (our own checks,
editor/common/checks.py). A development setting follows the port the site is served on."""

from __future__ import annotations

import pytest

from editor.common.checks import production_traps
from tests.project.test_settings import PRODUCTION_ENV, manage


@pytest.mark.parametrize(("setting", "words"), [
    ({"SANDBOX_ENABLED": "1"}, ["SANDBOX_ENABLED=1", "DEBUG=0"]),  # the sandbox cannot be on with DEBUG off
    ({"SAMESPACE_INSECURE_HOSTS": "127.0.0.1"}, ["SAMESPACE_INSECURE_HOSTS"]),  # nor plain-http hosts
], ids=["sandbox", "plain-http"])
def test_start_up_stops_on_a_development_switch_with_debug_off(setting, words):
    result = manage({**PRODUCTION_ENV, **setting}, "check")
    assert result.returncode != 0
    assert all(word in result.stderr for word in words)


def test_a_per_process_cache_fails_the_deploy_check():
    result = manage({**PRODUCTION_ENV, "CACHE_URL": "locmem://"}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "flowstudio.W001" in result.stdout + result.stderr


def test_production_gets_the_brokers_redis_as_its_shared_cache():
    result = manage(PRODUCTION_ENV, "shell", "-c", "from django.conf import settings; print(settings.CACHES)")
    assert result.returncode == 0, result.stderr
    assert "RedisCache" in result.stdout and "redis://127.0.0.1:6379/0" in result.stdout


def test_a_malformed_cache_url_names_the_variable():
    result = manage({**PRODUCTION_ENV, "CACHE_URL": "memcached://x"}, "check")
    assert result.returncode != 0
    assert "CACHE_URL='memcached://x' is invalid" in result.stderr


def test_our_deploy_check_flags_each_trap(settings):
    settings.SANDBOX_ENABLED = True
    settings.SAMESPACE_INSECURE_HOSTS = ["127.0.0.1"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.ALLOWED_HOSTS = ["*"]
    settings.PUBLIC_BASE_URL = "http://flows.example.com"
    assert {problem.id for problem in production_traps()} == {"flowstudio.E001", "flowstudio.E002", "flowstudio.W001",
                                                               "flowstudio.W002", "flowstudio.W003"}
    settings.SANDBOX_ENABLED = False
    settings.SAMESPACE_INSECURE_HOSTS = []
    settings.ALLOWED_HOSTS = ["flows.example.com"]
    settings.PUBLIC_BASE_URL = "https://flows.example.com"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
    assert production_traps() == []


@pytest.mark.django_db
def test_the_demo_credential_follows_the_port_the_site_is_served_on(settings, team, owner):
    from editor.calls.models import Credential
    from editor.calls.services.demo import demo_sandbox_setup

    settings.SITE_PORT = 8123
    demo_sandbox_setup(team=team, user=owner, flow_name="none")
    credential = Credential.objects.get(team=team, name="Sandbox (development)")
    assert credential.base_url == "http://127.0.0.1:8123/sandbox/api/public/v1"
    settings.SITE_PORT = 8200
    demo_sandbox_setup(team=team, user=owner, flow_name="none")
    credential.refresh_from_db()
    assert credential.base_url == "http://127.0.0.1:8200/sandbox/api/public/v1"
    assert credential.reveal_token() == settings.SANDBOX_AUTH_TOKEN


def test_csp_report_only_moves_the_policy_to_the_report_only_header():
    show = ("from django.conf import settings; "
            "print(getattr(settings, 'CONTENT_SECURITY_POLICY', None) is None, "
            "settings.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']['frame-ancestors'])")
    result = manage({**PRODUCTION_ENV, "CSP_REPORT_ONLY": "1"}, "shell", "-c", show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True [\"'none'\"]"
