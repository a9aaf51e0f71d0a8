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


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a JSON value: equal values (by ``==``) give equal stand-ins."""
    if isinstance(value, dict):
        try:  # flat objects, the usual step body or layout entry: no need to look inside the values
            return frozenset(value.items())
        except TypeError:
            return frozenset((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


def detect_renames(before: Any, after: Any) -> dict[str, str]:
    """``{old id: new id}`` for the steps ``after`` renamed, when that is unambiguous.

    Near-linear: a pair needs two clues and an unchanged body is only one, so every pair worth scoring
    shares its place in the list, a reference, or its layout entry (grouped by layout and body). A
    group of several same-looking steps only needs two members per id scored: any of them is a rival
    that keeps the others from winning on those two clues alone.
    """
    old, old_layout = _steps(before)
    new, new_layout = _steps(after)
    gone = [sid for sid in old if sid not in new]
    added = [sid for sid in new if sid not in old]
    if not gone or not added:
        return {}
    gone_set, added_set = set(gone), set(added)
    voted: set[tuple[str, str]] = set()
    for sid in old.keys() & new.keys():  # references from steps that kept their id
        if old[sid][1].get("next_step") == new[sid][1].get("next_step"):
            continue  # no reference moved: no vote
        was, now = _targets(old[sid][1]), _targets(new[sid][1])
        for key, target in was.items():
            moved = now.get(key)
            if moved is not None and moved != target and target in gone_set and moved in added_set:
                voted.add((target, moved))
    at_position = {new[b][0]: b for b in added}
    candidates = set(voted)
    for a in gone:
        b = at_position.get(old[a][0])
        if b is not None:
            candidates.add((a, b))
    groups: dict[Any, tuple[list[str], list[str]]] = {}
    for side, ids, steps, layout in ((0, gone, old, old_layout), (1, added, new, new_layout)):
        for sid in ids:
            entry = layout.get(sid)
            if isinstance(entry, dict):
                step = steps[sid][1]
                key = (_frozen(step.get("type")), _frozen(_body(step)), _frozen(entry))
                groups.setdefault(key, ([], []))[side].append(sid)
    for olds, news in groups.values():
        for a in olds:
            candidates.update((a, b) for b in news[:2])
        for b in news:
            candidates.update((a, b) for a in olds[:2])

    scores: dict[tuple[str, str], int] = {}
    for a, b in candidates:
        position_a, step_a = old[a]
        position_b, step_b = new[b]
        if step_a.get("type") != step_b.get("type"):
            continue
        score = (_body(step_a) == _body(step_b)) + (position_a == position_b) + ((a, b) in voted)
        entry_a, entry_b = old_layout.get(a), new_layout.get(b)
        score += isinstance(entry_a, dict) and entry_a == entry_b
        if score >= 2:
            scores[(a, b)] = score
    # The two best (score, partner) of each id: enough to find the best rival of any pair.
    best: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for (a, b), score in scores.items():
        for mine, partner in (((0, a), b), ((1, b), a)):
            top = best.setdefault(mine, [])
            top.append((score, partner))
            top.sort(reverse=True)
            del top[2:]
    renames: dict[str, str] = {}
    for (a, b), score in scores.items():
        rivals = [s for s, partner in best[(0, a)] if partner != b] + [s for s, partner in best[(1, b)] if partner != a]
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
