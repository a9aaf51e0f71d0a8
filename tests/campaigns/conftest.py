"""Campaign fixtures: factories, and for the worker tests real processes — Celery workers and beat
on Redis (a queue of our own), the sandbox on pytest-django's live server, the test database.

Uses the shared helpers of tests/support (Worker, worker_env, wait_for, the
private Redis DB, the sandbox fixtures). Workers and beat read the moved clock from the database
(CLOCK_FROM_DB), so a test moves time for every process at once with ``editor/campaigns/clock.py``.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings

from tests.support.workers import (
    ROOT,
    Worker,
    private_broker_url,
    stop_process_group,
    wait_for,
    worker_database_url,
    worker_env,
)

TICK = 1.0  # seconds between dispatcher ticks in the worker tests


# --- factories ------------------------------------------------------------------------------------

FLOW = {
    "steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+12125550199", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Hello {{contact.name}}, this is your reminder."},
    ],
    "layout": {},
    "settings": {"record": False},
}


def make_version(team, *, document: dict | None = None):
    from editor.flows.services.flows import flow_create, flow_publish

    flow = flow_create(team=team, user=None, name=f"Reminder {uuid.uuid4().hex[:4]}", document=document or FLOW)
    return flow_publish(flow=flow, user=None)


def make_credential(team, base_url: str = "http://127.0.0.1:9/sandbox/api/public/v1", *, name: str = "Sandbox"):
    from editor.calls.services.credentials import credential_create

    return credential_create(team=team, user=None, name=name, cloud_id="CLOUD-1",
                             auth_token=settings.SANDBOX_AUTH_TOKEN, base_url=base_url)


def csv_file(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def numbers_csv(numbers: list[str], *, name: str = "Ada") -> io.BytesIO:
    return csv_file("number,name\n" + "".join(f"{n},{name}\n" for n in numbers))


def us_numbers(count: int, *, start: int = 1000, area: str = "212") -> list[str]:
    """Valid US numbers (555-01xx is fictional, so use 555-1000 up) that hit no sandbox fault."""
    return [f"+1{area}555{n:04d}" for n in range(start, start + count)]


def make_campaign(team, version, credential, *, numbers: list[str] | None = None, upload: io.BytesIO | None = None,
                  start: bool = False, **fields):
    from editor.campaigns.services.campaigns import campaign_create, campaign_start
    from editor.campaigns.services.imports import contacts_import

    defaults = {"name": "Reminders", "flow_version": version, "credential": credential, "timezone": "UTC",
                "window_start": datetime.min.time(), "window_end": datetime.min.time(),
                "weekdays": list(range(7)), "calls_per_minute": 0, "retry_delay_seconds": 60}
    campaign = campaign_create(team=team, user=None, **{**defaults, **fields})
    if numbers is not None or upload is not None:
        contacts_import(campaign=campaign, upload=upload or numbers_csv(numbers or []))
        campaign.refresh_from_db()
    if start:
        campaign = campaign_start(campaign=campaign)
    return campaign


@pytest.fixture
def version(team):
    return make_version(team)


@pytest.fixture
def credential(team):
    return make_credential(team)


# --- real processes -------------------------------------------------------------------------------


class Beat:
    """``celery beat`` with a file scheduler (the test database's tables are emptied between tests,
    which django-celery-beat's scheduler does not survive); same CELERY_BEAT_SCHEDULE as production."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.log = folder / "beat.log"
        self._log_file = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "flowstudio", "beat", "--loglevel=INFO", "--pidfile=",
             "-S", "celery.beat:PersistentScheduler", "-s", str(folder / "schedule")],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        stop_process_group(self.proc)
        self._log_file.close()


