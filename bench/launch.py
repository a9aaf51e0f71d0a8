"""Launch benchmark: N calls through the Celery worker to the sandbox, against a plain
``requests.Session`` loop posting the same payloads to the same sandbox in the same run.

    .venv/bin/python bench/launch.py [-n 2000] [--concurrency 2] [--database-url ...] [--broker-url ...]

It migrates a database of its own (PostgreSQL ``fs_bench_launch`` by default; created when
missing), serves the sandbox with gunicorn, starts one worker, then prints:

* the throughput of each path and their ratio (worker / plain loop; target >= 0.5);
* the SQL queries per call: the launch (in this process) and ``place_call`` (counted inside the
  worker by the signal handlers below, per task), which must stay constant whatever N is.

Celery imports this file as the worker's app module (``celery -A launch``): at import it only
exposes the project's app and counts the queries of each ``place_call``; ``main()`` runs only
when the file is executed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# --- worker side: count the SQL queries of each place_call ------------------------------------------

if __name__ != "__main__" and os.environ.get("BENCH_QUERY_DIR"):
    from celery.signals import task_postrun, task_prerun, worker_process_shutdown

    from flowstudio.celery import app  # noqa: F401 - the app Celery runs (`celery -A launch`)

    SAMPLE = 20  # every 20th task also counts BEGIN/COMMIT (Django's debug cursor costs CPU)
    _counts: Counter[tuple[int, int]] = Counter()
    _current = {"statements": 0, "tasks": 0}

    def _count(execute, sql, params, many, context):
        _current["statements"] += 1
        return execute(sql, params, many, context)

    @task_prerun.connect
    def _before(task=None, **kwargs) -> None:
        from django.db import connection

        if _count not in connection.execute_wrappers:
            connection.execute_wrappers.append(_count)
        connection.force_debug_cursor = _current["tasks"] % SAMPLE == 0  # queries_log records BEGIN/COMMIT
        connection.queries_log.clear()
        _current["statements"] = 0

    @task_postrun.connect
    def _after(task=None, **kwargs) -> None:
        from django.db import connection

        if task is None or task.name != "editor.tasks.place_call":
            return
        total = len(connection.queries_log) if connection.force_debug_cursor else -1
        _counts[(_current["statements"], total)] += 1
        _current["tasks"] += 1

    @worker_process_shutdown.connect
    def _save(**kwargs) -> None:
        path = Path(os.environ["BENCH_QUERY_DIR"]) / f"queries-{os.getpid()}.json"
        path.write_text(json.dumps([[s, t, n] for (s, t), n in _counts.items()]))


# --- the benchmark ------------------------------------------------------------------------------------


SAMPLE_LAUNCHES = 100  # launches whose queries are also counted with BEGIN/COMMIT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_postgres_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url[: -len(parts.path)] + "/postgres" if parts.path else url + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _tree_cpu(pid: int) -> float:
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


def _process_cpu(pid: int) -> float:
    """CPU seconds of one process alone (not its children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _wait(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"Timed out waiting for {what}.")
        time.sleep(interval)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4,
                        help="worker processes (default 4: the tasks mostly wait on HTTP)")
    parser.add_argument("--rounds", type=int, default=4, help="the two paths take turns this many times")
    parser.add_argument("--server-workers", type=int, default=2, help="gunicorn processes serving the sandbox")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 "postgres://postgres@127.0.0.1:5432/fs_bench_launch"))
    parser.add_argument("--broker-url", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"),
                        help='a Redis URL (a DB of its own: it is purged), or "filesystem" for the embedded broker')
    parser.add_argument("--server-threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--worker-loglevel", default="WARNING", help="INFO logs every task (slower)")
    args = parser.parse_args()

    run_dir = ROOT / "var" / "bench-launch"
    run_dir.mkdir(parents=True, exist_ok=True)
    for old in run_dir.glob("queries-*.json"):
        old.unlink()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "flowstudio.settings",
        # Production settings (DEBUG off), with the sandbox switched on and served over plain http.
        "DEBUG": "0",
        "SECRET_KEY": "bench-launch-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FIELD_ENCRYPTION_KEYS": "yVtD2dkhPXAq8cE3L3wQ5uFzm6bsqMEuE0N1wgFqVG8=",
        "SANDBOX_ENABLED": "1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": args.database_url,
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(run_dir / "var"),
        "SAMESPACE_READ_TIMEOUT": "30",
        "AXES_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
        # Persistent connections, as a production worker and web server should have: without them
        # every task and every request opens a new PostgreSQL connection.
        "DB_CONN_MAX_AGE": "60",
    }
    env.pop("CELERY_BROKER_URL", None)
    if args.broker_url != "filesystem":
        env["CELERY_BROKER_URL"] = args.broker_url
        import redis

        client = redis.Redis.from_url(args.broker_url)
        for key in client.scan_iter():
            if key.startswith((b"celery", b"unacked", b"_kombu")):
                client.delete(key)
    os.environ.update(env)
    if not args.database_url.startswith("sqlite"):
        _ensure_postgres_database(args.database_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    import requests
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from editor.models import Call, CallStatus, Team, WorkerHeartbeat
    from editor.samespace import build_payload, endpoint
    from editor.services.calls import call_create
    from editor.services.credentials import credential_create
    from editor.services.flows import flow_create, flow_publish

    from sandbox.models import SandboxRequest

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}/sandbox/api/public/v1"
    team, _ = Team.objects.get_or_create(slug="bench-launch", defaults={"name": "Launch benchmark"})
    Call.objects.filter(team=team).delete()
    SandboxRequest.objects.all().delete()
    team.credentials.all().delete()
    document = json.loads((ROOT / "editor" / "demo" / "samespace_example_fixed.json").read_text())
    document["flow"][1]["text"] = "Hello {{contact.name}}, this is a reminder."
    flow = flow_create(team=team, user=None, name=f"Bench {uuid.uuid4().hex[:6]}", document=document)
    version = flow_publish(flow=flow, user=None)
    version = type(version).objects.select_related("flow").get(pk=version.pk)
    from django.conf import settings

    token = settings.SANDBOX_AUTH_TOKEN
    credential = credential_create(team=team, user=None, name="Sandbox", cloud_id="BENCH", auth_token=token,
                                   base_url=base_url)

    hostname = f"bench-{uuid.uuid4().hex[:6]}@localhost"
    procs: list[subprocess.Popen] = []
    logs = open(run_dir / "processes.log", "wb")  # noqa: SIM115 - closed at the end
    try:
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "flowstudio.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.server_workers), "--threads", str(args.server_threads), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True))
        worker_env = {**env, "BENCH_QUERY_DIR": str(run_dir), "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}"}
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "launch", "worker", "--pool=prefork",
             f"--concurrency={args.concurrency}", f"--loglevel={args.worker_loglevel}", "-n", hostname,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=worker_env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True))

        session = requests.Session()
        _wait(lambda: _up(session, port), 60, "the sandbox server")
        _wait(lambda: WorkerHeartbeat.objects.filter(hostname=hostname).exists(), 60, "the worker")

        numbers = [f"+1555{i:06d}1" for i in range(args.calls)]  # ends in 1: no sandbox fault suffix
        variables = {"name": "Ada"}
        launch_queries: list[int] = []

        payloads = [build_payload(document=version.document, cloud_id="BENCH", number=n, variables=variables)
                    for n in numbers]
        url = endpoint(base_url)
        server, worker = procs
        calls = Call.objects.filter(team=team)
        statements = {"n": 0}

        def count(execute, sql, params, many, context):
            statements["n"] += 1
            return execute(sql, params, many, context)

        # The two paths take turns, a share of the calls each round, so that a change in the load of
        # this shared machine weighs on both alike.
        plain_seconds = worker_seconds = launched_seconds = plain_cpu = 0.0
        parts = {"launch": 0.0, "worker": 0.0, "sandbox": 0.0}
        worker_main = 0.0
        round_ratios = []
        n = args.calls
        share = -(-n // args.rounds)
        for first in range(0, n, share):
            chunk = range(first, min(first + share, n))
            # 1. The plain loop: the same payloads, one session, one POST after the other.
            cpu = {"server": _tree_cpu(server.pid), "self": _own_cpu()}
            started = time.perf_counter()
            for i in chunk:
                response = session.post(url, json={**payloads[i], "auth_token": token}, timeout=30,
                                        headers={"Idempotency-Key": str(uuid.uuid4())})
                response.raise_for_status()
            plain_round = time.perf_counter() - started
            plain_cpu += (_tree_cpu(server.pid) - cpu["server"]) + (_own_cpu() - cpu["self"])

            # 2. Through the worker: the launch service in autocommit (one INSERT; the message is
            # published once it is committed), then wait until every call has its outcome.
            cpu = {"server": _tree_cpu(server.pid), "worker": _tree_cpu(worker.pid), "self": _own_cpu(),
                   "worker_main": _process_cpu(worker.pid)}
            started = time.perf_counter()
            with connection.execute_wrapper(count):
                for i in chunk:
                    if i < SAMPLE_LAUNCHES:  # a sample also counted with BEGIN/COMMIT
                        with CaptureQueriesContext(connection) as captured:
                            call_create(version=version, credential=credential, number=numbers[i],
                                        variables=variables)
                        launch_queries.append(len(captured))
                    else:
                        call_create(version=version, credential=credential, number=numbers[i], variables=variables)
            launched_seconds += time.perf_counter() - started
            _wait(lambda: calls.filter(status__in=[CallStatus.QUEUED, CallStatus.SENDING]).count() == 0,
                  600, "the worker to finish", interval=0.05)
            worker_round = time.perf_counter() - started
            parts["launch"] += _own_cpu() - cpu["self"]
            parts["worker"] += _tree_cpu(worker.pid) - cpu["worker"]
            parts["sandbox"] += _tree_cpu(server.pid) - cpu["server"]
            worker_main += _process_cpu(worker.pid) - cpu["worker_main"]
            plain_seconds += plain_round
            worker_seconds += worker_round
            round_ratios.append(plain_round / worker_round)
        worker_cpu = sum(parts.values())

        statuses = Counter(calls.values_list("status", flat=True))
        keys = set(str(k) for k in calls.values_list("idempotency_key", flat=True))
        posted = Counter(SandboxRequest.objects.filter(idempotency_key__in=keys).values_list("idempotency_key",
                                                                                           flat=True))
    finally:
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
        logs.close()
    counts: Counter[tuple[int, int]] = Counter()  # written by each worker child as it stops
    for path in run_dir.glob("queries-*.json"):
        counts.update({(s, t): n for s, t, n in json.loads(path.read_text())})

    n = args.calls
    plain_rate, worker_rate = n / plain_seconds, n / worker_seconds
    per_task = sorted(counts.elements())
    launch_statements, launch_total = statements["n"] / n, statistics.mean(launch_queries)
    print(f"calls: {n}   worker concurrency: {args.concurrency}   sandbox: gunicorn x{args.server_workers}   "
          f"broker: {'filesystem' if args.broker_url == 'filesystem' else 'redis'}   db: {connection.vendor}")
    print(f"plain requests.Session loop : {plain_seconds:7.2f} s  {plain_rate:7.1f} calls/s")
    print(f"launch + worker             : {worker_seconds:7.2f} s  {worker_rate:7.1f} calls/s "
          f"(launching took {launched_seconds:.2f} s)")
    print(f"throughput ratio (worker / plain): {worker_rate / plain_rate:.2f}   (target >= 0.5; rounds: "
          + ", ".join(f"{r:.2f}" for r in round_ratios) + ")")
    print(f"CPU per call (client/launch + worker + sandbox server; PostgreSQL and Redis not counted): "
          f"plain {plain_cpu / n * 1000:.1f} ms, worker path {worker_cpu / n * 1000:.1f} ms, "
          f"ratio {plain_cpu / worker_cpu:.2f};  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("  worker path CPU per call: " + ", ".join(f"{k} {v / n * 1000:.1f} ms" for k, v in parts.items())
          + f" (of which the worker's main process {worker_main / n * 1000:.1f} ms)")
    print(f"statuses: {dict(statuses)}   POSTs per call: max {max(posted.values(), default=0)}, "
          f"calls posted {len(posted)}/{n}")
    if per_task:
        task_statements = sorted(s for s, _ in per_task)
        task_total = sorted(t for _, t in per_task if t >= 0)
        print(f"SQL statements per call: launch {launch_statements:.2f} + place_call "
              f"{statistics.mean(task_statements):.2f} (min {task_statements[0]}, max {task_statements[-1]}, "
              f"over {len(per_task)} tasks) = {launch_statements + statistics.mean(task_statements):.2f}"
              f"   (target constant, <= 6)")
        print(f"  counting BEGIN/COMMIT too (sampled): launch {launch_total:.2f} + place_call "
              f"{statistics.mean(task_total):.2f} (min {task_total[0]}, max {task_total[-1]}, "
              f"over {len(task_total)} tasks)")
    if len(per_task) != n:
        print(f"warning: the worker counted queries for {len(per_task)} of {n} tasks")
    ok = statuses.get("accepted") == n and max(posted.values(), default=0) == 1
    sys.exit(0 if ok else 1)


def _up(session, port: int) -> bool:
    try:
        return session.get(f"http://127.0.0.1:{port}/sandbox/requests/?limit=1", timeout=2).status_code == 200
    except Exception:  # noqa: BLE001 - not up yet
        return False


if __name__ == "__main__":
    main()
