"""`make run` has no Redis: the same launch goes through Celery's filesystem transport.

See docs/architecture.md, "Services".
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from editor.calls.models import CallStatus
from tests.support.workers import ROOT, Worker, final_call, worker_database_url, worker_env

pytestmark = [pytest.mark.slow]

LAUNCH = """
from django.db import transaction
from editor.calls.models import Credential
from editor.flows.models import Flow
from editor.calls.services.calls import call_launch
with transaction.atomic():
    call = call_launch(flow=Flow.objects.get(pk={flow}), user=None, number="+15550100",
                       credential=Credential.objects.get(pk={credential}), variables={{"name": "Ada"}})
print("CALL", call.pk)
"""


def test_it_places_a_launched_call_through_the_embedded_filesystem_broker(
    version, credential, sandbox_requests, tmp_path
):
    env = worker_env(DATABASE_URL=worker_database_url(), VAR_DIR=str(tmp_path))
    env.pop("CELERY_BROKER_URL", None)  # as with `make run`: the embedded broker under VAR_DIR/broker
    worker = Worker(env, tmp_path / "worker.log", concurrency=1)
    try:
        worker.wait_ready()
        assert "filesystem://" in worker.text()
        # Launched from a process configured like `make run`'s web server.
        launched = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", LAUNCH.format(flow=version.flow_id, credential=credential.pk)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )
        assert launched.returncode == 0, launched.stderr
        call_id = int(launched.stdout.split("CALL", 1)[1].split()[0])

        call = final_call(call_id, timeout=30)
        assert call.status == CallStatus.ACCEPTED
        assert len(sandbox_requests(idempotency_key=str(call.idempotency_key))) == 1
        assert list((tmp_path / "broker" / "queue").iterdir()) == []  # the message was consumed
    finally:
        worker.stop()
