"""API benchmark: server time of GET and PUT of a 1,000-step flow, against json.dumps + json.loads
of the same document measured in the same run.

    .venv/bin/python bench/api.py [--steps 1000] [--repeat 40] [--database-url postgres://...]

Requests go in-process through Django's test client with a real token, the real settings and a
real database (PostgreSQL ``fs_bench_api`` by default, created and migrated when missing), so
the figure includes authentication, the team-scoped query, parsing, validation, the conditional
UPDATE and rendering. It prints the median of each and the ratios server time / (dumps + loads):
how many JSON round trips of the document one request costs, a figure that means something on
any machine. The SQL queries of one GET and one PUT are printed too. It runs with DEBUG off, as in
production (throwaway secrets are set for the run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import _harness as h  # first: it puts the repository on sys.path

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/fs_bench_api"


def make_document(size: int) -> dict:
    """A valid flow mixing every block type, with a label and a position for each step."""
    steps: list[dict] = [{"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100"}]
    for i in range(1, size):
        nxt = str(i + 1) if i < size - 1 else None
        kind = ("play", "digits", "http", "play")[i % 4] if i < size - 1 else "connect"
        if kind == "play":
            step = {"text": f"Hello {{{{contact.name}}}}, this is message {i}.", "next_step": nxt}
        elif kind == "digits":
            step = {"count": 1, "variable": f"choice_{i}", "next_step": {"*": nxt, "1": nxt}}
        elif kind == "http":
            step = {
                "url": f"https://example.com/hook/{i}",
                "method": "POST",
                "next_step": {"success": nxt, "fail": nxt},
            }
        else:
            step = {"number": "+14155550123", "caller_id": "+14155550100"}
        steps.append({"id": str(i), "type": kind, **step})
    steps[0]["next_step"] = "1"
    layout = {s["id"]: {"x": 240 * (i % 5), "y": 120 * (i // 5), "label": f"Step {i}"} for i, s in enumerate(steps)}
    return {"steps": steps, "layout": layout, "settings": {"record": False}}


def setup_django(database_url: str) -> None:
    # Production settings (DEBUG off: no query log, no debug checks), with throwaway secrets.
    h.setup_django({
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "API_THROTTLE_USER": "",  # measure the work, not the rate limit
        "API_THROTTLE_ANON": "",
    }, defaults={
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "FIELD_ENCRYPTION_KEYS": "2D3ehCG3iqUZzBvQY5o3Y0lqJ4pKq7f1Zg7pM9mW3xI=",
        "LOG_LEVEL": "ERROR",
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args()
    setup_django(args.database_url)

    from _project import Flow, Membership, Team, flow_create
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    user, _ = get_user_model().objects.get_or_create(username="bench-api")
    team, _ = Team.objects.get_or_create(slug="bench-api", defaults={"name": "Bench API"})
    Membership.objects.get_or_create(team=team, user=user, defaults={"role": "owner"})
    token, _ = Token.objects.get_or_create(user=user)
    Flow.objects.filter(team=team).delete()
    document = make_document(args.steps)
    flow = flow_create(team=team, user=user, name=f"{args.steps} steps", document=document)
    assert flow.error_count == 0, flow.diagnostics[:3]

    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = f"/api/flows/{flow.pk}/"
    body_size = len(json.dumps(document).encode())

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.content[:200]

    revision = [flow.revision]
    bodies: list[str] = []

    def put():
        response = client.generic("PUT", url, bodies.pop(), content_type="application/json")
        assert response.status_code == 200, response.content[:200]
        revision[0] += 1

    def prepared_put():
        # The request body is encoded before the clock starts: only the server's work is timed.
        bodies.append(json.dumps({"revision": revision[0], "document": document}))

    def json_round_trip():
        json.loads(json.dumps(document))

    for _ in range(3):  # warm up
        get()
        prepared_put()
        put()
        json_round_trip()

    with CaptureQueriesContext(connection) as captured:
        get()
    get_queries = len(captured.captured_queries)  # read now: later requests empty the query log
    prepared_put()
    with CaptureQueriesContext(connection) as captured:
        put()
    put_queries = len(captured.captured_queries)

    # Interleaved rounds: a busy machine slows the three measures alike, and the ratio of each
    # round is taken before the median, so the ratios hold even when the absolute times wander.
    # Wall time includes PostgreSQL's work; CPU time is this process's alone.
    def timed(action, times: int = 1) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(times):
            action()
        return (time.perf_counter() - wall) / times, (time.process_time() - cpu) / times

    rounds = []
    for _ in range(args.repeat):
        trip = timed(json_round_trip, 5)
        got = timed(get)
        prepared_put()
        put_ = timed(put)
        rounds.append((trip, got, put_))

    def med(index: int, clock: int) -> float:
        return statistics.median(r[index][clock] for r in rounds)

    def ratio(index: int, clock: int) -> float:
        return statistics.median(r[index][clock] / r[0][clock] for r in rounds)

    print(
        f"API benchmark, {connection.vendor}: a flow of {args.steps} steps ({body_size / 1024:.0f} KiB of JSON), "
        f"{args.repeat} interleaved rounds, medians"
    )
    print(f"json.dumps + json.loads of the document   wall {med(0, 0) * 1000:7.2f} ms   cpu {med(0, 1) * 1000:7.2f} ms")
    for index, label, queries in ((1, "GET", get_queries), (2, "PUT", put_queries)):
        print(
            f"{label} /api/flows/{{id}}/  wall {med(index, 0) * 1000:7.2f} ms  ratio {ratio(index, 0):5.1f}   "
            f"cpu {med(index, 1) * 1000:7.2f} ms  ratio {ratio(index, 1):5.1f}   SQL queries {queries}"
        )


if __name__ == "__main__":
    main()
