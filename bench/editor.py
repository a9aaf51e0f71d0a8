"""Benchmark of the canvas editor: how long a big flow takes to open, compared with a small one.

Run:  .venv/bin/python bench/editor.py [--repeat N] [--sizes 1000,50000]
      (needs `make frontend` and /usr/bin/chromium)

It starts its own server (a throwaway SQLite database in a temporary folder, the real settings with
DEBUG=1) and creates flows of 5, 100, 300, 1,000, 20,000 and 50,000 steps in two forms: "laid out"
(positions saved in the document, as the editor saves flows) and "no layout" (steps only, created
through `POST /api/flows/` as an API client does, so the editor lays them out as they open). It
opens each in headless Chromium N times, in turns, under the site's Content-Security-Policy. For
each flow it prints:

* wall ms: time from navigation start to the first interactive render (the editor's ready mark:
  React Flow initialised, a flow without positions laid out, the visible steps measured and a frame
  painted), median of N, and its ratio to the laid-out 5-step flow in the same run;
* main-thread CPU ms: CPU time the page's main thread used until then (Chrome's ThreadTime metric),
  median of N, and its ratio to the laid-out 5-step flow: on a shared, busy machine this is the
  steadier figure, since wall time also measures the neighbours (the layout of a flow without
  positions runs in a worker, whose time is in wall ms only);
* pan fps: frames the page painted per second while the canvas was dragged for a second
  (headless Chromium paints at most 60).

Every opening is checked: no error in the page, and for a flow without positions the steps on
screen at distinct places and the editor's check answered (not refused as too large).
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

SIZES = (5, 100, 300, 1_000, 20_000, 50_000)
KINDS = ("laid out", "no layout")


def make_document(size: int) -> dict:
    """A valid flow: a chain of play, digits menus, http branches; laid out on a grid.

    Texts are short enough for the 50,000-step flow without positions to fit the API's body limit
    (API_MAX_JSON_BYTES), so it can be created through the API like any client's flow."""
    steps: list[dict] = [{"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100"}]
    kinds = ("play", "digits", "http", "play")
    for i in range(1, size):
        kind = kinds[i % len(kinds)] if i < size - 1 else "connect"
        step: dict = {"id": str(i), "type": kind}
        if kind == "play":
            step["text"] = f"Message {i}, {{{{contact.name}}}}."
        elif kind == "digits":
            step.update(count=1, variable=f"v{i}")
        elif kind == "http":
            step.update(url=f"https://example.com/s/{i}", method="POST")
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


def setup_data(sizes: tuple[int, ...]) -> tuple[str, dict[tuple[int, str], int]]:
    import json

    from _project import Membership, Team, flow_create
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    team = Team.objects.create(name="Bench", slug="bench")
    Membership.objects.create(team=team, user=user, role="owner")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    flows: dict[tuple[int, str], int] = {}
    for size in sizes:
        document = make_document(size)
        flows[size, "laid out"] = flow_create(team=team, user=user, name=f"{size} steps", document=document).pk
        bare = {"steps": document["steps"], "settings": document["settings"]}
        body = json.dumps({"name": f"{size} steps, no layout", "document": bare}, separators=(",", ":"))
        answer = client.post("/api/flows/", body, content_type="application/json")
        if answer.status_code != 201:
            sys.exit(f"POST /api/flows/ with {size} steps ({len(body):,} bytes) answered {answer.status_code}")
        flows[size, "no layout"] = answer.json()["id"]
    return client.cookies[settings.SESSION_COOKIE_NAME].value, flows


def thread_time(cdp) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "ThreadTime") * 1000


def settle(page, url: str) -> None:
    """Let what the last opening left behind end before the next one: its requests (the editor's
    check, a save), then the page itself (the flows list, where people open a flow from, and a moment
    for the browser to collect the editor). Without it the first flow of each round (the 5-step one)
    opened while the 50,000-step page before it was still being torn down: 105 to 185 ms instead of
    105 to 130. (Not about:blank: leaving the site costs the next opening a new renderer process.)"""
    page.wait_for_load_state("networkidle")
    page.goto(url.split("/flows/")[0] + "/flows/")
    time.sleep(0.3)


