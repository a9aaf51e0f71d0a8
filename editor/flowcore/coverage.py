"""Branch coverage: which ``next_step`` branches the flow's scenarios take, and which none does.

A branch is one key of a step's ``next_step``: each key of a digits or http step's object (a null
target included: that outcome ends the call), and ``"next"`` for a plain next step that names a
step. Steps of unknown types and malformed ``next_step`` values have no branches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from .interpret import NEXT, Program
from .parse import id_text


class Branch(TypedDict):
    step: str
    key: str
    to: str | None
    taken: bool
    scenarios: list[str]  # names of the scenarios that take it


def branches_of(program: Program) -> list[tuple[str, str, str | None]]:
    """(step, key, target) of every branch, in step order then key order (digits before ``*``)."""
    found: list[tuple[str, str, str | None]] = []
    for sid, step in program.steps.items():
        target = step.get("next_step")
        if isinstance(target, dict):
            for key in sorted(target, key=lambda k: (str(k) == "*", str(k))):
                value = target[key]
                found.append((sid, str(key), id_text(value) if value is not None else None))
        elif target is not None and id_text(target) is not None:
            found.append((sid, NEXT, id_text(target)))
    return found


def coverage(program: Program | Any, runs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Coverage of a flow by runs given as ``{"name", "edges": [{"step", "key"}], "path": [ids]}``.

    Returns ``{"branches": [Branch], "total", "taken", "untaken": [{"step", "key", "to"}],
    "untested_steps": [ids no run visits]}``.
    """
    program = program if isinstance(program, Program) else Program(program)
    names: dict[tuple[str, str], set[str]] = {}
    visited: set[str] = set()
    for run in runs:
        visited.update(run.get("path") or ())
        for edge in run.get("edges") or ():
            names.setdefault((edge["step"], edge["key"]), set()).add(str(run.get("name", "")))
    rows: list[Branch] = []
    for sid, key, to in branches_of(program):
        who = sorted(names.get((sid, key), ()))
        rows.append({"step": sid, "key": key, "to": to, "taken": bool(who), "scenarios": who})
    taken = sum(1 for row in rows if row["taken"])
    return {
        "branches": rows,
        "total": len(rows),
        "taken": taken,
        "untaken": [{"step": r["step"], "key": r["key"], "to": r["to"]} for r in rows if not r["taken"]],
        "untested_steps": [sid for sid in program.steps if sid not in visited],
    }
