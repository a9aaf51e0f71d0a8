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
import statistics
import time
from collections import Counter, defaultdict

import _harness as h  # first: it puts the repository on sys.path

# --- worker side: count the SQL statements of each task ----------------------------------------------

if __name__ != "__main__" and os.environ.get("BENCH_QUERY_DIR"):
    _per_task: dict[str, list] = defaultdict(list)

    def _record(name, retval, statements: int, total: int) -> None:
        if name == "place_call":
            _per_task["place_call"].append([statements, str(retval)])
        elif isinstance(retval, dict):
            _per_task["tick"].append([statements, retval.get("dispatched", 0)])
        else:
            return
        path = h.queries_path()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(_per_task))
        tmp.replace(path)

    app = h.counting_worker_app(_record, tasks=["place_call", "campaigns_tick"])  # `celery -A campaign`


# --- helpers -------------------------------------------------------------------------------------------

AREAS = ["212", "310", "312", "415", "617", "646", "718", "202", "305", "404", "512", "206", "303", "702", "713"]


def numbers(count: int) -> list[str]:
    """Distinct valid US numbers (555-2000 to 555-9999 in several area codes): no sandbox fault suffix."""
    per_area = 8000
    if count > per_area * len(AREAS):
        raise SystemExit(f"At most {per_area * len(AREAS)} distinct numbers.")
    return [f"+1{AREAS[i // per_area]}555{2000 + i % per_area:04d}" for i in range(count)]


# --- the CSV import comparison ----------------------------------------------------------------------


def import_bench(campaign_factory, rows: int, repeat: int) -> tuple[float, float, int]:
    """(best import seconds, best plain seconds, SQL statements of one import), taking turns."""
    import phonenumbers
    from _project import CampaignContact, contacts_import
    from django.db import transaction

    body = "phone,name,appointment\n" + "".join(
        f"{n},Person {i},Tuesday 10:{i % 60:02d}\n" for i, n in enumerate(numbers(rows)))
    data = body.encode()
    best_import = best_plain = float("inf")
    statements = 0
    for _ in range(repeat):
        campaign = campaign_factory()
        started = time.perf_counter()
        with h.counting_statements() as count:
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

    run_dir = h.run_dir("bench-campaign")
    queue = "campaign-bench"
    queue_keys = [queue, "unacked", "unacked_index", f"_kombu.binding.{queue}"]
    h.purge_redis(args.broker_url, queue_keys)
    h.setup_django({
        **h.production_env("campaign", run_dir, args.database_url, args.broker_url),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CAMPAIGN_TICK_SECONDS": "1",
        "CAMPAIGN_BATCH": "500",
        "CAMPAIGN_MAX_IN_FLIGHT": "1000",
    })

    import requests
    from _project import (
        Campaign,
        CampaignContact,
        CampaignStatus,
        Team,
        build_payload,
        campaign_create,
        campaign_start,
        contacts_import,
        endpoint,
    )
    from django.db import connection

    from sandbox.models import SandboxRequest

    team, _ = Team.objects.get_or_create(slug="bench-campaign", defaults={"name": "Campaign benchmark"})
    Campaign.objects.filter(team=team).delete()
    document = {"steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+12125550199", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Hello {{contact.name}}, your appointment is {{contact.appointment}}."},
    ], "layout": {}, "settings": {"record": False}}

    try:
        with h.Servers(run_dir) as servers:
            version, credential, token = h.sandbox_flow(team, document, servers.base_url)

            def new_campaign(name: str = "Import bench") -> Campaign:
                from datetime import time as day_time

                return campaign_create(team=team, user=None, name=name, flow_version=version,
                                       credential=credential, calls_per_minute=0, window_start=day_time(0),
                                       window_end=day_time(0), weekdays=list(range(7)), timezone="UTC")

            # 1. CSV import (in this process, before the servers start, so they do not compete for the CPU).
            if args.rows:
                imported_s, plain_import_s, import_statements = import_bench(new_campaign, args.rows, args.repeat)

            servers.sandbox(args.server_workers)
            servers.worker("campaign", args.concurrency, args.worker_loglevel)
            servers.beat()
            session = requests.Session()
            servers.wait_until_ready(session)

            contacts = numbers(args.contacts)
            variables = {"name": "Ada", "appointment": "Tuesday 10:00"}
            url = endpoint(servers.base_url)

            def plain(part: list[str]) -> float:
                """The plain loop: the same payloads, one session, one POST after the other."""
                payloads = [build_payload(document=version.document, cloud_id="BENCH", number=n,
                                          variables=variables) for n in part]
                before, started = servers.cpu(), time.perf_counter()
                h.post_each(session, url, payloads, token)
                seconds = time.perf_counter() - started
                h.add_cpu(plain_cpu, h.cpu_spent(before, servers.cpu()))
                return seconds

            def through_campaign(part: list[str], index: int) -> tuple[float, Campaign]:
                """Import, start; beat ticks, the worker dispatches and posts; until the campaign completes."""
                campaign = new_campaign(f"Throughput bench {index}")
                body = "number,name,appointment\n" + "".join(f"{n},Ada,Tuesday 10:00\n" for n in part)
                contacts_import(campaign=campaign, upload=io.BytesIO(body.encode()))
                before, started = servers.cpu(), time.perf_counter()
                campaign_start(campaign=campaign)
                h.wait(lambda: Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.COMPLETED, 1800,
                       "the campaign to complete", interval=0.25)
                seconds = time.perf_counter() - started
                h.add_cpu(campaign_cpu, h.cpu_spent(before, servers.cpu()))
                return seconds, campaign

            # The two paths take turns, a share of the contacts each round (first one, then the other).
            plain_cpu: dict[str, float] = {}
            campaign_cpu: dict[str, float] = {}
            plain_seconds = campaign_seconds = 0.0
            rounds: list[float] = []
            campaigns: list[Campaign] = []
            received: Counter[str] = Counter()  # what the sandbox received from the campaigns
            for index, part in enumerate(h.shares(contacts, args.rounds)):
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
    finally:
        h.purge_redis(args.broker_url, queue_keys)
    measured: dict[str, list] = defaultdict(list)
    for per_task in h.read_queries(run_dir):
        for name, items in per_task.items():
            measured[name].extend(items)

    n = args.contacts
    print(f"campaign benchmark: {n} contacts, no pace limit   worker concurrency {args.concurrency}   "
          f"sandbox: gunicorn x{args.server_workers}   db: {connection.vendor}   "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    h.print_throughput(n, plain_seconds, "campaign (beat + worker)", campaign_seconds, "campaign", rounds,
                       note=f"   contacts: {dict(final)}")

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
