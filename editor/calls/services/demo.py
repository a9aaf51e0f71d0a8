"""The demo credential: a credential for the built-in sandbox, so a new user of ``make run`` can launch
a call within a minute. Its base URL is the sandbox of the development server, on the port that server
is served on: ``make run`` passes SITE_PORT to ``demo_setup``; a server started on another port (by
hand, or by a test) moves it there on its first request (editor/calls/middleware.py). Only a
credential that still points at a development sandbox moves, and only to the sandbox on this machine:
plain http goes nowhere else (editor/calls/samespace.py, ``check_base_url``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from editor.calls import samespace
from editor.calls.models import Credential
from editor.calls.services.credentials import credential_create, credential_update
from editor.flows.models import Flow
from editor.flows.services.flows import flow_publish

DEMO_CREDENTIAL = "Sandbox (development)"


def demo_sandbox_url(port: int | None = None) -> str:
    """The sandbox of the development server on ``port`` (default: SITE_PORT, where ``make run`` serves)."""
    return f"http://127.0.0.1:{port or settings.SITE_PORT}{samespace.SANDBOX_BASE_PATH}"


def demo_sandbox_setup(*, team: Any, user: AbstractBaseUser | None, flow_name: str) -> None:
    """A demo credential for ``team`` and a published version of the demo flow (idempotent; a demo
    credential made for another port follows SITE_PORT)."""
    existing = Credential.objects.filter(team=team, name=DEMO_CREDENTIAL).first()
    if existing is None:
        credential_create(team=team, user=user, name=DEMO_CREDENTIAL, cloud_id="SANDBOX",
                          auth_token=settings.SANDBOX_AUTH_TOKEN, base_url=demo_sandbox_url(),
                          send_events=bool(settings.PUBLIC_BASE_URL))
    else:
        _follow(existing, demo_sandbox_url())
    flow = Flow.objects.filter(team=team, name=flow_name).first()
    if flow is not None and flow.error_count == 0 and not flow.versions.exists():
        flow_publish(flow=flow, user=user, note="Published by the demo set-up")


def demo_sandbox_follow(*, port: int) -> int:
    """Point every team's demo credential at the sandbox on ``port``, where the development server
    serving this request listens; the number moved. Nothing happens unless the sandbox is on."""
    if not settings.SANDBOX_ENABLED:
        return 0
    url = demo_sandbox_url(port)
    return sum(_follow(c, url) for c in Credential.objects.filter(name=DEMO_CREDENTIAL).exclude(base_url=url))


def _follow(credential: Credential, url: str) -> bool:
    """Move ``credential`` to ``url`` (with the sandbox's token: a new base URL takes the token again)
    if it still points at a development sandbox; one an owner pointed at Samespace is left alone."""
    if credential.base_url == url or not samespace.is_development_sandbox(credential.base_url):
        return False
    credential_update(credential=credential, base_url=url, auth_token=settings.SANDBOX_AUTH_TOKEN)
    return True


__all__ = ["DEMO_CREDENTIAL", "demo_sandbox_follow", "demo_sandbox_setup", "demo_sandbox_url"]
