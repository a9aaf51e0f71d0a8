"""Panels beside the work, not over it: the simulator's dock and the problems line."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.browser import node, open_editor, show_problems


def long_menu() -> dict:
    """A call, eight messages, a keypress step far below the start (out of view when the flow opens), thanks."""
    steps = [{"id": "0", "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100", "next_step": "1"}]
    steps += [{"id": str(i), "type": "play", "text": f"Message {i}", "next_step": str(i + 1)} for i in range(1, 9)]
    steps.append({"id": "9", "type": "digits", "count": 1, "variable": "choice", "next_step": {"*": "10"}})
    steps.append({"id": "10", "type": "play", "text": "Thanks"})
    return {"steps": steps, "layout": {str(i): {"x": 0, "y": 200 * i} for i in range(11)}, "settings": {}}


def inside(box: dict, outer: dict) -> bool:
    return (
        outer["x"] <= box["x"]
        and box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5
        and outer["y"] <= box["y"]
        and box["y"] + box["height"] <= outer["y"] + outer["height"] + 0.5
    )


def box(page: Page, test_id: str) -> dict:
    found = page.get_by_test_id(test_id).bounding_box()
    assert found
    return found


def test_it_docks_the_simulator_beside_the_canvas(owner_page, live_server, make_flow, shot):
    page = owner_page
    flow = make_flow("Long menu", long_menu())
    open_editor(page, live_server, flow)
    before = box(page, "canvas")

    page.get_by_test_id("simulator-open").click()
    dock = box(page, "side-dock")
    canvas = box(page, "canvas")
    # The canvas shrinks by the dock's width; nothing of the dock lies over it.
    assert canvas["width"] <= before["width"] - dock["width"] + 1, (before, canvas, dock)
    assert canvas["x"] + canvas["width"] <= dock["x"] + 0.5

    # The step the run waits at is brought into view, beside the dock.
    page.get_by_test_id("sim-start").click()
    expect(page.get_by_test_id("sim-keypad")).to_be_visible()
    page.wait_for_timeout(400)  # the view glides to it
    assert inside(node(page, "9").bounding_box(), box(page, "canvas"))
    shot(page, "editor-simulator-docked")

    # The separator resizes the dock from the keyboard; the canvas gives the room, the step stays in view.
    separator = page.get_by_role("separator", name="Resize the simulator")
    width = int(separator.get_attribute("aria-valuenow"))
    separator.focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    expect(separator).to_have_attribute("aria-valuenow", str(width + 72))
    page.wait_for_timeout(400)
    assert abs(box(page, "side-dock")["width"] - (width + 72)) <= 1
    assert box(page, "canvas")["width"] < canvas["width"] - 60
    assert inside(node(page, "9").bounding_box(), box(page, "canvas"))
    page.keyboard.press("Home")
    expect(separator).to_have_attribute("aria-valuenow", "300")

    # And with the pointer: dragging it left makes the dock wider.
    handle = separator.bounding_box()
    assert handle
    page.mouse.move(handle["x"] + 4, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(handle["x"] - 100, handle["y"] + handle["height"] / 2, steps=5)
    page.mouse.up()
    assert 395 <= int(separator.get_attribute("aria-valuenow")) <= 405

    # The width is kept for next time.
    page.get_by_role("button", name="Close the simulator").click()
    page.get_by_test_id("simulator-open").click()
    assert 395 <= box(page, "side-dock")["width"] <= 405
    assert page.errors == []


def test_it_folds_the_problems_into_one_line(owner_page, live_server, make_flow):
    page = owner_page
    document = long_menu()
    document["steps"][9]["next_step"]["1"] = "42"  # a problem: there is no step 42
    flow = make_flow("With a problem", document)
    open_editor(page, live_server, flow)

    panel = page.get_by_test_id("problems")
    summary = page.get_by_test_id("problems-summary")
    expect(summary).to_have_text("1 problem to fix")
    line = panel.bounding_box()
    assert line and line["height"] <= 48, line  # one line: the list is folded away
    expect(panel.locator(".fs-problem")).to_have_count(0)

    show_problems(page)
    expect(panel.locator('.fs-problem[data-code="dangling_next_step"]')).to_be_visible()
    canvas_open = box(page, "canvas")["height"]
    panel.get_by_role("button", name="1 problem to fix").click()
    expect(panel.locator(".fs-problem")).to_have_count(0)
    assert box(page, "canvas")["height"] > canvas_open  # the canvas gets the room back
