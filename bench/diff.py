"""Benchmark of comparing versions: the flow core's diff, and the Compare view of the editor.

Run:  .venv/bin/python bench/diff.py [--repeat N] [--browser-repeat N] [--no-browser]
      (the browser part needs `make frontend` and /usr/bin/chromium)

It prints, measured in the same run:

* diff time / json.loads time of one side's JSON text, for two 10,000-step documents (each step
  labelled and placed): one where 1 % of the steps changed (a text, a connection, a new label, a
  step moved), one where 20 % of the steps were renamed (references and layout following them, as
  the editor does) and 1 % changed; each document read from its own JSON text, as the API reads
  them. CPU time of this process, best of N, the runs taking turns.
  Target: <= 3.
* the time for the Compare view of two 1,000-step versions to be ready (from navigation start to
  the comparison painted: both documents and the diff fetched, the union drawn) / the time for the
  editor to open one of them (its ready mark), median of N in headless Chromium, in turns.
  Target: <= 1.5.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import _harness as h  # first: it puts the repository on sys.path
from _harness import ROOT
from validate import best_interleaved, make_flow

from editor.flowcore.diff import diff_documents

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


def make_document(size: int) -> dict[str, Any]:
    """The validate benchmark's flow of ``size`` steps as a FlowStudio document, every step placed and labelled."""
    steps = make_flow(size)["flow"]
    layout = {s["id"]: {"x": (i % 8) * 320, "y": (i // 8) * 200, "label": f"Step {i}"} for i, s in enumerate(steps)}
    return {"steps": steps, "layout": layout, "settings": {"record": False}}


def edited(document: dict[str, Any], *, changed: float, renamed: float) -> dict[str, Any]:
    """A copy with ``changed`` of the steps edited (text, connection, label or place, in turns) and
    ``renamed`` of them given new ids that the references and the layout follow."""
    doc = copy.deepcopy(document)
    steps, layout = doc["steps"], doc["layout"]
    every = max(1, round(1 / changed))
    for i in range(1, len(steps), every):
        step, kind = steps[i], (i // every) % 4
        if kind == 0 and "text" in step:
            step["text"] = step["text"] + " (new wording)"
        elif kind == 1 and isinstance(step.get("next_step"), str):
            step["next_step"] = "0"
        elif kind == 2:
            layout[step["id"]]["label"] = "Renamed label"
        else:
            layout[step["id"]]["x"] += 40  # only moved: not a change
    if renamed:
        every = max(1, round(1 / renamed))
        new_ids = {s["id"]: f"r{s['id']}" for i, s in enumerate(steps) if i % every == 3}
        for step in steps:
            if step["id"] in new_ids:
                layout[new_ids[step["id"]]] = layout.pop(step["id"])
                step["id"] = new_ids[step["id"]]
            target = step.get("next_step")
            if isinstance(target, str):
                step["next_step"] = new_ids.get(target, target)
            elif isinstance(target, dict):
                step["next_step"] = {key: new_ids.get(ref, ref) for key, ref in target.items()}
    return doc


def measure_core(repeat: int) -> None:
    # Each side is read from its own JSON text, as the API reads two versions from the database: no
    # object is shared between them (an edited deep copy would share every string with the original).
    first = make_document(10_000)
    text = json.dumps(first)
    base = json.loads(text)
    cases = {
        "1 % changed": json.loads(json.dumps(edited(first, changed=0.01, renamed=0))),
        "20 % renamed, 1 % changed": json.loads(json.dumps(edited(first, changed=0.01, renamed=0.2))),
    }
    for name, other in cases.items():
        summary = diff_documents(base, other)["summary"]
        run = lambda other=other: diff_documents(base, other)  # noqa: E731
        took, loads = best_interleaved(repeat, run, lambda: json.loads(text))
        print(
            f"10,000 steps ({len(text) / 1e6:.1f} MB JSON), {name} ({summary['changed']} changed, "
            f"{summary['renamed']} renamed): diff {took * 1e3:.1f} ms | json.loads {loads * 1e3:.1f} ms | "
            f"ratio {took / loads:.2f} (target <= 3)"
        )


def setup_flow() -> tuple[str, int]:
    """A 1,000-step flow with two versions; the draft holds version 1 again, so version 2 and the
    draft are the two 1,000-step sides compared (5 % changed, 5 % renamed)."""
    from _project import Membership, Team, flow_create, flow_publish
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from editor.flows.services.flows import flow_update

    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    team = Team.objects.create(name="Bench", slug="bench")
    Membership.objects.create(team=team, user=user, role="owner")
    first = make_document(1_000)
    flow = flow_create(team=team, user=user, name="1000 steps", document=first)
    flow_publish(flow=flow, user=user)
    flow = flow_update(flow=flow, user=user, base_revision=flow.revision,
                       document=edited(first, changed=0.05, renamed=0.05))  # fmt: skip
    flow_publish(flow=flow, user=user)
    flow_update(flow=flow, user=user, base_revision=flow.revision, document=first)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value, flow.pk


def measure_browser(repeat: int) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server, base = h.threaded_django_server(Path(tmp))
        cookie, flow_id = setup_flow()
        editor_url = f"{base}/flows/{flow_id}/edit"
        compare_url = f"{editor_url}?compare=1&from=2&to=draft"
        opened: list[float] = []
        compared: list[float] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
            page = context.new_page()

            def ready_at(url: str, mark: str) -> float:
                page.goto(url)
                # A function, not an expression: the site's Content-Security-Policy (script-src 'self')
                # forbids the eval Playwright would run an expression's text through.
                return page.wait_for_function(f"() => window.{mark} && window.{mark}.readyAt",
                                              timeout=120_000).json_value()  # fmt: skip

            ready_at(editor_url, "__flowEditor")  # warm the server and the caches
            for _ in range(repeat):
                opened.append(ready_at(editor_url, "__flowEditor"))
                compared.append(ready_at(compare_url, "__flowCompare"))
            marked = page.locator('[data-testid="compare-item"]').count()
            browser.close()
        server.shutdown()
    editor, compare = statistics.median(opened), statistics.median(compared)
    print(
        f"1,000 steps, version 2 against the draft ({marked} changes listed): editor ready {editor:.0f} ms | "
        f"Compare ready {compare:.0f} ms | ratio {compare / editor:.2f} (target <= 1.5), median of {repeat}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="rounds of the flow-core part; the best counts")
    parser.add_argument("--browser-repeat", type=int, default=5, help="rounds of the browser part; the median counts")
    parser.add_argument("--no-browser", action="store_true", help="only the flow-core part")
    args = parser.parse_args()
    print(f"diff benchmark, Python {sys.version.split()[0]}")
    measure_core(args.repeat)
    if args.no_browser:
        return
    if not (ROOT / "static" / "editor" / "editor.js").exists():
        sys.exit("Build the editor first: make frontend")
    measure_browser(args.browser_repeat)


if __name__ == "__main__":
    main()
