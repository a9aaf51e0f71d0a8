"""Contact import benchmark: peak memory of importing a million rows, good, bad and both mixed, against
the same rows read by a plain ``csv.reader`` loop, in the same run; and the size of every response about
the imported campaign afterwards.

    .venv/bin/python bench/imports.py [--rows 1000000] [--database-url ...]

It migrates a database of its own (PostgreSQL ``fs_bench_imports`` by default; created when missing),
writes three files of ``--rows`` rows (``number,name``: distinct valid US numbers; values that are not
numbers; the two taking turns, line by line), and for each file runs fresh processes, each with Django
set up the same way, whose peak resident memory (VmHWM, reset once Django is loaded) it prints:

* ``plain``: a plain ``csv.reader`` loop over the file, counting rows (the baseline); ``bare``: the
  same loop in an interpreter that did not load Django (what loading the code alone costs);
* ``store``: what the web request does: check the first line, copy the file into the database
  (``contacts_import_start``, enqueue off);
* ``import``: what the Celery task does: ``contacts_import_run`` of that import to its end, in one slice;
* ``download``: the rejected rows' CSV download (``rejected_rows_csv``, streamed) read to its end.

Target: import peak <= 3 x the plain loop's peak. Then it prints the size of the campaign's API
detail, its import's progress, its contacts (first API page) and its pages, with a million rejected
rows in the report (docs/api-contract.md states: under 2 MB each).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import _harness as h  # first: it puts the repository on sys.path

# --- the child processes ------------------------------------------------------------------------------


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])  # kB
    raise RuntimeError(field)


def child(mode: str, path: str, ident: int) -> None:
    """Run one measured step in this fresh process and print its figures as JSON ("bare": a plain
    loop in an interpreter that loaded nothing else)."""
    if mode != "bare":
        import django

        django.setup()
        from editor.campaigns.models import Campaign, ContactImport
        from editor.campaigns.services.imports import contacts_import_run, contacts_import_start
        from editor.campaigns.services.rejected import rejected_rows_csv

    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS: count the step alone
    before = _status("VmRSS")
    started = time.perf_counter()
    result: object
    if mode in ("plain", "bare"):
        with open(path, newline="", encoding="utf-8") as handle:
            result = sum(1 for _ in csv.reader(handle))
    elif mode == "store":
        with open(path, "rb") as handle:
            item = contacts_import_start(campaign=Campaign.objects.get(pk=ident), upload=handle,
                                         filename=Path(path).name, enqueue=False)
        result = item.pk
    elif mode == "download":
        result = sum(len(text) for text in rejected_rows_csv(ContactImport.objects.get(pk=ident)))
    else:
        result = contacts_import_run(import_id=ident, slice_seconds=None)
    print(json.dumps({"before_kb": before, "peak_kb": _status("VmHWM"), "seconds": time.perf_counter() - started,
                      "result": result}))


def measure(mode: str, path: Path, ident: int = 0) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(path), str(ident)],
                          capture_output=True, text=True, cwd=h.ROOT)
    if done.returncode:
        raise SystemExit(f"The {mode} step failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the benchmark ---------------------------------------------------------------------------------------


def good_numbers(count: int) -> list[str]:
    """Distinct valid US numbers: New York exchanges 201-999, 10,000 lines each."""
    return [f"+1212{201 + i // 10_000:03d}{i % 10_000:04d}" for i in range(count)]


def write_files(folder: Path, rows: int) -> dict[str, Path]:
    files = {"good": folder / "good.csv", "bad": folder / "bad.csv", "mixed": folder / "mixed.csv"}
    numbers = good_numbers(rows)
    with open(files["good"], "w") as good:
        good.write("number,name\n")
        good.writelines(f"{n},Person {i}\n" for i, n in enumerate(numbers))
    with open(files["bad"], "w") as bad:
        bad.write("number,name\n")
        bad.writelines(f"not-a-number-{i},Person {i}\n" for i in range(rows))
    with open(files["mixed"], "w") as mixed:
        mixed.write("number,name\n")
        mixed.writelines(f"{numbers[i] if i % 2 else f'not-a-number-{i}'},Person {i}\n" for i in range(rows))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fs_bench_imports"))
    parser.add_argument("--broker-url", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13"),
                        help="production settings require one; nothing is queued on it")
    args = parser.parse_args()

    run_dir = h.run_dir("bench-imports")
    h.setup_django(h.production_env("imports", run_dir, args.database_url, args.broker_url))

    from _project import Campaign, Membership, Team, campaign_create, flow_create, flow_publish
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings

    from editor.campaigns.models import ContactImport

    team, _ = Team.objects.get_or_create(slug="bench-imports", defaults={"name": "Import benchmark"})
    Campaign.objects.filter(team=team).delete()
    user, _ = get_user_model().objects.get_or_create(username="bench-imports")
    Membership.objects.get_or_create(team=team, user=user, defaults={"role": "owner"})
    document = {"steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+12125550199", "next_step": "1"},
        {"id": "1", "type": "play", "text": "Hello {{contact.name}}."},
    ], "layout": {}, "settings": {"record": False}}
    version = flow_publish(flow=flow_create(team=team, user=None, name="Import bench", document=document), user=None)
    files = write_files(run_dir, args.rows)

    print(f"import benchmark: {args.rows:,} rows per file   db: {connection.vendor}   "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("peak resident memory of each step in a fresh process with Django set up "
          "(VmHWM, reset after set-up; 'grew' = peak - RSS after set-up)")
    campaigns = {}
    for kind, path in files.items():
        campaign = campaign_create(team=team, user=None, name=f"Import bench ({kind})", flow_version=version)
        campaigns[kind] = campaign
        bare = measure("bare", path)
        plain = measure("plain", path)
        assert plain["result"] == bare["result"] == args.rows + 1, plain
        stored = measure("store", path, campaign.pk)
        ran = measure("import", path, stored["result"])
        item = ContactImport.objects.get(pk=stored["result"])
        assert ran["result"] == "done" and item.rows == args.rows, (ran, item.rows, item.error)
        size = path.stat().st_size / 1e6
        print(f"{kind} rows ({size:.1f} MB): imported {item.imported:,}, rejected {item.rejected:,}")
        steps = [("bare csv.reader loop", bare), ("plain csv.reader loop", plain), ("store (web request)", stored),
                 ("import (Celery task)", ran)]
        if item.rejected:
            download = measure("download", path, item.pk)
            steps.append((f"rejected CSV ({download['result'] / 1e6:.1f} MB)", download))
        for name, step in steps:
            grew = (step["peak_kb"] - step["before_kb"]) / 1024
            print(f"  {name:24s}: peak {step['peak_kb'] / 1024:6.1f} MB  grew {grew:6.1f} MB  {step['seconds']:7.1f} s")
        print(f"  import peak / plain peak: {ran['peak_kb'] / plain['peak_kb']:.2f} (target <= 3)   "
              f"store peak / plain peak: {stored['peak_kb'] / plain['peak_kb']:.2f}   "
              f"import peak / bare loop's peak: {ran['peak_kb'] / bare['peak_kb']:.2f}")

    client = Client()
    client.force_login(user)
    print("response sizes (stated limit: 2 MB each):")
    # The pages without collectstatic's manifest: the same HTML, static files named as they are.
    plain_static = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain_static):
        largest = sizes(client, campaigns)
    verdict = "met" if largest < 2 * 1024 * 1024 else "NOT met"
    print(f"largest response: {largest / 1024:.1f} KB (stated limit 2 MB: {verdict})")


def sizes(client, campaigns: dict) -> int:
    """Print the size of each response about the imported campaigns; the largest, in bytes."""
    largest = 0
    for kind, campaign in campaigns.items():
        item = campaign.imports.get()
        for name, url in (("campaign (API)", f"/api/campaigns/{campaign.pk}/"),
                          ("import progress (API)", f"/api/campaigns/{campaign.pk}/imports/{item.pk}/"),
                          ("contacts (API, first page)", f"/api/campaigns/{campaign.pk}/contacts/"),
                          ("contacts page", f"/campaigns/{campaign.pk}/contacts"),
                          ("campaign page", f"/campaigns/{campaign.pk}/"),
                          ("review page", f"/campaigns/{campaign.pk}/review")):
            response = client.get(url, HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, (url, response.status_code)
            largest = max(largest, len(response.content))
            print(f"  {kind + ' rows,':11s} {name:27s}: {len(response.content) / 1024:8.1f} KB")
    return largest


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
