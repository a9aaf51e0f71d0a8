"""What the benchmarks share: Django set up on a database of their own, the sandbox served by
gunicorn, a Celery worker and beat, CPU clocks, the plain loop they are compared with, and rounds
taken in turns.

Importing this module puts the repository on ``sys.path`` (the benchmarks run as
``.venv/bin/python bench/<name>.py``, with ``bench/`` first on the path). It imports the project's
modules only inside its functions; the names of the editor app are in ``_project.py``, imported once
Django is set up.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# --- settings and the database --------------------------------------------------------------------------


def production_env(name: str, run_dir: Path, database_url: str, broker_url: str | None) -> dict[str, str | None]:
    """Production settings (DEBUG off), with the sandbox switched on and served over plain http
    (flowstudio/bench_settings.py: the environment alone cannot turn the sandbox on with DEBUG=0).

    ``broker_url`` None: no CELERY_BROKER_URL, so the embedded broker under VAR_DIR.
    """
    return {
        "DJANGO_SETTINGS_MODULE": "flowstudio.bench_settings",
        "DEBUG": "0",
        "SECRET_KEY": f"bench-{name}-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FIELD_ENCRYPTION_KEYS": "yVtD2dkhPXAq8cE3L3wQ5uFzm6bsqMEuE0N1wgFqVG8=",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(run_dir / "var"),
        "SAMESPACE_READ_TIMEOUT": "30",
        "AXES_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
        # Persistent connections, as a production worker and web server should have: without them
        # every task and every request opens a new PostgreSQL connection.
        "DB_CONN_MAX_AGE": "60",
    }


def ensure_postgres_database(url: str) -> None:
    """Create the database named in ``url`` when it is missing."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(env: Mapping[str, str | None], defaults: Mapping[str, str] | None = None) -> None:
    """Set this process's environment (a None value unsets; ``defaults`` only where unset), create
    the PostgreSQL database when missing, set Django up and migrate. Child processes started by
    ``Servers`` inherit the same environment."""
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    for key, value in (defaults or {}).items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flowstudio.settings")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def threaded_django_server(folder: Path) -> tuple[Any, str]:
    """Django (DEBUG=1, a throwaway SQLite database in ``folder``) served with its static files from a
    thread of this process, for the browser benchmarks. Returns the server and its base URL."""
    import threading

    setup_django({
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "VAR_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "flowstudio.settings",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    })
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def run_dir(name: str) -> Path:
    """``var/<name>/`` (created), without the query counts of an earlier run."""
    path = ROOT / "var" / name
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("queries-*.json"):
        old.unlink()
    return path


def purge_redis(url: str, keys: Sequence[str] | None = None) -> None:
    """Delete ``keys`` from the Redis DB at ``url``; without ``keys``, every Celery and Kombu key
    there (for a DB of the benchmark's own)."""
    import redis

    client = redis.Redis.from_url(url)
    if keys is None:
        keys = [k for k in client.scan_iter() if k.startswith((b"celery", b"unacked", b"_kombu"))]
    if keys:
        client.delete(*keys)


# --- waiting and CPU clocks ----------------------------------------------------------------------------


def wait(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.1):
    """The tests' ``wait_for`` (tests/support/workers.py); a time-out ends the benchmark with its message."""
    from tests.support.workers import wait_for

    try:
        return wait_for(predicate, timeout=timeout, interval=interval, what=what)
    except AssertionError as exc:
        raise SystemExit(str(exc)) from None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def own_cpu() -> float:
    """CPU seconds (user + system) used so far by this process."""
    times = os.times()
    return times.user + times.system


def process_cpu(pid: int) -> float:
    """CPU seconds of one process alone (not its children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and all its descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        # utime, stime, cutime, cstime (the last two: children already waited for)
        total += sum(int(x) for x in fields[11:15]) / tick
        pending.extend(int(child) for child in children)
    return total


def cpu_spent(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    return {key: after[key] - before[key] for key in after}


def add_cpu(total: dict[str, float], spent: Mapping[str, float]) -> None:
    for key, value in spent.items():
        total[key] = total.get(key, 0.0) + value


# --- the servers: the sandbox, the worker, beat -------------------------------------------------------


class Servers:
    """The sandbox served by gunicorn, a Celery worker and beat, in this process's environment, each
    in a process group of its own; their output goes to ``processes.log`` in ``run_dir``. Used as a
    context manager: leaving it stops them all."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/sandbox/api/public/v1"
        self.hostname = f"bench-{uuid.uuid4().hex[:6]}@localhost"
        self.procs: dict[str, subprocess.Popen] = {}
        self._log = None

    def __enter__(self) -> Servers:
        self._log = open(self.run_dir / "processes.log", "wb")  # noqa: SIM115 - closed in __exit__
        return self

    def _start(self, role: str, command: list[str], **env: str) -> subprocess.Popen:
        self.procs[role] = subprocess.Popen(
            [sys.executable, "-m", *command], cwd=ROOT, env={**os.environ, **env},
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        return self.procs[role]

    def sandbox(self, workers: int, threads: int = 4) -> subprocess.Popen:
        return self._start("sandbox", [
            "gunicorn", "flowstudio.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
            "--threads", str(threads), "--log-level", "warning"])

    def worker(self, app: str, concurrency: int, loglevel: str) -> subprocess.Popen:
        """A prefork worker whose app module is ``bench/<app>.py``; it writes its query counts to
        ``run_dir``."""
        return self._start("worker", [
            "celery", "-A", app, "worker", "--pool=prefork", f"--concurrency={concurrency}",
            f"--loglevel={loglevel}", "-n", self.hostname, "--without-gossip", "--without-mingle",
            "--without-heartbeat",
        ], BENCH_QUERY_DIR=str(self.run_dir), PYTHONPATH=f"{ROOT / 'bench'}:{ROOT}")

    def beat(self) -> subprocess.Popen:
        return self._start("beat", ["celery", "-A", "flowstudio", "beat", "--loglevel=WARNING", "--pidfile="])

    def wait_until_ready(self, session) -> None:
        """Until the sandbox answers and the worker has written its heartbeat."""
        from _project import WorkerHeartbeat

        wait(lambda: self._sandbox_up(session), 60, "the sandbox server")
        wait(lambda: WorkerHeartbeat.objects.filter(hostname=self.hostname).exists(), 60, "the worker")

    def _sandbox_up(self, session) -> bool:
        try:
            return session.get(f"http://127.0.0.1:{self.port}/sandbox/requests/?limit=1", timeout=2).status_code == 200
        except Exception:  # noqa: BLE001 - not up yet
            return False

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far of the sandbox (all its processes), the worker (all its processes, and
        its main process alone), beat when it runs, and this process (the client)."""
        now = {"sandbox": tree_cpu(self.procs["sandbox"].pid), "worker": tree_cpu(self.procs["worker"].pid),
               "worker main process": process_cpu(self.procs["worker"].pid)}
        if "beat" in self.procs:
            now["beat"] = tree_cpu(self.procs["beat"].pid)
        now["client"] = own_cpu()
        return now

    def __exit__(self, *exc) -> None:
        procs = list(self.procs.values())
        for proc in procs:  # the main process only: it stops its own children (a group signal can hang billiard)
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the group
            except ProcessLookupError:
                pass
        self._log.close()


# --- the two paths compared: the plain loop, in turns --------------------------------------------------


def post_each(session, url: str, payloads: Sequence[dict], token: str) -> None:
    """The plain loop: the payloads posted one after the other over one session."""
    for payload in payloads:
        response = session.post(url, json={**payload, "auth_token": token}, timeout=30,
                                 headers={"Idempotency-Key": str(uuid.uuid4())})
        response.raise_for_status()


def shares(items: Sequence, rounds: int) -> list[Sequence]:
    """``items`` in at most ``rounds`` consecutive shares of equal size (the last may be smaller),
    one per round in which the compared paths take turns, so that a change in the load of this
    shared machine weighs on both alike."""
    size = -(-len(items) // rounds)
    return [items[first:first + size] for first in range(0, len(items), size)]


def print_throughput(n: int, plain_seconds: float, label: str, seconds: float, name: str,
                     round_ratios: Sequence[float], note: str = "") -> None:
    """The plain loop's and the other path's times and rates for ``n`` calls, and the ratio of the
    rates (the other path / plain; target >= 0.5) overall and for each round."""
    plain_rate, rate = n / plain_seconds, n / seconds
    print(f"{'plain requests.Session loop':<28}: {plain_seconds:7.2f} s  {plain_rate:7.1f} calls/s")
    print(f"{label:<28}: {seconds:7.2f} s  {rate:7.1f} calls/s{note}")
    print(f"throughput ratio ({name} / plain): {rate / plain_rate:.2f}   (target >= 0.5; rounds: "
          + ", ".join(f"{r:.2f}" for r in round_ratios) + ")")


@contextmanager
def counting_statements(counter: dict[str, int] | None = None) -> Iterator[dict[str, int]]:
    """Count in ``counter["n"]`` the SQL statements this process runs inside the block."""
    from django.db import connection

    counter = {"n": 0} if counter is None else counter

    def count(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counter


def sandbox_flow(team, document: dict, base_url: str):
    """Publish ``document`` for ``team`` with a credential calling the sandbox at ``base_url``, after
    clearing the sandbox's log and the team's credentials: (version, credential, sandbox token)."""
    from _project import credential_create, flow_create, flow_publish
    from django.conf import settings

    from sandbox.models import SandboxRequest

    SandboxRequest.objects.all().delete()
    team.credentials.all().delete()
    flow = flow_create(team=team, user=None, name=f"Bench {uuid.uuid4().hex[:6]}", document=document)
    version = flow_publish(flow=flow, user=None)
    version = type(version).objects.select_related("flow").get(pk=version.pk)
    token = settings.SANDBOX_AUTH_TOKEN
    credential = credential_create(team=team, user=None, name="Sandbox", cloud_id="BENCH", auth_token=token,
                                   base_url=base_url)
    return version, credential, token


# --- worker side (in the worker's processes) -----------------------------------------------------------


def counting_worker_app(record: Callable[[str, Any, int, int], None], tasks: Sequence[str],
                        sample_every: int = 0):
    """The project's Celery app, for a benchmark module that a worker runs (``celery -A launch``),
    counting the SQL statements of each task: after each of ``tasks`` (short names: ``place_call``)
    it calls ``record(name, retval, statements, total)``, ``total`` counting BEGIN/COMMIT too for
    every ``sample_every``-th of them (Django's debug cursor costs CPU), else -1.

    With ``BENCH_PROFILE_DIR`` set, each worker process also writes a cProfile file there."""
    from celery.signals import task_postrun, task_prerun

    from flowstudio.celery import app

    current = {"statements": 0, "tasks": 0}

    def count(execute, sql, params, many, context):
        current["statements"] += 1
        return execute(sql, params, many, context)

    def before(task=None, **kwargs) -> None:
        from django.db import connection

        if count not in connection.execute_wrappers:
            connection.execute_wrappers.append(count)
        if sample_every:
            connection.force_debug_cursor = current["tasks"] % sample_every == 0  # queries_log records BEGIN/COMMIT
            connection.queries_log.clear()
        current["statements"] = 0

    def after(task=None, retval=None, **kwargs) -> None:
        from django.db import connection

        name = task.name.rsplit(".", 1)[-1] if task is not None else None
        if name not in tasks:
            return
        total = len(connection.queries_log) if sample_every and connection.force_debug_cursor else -1
        record(name, retval, current["statements"], total)
        current["tasks"] += 1

    task_prerun.connect(before, weak=False)
    task_postrun.connect(after, weak=False)
    if os.environ.get("BENCH_PROFILE_DIR"):
        _profile_worker_processes(Path(os.environ["BENCH_PROFILE_DIR"]))
    return app


def _profile_worker_processes(folder: Path) -> None:
    import cProfile

    from celery.signals import worker_process_init, worker_process_shutdown

    profile = cProfile.Profile()

    def start(**kwargs) -> None:
        profile.enable()

    def stop(**kwargs) -> None:
        profile.disable()
        profile.dump_stats(str(folder / f"child-{os.getpid()}.prof"))

    worker_process_init.connect(start, weak=False)
    worker_process_shutdown.connect(stop, weak=False)


def queries_path() -> Path:
    """Where this worker process writes its query counts."""
    return Path(os.environ["BENCH_QUERY_DIR"]) / f"queries-{os.getpid()}.json"


def read_queries(folder: Path) -> Iterator[Any]:
    """The query counts the worker processes wrote (one JSON document each)."""
    import json

    for path in folder.glob("queries-*.json"):
        yield json.loads(path.read_text())


def add_service_arguments(parser: Any, *, database: str, broker_db: int = 14, broker_help: str = "") -> None:
    """The options every benchmark with a web server, a worker and a broker takes."""
    parser.add_argument("--rounds", type=int, default=4, help="the two paths take turns this many times")
    parser.add_argument("--server-workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--server-threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{database}"))
    parser.add_argument("--broker-url", default=os.environ.get("BENCH_BROKER_URL", f"redis://127.0.0.1:6379/{broker_db}"),
                        help=broker_help or "a Redis URL (a DB of its own: it is purged)")
