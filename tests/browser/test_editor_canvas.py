"""A readable canvas: the zoom a flow opens at, branch words, where new steps land, the name."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.browser import node, open_editor

LONG_NAME = "Samespace example (as computed by the importer)"

# Every kind of branch: digits with "*" and "1", http with both outcomes.
BRANCHES = {
    "steps": [
        {"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"},
        {"id": "1", "type": "digits", "count": 1, "variable": "choice", "next_step": {"*": "2", "1": "3"}},
        {"id": "2", "type": "http", "url": "https://example.com/x", "next_step": {"success": "3", "fail": "4"}},
        {"id": "3", "type": "play", "text": "Thanks"},
        {"id": "4", "type": "play", "text": "Sorry"},
    ],
    "layout": {
        "0": {"x": 0, "y": 0},
        "1": {"x": 0, "y": 200},
        "2": {"x": -160, "y": 420},
        "3": {"x": 160, "y": 640},
        "4": {"x": -160, "y": 640},
    },
    "settings": {"record": False},
}


def chain(count: int) -> dict:
    steps = [{"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"}]
    steps += [{"id": str(i), "type": "play", "text": f"Message {i}", "next_step": str(i + 1)} for i in range(1, count)]
    steps[-1].pop("next_step")
    return {"steps": steps, "layout": {str(i): {"x": 0, "y": 200 * i} for i in range(count)}, "settings": {}}


def on_screen_sizes(page: Page) -> dict:
    """The smallest text (px on screen) and the smallest connection dot of the steps drawn in view."""
    return page.evaluate(
        """() => {
            const canvas = document.querySelector('.fs-canvas').getBoundingClientRect();
            const inView = (r) => r.right > canvas.left && r.left < canvas.right
                && r.bottom > canvas.top && r.top < canvas.bottom;
            let text = Infinity, dot = Infinity, nodes = 0;
            for (const n of document.querySelectorAll('.fs-node')) {
                const box = n.getBoundingClientRect();
                if (!inView(box)) continue;
                nodes += 1;
                const scale = box.width / n.offsetWidth;
                const walker = document.createTreeWalker(n, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                    const el = walker.currentNode.parentElement;
                    if (!walker.currentNode.textContent.trim() || el.closest('[aria-hidden=true]')) continue;
                    text = Math.min(text, parseFloat(getComputedStyle(el).fontSize) * scale);
                }
                for (const h of n.querySelectorAll('.react-flow__handle')) {
                    const r = h.getBoundingClientRect();
                    dot = Math.min(dot, r.width, r.height);
                }
            }
            return {text, dot, nodes};
        }"""
    )


def test_it_opens_a_small_flow_readable_with_branches_in_words(owner_page, live_server, make_flow, shot):
    page = owner_page
    flow = make_flow(LONG_NAME, BRANCHES)
    open_editor(page, live_server, flow)
    sizes = on_screen_sizes(page)
    assert sizes["nodes"] == 5, sizes  # the whole small flow is in view
    assert sizes["text"] >= 12, sizes
    assert sizes["dot"] >= 12, sizes

    # Branches say what they mean, on the step and on its connections (words from editor/flowcore/blocks.py).
    expect(node(page, "1").locator('.fs-port[data-port="*"]')).to_have_text("any other key")
    expect(node(page, "1").locator('.fs-port[data-port="1"]')).to_have_text("1")
    expect(node(page, "2").locator('.fs-port[data-port="success"]')).to_have_text("if it works")
    expect(node(page, "2").locator('.fs-port[data-port="fail"]')).to_have_text("if it fails")
    labels = page.locator(".react-flow__edge-text").all_text_contents()
    assert sorted(labels) == ["1", "any other key", "if it fails", "if it works"], labels
    node(page, "2").click()
    expect(page.locator("label[for=branch-success]")).to_have_text("if it works")

    shot(page, "editor-readable")
    # The name uses the room there is, whole, and says itself in full on hover.
    name = page.get_by_label("Flow name")
    expect(name).to_have_attribute("title", LONG_NAME)
    assert name.evaluate("el => el.scrollWidth <= el.clientWidth"), "the flow's name is cut"


def test_it_opens_a_long_flow_on_its_start_readable(owner_page, live_server, make_flow):
    page = owner_page
    flow = make_flow("Long", chain(30))
    open_editor(page, live_server, flow)
    sizes = on_screen_sizes(page)
    assert sizes["text"] >= 12 and sizes["dot"] >= 12, sizes
    start = node(page, "0").bounding_box()
    canvas = page.get_by_test_id("canvas").bounding_box()
    assert start and canvas
    assert canvas["y"] <= start["y"] and start["y"] + start["height"] <= canvas["y"] + canvas["height"]
    assert canvas["x"] <= start["x"] and start["x"] + start["width"] <= canvas["x"] + canvas["width"]


def boxes_overlap(a: dict, b: dict) -> bool:
    across = a["x"] < b["x"] + b["width"] and a["x"] + a["width"] > b["x"]
    return across and a["y"] < b["y"] + b["height"] and a["y"] + a["height"] > b["y"]


def test_it_puts_a_block_from_the_palette_in_free_space_in_view(owner_page, live_server, make_flow):
    page = owner_page
    flow = make_flow("Free space", BRANCHES)
    open_editor(page, live_server, flow)
    canvas = page.get_by_test_id("canvas").bounding_box()
    assert canvas
    covers = [page.locator(sel).bounding_box() for sel in (".fs-overview", ".react-flow__controls", ".fs-sim-toggle")]
    seen = {"0", "1", "2", "3", "4"}
    for block in ["play", "connect", "http", "play"]:
        page.get_by_test_id("canvas").locator(".react-flow__pane").click(position={"x": 5, "y": 5})  # nothing selected
        expect(page.locator(".fs-node.is-selected")).to_have_count(0)
        page.locator(f'.fs-palette-item[data-block="{block}"]').click()
        added = page.locator(".fs-node.is-selected")
        expect(added).to_have_count(1)
        new_id = added.get_attribute("data-step-id")
        assert new_id not in seen
        seen.add(new_id)
        page.wait_for_timeout(300)  # the view may move to show it
        box = added.bounding_box()
        assert box
        assert canvas["x"] <= box["x"] and box["x"] + box["width"] <= canvas["x"] + canvas["width"], (box, canvas)
        assert canvas["y"] <= box["y"] and box["y"] + box["height"] <= canvas["y"] + canvas["height"], (box, canvas)
        others = [n.bounding_box() for n in page.locator(".fs-node:not(.is-selected)").all()]
        assert not any(o and boxes_overlap(box, o) for o in others), "the new step lies on another step"
        assert not any(c and boxes_overlap(box, c) for c in covers), "the new step lies under the overview or a button"
