"""Benchmark of the canvas editor: how long a big flow takes to open, compared with a small one.

Run:  .venv/bin/python bench/editor.py [--repeat N]      (needs `make frontend` and /usr/bin/chromium)

It starts its own server (a throwaway SQLite database in a temporary folder, the real settings with
DEBUG=1), creates flows of 5, 100, 300 and 1,000 steps (laid out, as saved flows are) and opens each
in headless Chromium N times, in turns. For each size it prints:

* wall ms: time from navigation start to the first interactive render (the editor's ready mark:
  React Flow initialised, the visible steps measured and a frame painted), median of N, and its
  ratio to the 5-step flow in the same run;
* main-thread CPU ms: CPU time the page's main thread used until then (Chrome's ThreadTime metric),
  median of N, and its ratio to the 5-step flow: on a shared, busy machine this is the steadier
  figure, since wall time also measures the neighbours;
* pan fps: frames the page painted per second while the canvas was dragged for a second
  (headless Chromium paints at most 60).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _harness as h  # first: it puts the repository on sys.path
from _harness import ROOT

from tests.support.browser import CHROMIUM
from tests.support.browser import CHROMIUM_ARGS as ARGS

SIZES = (5, 100, 300, 1_000)


def make_document(size: int) -> dict:
    """A valid flow: a chain of play, digits menus, http branches; laid out on a grid."""
    steps: list[dict] = [{"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100"}]
    kinds = ("play", "digits", "http", "play")
    for i in range(1, size):
        kind = kinds[i % len(kinds)] if i < size - 1 else "connect"
        step: dict = {"id": str(i), "type": kind}
        if kind == "play":
            step["text"] = f"Message number {i}: thanks for staying on the line, {{{{contact.name}}}}."
        elif kind == "digits":
            step.update(count=1, variable=f"choice_{i}")
        elif kind == "http":
            step.update(url=f"https://example.com/api/step/{i}", method="POST")
        else:
            step.update(number="+14155550123", caller_id="+14155550100")
        steps.append(step)
    for i, step in enumerate(steps[:-1]):
        nxt = str(i + 1)
        if step["type"] == "digits":
            step["next_step"] = {"*": nxt, "1": str(min(i + 2, size - 1))}
        elif step["type"] == "http":
            step["next_step"] = {"success": nxt, "fail": str(size - 1)}
        else:
            step["next_step"] = nxt
    layout = {s["id"]: {"x": (i % 4) * 320, "y": (i // 4) * 200} for i, s in enumerate(steps)}
    return {"steps": steps, "layout": layout, "settings": {"record": False}}


def start_server(folder: Path):
    return h.threaded_django_server(folder)


def setup_data() -> tuple[str, dict[int, int]]:
    from _project import Membership, Team, flow_create
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    team = Team.objects.create(name="Bench", slug="bench")
    Membership.objects.create(team=team, user=user, role="owner")
    flows = {
        size: flow_create(team=team, user=user, name=f"{size} steps", document=make_document(size)).pk
        for size in SIZES
    }
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value, flows


def thread_time(cdp) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "ThreadTime") * 1000


def open_flow(page, url: str, cdp=None) -> tuple[float, float]:
    """Wall time to ready (from navigation start) and CPU time of the page's main thread until then."""
    page.goto(url)
    page.wait_for_function("window.__flowEditor && window.__flowEditor.ready", timeout=120_000)
    # Each navigation starts a new renderer main thread, so its CPU time so far is this page's.
    cpu = thread_time(cdp) if cdp else 0.0
    return page.evaluate("window.__flowEditor.readyAt"), cpu


def pan_fps(page) -> float:
    box = page.locator(".react-flow__pane").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.evaluate(
        "() => { window.__frames = 0; window.__counting = true;"
        " const tick = () => { window.__frames++; if (window.__counting) requestAnimationFrame(tick); };"
        " requestAnimationFrame(tick); }"
    )
    started = time.perf_counter()
    page.mouse.move(x, y)
    page.mouse.down()
    step = 0
    while time.perf_counter() - started < 1.0:
        step += 1
        page.mouse.move(x - (step % 60) * 6, y - (step % 60) * 4)
    page.mouse.up()
    elapsed = time.perf_counter() - started
    frames = page.evaluate("() => { window.__counting = false; return window.__frames; }")
    return frames / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not (ROOT / "static" / "editor" / "editor.js").exists():
        sys.exit("Build the editor first: make frontend")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server, base = start_server(Path(tmp))
        cookie, flows = setup_data()
        ready: dict[int, list[float]] = {size: [] for size in SIZES}
        busy: dict[int, list[float]] = {size: [] for size in SIZES}
        fps: dict[int, float] = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            open_flow(page, f"{base}/flows/{flows[5]}/edit")  # warm the server and the caches
            for _ in range(args.repeat):
                for size in SIZES:
                    wall, cpu = open_flow(page, f"{base}/flows/{flows[size]}/edit", cdp)
                    ready[size].append(wall)
                    busy[size].append(cpu)
            for size in SIZES:
                open_flow(page, f"{base}/flows/{flows[size]}/edit")
                fps[size] = pan_fps(page)
            browser.close()
        server.shutdown()

    wall5, cpu5 = statistics.median(ready[5]), statistics.median(busy[5])
    print(f"Editor: time to first interactive render, median of {args.repeat} runs (headless Chromium)")
    print(f"{'steps':>6}  {'wall ms':>8}  {'ratio':>6}  {'main-thread CPU ms':>18}  {'ratio':>6}  {'pan fps':>7}")
    for size in SIZES:
        wall, cpu = statistics.median(ready[size]), statistics.median(busy[size])
        print(f"{size:>6}  {wall:>8.0f}  {wall / wall5:>6.2f}  {cpu:>18.0f}  {cpu / cpu5:>6.2f}  {fps[size]:>7.0f}")

if __name__ == "__main__":
    main()
