"""Small helpers for driving the canvas, and how Chromium is started (browser tests and bench/editor.py)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

# Debian's Chromium, never a downloaded browser; without the networking switches it keeps trying
# to reach Google's hosts, which this machine's closed network refuses.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def open_editor(page: Page, live_server, flow) -> None:
    page.goto(f"{live_server.url}/flows/{flow.pk}/edit")
    expect(page.locator("#flow-editor[data-ready=true]")).to_be_attached()


def node(page: Page, step_id: str):
    return page.locator(f'.fs-node[data-step-id="{step_id}"]')


def wait_checked(page: Page) -> None:
    """Wait until live validation has answered for the latest edit."""
    page.wait_for_timeout(50)
    expect(page.locator(".fs-checking", has_text="checking")).to_have_count(0, timeout=10000)


def wait_saved(page: Page) -> None:
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-status", "saved", timeout=10000)


def drag_block(page: Page, block: str, x: float, y: float) -> None:
    """Drag a block from the palette to a point of the canvas (page coordinates)."""
    page.locator(f'.fs-palette-item[data-block="{block}"]').drag_to(
        page.get_by_test_id("canvas"), target_position={"x": x, "y": y}
    )


def connect(page: Page, source: str, port: str, target: str) -> None:
    """Drag from an output handle of one step to the input handle of another."""
    out = node(page, source).locator(f'.fs-port[data-port="{port}"] .react-flow__handle')
    into = node(page, target).locator(".react-flow__handle.target")
    a = out.bounding_box()
    b = into.bounding_box()
    assert a and b
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(a["x"] + 20, a["y"] + 40, steps=4)
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=8)
    page.mouse.up()


def edit_step(page: Page, step_id: str, **fields: str) -> None:
    """Select a step on the canvas and type into its inspector fields (``#field-<name>``)."""
    node(page, step_id).click()
    for name, value in fields.items():
        page.fill(f"#field-{name}", value)


def show_problems(page: Page) -> None:
    """Unfold the problems list below the canvas (it starts as one line: frontend/src/editor/Panels.tsx)."""
    head = page.get_by_test_id("problems").locator(".fs-problems-head")
    if head.get_attribute("aria-expanded") != "true":
        head.click()
    expect(head).to_have_attribute("aria-expanded", "true")
