"""Generating scenarios: the distinct paths from the start, each as a scenario to review and name.

Paths are found by running the flow (the interpreter is the single source of truth) and, at each
point where it waits, trying every choice: each exact digits key, one "other input" (the ``*``
branch, or the end of the call when there is no ``*``), and both outcomes of each http step. The
search is depth first, trying first the branches no path found so far takes, so that a search cut
short by a bound still covers as many branches as it can. A choice that would enter a step already run
``max_visits`` times on the path is skipped (loops are walked a bounded number of times); at most
``max_paths`` scenarios are made, within a budget of runs and seconds (``truncated`` says when a
bound cut the search short). Each path is replayed from the start: no run state is ever copied.
"""

from __future__ import annotations

import time
from typing import Any

from .interpret import KEYPAD, InputError, Limits, Program, Run, Waiting
from .scenario import Inputs, empty_inputs, expectations_of

MAX_PATHS = 500
Choice = tuple[str, str, str]  # (kind, step, value)


def other_input(count: int, keys: list[str]) -> str:
    """Keys a caller could type that match no exact branch key (so ``*`` is taken, or the call ends)."""
    if count > 1:
        return ("1234567890" * (count // 10 + 1))[:count]
    for digit in "0123456789":
        if digit not in keys:
            return digit
    return "#"


def _options(run: Run, waiting: Waiting, max_visits: int) -> list[tuple[str, str, str]]:
    """(value, description, branch key) of each choice at the point where the run waits."""
    step = run.program.steps[waiting["step"]]
    branches: dict[str, Any] = step["next_step"]
    name = run.program.name(waiting["step"])
    choices: list[tuple[str, str, str, Any]] = []
    if waiting["kind"] == "digits":
        count = waiting["count"]
        exact = [key for key in waiting["keys"] if key != "*"]
        for key in exact:
            if 0 < len(key) <= count and set(key) <= KEYPAD:
                choices.append((key, f"types {key} at {name}", key, branches[key]))
        value = other_input(count, exact)
        if "*" in branches:
            choices.append((value, f"types {value} (any other input) at {name}", "*", branches["*"]))
        else:
            choices.append((value, f"types {value} (no branch: the call ends) at {name}", "", None))
    else:
        for outcome in ("success", "fail"):
            words = f"the request {'succeeds' if outcome == 'success' else 'fails'} at {name}"
            choices.append((outcome, words, outcome, branches.get(outcome)))
    return [
        (value, words, key)
        for value, words, key, target in choices
        if target is None or run.visits.get(str(target), 0) < max_visits
    ]


def _replay(program: Program, choices: list[Choice], limits: Limits) -> Run:
    run = Run(program, limits=limits)
    for kind, _, value in choices:
        if kind == "digits":
            run.provide_digits(value)
        else:
            run.provide_http(value)
    return run


def generate(
    program: Program | Any,
    *,
    max_paths: int = 200,
    max_visits: int = 2,
    limits: Limits | None = None,
    max_seconds: float = 10.0,
) -> dict[str, Any]:
    """``{"scenarios": [{"name", "inputs", "expectations"}], "truncated": bool}``."""
    program = program if isinstance(program, Program) else Program(program)
    max_paths = max(1, min(max_paths, MAX_PATHS))
    limits = limits or Limits(max_steps=max(1000, (max_visits + 1) * len(program.steps)), max_seconds=2.0)
    deadline = time.monotonic() + max_seconds
    budget = 20 * max_paths + 100
    stack: list[tuple[list[Choice], list[str]]] = [([], [])]
    found: list[dict[str, Any]] = []
    covered: set[tuple[str, str]] = set()
    truncated = False
    while stack:
        if len(found) >= max_paths or budget <= 0 or time.monotonic() > deadline:
            truncated = True
            break
        choices, words = stack.pop()
        budget -= 1
        try:
            run = _replay(program, choices, limits)
        except InputError:  # cannot happen for choices made here; skip rather than fail the search
            continue
        if run.status != "waiting" or run.waiting is None:
            found.append(_scenario(len(found) + 1, run, choices, words))
            covered.update(run.taken())
            continue
        waiting = run.waiting
        options = _options(run, waiting, max_visits)
        # Branches no path has taken yet first, else in the step's order; the stack pops the last one pushed.
        options.sort(key=lambda option: (waiting["step"], option[2]) in covered)
        for value, description, _ in reversed(options):
            stack.append(([*choices, (waiting["kind"], waiting["step"], value)], [*words, description]))
    return {"scenarios": found, "truncated": truncated}


def _scenario(number: int, run: Run, choices: list[Choice], words: list[str]) -> dict[str, Any]:
    inputs: Inputs = empty_inputs()
    for kind, sid, value in choices:
        inputs["digits" if kind == "digits" else "http"].setdefault(sid, []).append(value)  # type: ignore[literal-required]
    summary = ", ".join(words) if words else "no input needed"
    name = f"Path {number}: {summary}"
    return {
        "name": name if len(name) <= 200 else name[:199] + "…",
        "inputs": inputs,
        "expectations": expectations_of(run),
    }
