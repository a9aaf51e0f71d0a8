"""Checks of our own that ``manage.py check --deploy`` runs (registered by editor/accounts/apps.py):
the production traps a setting can set. flowstudio/settings.py already stops start-up for the
sandbox or plain-http hosts with DEBUG=0; these catch what a settings module set another way."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


@register(Tags.security, deploy=True)
def production_traps(app_configs: Any = None, **kwargs: Any) -> list:
    problems: list = []
    if getattr(settings, "SANDBOX_ENABLED", False):
        problems.append(Error(
            "The development sandbox is on: /sandbox/requests/ shows payloads, numbers and contact fields "
            "to anyone.", hint="Unset SANDBOX_ENABLED in production.", id="flowstudio.E001"))
    insecure = list(getattr(settings, "SAMESPACE_INSECURE_HOSTS", []) or [])
    if insecure:
        problems.append(Error(
            f"Credentials may send their token over plain http to {', '.join(insecure)}.",
            hint="Unset SAMESPACE_INSECURE_HOSTS in production: it is for the development sandbox only.",
            id="flowstudio.E002"))
    if "*" in (settings.ALLOWED_HOSTS or []):
        problems.append(Warning(
            "ALLOWED_HOSTS accepts any host name: password-reset links and absolute URLs can then name "
            "a host an attacker chose.", hint="List the site's host names in ALLOWED_HOSTS.", id="flowstudio.W002"))
    if str(getattr(settings, "PUBLIC_BASE_URL", "")).startswith("http://"):
        problems.append(Warning(
            "PUBLIC_BASE_URL uses plain http: Samespace would post call events, and the token in each "
            "event URL, in clear text.", hint="Serve the site over https and set PUBLIC_BASE_URL=https://…",
            id="flowstudio.W003"))
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        problems.append(Warning(
            "The cache is not shared between processes: every API throttle, the simulator's send limit and "
            "the password-reset limits multiply with the number of web processes.",
            hint="Set CACHE_URL to redis://host:port/db or db://.", id="flowstudio.W001"))
    return problems