def open_flow(page, url: str, cdp=None) -> tuple[float, float]:
    """Wall time to ready (from navigation start) and CPU time of the page's main thread until then."""
    settle(page, url)
    page.goto(url)
    # A locator, not wait_for_function: that evaluates its text with eval, which the site's
    # Content-Security-Policy refuses (EvalError).
    page.locator("#flow-editor[data-ready=true]").wait_for(state="attached", timeout=300_000)
    # Each navigation starts a new renderer main thread, so its CPU time so far is this page's.
    cpu = thread_time(cdp) if cdp else 0.0
    return page.evaluate("window.__flowEditor.readyAt"), cpu


def check_opened(page, kind: str) -> None:
    """Stop the run if the flow did not open as it should (a page error, steps piled up, no check)."""
    if page.errors:
        sys.exit(f"The page failed: {page.errors[0]}")
    if kind != "no layout":
        return
    boxes = page.locator(".fs-node").evaluate_all(
        "nodes => nodes.map(n => { const r = n.getBoundingClientRect(); return [Math.round(r.x), Math.round(r.y)]; })"
    )
    if len(boxes) < 2 or len({tuple(b) for b in boxes}) != len(boxes):
        sys.exit(f"The steps on screen are not laid out: {len(boxes)} drawn at {len({tuple(b) for b in boxes})} places")
    page.locator(".fs-checking").wait_for(state="detached", timeout=300_000)
    if page.get_by_test_id("too-big-to-check").count() or page.locator(".fs-problems .text-danger").count():
        sys.exit("The editor could not check the flow")


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
    parser.add_argument(
        "--sizes", default=",".join(str(n) for n in SIZES), help="comma-separated step counts (5 is always run)"
    )
    args = parser.parse_args()
    sizes = tuple(sorted({5, *(int(n) for n in args.sizes.split(","))}))
    if not (ROOT / "static" / "editor" / "editor.js").exists():
        sys.exit("Build the editor first: make frontend")
    from playwright.sync_api import sync_playwright

    flows_in_turn = [(size, kind) for size in sizes for kind in KINDS]
    with tempfile.TemporaryDirectory() as tmp:
        server, base = start_server(Path(tmp))
        cookie, flows = setup_data(sizes)
        ready: dict[tuple[int, str], list[float]] = {key: [] for key in flows_in_turn}
        busy: dict[tuple[int, str], list[float]] = {key: [] for key in flows_in_turn}
        fps: dict[tuple[int, str], float] = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
            page = context.new_page()
            page.errors = []
            page.on("pageerror", lambda exc: page.errors.append(str(exc)))
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            open_flow(page, f"{base}/flows/{flows[5, 'laid out']}/edit")  # warm the server and the caches
            for _ in range(args.repeat):
                for key in flows_in_turn:
                    wall, cpu = open_flow(page, f"{base}/flows/{flows[key]}/edit", cdp)
                    check_opened(page, key[1])
                    ready[key].append(wall)
                    busy[key].append(cpu)
            for key in flows_in_turn:
                open_flow(page, f"{base}/flows/{flows[key]}/edit")
                fps[key] = pan_fps(page)
            browser.close()
        server.shutdown()

    base_key = (5, "laid out")
    wall5, cpu5 = statistics.median(ready[base_key]), statistics.median(busy[base_key])
    print(f"Editor: time to first interactive render, median of {args.repeat} runs (headless Chromium)")
    print(
        f"{'steps':>6}  {'positions':<9}  {'wall ms':>8}  {'ratio':>6}  {'main-thread CPU ms':>18}  {'ratio':>6}"
        f"  {'pan fps':>7}"
    )
    for key in flows_in_turn:
        wall, cpu = statistics.median(ready[key]), statistics.median(busy[key])
        print(
            f"{key[0]:>6}  {key[1]:<9}  {wall:>8.0f}  {wall / wall5:>6.2f}  {cpu:>18.0f}  {cpu / cpu5:>6.2f}"
            f"  {fps[key]:>7.0f}"
        )


if __name__ == "__main__":
    main()
