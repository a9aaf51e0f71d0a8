"""Small builders for flows used by the flowcore tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def call(sid: Any = "0", next_step: Any = "1", **extra: Any) -> dict[str, Any]:
    step = {"id": sid, "type": "call", "number": "{{contact.number}}", "caller_id": "+14155550100"}
    if next_step is not None:
        step["next_step"] = next_step
    step.update(extra)
    return step


def play(sid: Any, next_step: Any = None, text: str = "Hello.", **extra: Any) -> dict[str, Any]:
    step: dict[str, Any] = {"id": sid, "type": "play", "text": text}
    if next_step is not None:
        step["next_step"] = next_step
    step.update(extra)
    return step


def digits(sid: Any, branches: Any, variable: str = "choice", count: Any = 1, **extra: Any) -> dict[str, Any]:
    step = {"id": sid, "type": "digits", "count": count, "variable": variable, "next_step": branches}
    step.update(extra)
    return step


def http(sid: Any, branches: Any, url: str = "https://example.com/api", **extra: Any) -> dict[str, Any]:
    step = {"id": sid, "type": "http", "url": url, "next_step": branches}
    step.update(extra)
    return step


def connect(sid: Any, next_step: Any = None, **extra: Any) -> dict[str, Any]:
    step = {"id": sid, "type": "connect", "number": "5263", "caller_id": "+14155550100"}
    if next_step is not None:
        step["next_step"] = next_step
    step.update(extra)
    return step


def summary(diagnostics: list[dict[str, Any]]) -> list[tuple[str, str | None, str | None]]:
    """(code, step, field) of each diagnostic, in the order given."""
    return [(d["code"], d["step"], d["field"]) for d in diagnostics]


def only(diagnostics: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    return [d for d in diagnostics if d["code"] == code]


def chain(length: int, *, variable: str | None = None) -> list[dict[str, Any]]:
    """A call followed by ``length - 1`` play steps in a row; with ``variable``, a digits step sets it
    right after the call and the last step uses it."""
    steps: list[dict[str, Any]] = [call("0", "1")]
    start = 1
    if variable is not None:
        steps.append(digits("1", {"*": "2"}, variable=variable))
        start = 2
    for index in range(start, length):
        text = f"{{{{{variable}}}}}" if variable is not None and index == length - 1 else f"Line {index}"
        steps.append(play(str(index), str(index + 1) if index + 1 < length else None, text=text))
    return steps
