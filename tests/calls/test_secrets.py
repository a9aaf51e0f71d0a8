"""The auth token at rest, in messages, logs (the worker's and the web server's) and dumps."""

from __future__ import annotations

import io
import json
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from editor.calls import crypto
from editor.calls.models import Credential
from editor.calls.services.credentials import credential_create
from tests.support.workers import final_call, web_server, worker_database_url, worker_env

TOKEN = "secret-7d1f0c9a4e2b48b3a6c5d8e9f0a1b2c3"


@pytest.mark.django_db
def test_it_rotates_the_encryption_key_with_the_command(team, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    credential = credential_create(team=team, user=None, name="A", cloud_id="C", auth_token=TOKEN)
    before = credential.token_ciphertext

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    with pytest.raises(CommandError):
        call_command("rotate_encryption_keys", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "Re-encrypted 1" in out.getvalue()

    credential.refresh_from_db()
    assert credential.token_ciphertext != before
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key can go now
    assert credential.reveal_token() == TOKEN
    call_command("rotate_encryption_keys", "--check", stdout=io.StringIO())


@pytest.mark.django_db
def test_it_refuses_to_rotate_when_a_token_cannot_be_read(team, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    credential_create(team=team, user=None, name="A", cloud_id="C", auth_token=TOKEN)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_encryption_keys", stdout=io.StringIO())
    with pytest.raises(crypto.InvalidToken):
        Credential.objects.get().reveal_token()


@pytest.mark.django_db
def test_it_publishes_only_the_call_id(team, samespace_example_fixed, django_capture_on_commit_callbacks):
    from celery.signals import before_task_publish

    from editor.calls.services.calls import call_create
    from editor.flows.services.flows import flow_create, flow_publish
    from flowstudio.celery import app

    flow = flow_create(team=team, user=None, name="F", document=samespace_example_fixed)
    version = flow_publish(flow=flow, user=None)
    credential = credential_create(team=team, user=None, name="A", cloud_id="C", auth_token=TOKEN)
    bodies = []

    def capture(body=None, headers=None, **kwargs):
        bodies.append(json.dumps([body, headers], default=str))
        raise RuntimeError("stop before the broker")  # logged by enqueue_call; the reaper would retry

    before_task_publish.connect(capture, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call = call_create(version=version, credential=credential, number="+15550100")
    finally:
        before_task_publish.disconnect(capture)
        app  # noqa: B018 - the app stays configured as it was
    assert len(bodies) == 1
    assert TOKEN not in bodies[0]
    assert json.loads(bodies[0])[0][0] == [call.pk]


@pytest.mark.slow
def test_it_leaves_no_plaintext_token_in_a_database_dump_or_the_logs(worker, version, calls_team, sandbox_url,
                                                                      settings, caplog, capfd):
    from django.db import connection

    from editor.calls.services.calls import call_create

    # The web server here is pytest-django's live server in this process (serving the sandbox that
    # receives the token): everything it logs, at any level, and writes to stdout or stderr is searched.
    caplog.set_level(logging.DEBUG)

    settings.SANDBOX_AUTH_TOKEN = TOKEN  # the sandbox (in this process) now expects this token
    credential = credential_create(team=calls_team, user=None, name="Real", cloud_id="C", auth_token=TOKEN,
                                   base_url=sandbox_url)
    accepted = final_call(call_create(version=version, credential=credential, number="+15550100",
                                      variables={"name": "Ada"}).pk)
    wrong = credential_create(team=calls_team, user=None, name="Wrong", cloud_id="C",
                              auth_token=TOKEN + "-but-wrong", base_url=sandbox_url)
    refused = final_call(call_create(version=version, credential=wrong, number="+15550100",
                                     variables={"name": "Ada"}).pk)
    assert (accepted.status, refused.status, refused.response_status) == ("accepted", "failed", 401)

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    raw = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
            raw.append(repr(cursor.fetchall()))
    everything = dump.getvalue() + "\n".join(raw)
    assert '"sandbox.sandboxrequest"' in dump.getvalue()  # the sandbox's log is part of the dump
    assert "REDACTED" in everything
    assert TOKEN not in everything
    assert TOKEN not in worker.text()
    server_output = capfd.readouterr()
    # The web server's log was captured: it logged the sandbox's 401 to the wrong token.
    assert any("/sandbox/" in record.getMessage() for record in caplog.records), caplog.text[-2000:]
    assert TOKEN not in caplog.text
    assert TOKEN not in server_output.out + server_output.err


@pytest.mark.slow
def test_the_web_servers_log_never_holds_the_token(worker, version, calls_team, tmp_path):
    """A real web server (gunicorn at debug level with its access log, Django's loggers at DEBUG) serves
    the sandbox that receives the token, accepted and refused: nothing it writes holds the token."""
    from editor.calls.services.calls import call_create

    log = tmp_path / "web.log"
    env = worker_env(DATABASE_URL=worker_database_url(), SANDBOX_AUTH_TOKEN=TOKEN, LOG_LEVEL="DEBUG")
    with web_server(log, env, access_log=True) as url:
        sandbox = f"{url}/sandbox/api/public/v1"
        right = credential_create(team=calls_team, user=None, name="Real", cloud_id="C", auth_token=TOKEN,
                                  base_url=sandbox)
        wrong = credential_create(team=calls_team, user=None, name="Wrong", cloud_id="C",
                                  auth_token=TOKEN + "-but-wrong", base_url=sandbox)
        calls = [final_call(call_create(version=version, credential=credential, number="+15550100",
                                        variables={"name": "Ada"}).pk) for credential in (right, wrong)]
    assert [(c.status, c.response_status) for c in calls] == [("accepted", 200), ("failed", 401)]
    text = log.read_text(errors="replace")
    assert text.count('"POST /sandbox/api/public/v1/call/flow HTTP/1.1"') == 2, text[-3000:]  # both logged
    assert "Unauthorized: /sandbox/api/public/v1/call/flow" in text  # and Django's word on the refused one
    assert TOKEN not in text
