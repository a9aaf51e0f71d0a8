"""The demo credential follows the port the development server is served on (editor/calls/middleware.py,
editor/calls/services/demo.py): the port the server listens on, never one a client names in its Host
header; only a credential that still points at a development sandbox moves, and only to the sandbox on
this machine."""

from __future__ import annotations

import subprocess
import sys
import urllib.request

import pytest
from django.test import Client

from editor.calls.middleware import DemoSandboxPortMiddleware
from editor.calls.models import Credential
from editor.calls.services.credentials import credential_update
from editor.calls.services.demo import DEMO_CREDENTIAL, demo_sandbox_setup
from tests.support.workers import ROOT, free_port, stop_process_group, wait_for, worker_database_url, worker_env

MIDDLEWARE = "editor.calls.middleware.DemoSandboxPortMiddleware"


@pytest.fixture
def following(settings, monkeypatch):
    """The middleware as a development server has it (the test settings leave it out)."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]
    monkeypatch.setattr(DemoSandboxPortMiddleware, "followed", "")


def demo(team, owner) -> Credential:
    demo_sandbox_setup(team=team, user=owner, flow_name="none")
    return Credential.objects.get(team=team, name=DEMO_CREDENTIAL)


@pytest.mark.django_db
def test_a_request_moves_the_demo_credential_to_the_port_the_server_listens_on(following, settings, team, owner,
                                                                               other_team):
    settings.SITE_PORT = 8000
    first, second = demo(team, owner), demo(other_team, owner)
    assert first.base_url == "http://127.0.0.1:8000/sandbox/api/public/v1"
    # A client naming another port in its Host header changes nothing: the server's own port counts.
    Client().get("/accounts/login/", SERVER_PORT="8765", HTTP_HOST="127.0.0.1:6379")
    for credential in (first, second):
        credential.refresh_from_db()
        assert credential.base_url == "http://127.0.0.1:8765/sandbox/api/public/v1"
        assert credential.reveal_token() == settings.SANDBOX_AUTH_TOKEN


@pytest.mark.django_db
def test_a_demo_credential_pointed_at_samespace_stays_there(following, team, owner):
    credential = demo(team, owner)
    credential_update(credential=credential, base_url="https://api.samespace.com/api/public/v1", auth_token="real")
    Client().get("/accounts/login/", SERVER_PORT="8765")
    credential.refresh_from_db()
    assert credential.base_url == "https://api.samespace.com/api/public/v1" and credential.reveal_token() == "real"


@pytest.mark.django_db
def test_nothing_moves_without_the_sandbox(following, settings, team, owner):
    credential = demo(team, owner)
    settings.SANDBOX_ENABLED = False
    Client().get("/accounts/login/", SERVER_PORT="8765")
    credential.refresh_from_db()
    assert credential.base_url == f"http://127.0.0.1:{settings.SITE_PORT}/sandbox/api/public/v1"


def test_the_development_settings_have_it_and_production_does_not():
    from tests.project.test_settings import PRODUCTION_ENV, manage

    show = "from django.conf import settings; print('" + MIDDLEWARE + "' in settings.MIDDLEWARE)"
    development = manage({"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "flowstudio.settings"}, "shell", "-c", show)
    production = manage(PRODUCTION_ENV, "shell", "-c", show)
    assert development.stdout.strip().splitlines()[-1] == "True", development.stderr
    assert production.stdout.strip().splitlines()[-1] == "False", production.stderr


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_runserver_on_any_port_takes_the_demo_credential_there(team, owner, tmp_path):
    credential = demo(team, owner)
    port = free_port()
    env = worker_env(DATABASE_URL=worker_database_url(), DJANGO_SETTINGS_MODULE="flowstudio.settings")
    log = tmp_path / "runserver.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def served() -> bool:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).status == 200
            except OSError:
                return False

        wait_for(served, timeout=30, interval=0.2, what="the development server to answer")
    finally:
        stop_process_group(proc)
    credential.refresh_from_db()
    assert credential.base_url == f"http://127.0.0.1:{port}/sandbox/api/public/v1"
