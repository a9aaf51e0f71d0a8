"""Finding the step ids a save renamed, so that saved scenarios can follow them.

The editor saves whole documents, so a rename shows up as an id that disappeared and another that
appeared. ``detect_renames(before, after)`` pairs them when the evidence is unambiguous. An old id
``a`` and a new id ``b`` (``a`` gone, ``b`` new) are paired when the step with id ``b`` is the same
kind of step as ``a`` and at least one of these holds:

* its fields (all but ``id`` and ``next_step``) are unchanged;
* it sits at the same place in the step list;
* its layout entry (position, label) is the one ``a`` had;
* steps present in both documents now point at ``b`` where they pointed at ``a`` (same branch key).

Each clue scores a point; a pair needs the same kind and two points, and both ids must have no other
candidate at the best score. Anything ambiguous is left alone: a scenario that names a vanished step
then fails with a clear difference, which is better than a wrong rename. Swapping two ids in one save
is not detected (no id appears or disappears); the editor cannot do that in one edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .parse import Extracted, extract, id_text

_IGNORED = frozenset({"id", "next_step"})


def _steps(document: Any) -> tuple[dict[str, tuple[int, dict[str, Any]]], Mapping[str, Any]]:
    found = extract(document)
    if not isinstance(found, Extracted):
        return {}, {}
    steps: dict[str, tuple[int, dict[str, Any]]] = {}
    for position, step in enumerate(found.steps):
        sid = id_text(step.get("id")) if isinstance(step, dict) else None
        if sid is not None:
            steps.setdefault(sid, (position, step))
    return steps, found.layout


def _targets(step: dict[str, Any]) -> dict[str, str]:
    value = step.get("next_step")
    if isinstance(value, dict):
        found = {str(key): id_text(target) for key, target in value.items()}
        return {key: target for key, target in found.items() if target is not None}
    target = id_text(value) if value is not None else None
    return {"next": target} if target is not None else {}


def _body(step: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in step.items() if key not in _IGNORED}


def detect_renames(before: Any, after: Any) -> dict[str, str]:
    """``{old id: new id}`` for the steps ``after`` renamed, when that is unambiguous."""
    old, old_layout = _steps(before)
    new, new_layout = _steps(after)
    gone = [sid for sid in old if sid not in new]
    added = [sid for sid in new if sid not in old]
    if not gone or not added:
        return {}
    votes: dict[tuple[str, str], int] = {}
    for sid in old.keys() & new.keys():  # references from steps that kept their id
        was, now = _targets(old[sid][1]), _targets(new[sid][1])
        for key, target in was.items():
            moved = now.get(key)
            if moved is not None and moved != target and target in gone and moved in added:
                votes[(target, moved)] = votes.get((target, moved), 0) + 1
    scores: dict[tuple[str, str], int] = {}
    for a in gone:
        position_a, step_a = old[a]
        for b in added:
            position_b, step_b = new[b]
            if step_a.get("type") != step_b.get("type"):
                continue
            score = (_body(step_a) == _body(step_b)) + (position_a == position_b) + (votes.get((a, b), 0) > 0)
            entry_a, entry_b = old_layout.get(a), new_layout.get(b)
            score += isinstance(entry_a, dict) and entry_a == entry_b
            if score >= 2:
                scores[(a, b)] = score
    renames: dict[str, str] = {}
    for (a, b), score in scores.items():
        rivals = [s for (x, y), s in scores.items() if (x == a) != (y == b)]  # shares one id only
        if all(rival < score for rival in rivals):
            renames[a] = b
    return renames


def rename_in_scenario(scenario: Mapping[str, Any], renames: Mapping[str, str]) -> dict[str, Any] | None:
    """The scenario's ``inputs`` and ``expectations`` with renamed ids, or None when it names none of them."""
    inputs = scenario.get("inputs") or {}
    expectations = scenario.get("expectations") or {}
    changed = False

    def new(sid: Any) -> Any:
        nonlocal changed
        if isinstance(sid, str) and sid in renames:
            changed = True
            return renames[sid]
        return sid

    new_inputs = (
        {
            kind: {new(sid): values for sid, values in per_step.items()} if isinstance(per_step, dict) else per_step
            for kind, per_step in inputs.items()
        }
        if isinstance(inputs, dict)
        else inputs
    )
    new_expectations = dict(expectations) if isinstance(expectations, dict) else expectations
    if isinstance(new_expectations, dict):
        if isinstance(new_expectations.get("steps"), list):
            new_expectations["steps"] = [new(sid) for sid in new_expectations["steps"]]
        if "ends_at" in new_expectations:
            new_expectations["ends_at"] = new(new_expectations["ends_at"])
    if not changed:
        return None
    return {"inputs": new_inputs, "expectations": new_expectations}
