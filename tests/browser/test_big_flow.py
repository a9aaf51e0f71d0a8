"""Big flows: one made without positions (as the API makes them) opens laid out and checked, and the
layout worker places tens of thousands of steps without piling them up or running out of stack."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import node, open_editor, wait_saved

STEPS = 3_000
# The size the editor lays out steps it has not measured yet (frontend/src/editor/layout.ts).
WIDTH, HEIGHT = 250, 110


def big_document(size: int) -> dict:
    """Steps only, no layout: a call, then play steps, digits menus (key 9 goes back a step: a loop),
    http steps whose failures all end at the last step, and two steps nothing leads to."""
    steps: list[dict] = [{"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100"}]
    kinds = ("play", "digits", "http", "play")
    for i in range(1, size - 3):
        kind = kinds[i % len(kinds)]
        step: dict = {"id": str(i), "type": kind}
        if kind == "play":
            step["text"] = f"Message {i}"
        elif kind == "digits":
            step.update(count=1, variable=f"v{i}")
        else:
            step.update(url=f"https://example.com/s/{i}", method="POST")
        steps.append(step)
    last = str(size - 3)
    steps.append({"id": last, "type": "play", "text": "Goodbye"})
    steps.append({"id": "lost", "type": "play", "text": "Nothing leads here", "next_step": "lost-too"})
    steps.append({"id": "lost-too", "type": "play", "text": "Nor here"})
    for i, step in enumerate(steps[: size - 3]):
        nxt = str(i + 1)
        if step["type"] == "digits":
            step["next_step"] = {"*": nxt, "1": str(min(i + 2, size - 3)), "9": str(i - 1)}
        elif step["type"] == "http":
            step["next_step"] = {"success": nxt, "fail": last}
        else:
            step["next_step"] = nxt
    return {"steps": steps, "settings": {"record": False}}


def overlapping(rects: list[tuple[float, float, float, float]]) -> list[tuple]:
    """Pairs of (x, y, width, height) rectangles that overlap (a sweep down the page)."""
    found = []
    ordered = sorted(rects, key=lambda r: (r[1], r[0]))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b[1] >= a[1] + a[3]:
                break
            if a[0] < b[0] + b[2] and b[0] < a[0] + a[2]:
                found.append((a, b))
    return found


def test_a_big_flow_without_positions_opens_laid_out_and_checked(owner_page, live_server, make_flow, shot):
    page = owner_page
    flow = make_flow("Big, no layout", big_document(STEPS))
    assert not flow.document.get("layout")
    checks: list[int] = []
    page.on("response", lambda r: "/api/flows/validate/" in r.url and checks.append(r.status))
    open_editor(page, live_server, flow)
    expect(page.get_by_test_id("notice")).to_have_count(0)  # nothing to say about the flow's shape

    # The start is on screen, with the steps around it at distinct places, none on another.
    canvas = page.get_by_test_id("canvas").bounding_box()
    start = node(page, "0").bounding_box()
    assert start is not None
    assert canvas["x"] <= start["x"] and start["x"] + start["width"] <= canvas["x"] + canvas["width"]
    assert canvas["y"] <= start["y"] and start["y"] + start["height"] <= canvas["y"] + canvas["height"]
    boxes = page.locator(".fs-node").evaluate_all(
        "nodes => nodes.map(n => { const r = n.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"
    )
    assert len(boxes) >= 4
    assert len({(round(b[0]), round(b[1])) for b in boxes}) == len(boxes)
    assert overlapping([tuple(b) for b in boxes]) == []
    # Windowed: React Flow holds the steps near the view, not all 3,000.
    assert len(boxes) < 200

    # Checked: the check went through (positions are not sent) and its answer is shown.
    expect(page.locator(".fs-checking")).to_have_count(0)
    expect(page.get_by_test_id("too-big-to-check")).to_have_count(0)
    assert checks and set(checks) == {200}
    shot(page, "big-flow-opened-without-positions")

    # The layout is saved with the next change: every step has a place of its own.
    box = node(page, "1").bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 90, box["y"] + 30, steps=5)
    page.mouse.up()
    wait_saved(page)
    assert page.errors == []
    flow.refresh_from_db()
    layout = flow.document["layout"]
    ids = [s["id"] for s in flow.document["steps"]]
    assert set(layout) == set(ids)
    rects = [(layout[i]["x"], layout[i]["y"], WIDTH, HEIGHT) for i in ids if i != "1"]  # step 1 was moved by hand
    assert overlapping(rects) == []
    # Top to bottom: the start first, the goodbye that every failure ends in below the steps before it.
    last = str(STEPS - 3)
    assert layout["0"]["y"] == min(p["y"] for p in layout.values())
    assert layout[last]["y"] > layout[str(STEPS - 4)]["y"]


# The worker on its own: what it answers for inputs the page never makes this big.
LAYOUT = """async ({ count, long }) => {
  const url = JSON.parse(document.getElementById("editor-config").textContent).layoutWorkerUrl;
  const widths = new Float64Array(count).fill(250);
  const heights = new Float64Array(count);
  for (let i = 0; i < count; i++) heights[i] = 90 + (i % 3) * 20;
  const pairs = [];
  for (let i = 0; i < count - 1; i++) {
    pairs.push(i, i + 1);
    if (i % 4 === 1) pairs.push(i, Math.min(i + 2, count - 1));
    if (long && i % 4 === 2) pairs.push(i, count - 1);
    if (i % 97 === 5) pairs.push(i, Math.max(0, i - 30));
  }
  const worker = new Worker(url);
  const answer = await new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data);
    const ids = Array.from({ length: count }, (_, i) => String(i));
    worker.postMessage({ id: 1, input: { ids, widths, heights, edges: Int32Array.from(pairs) } });
  });
  worker.terminate();
  return answer.error ? { error: answer.error } : { corners: Array.from(answer.corners), heights: Array.from(heights) };
}"""


def laid_out(page, count: int, long: bool) -> list[tuple[float, float, float, float]]:
    answer = page.evaluate(LAYOUT, {"count": count, "long": long})
    assert "error" not in answer, answer.get("error")
    corners, heights = answer["corners"], answer["heights"]
    assert len(corners) == 2 * count
    return [(corners[2 * i], corners[2 * i + 1], 250, heights[i]) for i in range(count)]


def test_the_layout_worker_places_fifty_thousand_steps_apart(owner_page, live_server, make_flow):
    page = owner_page
    open_editor(page, live_server, make_flow("Small"))
    for count, long in ((50_000, True), (50_000, False), (60, True), (12, False)):
        rects = laid_out(page, count, long)
        assert overlapping(rects) == [], f"{count} steps"
        assert len({(r[0], r[1]) for r in rects}) == count
        # Connections go down the page except the loops' ways back: a chain reads top to bottom.
        assert all(rects[i][1] < rects[i + 1][1] for i in range(count - 1)), f"{count} steps"
    assert page.errors == []
