"""Call-events benchmark: events posted to the real hook (``POST /hooks/samespace/<token>/``, served
by gunicorn, processed by a Celery worker) against a plain loop inserting the same rows, in the same run.

    .venv/bin/python bench/events.py [-n 1200] [--clients 4] [--database-url ...] [--broker-url ...]

It migrates a database of its own (PostgreSQL ``fs_bench_events`` by default), makes ``2 × n`` calls
that ask for events, plays each with the sandbox's deterministic caller (``sandbox/events.py``: about
nine events a call), then in rounds where the two paths take turns:

* the hook path: ``--clients`` threads post one call's events each, in order, one request per event
  (``--batch``: the call's events as one list in one request), and the clock stops when the worker
  has derived every call's outcome from all of its events;
* the plain loop: the same events of the other calls, each parsed and inserted with one
  ``CallEvent.objects.create`` in this process (nothing derived).

It prints events per second of each path and their ratio (hook / plain; target >= 0.5), and the SQL
statements per event: of the hook's request (counted in this process over a sample, for the first,
the second and the last events of a call) and of each ``events_process`` task (counted in the worker, with the calls
and events it processed): both must stay the same however many events a call already has.

``--counts`` measures instead the canvas's counts of a 1,000-step version with ``--days`` days of
counters (430: millions of events' worth) against opening the same flow: ``GET /api/flows/{id}/versions/{n}/counts/``
for all days and for date ranges across months and a year, and ``GET /api/flows/{id}/``, through
Django's test client in this process, in turns, median of the per-round ratios (target <= 1.5).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import _harness as h  # first: it puts the repository on sys.path


def _received(sock: socket.socket) -> bytes:
    data = sock.recv(65536)
    if not data:
        raise SystemExit("The hook closed the connection.")
    return data


# --- worker side: count the SQL statements of each events_process task ---------------------------------

if __name__ != "__main__" and os.environ.get("BENCH_QUERY_DIR"):
    from celery.signals import worker_process_shutdown

    _tasks: list[list[int]] = []  # [statements, calls processed, events read] per task

    def _record(name, retval, statements: int, total: int) -> None:
        calls, events = retval or (0, 0)
        _tasks.append([statements, calls, events])

    app = h.counting_worker_app(_record, tasks=["events_process"])  # `celery -A events`

    @worker_process_shutdown.connect
    def _save(**kwargs) -> None:
        h.queries_path().write_text(json.dumps(_tasks))


# --- the benchmark ------------------------------------------------------------------------------------


def counts_benchmark(args) -> None:
    """Opening the counts of a 1,000-step version with ``--days`` days of counters against opening the flow."""
    from datetime import date, timedelta

    from _project import Flow, Membership, Team, flow_create, flow_publish
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from editor.events import counts
    from editor.events.models import StepCount
    from tests.support.api import big_document

    steps, days = 1000, args.days
    user, _ = get_user_model().objects.get_or_create(username="bench-events")
    team, _ = Team.objects.get_or_create(slug="bench-events-counts", defaults={"name": "Counts benchmark"})
    Membership.objects.get_or_create(team=team, user=user, defaults={"role": "owner"})
    Flow.objects.filter(team=team).delete()
    flow = flow_create(team=team, user=user, name=f"Counts {time.time_ns()}", document=big_document(steps))
    version = flow_publish(flow=flow, user=user)
    # 17 calls of about 9 events reached each step each day; every row counts.add_many keeps for them.
    every_day = [date(2026, 1, 1) + timedelta(days=d) for d in range(days)]
    spans = counts.rows_of_days(every_day)
    table = connection.ops.quote_name(StepCount._meta.db_table)
    started = time.perf_counter()
    columns = "flow_version_id, day, period, campaign, step_id, branch, reached, ended"
    # COPY: millions of rows in seconds (bulk_create takes minutes).
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for (period, day), times in spans.items():
            for step in range(steps):
                copy.write_row((version.pk, day, period, 0, str(step), "", 17 * times, times))
                copy.write_row((version.pk, day, period, 0, str(step), "next", 16 * times, 0))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    loaded = time.perf_counter() - started
    rows = len(spans) * steps * 2
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", SERVER_NAME="127.0.0.1")
    counts_url = f"/api/flows/{flow.pk}/versions/{version.number}/counts/"
    ranges = {"one month": ("2026-01-01", "2026-01-31"), "31 days across two months": ("2026-01-16", "2026-02-15"),
              "50 days": ("2026-01-06", "2026-02-24"), "90 days across four months": ("2026-03-10", "2026-06-07"),
              "a year": ("2026-02-10", "2027-02-09")}
    urls = {"flow": f"/api/flows/{flow.pk}/", "counts": counts_url,
            **{f"counts, {name}": f"{counts_url}?since={a}&until={b}" for name, (a, b) in ranges.items()}}
    events_behind = spans[(counts.DAY, counts.ALL_DAYS)] * 17 * steps * 9
    rows_read = {f"counts, {name}": StepCount.objects.filter(flow_version=version).filter(
        counts.range_filter(date.fromisoformat(a), date.fromisoformat(b))[0]).count()
        for name, (a, b) in ranges.items()}

    def timed(url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content[:200]
        return elapsed

    for url in urls.values():  # warm up
        timed(url)
    rounds = [{name: timed(url) for name, url in urls.items()} for _ in range(args.repeat)]
    print(f"counts of a {steps}-step version, {days} days of counters from 2026-01-01 ({rows} rows, loaded in "
          f"{loaded:.0f} s, about {events_behind / 1e6:.0f} million events' worth), {args.repeat} rounds in turns, "
          f"medians, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    flow_ms = statistics.median(r["flow"] for r in rounds) * 1000
    print(f"{'GET flow':<44}: {flow_ms:7.1f} ms")
    for name in urls:
        if name == "flow":
            continue
        ratio = statistics.median(r[name] / r["flow"] for r in rounds)
        read = f"   ({rows_read[name]} rows summed)" if name in rows_read else ""
        print(f"{'GET ' + name:<44}: {statistics.median(r[name] for r in rounds) * 1000:7.1f} ms   "
              f"ratio {ratio:.2f} (target <= 1.5){read}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # 1,200 calls: each round then posts for about 3 s. With 300 its 0.8 s of posting were followed by
    # the wait for the last batch (up to EVENTS_PROCESS_DELAY and the batch's work, 0.1-0.2 s), a
    # fixed latency that made 10-25 % of the time measured as throughput.
    parser.add_argument("-n", "--calls", type=int, default=1200, help="calls per path")
    parser.add_argument("--clients", type=int, default=4, help="threads posting events at the same time")
    parser.add_argument("--batch", action="store_true",
                        help="post each call's events as one list (one request per call) instead of one by one")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--counts", action="store_true",
                        help="measure opening a big version's counts against opening the flow instead")
    parser.add_argument("--repeat", type=int, default=15, help="rounds of --counts")
    parser.add_argument("--days", type=int, default=430, help="days of counters of --counts (from 2026-01-01)")
    h.add_service_arguments(parser, database="fs_bench_events")
    args = parser.parse_args()

    run_dir = h.run_dir("bench-events")
    h.purge_redis(args.broker_url)
    h.setup_django({**h.production_env("events", run_dir, args.database_url, args.broker_url),
                    "API_THROTTLE_USER": "", "API_THROTTLE_ANON": ""})  # measure the work, not the rate limit
    if args.counts:
        counts_benchmark(args)
        return

    import requests
    from _project import SAMESPACE_EXAMPLE, Call, CallStatus, Team, flow_create, flow_publish
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from editor.calls.samespace import new_events_token
    from editor.events.models import CallEvent, CallOutcome, ProcessingScheduled, StepCount
    from editor.events.services import events_receive
    from editor.events.shape import read_event
    from sandbox.events import play

    team, _ = Team.objects.get_or_create(slug="bench-events", defaults={"name": "Events benchmark"})
    Call.objects.filter(team=team).delete()
    ProcessingScheduled.objects.all().delete()  # its task, if an earlier run left one, was just purged
    if connection.vendor == "postgresql":
        # An earlier run's rows, just deleted, stay in the tables and their indexes until autovacuum
        # comes; after a few runs (hundreds of thousands of dead events) the plain loop's INSERTs were a
        # third slower. Each run starts from tables without them.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (
                CallEvent, CallOutcome, StepCount, Call)))
    document = json.loads(SAMESPACE_EXAMPLE.read_text())
    flow = flow_create(team=team, user=None, name=f"Events {time.time_ns()}", document=document)
    version = flow_publish(flow=flow, user=None)
    now = timezone.now()

    def make_calls(count: int, first: int) -> list:
        rows = []
        for i in range(count):
            key, secret = new_events_token()
            rows.append(Call(team=team, flow_version=version, number=f"+1555{first + i:06d}4",
                             status=CallStatus.ACCEPTED, not_before=now, events_key=key, events_secret=secret))
        return Call.objects.bulk_create(rows)

    hook_calls, plain_calls = make_calls(args.calls, 0), make_calls(args.calls, args.calls)
    warm_hook, warm_plain = make_calls(10, 3 * args.calls), make_calls(10, 3 * args.calls + 10)
    scripts = {c.pk: [json.dumps(e) for e in play(document, number=c.number, call_id=str(c.pk))]
               for c in hook_calls + plain_calls + warm_hook + warm_plain}
    per_call = len(scripts[hook_calls[0].pk])

    def http_requests(call) -> list[bytes]:
        path = f"/hooks/samespace/{call.events_key}{call.events_secret}/"
        bodies = ["[" + ",".join(scripts[call.pk]) + "]"] if args.batch else scripts[call.pk]
        return [(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body.encode())}\r\n\r\n").encode() + body.encode() for body in bodies]

    requests_of = {c.pk: http_requests(c) for c in hook_calls + warm_hook}

    # SQL statements of the hook's work, in this process: the first, the second and the last event of
    # sample calls (the first finds the call and schedules the processing; the others only store).
    sample = make_calls(20, 2 * args.calls)
    first_counts, second_counts, last_counts = [], [], []
    for call in sample:
        events = [json.dumps(e) for e in play(document, number=call.number, call_id=f"s{call.pk}")]
        for index, body in enumerate(events):
            with h.counting_statements() as counted:
                events_receive(token=call.events_key + call.events_secret, body=body.encode())
            if index == 0:
                first_counts.append(counted["n"])
            elif index == 1:
                second_counts.append(counted["n"])
            elif index == len(events) - 1:
                last_counts.append(counted["n"])

    with h.Servers(run_dir) as servers:
        servers.sandbox(args.server_workers, args.server_threads)
        servers.worker("events", args.concurrency, "WARNING")
        session = requests.Session()
        servers.wait_until_ready(session)

        def post_call_events(call) -> None:
            # One kept-alive connection per call, as a sender posting events would. The client shares
            # the two CPUs with the server, so it is as lean as HTTP/1.1 allows: each request's bytes
            # are built before the clock starts (`requests` cost about 1 ms of CPU per POST here,
            # http.client 0.3), and the answer is read by its Content-Length (gunicorn sends one).
            with socket.create_connection(("127.0.0.1", servers.port), timeout=30) as sock:
                for request in requests_of[call.pk]:
                    sock.sendall(request)
                    answer = b""
                    while b"\r\n\r\n" not in answer:
                        answer += _received(sock)
                    head, _, body = answer.partition(b"\r\n\r\n")
                    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                    if length is None:
                        raise SystemExit(f"The hook answered without a Content-Length: {head[:200]!r}")
                    while len(body) < int(length[1]):
                        body += _received(sock)
                    if not head.startswith(b"HTTP/1.1 202 "):
                        raise SystemExit(f"The hook answered {head.splitlines()[0]!r}: {body[:200]!r}")

        def plain_loop(calls) -> None:  # parse, one INSERT per event
            for call in calls:
                for body in scripts[call.pk]:
                    read = read_event(json.loads(body))
                    CallEvent.objects.create(
                        call_id=call.pk, dedupe_key=read.dedupe_key, raw=body, kind=read.kind,
                        step_id=read.step_id, digits=read.digits, variable=read.variable, status=read.status,
                        occurred_at=read.occurred_at, sequence=read.sequence)

        def hook_path(calls) -> float:
            """Post the calls' events, wait until every outcome is derived; the seconds the posting took."""
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(post_call_events, calls))
            posted = time.perf_counter() - started
            ids = [c.pk for c in calls]
            h.wait(lambda ids=ids: CallOutcome.objects.filter(call_id__in=ids, event_count=per_call).count()
                   == len(ids), 600, "the worker to process every event", interval=0.05)
            return posted

        # Not measured: the first requests and the worker's first task pay for imports, connections
        # and the flow's preparation, once per process.
        plain_loop(warm_plain)
        hook_path(warm_hook)

        plain_seconds = hook_seconds = posting_seconds = 0.0
        round_ratios, drains = [], []
        plain_cpu: dict[str, float] = {}
        hook_cpu: dict[str, float] = {}
        hook_shares, plain_shares = h.shares(hook_calls, args.rounds), h.shares(plain_calls, args.rounds)
        for hook_part, plain_part in zip(hook_shares, plain_shares, strict=True):
            before, started = servers.cpu(), time.perf_counter()
            plain_loop(plain_part)
            plain_round = time.perf_counter() - started
            h.add_cpu(plain_cpu, h.cpu_spent(before, servers.cpu()))

            before, started = servers.cpu(), time.perf_counter()
            posted = hook_path(hook_part)
            hook_round = time.perf_counter() - started
            posting_seconds += posted
            drains.append(hook_round - posted)
            h.add_cpu(hook_cpu, h.cpu_spent(before, servers.cpu()))
            plain_seconds += plain_round
            hook_seconds += hook_round
            round_ratios.append(plain_round / hook_round)

    tasks = [task for items in h.read_queries(run_dir) for task in items]
    n = args.calls * per_call
    print(f"events: {n} per path ({args.calls} calls x {per_call})   clients: {args.clients}   "
          f"{'one request per call (--batch)' if args.batch else 'one request per event'}   "
          f"worker concurrency: {args.concurrency}   gunicorn x{args.server_workers}   db: {connection.vendor}   "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    plain_rate, hook_rate = n / plain_seconds, n / hook_seconds
    print(f"{'plain loop (parse + INSERT)':<32}: {plain_seconds:7.2f} s  {plain_rate:7.1f} events/s")
    print(f"{'hook + worker (processed)':<32}: {hook_seconds:7.2f} s  {hook_rate:7.1f} events/s   (posting "
          f"alone {n / posting_seconds:.1f} events/s; after each round's last event, processed within "
          + ", ".join(f"{d:.2f}" for d in drains) + f" s; EVENTS_PROCESS_DELAY {settings.EVENTS_PROCESS_DELAY} s)")
    print(f"throughput ratio (hook / plain): {hook_rate / plain_rate:.2f}   (target >= 0.5; rounds: "
          + ", ".join(f"{r:.2f}" for r in round_ratios) + ")")
    print("CPU ms per event (PostgreSQL and Redis not counted): plain loop " + ", ".join(
        f"{k} {v / n * 1000:.2f}" for k, v in plain_cpu.items()) + " | hook path " + ", ".join(
        f"{k.replace('sandbox', 'gunicorn')} {v / n * 1000:.2f}" for k, v in hook_cpu.items()))
    print(f"SQL statements per event in the hook: first event of a call {statistics.median(first_counts)} "
          f"(finds the call, stores, schedules), second {statistics.median(second_counts)}, last "
          f"{statistics.median(last_counts)} (target: the second and the last the same; medians of "
          f"{len(first_counts)} calls, means {statistics.mean(first_counts):.2f}, {statistics.mean(second_counts):.2f} "
          f"and {statistics.mean(last_counts):.2f}: a schedule also deletes a stale mark once per 10 s)")
    if tasks:
        worked = [t for t in tasks if t[1]]
        statements, processed, read = (sum(t[i] for t in tasks) for i in range(3))
        print(f"events_process tasks: {len(tasks)} ({len(tasks) - len(worked)} found nothing pending), "
              f"{processed} call outcomes derived from {read} events read: SQL statements {statements}, "
              f"{statements / read if read else 0:.3f} per event read, "
              f"per task min {min(t[0] for t in tasks)} max {max(t[0] for t in tasks)}")
    ok = statistics.median(second_counts) == statistics.median(last_counts)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
