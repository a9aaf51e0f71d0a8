"""Campaign benchmark: a 10,000-contact campaign with no pace limit through beat, a Celery worker
and the sandbox, against a plain ``requests.Session`` loop posting the same payloads to the same
sandbox in the same run; and the contacts CSV import of 100,000 rows against a plain
csv + phonenumbers + bulk_create of the same rows.

    .venv/bin/python bench/campaign.py [-n 10000] [--rows 100000] [--concurrency 2] [--database-url ...]

It migrates a database of its own (PostgreSQL ``fs_bench_campaign`` by default; created when
missing), serves the sandbox with gunicorn, starts one worker and beat (django-celery-beat's
database scheduler, a tick every second), then prints:

* the throughput of each path and their ratio (campaign / plain loop; target >= 0.5);
* duplicates: numbers the sandbox received more than once (target 0) and numbers never called;
* SQL statements per dispatched call: each ``place_call`` (counted inside the worker, per task)
  and each dispatcher tick against the number of calls it queued, which must not grow with it;
* import time of 100,000 rows / the plain parse + normalise + bulk_create (target <= 2).

Celery imports this file as the worker's app module (``celery -A campaign``): at import it only
exposes the project's app and counts each task's SQL statements; ``main()`` runs only when the
file is executed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# --- worker side: count the SQL statements of each task ----------------------------------------------

if __name__ != "__main__" and os.environ.get("BENCH_QUERY_DIR"):
    from celery.signals import task_postrun, task_prerun

    from flowstudio.celery import app  # noqa: F401 - the app Celery runs (`celery -A campaign`)

    if os.environ.get("BENCH_PROFILE_DIR"):
        import cProfile

        from celery.signals import worker_process_init, worker_process_shutdown

        _profile = cProfile.Profile()

        @worker_process_init.connect
        def _start_profile(**kwargs) -> None:
            _profile.enable()

        @worker_process_shutdown.connect
        def _stop_profile(**kwargs) -> None:
            _profile.disable()
            _profile.dump_stats(str(Path(os.environ["BENCH_PROFILE_DIR"]) / f"child-{os.getpid()}.prof"))

    _per_task: dict[str, list] = defaultdict(list)
    _current = {"statements": 0}

    def _count(execute, sql, params, many, context):
        _current["statements"] += 1
        return execute(sql, params, many, context)

    @task_prerun.connect
    def _before(task=None, **kwargs) -> None:
        from django.db import connection

        if _count not in connection.execute_wrappers:
            connection.execute_wrappers.append(_count)
        _current["statements"] = 0

    @task_postrun.connect
    def _after(task=None, retval=None, **kwargs) -> None:
        if task is None:
            return
        if task.name == "editor.tasks.place_call":
            _per_task["place_call"].append([_current["statements"], str(retval)])
        elif task.name == "editor.tasks.campaigns_tick" and isinstance(retval, dict):
            _per_task["tick"].append([_current["statements"], retval.get("dispatched", 0)])
        else:
            return
        path = Path(os.environ["BENCH_QUERY_DIR"]) / f"queries-{os.getpid()}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(_per_task))
        tmp.replace(path)


# --- helpers -------------------------------------------------------------------------------------------

AREAS = ["212", "310", "312", "415", "617", "646", "718", "202", "305", "404", "512", "206", "303", "702", "713"]


def numbers(count: int) -> list[str]:
    """Distinct valid US numbers (555-2000 to 555-9999 in several area codes): no sandbox fault suffix."""
    per_area = 8000
    if count > per_area * len(AREAS):
        raise SystemExit(f"At most {per_area * len(AREAS)} distinct numbers.")
    return [f"+1{AREAS[i // per_area]}555{2000 + i % per_area:04d}" for i in range(count)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_postgres_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url[: -len(parts.path)] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _wait(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"Timed out waiting for {what}.")
        time.sleep(interval)


def _up(session, port: int) -> bool:
    import requests

    try:
        return session.get(f"http://127.0.0.1:{port}/sandbox/requests/?limit=1", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _own_cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:13]) / os.sysconf("SC_CLK_TCK")


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
        total += sum(int(x) for x in fields[11:15]) / tick
        pending.extend(int(child) for child in children)
    return total


# --- the CSV import comparison ----------------------------------------------------------------------


def import_bench(campaign_factory, rows: int, repeat: int) -> tuple[float, float, int]:
    """(best import seconds, best plain seconds, SQL statements of one import), taking turns."""
    import phonenumbers
    from django.db import connection, transaction
    from editor.models import CampaignContact
    from editor.services.contacts import contacts_import

    body = "phone,name,appointment\n" + "".join(
        f"{n},Person {i},Tuesday 10:{i % 60:02d}\n" for i, n in enumerate(numbers(rows)))
    data = body.encode()
    best_import = best_plain = float("inf")
    statements = 0
    for _ in range(repeat):
        campaign = campaign_factory()
        count = {"n": 0}

        def counter(execute, sql, params, many, context, count=count):
            count["n"] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            report = contacts_import(campaign=campaign, upload=io.BytesIO(data), filename="bench.csv")
        best_import = min(best_import, time.perf_counter() - started)
        statements = count["n"]
        assert report.imported == rows, report
        campaign.delete()

        campaign = campaign_factory()
        started = time.perf_counter()
        # The plain way: parse, normalise to E.164, bulk_create in batches; nothing else.
        with transaction.atomic():
            reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""))
            header = next(reader)
            batch = []
            for row in reader:
                number = phonenumbers.format_number(phonenumbers.parse(row[0], "US"),
                                                    phonenumbers.PhoneNumberFormat.E164)
                batch.append(CampaignContact(campaign=campaign, number=number,
                                             variables={header[1]: row[1], header[2]: row[2]}))
                if len(batch) >= 2000:
                    CampaignContact.objects.bulk_create(batch)
                    batch = []
            CampaignContact.objects.bulk_create(batch)
        best_plain = min(best_plain, time.perf_counter() - started)
        campaign.delete()
    return best_import, best_plain, statements


# --- the benchmark -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--contacts", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=100_000, help="CSV rows for the import comparison (0: skip)")
    parser.add_argument("--repeat", type=int, default=2, help="import rounds (best of)")
    parser.add_argument("--rounds", type=int, default=4, help="turns taken by the two paths (each a share of -n)")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="worker processes (default 4: a place_call mostly waits on the sandbox and the database)")
    parser.add_argument("--server-workers", type=int, default=2, help="gunicorn processes serving the sandbox")
    parser.add_argument("--worker-loglevel", default="WARNING", help="INFO logs every task (slower)")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fs_bench_campaign"))
    parser.add_argument("--broker-url", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15"))
    args = parser.parse_args()

    run_dir = ROOT / "var" / "bench-campaign"
    run_dir.mkdir(parents=True, exist_ok=True)
    for old in run_dir.glob("queries-*.json"):
        old.unlink()
    queue = "campaign-bench"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "flowstudio.settings",
        # Production settings (DEBUG off), with the sandbox switched on and served over plain http.
        "DEBUG": "0",
        "SECRET_KEY": "bench-campaign-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FIELD_ENCRYPTION_KEYS": "yVtD2dkhPXAq8cE3L3wQ5uFzm6bsqMEuE0N1wgFqVG8=",
        "SANDBOX_ENABLED": "1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": args.database_url,
        "CELERY_BROKER_URL": args.broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(run_dir / "var"),
        "SAMESPACE_READ_TIMEOUT": "30",
        "AXES_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
        "DB_CONN_MAX_AGE": "60",
        "CAMPAIGN_TICK_SECONDS": "1",
        "CAMPAIGN_BATCH": "500",
        "CAMPAIGN_MAX_IN_FLIGHT": "1000",
    }
    import redis

    redis.Redis.from_url(args.broker_url).delete(queue, "unacked", "unacked_index", f"_kombu.binding.{queue}")
    os.environ.update(env)
    _ensure_postgres_database(args.database_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    import requests
    from django.conf import settings
    from django.db import connection
    from editor.models import Campaign, CampaignContact, CampaignStatus, Team, WorkerHeartbeat
    from editor.samespace import build_payload, endpoint
    from editor.services.campaigns import campaign_create, campaign_start
    from editor.services.contacts import contacts_import
    from editor.services.credentials import credential_create
    from editor.services.flows import flow_create, flow_publish

    from sandbox.models import SandboxRequest

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}/sandbox/api/public/v1"
    team, _ = Team.objects.get_or_create(slug="bench-campaign", defaults={"name": "Campaign benchmark"})
    Campaign.objects.filter(team=team).delete()
    SandboxRequest.objects.all().delete()
    team.credentials.all().delete()
    document = {"steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+12125550199", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Hello {{contact.name}}, your appointment is {{contact.appointment}}."},
    ], "layout": {}, "settings": {"record": False}}
    flow = flow_create(team=team, user=None, name=f"Bench {uuid.uuid4().hex[:6]}", document=document)
    version = flow_publish(flow=flow, user=None)
    token = settings.SANDBOX_AUTH_TOKEN
    credential = credential_create(team=team, user=None, name="Sandbox", cloud_id="BENCH", auth_token=token,
                                   base_url=base_url)

    def new_campaign(name: str = "Import bench") -> Campaign:
        from datetime import time as day_time

        return campaign_create(team=team, user=None, name=name, flow_version=version, credential=credential,
                               calls_per_minute=0, window_start=day_time(0), window_end=day_time(0),
                               weekdays=list(range(7)), timezone="UTC")

    # 1. CSV import (in this process, before the servers start, so they do not compete for the CPU).
    if args.rows:
        imported_s, plain_import_s, import_statements = import_bench(new_campaign, args.rows, args.repeat)

    hostname = f"bench-{uuid.uuid4().hex[:6]}@localhost"
    procs: list[subprocess.Popen] = []
    logs = open(run_dir / "processes.log", "wb")  # noqa: SIM115 - closed at the end
    try:
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "flowstudio.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.server_workers), "--threads", "4", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True))
        worker_env = {**env, "BENCH_QUERY_DIR": str(run_dir), "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}"}
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "campaign", "worker", "--pool=prefork",
             f"--concurrency={args.concurrency}", f"--loglevel={args.worker_loglevel}", "-n", hostname,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=worker_env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "flowstudio", "beat", "--loglevel=WARNING", "--pidfile="],
            cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True))
        session = requests.Session()
        _wait(lambda: _up(session, port), 60, "the sandbox server")
        _wait(lambda: WorkerHeartbeat.objects.filter(hostname=hostname).exists(), 60, "the worker")

        contacts = numbers(args.contacts)
        variables = {"name": "Ada", "appointment": "Tuesday 10:00"}
        url = endpoint(base_url)
        server, worker, beat = procs

        def cpu_now() -> dict[str, float]:
            return {"sandbox": _tree_cpu(server.pid), "worker": _tree_cpu(worker.pid),
                    "worker main process": _own_cpu_of(worker.pid), "beat": _tree_cpu(beat.pid), "client": _cpu()}

        def add(total: dict[str, float], before: dict[str, float]) -> None:
            after = cpu_now()
            for key in after:
                total[key] = total.get(key, 0.0) + after[key] - before[key]

        def plain(part: list[str]) -> float:
            """The plain loop: the same payloads, one session, one POST after the other."""
            payloads = [build_payload(document=version.document, cloud_id="BENCH", number=n, variables=variables)
                        for n in part]
            before, started = cpu_now(), time.perf_counter()
            for payload in payloads:
                response = session.post(url, json={**payload, "auth_token": token}, timeout=30,
                                        headers={"Idempotency-Key": str(uuid.uuid4())})
                response.raise_for_status()
            seconds = time.perf_counter() - started
            add(plain_cpu, before)
            return seconds

        def through_campaign(part: list[str], index: int) -> tuple[float, Campaign]:
            """Import, start; beat ticks, the worker dispatches and posts; until the campaign completes."""
            campaign = new_campaign(f"Throughput bench {index}")
            body = "number,name,appointment\n" + "".join(f"{n},Ada,Tuesday 10:00\n" for n in part)
            contacts_import(campaign=campaign, upload=io.BytesIO(body.encode()))
            before, started = cpu_now(), time.perf_counter()
            campaign_start(campaign=campaign)
            _wait(lambda: Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.COMPLETED, 1800,
                  "the campaign to complete", interval=0.25)
            seconds = time.perf_counter() - started
            add(campaign_cpu, before)
            return seconds, campaign

        # The two paths take turns, a share of the contacts each round (first one, then the other),
        # so a change in the load of this shared machine weighs on both.
        plain_cpu: dict[str, float] = {}
        campaign_cpu: dict[str, float] = {}
        plain_seconds = campaign_seconds = 0.0
        rounds: list[float] = []
        campaigns: list[Campaign] = []
        received: Counter[str] = Counter()  # what the sandbox received from the campaigns
        size = -(-len(contacts) // args.rounds)
        for index in range(args.rounds):
            part = contacts[index * size:(index + 1) * size]
            if not part:
                break
            for phase in (("plain", "campaign") if index % 2 == 0 else ("campaign", "plain")):
                SandboxRequest.objects.all().delete()
                if phase == "plain":
                    p_seconds = plain(part)
                else:
                    c_seconds, campaign = through_campaign(part, index)
                    campaigns.append(campaign)
                    received.update(SandboxRequest.objects.values_list("number", flat=True))
            plain_seconds += p_seconds
            campaign_seconds += c_seconds
            rounds.append(p_seconds / c_seconds)

        duplicates = sum(1 for n in contacts if received[n] > 1)
        missed = sum(1 for n in contacts if received[n] == 0)
        final = Counter(CampaignContact.objects.filter(campaign__in=campaigns).values_list("status", flat=True))
        measured: dict[str, list] = defaultdict(list)
        for path in run_dir.glob("queries-*.json"):
            for name, items in json.loads(path.read_text()).items():
                measured[name].extend(items)
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        logs.close()
        redis.Redis.from_url(args.broker_url).delete(queue, "unacked", "unacked_index", f"_kombu.binding.{queue}")

    n = args.contacts
    plain_rate, campaign_rate = n / plain_seconds, n / campaign_seconds
    print(f"campaign benchmark: {n} contacts, no pace limit   worker concurrency {args.concurrency}   "
          f"sandbox: gunicorn x{args.server_workers}   db: {connection.vendor}   "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"plain requests.Session loop : {plain_seconds:7.1f} s  {plain_rate:6.1f} calls/s")
    print(f"campaign (beat + worker)    : {campaign_seconds:7.1f} s  {campaign_rate:6.1f} calls/s   "
          f"contacts: {dict(final)}")
    print(f"throughput ratio (campaign / plain): {campaign_rate / plain_rate:.2f}   (target >= 0.5; rounds: "
          f"{', '.join(f'{r:.2f}' for r in rounds)})")

    def per_call(cpu: dict[str, float]) -> str:
        return ", ".join(f"{k} {v / n * 1000:.1f}" for k, v in cpu.items() if v > 0.005 * n / 1000 or k == "client")

    print(f"CPU ms per call (PostgreSQL and Redis not counted): plain loop: {per_call(plain_cpu)} "
          f"| campaign: {per_call(campaign_cpu)}")
    print(f"duplicates: {duplicates} number(s) called more than once (target 0); never called: {missed}")
    posted = [s for s, outcome in measured["place_call"] if outcome == "accepted"]
    ticks = [(s, d) for s, d in measured["tick"] if d]
    if posted:
        print(f"SQL per place_call (posted): median {statistics.median(posted):.0f}, min {min(posted)}, "
              f"max {max(posted)} over {len(posted)} calls")
    if ticks:
        sizes = sorted(ticks, key=lambda t: t[1])
        small, large = sizes[0], sizes[-1]
        per_call = sum(s for s, _ in ticks) / sum(d for _, d in ticks)
        print(f"SQL per dispatching tick: {small[0]} for {small[1]} call(s) ... {large[0]} for {large[1]} call(s); "
              f"{per_call:.3f} per dispatched call over {len(ticks)} ticks")
        if posted:
            print(f"SQL per dispatched call, all told: {statistics.median(posted) + per_call:.2f}")
    if args.rows:
        print(f"CSV import of {args.rows:,} rows: {imported_s:.1f} s ({import_statements} SQL statements) | plain "
              f"csv + phonenumbers + bulk_create {plain_import_s:.1f} s | ratio {imported_s / plain_import_s:.2f} "
              f"(target <= 2)")


if __name__ == "__main__":
    main()
