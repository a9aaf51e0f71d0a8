"""Launch benchmark: N calls through the Celery worker to the sandbox, against a plain
``requests.Session`` loop posting the same payloads to the same sandbox in the same run.

    .venv/bin/python bench/launch.py [-n 2000] [--concurrency 2] [--database-url ...] [--broker-url ...]

It migrates a database of its own (PostgreSQL ``fs_bench_launch`` by default; created when
missing), serves the sandbox with gunicorn, starts one worker, then prints:

* the throughput of each path and their ratio (worker / plain loop; target >= 0.5);
* the SQL queries per call: the launch (in this process) and ``place_call`` (counted inside the
  worker, per task, by the signal handlers of ``_harness.counting_worker_app``), which must stay
  constant whatever N is.

Celery imports this file as the worker's app module (``celery -A launch``): at import it only
exposes the project's app and counts the queries of each ``place_call``; ``main()`` runs only
when the file is executed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter

import _harness as h  # first: it puts the repository on sys.path

# --- worker side: count the SQL queries of each place_call ------------------------------------------

if __name__ != "__main__" and os.environ.get("BENCH_QUERY_DIR"):
    from celery.signals import worker_process_shutdown

    SAMPLE = 20  # every 20th task also counts BEGIN/COMMIT (Django's debug cursor costs CPU)
    _counts: Counter[tuple[int, int]] = Counter()

    def _record(name, retval, statements: int, total: int) -> None:
        _counts[(statements, total)] += 1

    app = h.counting_worker_app(_record, tasks=["place_call"], sample_every=SAMPLE)  # `celery -A launch`

    @worker_process_shutdown.connect
    def _save(**kwargs) -> None:
        h.queries_path().write_text(json.dumps([[s, t, n] for (s, t), n in _counts.items()]))


# --- the benchmark ------------------------------------------------------------------------------------


SAMPLE_LAUNCHES = 100  # launches whose queries are also counted with BEGIN/COMMIT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4,
                        help="worker processes (default 4: the tasks mostly wait on HTTP)")
    h.add_service_arguments(parser, database="fs_bench_launch", broker_help=(
        'a Redis URL (a DB of its own: it is purged), or "filesystem" for the embedded broker'))
    parser.add_argument("--worker-loglevel", default="WARNING", help="INFO logs every task (slower)")
    args = parser.parse_args()

    run_dir = h.run_dir("bench-launch")
    broker = None if args.broker_url == "filesystem" else args.broker_url
    if broker:
        h.purge_redis(broker)
    h.setup_django(h.production_env("launch", run_dir, args.database_url, broker))

    import requests
    from _project import SAMESPACE_EXAMPLE, Call, CallStatus, Team, build_payload, call_create, endpoint
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sandbox.models import SandboxRequest

    team, _ = Team.objects.get_or_create(slug="bench-launch", defaults={"name": "Launch benchmark"})
    Call.objects.filter(team=team).delete()
    document = json.loads(SAMESPACE_EXAMPLE.read_text())
    document["flow"][1]["text"] = "Hello {{contact.name}}, this is a reminder."

    with h.Servers(run_dir) as servers:
        version, credential, token = h.sandbox_flow(team, document, servers.base_url)
        servers.sandbox(args.server_workers, args.server_threads)
        servers.worker("launch", args.concurrency, args.worker_loglevel)
        session = requests.Session()
        servers.wait_until_ready(session)

        numbers = [f"+1555{i:06d}1" for i in range(args.calls)]  # ends in 1: no sandbox fault suffix
        variables = {"name": "Ada"}
        launch_queries: list[int] = []

        payloads = [build_payload(document=version.document, cloud_id="BENCH", number=n, variables=variables)
                    for n in numbers]
        url = endpoint(servers.base_url)
        calls = Call.objects.filter(team=team)
        statements = {"n": 0}

        # The two paths take turns, a share of the calls each round.
        plain_seconds = worker_seconds = launched_seconds = plain_cpu = 0.0
        parts = {"launch": 0.0, "worker": 0.0, "sandbox": 0.0}
        worker_main = 0.0
        round_ratios = []
        for chunk in h.shares(range(args.calls), args.rounds):
            # 1. The plain loop: the same payloads, one session, one POST after the other.
            part = [payloads[i] for i in chunk]
            before, started = servers.cpu(), time.perf_counter()
            h.post_each(session, url, part, token)
            plain_round = time.perf_counter() - started
            spent = h.cpu_spent(before, servers.cpu())
            plain_cpu += spent["sandbox"] + spent["client"]

            # 2. Through the worker: the launch service in autocommit (one INSERT; the message is
            # published once it is committed), then wait until every call has its outcome.
            before, started = servers.cpu(), time.perf_counter()
            with h.counting_statements(statements):
                for i in chunk:
                    if i < SAMPLE_LAUNCHES:  # a sample also counted with BEGIN/COMMIT
                        with CaptureQueriesContext(connection) as captured:
                            call_create(version=version, credential=credential, number=numbers[i],
                                        variables=variables)
                        launch_queries.append(len(captured))
                    else:
                        call_create(version=version, credential=credential, number=numbers[i], variables=variables)
            launched_seconds += time.perf_counter() - started
            h.wait(lambda: calls.filter(status__in=[CallStatus.QUEUED, CallStatus.SENDING]).count() == 0,
                   600, "the worker to finish", interval=0.05)
            worker_round = time.perf_counter() - started
            spent = h.cpu_spent(before, servers.cpu())
            parts["launch"] += spent["client"]
            parts["worker"] += spent["worker"]
            parts["sandbox"] += spent["sandbox"]
            worker_main += spent["worker main process"]
            plain_seconds += plain_round
            worker_seconds += worker_round
            round_ratios.append(plain_round / worker_round)
        worker_cpu = sum(parts.values())

        statuses = Counter(calls.values_list("status", flat=True))
        keys = set(str(k) for k in calls.values_list("idempotency_key", flat=True))
        posted = Counter(SandboxRequest.objects.filter(idempotency_key__in=keys).values_list("idempotency_key",
                                                                                           flat=True))
    counts: Counter[tuple[int, int]] = Counter()  # written by each worker child as it stops
    for items in h.read_queries(run_dir):
        counts.update({(s, t): n for s, t, n in items})

    n = args.calls
    per_task = sorted(counts.elements())
    launch_statements, launch_total = statements["n"] / n, statistics.mean(launch_queries)
    print(f"calls: {n}   worker concurrency: {args.concurrency}   sandbox: gunicorn x{args.server_workers}   "
          f"broker: {'redis' if broker else 'filesystem'}   db: {connection.vendor}")
    h.print_throughput(n, plain_seconds, "launch + worker", worker_seconds, "worker", round_ratios,
                       note=f" (launching took {launched_seconds:.2f} s)")
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


if __name__ == "__main__":
    main()
