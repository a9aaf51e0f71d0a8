"""Real processes for the tests that need them: Celery workers on Redis (a private DB number) and on
the PostgreSQL test database, with helpers to wait for them and to point this process at a broker.

Never CELERY_TASK_ALWAYS_EAGER: a worker is a separate process that reads the same PostgreSQL
test database (its name is passed through DATABASE_URL).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# The worker's own timeouts: short, so the suite stays fast.
WORKER_READ_TIMEOUT = 4.0
WORKER_TIME_LIMIT = 10
WORKER_MAX_ATTEMPTS = 3


def wait_for(predicate: Callable[[], object], *, timeout: float = 20.0, interval: float = 0.05, what: str = ""):
    """Poll ``predicate`` until it returns something truthy (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)


def private_broker_url(offset: int = 0) -> str:
    """The configured Redis with a DB number of our own (never the shared DB 0)."""
    parts = urlsplit(settings.CELERY_BROKER_URL)
    if parts.scheme not in ("redis", "rediss"):
        pytest.skip("The worker tests need CELERY_BROKER_URL=redis://...")
    current = parts.path.strip("/") or "0"
    db = int(os.environ.get("CALLS_TEST_REDIS_DB") or (current if current != "0" else "12")) + offset
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", "", ""))


def worker_database_url() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("The worker tests share the test database with a worker process: PostgreSQL only.")
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


def purge(url: str, *, everything: bool = False) -> None:
    """Drop leftover messages of the default queue. Only the "celery" list: the campaign tests
    share this Redis DB with a queue of their own, and its bindings and unacked entries must stay.
    ``everything`` also clears unacked entries and bindings (for a DB used by one test alone)."""
    import redis

    client = redis.Redis.from_url(url)
    if everything:
        keys = [k for k in client.scan_iter() if k.startswith((b"celery", b"unacked", b"_kombu"))]
    else:
        keys = [b"celery"]
    if keys:
        client.delete(*keys)


def queue_length(url: str) -> int:
    import redis

    return int(redis.Redis.from_url(url).llen("celery"))


def use_broker(url: str | None, transport_options: dict | None = None) -> None:
    """Point this process's Celery app at another broker (so the test process publishes there).

    The read and write URLs are set too: Celery resolved them from CELERY_BROKER_URL at start-up.
    """
    from kombu import pools

    from flowstudio.celery import app

    app.conf.update(broker_url=url, broker_write_url=url, broker_read_url=url,
                    broker_transport_options=transport_options or {})
    pools.reset()  # closes and forgets every connection/producer pool (they are keyed by URL)
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def publishing_to(url: str, transport_options: dict | None = None) -> Iterator[None]:
    """Publish to ``url`` inside the block, then to the broker this process published to before.

    What comes back is the write URL Celery really used, not ``conf.broker_url``: that one reads
    CELERY_BROKER_URL from the environment first (celery.app.utils.Settings), so restoring it would
    send every later message to the environment's broker instead of the session's private DB, and
    the session's worker would never see them.
    """
    from flowstudio.celery import app

    before = app.conf.broker_write_url, dict(app.conf.broker_transport_options or {})
    use_broker(url, before[1] if transport_options is None else transport_options)
    try:
        yield
    finally:
        use_broker(*before)


def stop_process_group(proc: subprocess.Popen) -> None:
    """SIGTERM a process started in its own group, then SIGKILL the group if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


class Worker:
    """A ``celery worker`` process; its log file is kept for assertions."""

    def __init__(self, env: dict[str, str], log: Path, *, concurrency: int = 2) -> None:
        self.log = log
        self.hostname = f"calls-test-{uuid.uuid4().hex[:8]}@localhost"
        self._log_file = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "flowstudio", "worker", "--pool=prefork",
             f"--concurrency={concurrency}", "--loglevel=INFO", "-n", self.hostname,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60.0) -> None:
        def ready() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"The worker exited ({self.proc.returncode}):\n{self.text()[-3000:]}")
            return " ready." in self.text()

        wait_for(ready, timeout=timeout, interval=0.1, what="the worker to be ready")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill_children(self) -> list[int]:
        pids = self.children()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def kill_all(self) -> None:
        """SIGKILL the main process and its pool children at once (nothing gets to clean up)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        stop_process_group(self.proc)
        self._log_file.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def web_server(log: Path, env: dict[str, str], *, access_log: bool = False) -> Iterator[str]:
    """A gunicorn process serving the site on a free port (its base URL), everything it writes in
    ``log`` (with ``access_log``, a line per request too); stopped on leaving."""
    port = free_port()
    args = ["--workers", "1", "--bind", f"127.0.0.1:{port}"]
    if access_log:
        args += ["--access-logfile", "-", "--log-level", "debug"]
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", *args, "flowstudio.wsgi:application"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        def up() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"the server stopped:\n{log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2)
            except urllib.error.HTTPError:
                return True  # it answers (503 while no worker beats)
            except OSError:
                return False
            return True

        wait_for(up, timeout=30, interval=0.2, what="the web server to start")
        yield url
    finally:
        stop_process_group(proc)


def worker_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        DJANGO_SETTINGS_MODULE="flowstudio.test_settings",
        DEBUG="1",
        PYTHONUNBUFFERED="1",
        SAMESPACE_CONNECT_TIMEOUT="1",
        SAMESPACE_READ_TIMEOUT=str(WORKER_READ_TIMEOUT),
        SAMESPACE_MAX_ATTEMPTS=str(WORKER_MAX_ATTEMPTS),
        SAMESPACE_BACKOFF_BASE="0.2",
        CELERY_TASK_TIME_LIMIT=str(WORKER_TIME_LIMIT),
        CELERY_TASK_SOFT_TIME_LIMIT=str(WORKER_TIME_LIMIT - 2),
        WORKER_HEARTBEAT_INTERVAL="1",
    )
    env.update(overrides)
    return env


def final_call(call_id: int, *, timeout: float = 25.0):
    from editor.calls.models import Call

    def done():
        call = Call.objects.get(pk=call_id)
        return call if call.is_final else None

    return wait_for(done, timeout=timeout, what=f"call {call_id} to finish")
