"""Worker heartbeats: each worker's main process writes a row every few seconds; /healthz and
the site's banner read the newest one.

The writer is a daemon thread started when the worker is ready, so it beats while tasks run
(even a slow POST in a child process) and stops with the process (a killed worker goes quiet).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

_stop = threading.Event()
_connected = False


def interval() -> float:
    return float(getattr(settings, "WORKER_HEARTBEAT_INTERVAL", 10.0))


def offline_after() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "WORKER_OFFLINE_AFTER", 60.0)))


def record(hostname: str, *, now: datetime | None = None) -> None:
    from editor.calls.models import WorkerHeartbeat

    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(hostname=hostname).update(pid=os.getpid(), last_seen=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"pid": os.getpid(), "last_seen": now})


def last_seen() -> datetime | None:
    from editor.calls.models import WorkerHeartbeat

    return WorkerHeartbeat.objects.order_by("-last_seen").values_list("last_seen", flat=True).first()


def worker_offline(*, now: datetime | None = None) -> bool:
    """True when no worker has beaten within WORKER_OFFLINE_AFTER (a minute by default)."""
    seen = last_seen()
    return seen is None or (now or timezone.now()) - seen > offline_after()


def _beat_forever(hostname: str) -> None:
    while not _stop.is_set():
        try:
            close_old_connections()
            record(hostname)
        except Exception:  # noqa: BLE001 - a heartbeat must never kill the worker
            logger.warning("Could not record the worker heartbeat.", exc_info=True)
        finally:
            connection.close()
        _stop.wait(interval())


def start(hostname: str | None = None) -> threading.Thread:
    hostname = hostname or f"{socket.gethostname()}:{os.getpid()}"
    _stop.clear()
    thread = threading.Thread(target=_beat_forever, args=(hostname,), name="flowstudio-heartbeat", daemon=True)
    thread.start()
    return thread


def connect_worker_signals() -> None:
    """Start beating when a worker is ready; stop on shutdown (connected once per process)."""
    global _connected
    if _connected:
        return
    from celery.signals import worker_ready, worker_shutdown

    def on_ready(sender=None, **kwargs) -> None:
        start(getattr(sender, "hostname", None))

    def on_shutdown(**kwargs) -> None:
        _stop.set()

    worker_ready.connect(on_ready, weak=False)
    worker_shutdown.connect(on_shutdown, weak=False)
    _connected = True