def _purge_queue(url: str, queue: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.delete(queue, "unacked", "unacked_index", f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def campaign_env(broker: str, queue: str, **overrides: str) -> dict[str, str]:
    return worker_env(
        DATABASE_URL=worker_database_url(), CELERY_BROKER_URL=broker, CELERY_TASK_DEFAULT_QUEUE=queue,
        CLOCK_FROM_DB="1", CAMPAIGN_TICK_SECONDS=str(TICK), CAMPAIGN_BATCH="100", CAMPAIGN_MAX_IN_FLIGHT="200",
        CALLS_REAPER_INTERVAL="1", CALLS_REQUEUE_AFTER="4", **overrides,
    )


class Runtime:
    """Workers and beat on one broker and queue; ``start_worker`` adds more, ``stop`` ends them all."""

    def __init__(self, broker: str, queue: str, folder: Path, **env: str) -> None:
        self.broker, self.queue, self.folder, self.env = broker, queue, folder, env
        self.workers: list[Worker] = []
        self.beat: Beat | None = None

    def environment(self) -> dict[str, str]:
        return campaign_env(self.broker, self.queue, **self.env)

    def start_worker(self, *, concurrency: int = 2, wait: bool = True) -> Worker:
        worker = Worker(self.environment(), self.folder / f"worker-{len(self.workers)}.log", concurrency=concurrency)
        self.workers.append(worker)
        if wait:
            worker.wait_ready()
        return worker

    def start_beat(self) -> Beat:
        self.beat = Beat(self.environment(), self.folder)
        wait_for(lambda: "beat: Starting" in self.beat.text() or self.beat.proc.poll() is not None, timeout=30,
                 what="beat to start")
        assert self.beat.proc.poll() is None, self.beat.text()
        return self.beat

    def stop_beat(self) -> None:
        if self.beat is not None:
            self.beat.stop()
            self.beat = None

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.stop_beat()


@pytest.fixture(scope="session")
def campaign_broker() -> Iterator[tuple[str, str]]:
    url = private_broker_url()
    queue = "campaign-tests"  # a queue of our own: other suites' workers on the same Redis DB never see it
    _purge_queue(url, queue)
    yield url, queue
    _purge_queue(url, queue)


@pytest.fixture(scope="session")
def runtime(django_db_setup, campaign_broker, tmp_path_factory) -> Iterator[Runtime]:
    """Two workers (two processes each) and beat for the session, ticking every second."""
    url, queue = campaign_broker
    rt = Runtime(url, queue, tmp_path_factory.mktemp("campaign-runtime"))
    try:
        rt.start_worker(wait=False)
        rt.start_worker(wait=False)
        for worker in rt.workers:
            worker.wait_ready()
        rt.start_beat()
        yield rt
    finally:
        rt.stop()


@pytest.fixture
def live_team(transactional_db):
    from editor.accounts.models import Team

    return Team.objects.create(name="Campaign team", slug=f"campaign-{uuid.uuid4().hex[:6]}")


@pytest.fixture
def live_version(live_team):
    return make_version(live_team)


@pytest.fixture
def live_credential(live_team, sandbox_url):
    return make_credential(live_team, sandbox_url)


@pytest.fixture
def moved_clock(settings):
    """Move the clock of this process and of the workers (CLOCK_FROM_DB) for one test."""
    from editor.campaigns import clock

    settings.CLOCK_FROM_DB = True
    yield clock
    clock.reset()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def finished_import(campaign, *, timeout: float = 60.0):
    """The campaign's newest contact import once a worker has finished it (done or stopped)."""
    from editor.campaigns.models import ContactImport, ImportStatus

    def finished():
        item = ContactImport.objects.filter(campaign=campaign).order_by("-id").first()
        return item if item is not None and item.status in (ImportStatus.DONE, ImportStatus.FAILED) else None

    return wait_for(finished, timeout=timeout, interval=0.1, what=f"the import into campaign {campaign.pk} to finish")


def final_contacts(campaign, *, timeout: float = 60.0) -> None:
    from editor.campaigns.models import Campaign, CampaignStatus

    wait_for(lambda: Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.COMPLETED, timeout=timeout,
             interval=0.2, what=f"campaign {campaign.pk} to complete")


CheckFn = Callable[[], object]
